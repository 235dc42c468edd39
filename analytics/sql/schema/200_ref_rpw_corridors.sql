-- Reference (analytics/reference/rpw_corridors_2025q1.csv): World Bank RPW 2025 Q1 average total cost of
-- sending USD 200 / USD 500 per corridor into KE, PH, NG, GT, in percent.
CREATE TABLE IF NOT EXISTS ref_rpw_corridors (
    corridor             VARCHAR,
    source_country       VARCHAR,
    destination_country  VARCHAR,
    source_code          VARCHAR,
    destination_code     VARCHAR,
    source_name          VARCHAR,
    destination_name     VARCHAR,
    avg_cost_pct_200usd  DOUBLE,
    avg_cost_pct_500usd  DOUBLE,
    avg_fx_margin_200usd DOUBLE,
    num_providers        INTEGER
);
