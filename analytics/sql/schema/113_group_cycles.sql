-- Savings cycles started (SavingsGroups.CycleStarted).
CREATE TABLE IF NOT EXISTS group_cycles (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    cycle            BIGINT,
    start_block      BIGINT,
    end_block        BIGINT
);
