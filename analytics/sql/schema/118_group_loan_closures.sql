-- Group loans closed: repaid (on time or days late) or settled at share-out (owed, covered, shortfall).
CREATE TABLE IF NOT EXISTS group_loan_closures (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    account          VARCHAR,  -- member
    kind             VARCHAR,  -- repaid | settled
    on_time          BOOLEAN,
    days_late        BIGINT,
    owed             HUGEINT,
    covered          HUGEINT,
    shortfall        HUGEINT
);
