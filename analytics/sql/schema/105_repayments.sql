-- Payments applied to loans (Lending.RepaymentMade): fees, then interest, then principal. `account` is the
-- payer (the borrower, anyone paying for them, a guarantor or the vouch stake account).
CREATE TABLE IF NOT EXISTS repayments (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    account          VARCHAR,  -- payer
    amount           HUGEINT,
    to_fees          HUGEINT,
    to_interest      HUGEINT,
    to_principal     HUGEINT,
    installment      INTEGER,  -- first installment reached
    days_late        BIGINT  -- days past due before it
);
