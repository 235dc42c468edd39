-- The reason codes of every score change, one row a reason: rank 1 is the reason that cost the most.
CREATE TABLE IF NOT EXISTS score_reasons (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    account          VARCHAR,
    rank             INTEGER,
    reason           INTEGER
);
