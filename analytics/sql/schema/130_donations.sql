-- Donations (Donations.Donated): each a lot with an id, the donor's receipt number; `account` is the donor.
CREATE TABLE IF NOT EXISTS donations (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    donation_id      UBIGINT,
    campaign         BIGINT,
    account          VARCHAR,  -- donor
    amount           HUGEINT
);
