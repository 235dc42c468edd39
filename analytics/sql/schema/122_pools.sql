-- Community investment pools (InvestmentPool.PoolCreated); `account` is the manager.
CREATE TABLE IF NOT EXISTS pools (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    pool_id          BIGINT,
    account          VARCHAR,  -- manager
    asset            BIGINT,
    pool_account     VARCHAR
);
