-- Repayments of group loans (SavingsGroups.RepaymentMade), service charge first.
CREATE TABLE IF NOT EXISTS group_loan_repayments (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    account          VARCHAR,  -- member
    amount           HUGEINT,
    to_charge        HUGEINT,
    to_principal     HUGEINT
);
