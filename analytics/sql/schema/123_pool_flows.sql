-- Deposits into and withdrawals from pools, with shares and the NAV before the flow.
CREATE TABLE IF NOT EXISTS pool_flows (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    pool_id          BIGINT,
    kind             VARCHAR,  -- deposit | withdrawal
    account          VARCHAR,
    amount           HUGEINT,
    shares           HUGEINT,
    nav              HUGEINT
);
