-- FX rates posted by the oracle (Oracle.RatePosted): whole units of the asset per USD, times 10^6.
CREATE TABLE IF NOT EXISTS fx_rates (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    asset            BIGINT,
    rate             HUGEINT,
    account          VARCHAR  -- feeder
);
