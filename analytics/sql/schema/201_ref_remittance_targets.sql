-- Reference (analytics/reference/remittance_targets.csv): the RPW global average and the SDG 10.c targets, in percent.
CREATE TABLE IF NOT EXISTS ref_remittance_targets (
    benchmark  VARCHAR,
    pct        DOUBLE,
    source     VARCHAR
);
