-- One row a block. `day` is the chain's own calendar: block_number // blocks_per_day.
CREATE TABLE IF NOT EXISTS blocks (
    block_number     BIGINT    NOT NULL,
    block_hash       VARCHAR   NOT NULL,
    parent_hash      VARCHAR   NOT NULL,
    state_root       VARCHAR   NOT NULL,
    extrinsics_root  VARCHAR   NOT NULL,
    timestamp_ms     BIGINT    NOT NULL,
    block_time       TIMESTAMP NOT NULL,
    day              INTEGER   NOT NULL,
    extrinsic_count  INTEGER   NOT NULL,
    event_count      INTEGER   NOT NULL
);
