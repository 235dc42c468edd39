-- Loan requests: one row a loan, as requested (Lending.LoanRequested); `account` is the borrower, `score`
-- the borrower's score when asking (NULL: insufficient history).
CREATE TABLE IF NOT EXISTS loans (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    product_id       BIGINT,
    account          VARCHAR,  -- borrower
    lender           VARCHAR,
    asset            BIGINT,
    amount           HUGEINT,  -- principal asked
    rate_bps         BIGINT,  -- rate priced from the score
    score            INTEGER,
    guarantors       INTEGER
);
