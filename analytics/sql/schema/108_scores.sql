-- Every score change (Credit.ScoreUpdated): score NULL means insufficient history; reasons are reason codes,
-- the costliest first (see credit_reasons).
CREATE TABLE IF NOT EXISTS scores (
    block_number       BIGINT NOT NULL,
    extrinsic_index    INTEGER,
    event_index        INTEGER NOT NULL,
    day                INTEGER NOT NULL,
    account            VARCHAR,
    score              INTEGER,
    reasons            INTEGER[],
    scorecard_version  BIGINT
);
