-- Installments still unpaid after the grace period (Lending.InstallmentLate), with the late fee.
CREATE TABLE IF NOT EXISTS installment_lates (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    account          VARCHAR,  -- borrower
    installment      INTEGER,
    days_past_due    BIGINT,
    late_fee         HUGEINT
);
