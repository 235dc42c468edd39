-- Module scores attested by the educator (Education.ModuleCompleted).
CREATE TABLE IF NOT EXISTS module_completions (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    course           BIGINT,
    account          VARCHAR,  -- learner
    module           INTEGER,
    score            INTEGER,
    passed           BOOLEAN
);
