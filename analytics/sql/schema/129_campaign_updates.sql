-- Campaign milestones and endings: milestone (attested), funded, failed, cancelled, closed.
CREATE TABLE IF NOT EXISTS campaign_updates (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    campaign         BIGINT,
    status           VARCHAR,
    raised           HUGEINT,
    goal             HUGEINT,
    milestone        INTEGER,
    account          VARCHAR,  -- validator
    amount           HUGEINT  -- milestone tranche
);
