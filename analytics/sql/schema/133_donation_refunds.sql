-- Unspent remainders returned to donors (Donations.Refunded).
CREATE TABLE IF NOT EXISTS donation_refunds (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    donation_id      UBIGINT,
    campaign         BIGINT,
    account          VARCHAR,  -- donor
    amount           HUGEINT
);
