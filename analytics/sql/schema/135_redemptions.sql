-- Merchants redeeming voucher funds (Donations.Redeemed), for tokens or cash at an agent.
CREATE TABLE IF NOT EXISTS redemptions (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    donation_id      UBIGINT,
    account          VARCHAR,  -- merchant
    asset            BIGINT,
    amount           HUGEINT,
    agent            VARCHAR
);
