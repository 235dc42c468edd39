-- One row an account ever seen (signed an extrinsic, sent or received value) or holding a balance.
-- Activity columns grow with every batch; balances are the chain's state at balances_at_block.
CREATE TABLE IF NOT EXISTS accounts (
    account            VARCHAR PRIMARY KEY,
    ss58               VARCHAR,
    first_seen_block   BIGINT,     -- 0 for accounts endowed at genesis
    last_active_block  BIGINT,
    extrinsic_count    BIGINT  NOT NULL DEFAULT 0,
    transfers_out      BIGINT  NOT NULL DEFAULT 0,
    transfers_in       BIGINT  NOT NULL DEFAULT 0,
    genesis_balance    HUGEINT,    -- free PUI at block 0 (NULL: not looked up yet)
    free               HUGEINT NOT NULL DEFAULT 0,
    reserved           HUGEINT NOT NULL DEFAULT 0,
    nonce              BIGINT  NOT NULL DEFAULT 0,
    balances_at_block  BIGINT
);
