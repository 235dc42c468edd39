-- Learners enrolling in courses (Education.Enrolled).
CREATE TABLE IF NOT EXISTS enrolments (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    course           BIGINT,
    account          VARCHAR  -- learner
);
