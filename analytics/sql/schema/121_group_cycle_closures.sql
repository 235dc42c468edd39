-- Cycles closed and shared out (SavingsGroups.CycleClosed).
CREATE TABLE IF NOT EXISTS group_cycle_closures (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    cycle            BIGINT,
    distributed      HUGEINT,
    total_shares     BIGINT,
    losses           HUGEINT
);
