-- Loans from a group's fund to members (SavingsGroups.LoanDisbursed), with the service charge.
CREATE TABLE IF NOT EXISTS group_loans (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    account          VARCHAR,  -- member
    principal        HUGEINT,
    charge           HUGEINT,
    due_block        BIGINT
);
