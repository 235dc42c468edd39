-- Meetings closed (SavingsGroups.MeetingClosed): who saved, who missed.
CREATE TABLE IF NOT EXISTS group_meetings (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    cycle            BIGINT,
    meeting          INTEGER,
    attended         INTEGER,
    missed           INTEGER
);
