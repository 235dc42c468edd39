-- The installment schedule of each disbursed loan (Lending.ScheduleCreated), one row an installment
-- (0-based), with its due block and day and the principal and interest due.
CREATE TABLE IF NOT EXISTS installments (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    installment      INTEGER,
    due_block        BIGINT,
    due_day          INTEGER,
    principal        HUGEINT,
    interest         HUGEINT
);
