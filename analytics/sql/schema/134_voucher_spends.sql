-- Voucher funds spent by beneficiaries at merchants (Donations.VoucherSpent), per donation.
CREATE TABLE IF NOT EXISTS voucher_spends (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    donation_id      UBIGINT,
    account          VARCHAR,  -- beneficiary
    merchant         VARCHAR,
    asset            BIGINT,
    amount           HUGEINT
);
