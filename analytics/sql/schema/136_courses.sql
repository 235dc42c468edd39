-- Courses created by educators (Education.CourseCreated); `account` is the educator.
CREATE TABLE IF NOT EXISTS courses (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    course           BIGINT,
    account          VARCHAR,  -- educator
    modules          INTEGER,
    pass_score       INTEGER,
    content_hash     VARCHAR
);
