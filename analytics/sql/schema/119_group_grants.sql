-- Emergency grants paid from a group's social fund (SavingsGroups.GrantPaid).
CREATE TABLE IF NOT EXISTS group_grants (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    account          VARCHAR,  -- member
    amount           HUGEINT
);
