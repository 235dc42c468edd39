-- One row an event, fields as JSON (accounts and hashes as 0x hex, integers exact, enums "Variant"
-- or {"Variant": payload}). extrinsic_index is NULL for events of block initialization/finalization.
CREATE TABLE IF NOT EXISTS events (
    block_number     BIGINT   NOT NULL,
    event_index      INTEGER  NOT NULL,
    extrinsic_index  INTEGER,
    pallet           VARCHAR  NOT NULL,
    event            VARCHAR  NOT NULL,
    fields           JSON     NOT NULL
);
