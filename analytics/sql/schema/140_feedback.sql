-- Learners' ratings of courses, 1 to 5 (Education.FeedbackGiven).
CREATE TABLE IF NOT EXISTS feedback (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    course           BIGINT,
    account          VARCHAR,  -- learner
    rating           INTEGER,
    comment_hash     VARCHAR
);
