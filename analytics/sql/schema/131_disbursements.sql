-- Money leaving a campaign's escrow (Donations.Disbursed) to a beneficiary, vendor or the NGO, for a purpose
-- (see donation_purposes; 6 = operations, the overhead).
CREATE TABLE IF NOT EXISTS disbursements (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    disbursement_id  UBIGINT,
    campaign         BIGINT,
    account          VARCHAR,  -- recipient
    amount           HUGEINT,
    purpose          INTEGER,
    voucher          BOOLEAN  -- paid as a voucher to spend at merchants
);
