-- Loan products funded by a pool (InvestmentPool.ProductAttached).
CREATE TABLE IF NOT EXISTS pool_products (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    pool_id          BIGINT,
    product_id       BIGINT
);
