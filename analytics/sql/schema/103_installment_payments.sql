-- Installments paid in full (Lending.InstallmentPaid), on time or days late.
CREATE TABLE IF NOT EXISTS installment_payments (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    installment      INTEGER,  -- 0-based
    on_time          BOOLEAN,
    days_late        BIGINT
);
