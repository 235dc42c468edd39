-- Lineage: which donation each disbursement drew on, and how much (Donations.Allocated).
CREATE TABLE IF NOT EXISTS allocations (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    donation_id      UBIGINT,
    campaign         BIGINT,
    account          VARCHAR,  -- recipient
    amount           HUGEINT,
    purpose          INTEGER,
    disbursement_id  UBIGINT
);
