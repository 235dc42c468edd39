-- Share-out payouts at cycle end (SavingsGroups.SharedOut).
CREATE TABLE IF NOT EXISTS group_shareouts (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    cycle            BIGINT,
    account          VARCHAR,  -- member
    shares           BIGINT,
    amount           HUGEINT
);
