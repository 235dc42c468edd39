-- A loan's life after the request: approved, rejected, cancelled, repaid, defaulted, written_off. `amount`:
-- outstanding principal at default, principal written off, interest waived when repaid early.
CREATE TABLE IF NOT EXISTS loan_status_changes (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    status           VARCHAR,
    account          VARCHAR,  -- borrower (when the event names one)
    lender           VARCHAR,
    asset            BIGINT,
    amount           HUGEINT,
    days_past_due    BIGINT,  -- at default
    automatic        BOOLEAN,  -- approved by the product's rules
    early            BOOLEAN  -- repaid before the schedule ended
);
