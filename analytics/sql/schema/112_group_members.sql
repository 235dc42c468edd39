-- Members joining groups (SavingsGroups.MemberJoined).
CREATE TABLE IF NOT EXISTS group_members (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    account          VARCHAR
);
