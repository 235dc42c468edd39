-- Loans disbursed (Lending.LoanDisbursed): the loan is active from this block.
CREATE TABLE IF NOT EXISTS loan_disbursements (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    account          VARCHAR,  -- borrower
    lender           VARCHAR,
    asset            BIGINT,
    principal        HUGEINT,
    rate_bps         BIGINT,
    interest_kind    VARCHAR,  -- Flat | Declining
    term             INTEGER,
    interval_days    INTEGER,
    first_due        BIGINT  -- block
);
