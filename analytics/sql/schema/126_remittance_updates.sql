-- What became of remittances: available (settled), cashed_out (at an agent), claimed (as tokens), refunded
-- (expired). `account` is the recipient (the sender for refunds); sent_at is the send block.
CREATE TABLE IF NOT EXISTS remittance_updates (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    remittance_id    UBIGINT,
    status           VARCHAR,
    account          VARCHAR,
    agent            VARCHAR,
    asset            BIGINT,
    amount           HUGEINT,
    sent_at          BIGINT  -- block
);
