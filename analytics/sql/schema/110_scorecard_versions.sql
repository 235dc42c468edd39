-- Scorecard versions installed by governance (Credit.ScorecardSet).
CREATE TABLE IF NOT EXISTS scorecard_versions (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    version          BIGINT,
    features         INTEGER
);
