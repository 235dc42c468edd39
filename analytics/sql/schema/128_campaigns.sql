-- Donation campaigns opened by NGOs (Donations.CampaignCreated); `account` is the NGO.
CREATE TABLE IF NOT EXISTS campaigns (
    block_number      BIGINT NOT NULL,
    extrinsic_index   INTEGER,
    event_index       INTEGER NOT NULL,
    day               INTEGER NOT NULL,
    campaign          BIGINT,
    account           VARCHAR,  -- NGO
    asset             BIGINT,
    goal              HUGEINT,
    deadline          BIGINT,  -- block
    categories        INTEGER[],  -- purpose codes
    rule              VARCHAR,  -- Fifo | ProRata
    overhead_cap_bps  INTEGER,
    validator         VARCHAR,
    milestones        HUGEINT[],  -- tranche amounts
    info_hash         VARCHAR
);
