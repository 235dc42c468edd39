-- Loan products offered (Lending.ProductCreated).
CREATE TABLE IF NOT EXISTS loan_products (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    product_id       BIGINT,
    lender           VARCHAR,
    asset            BIGINT,
    rate_bps         BIGINT,  -- base yearly rate
    term             INTEGER,  -- installments
    interval_days    INTEGER
);
