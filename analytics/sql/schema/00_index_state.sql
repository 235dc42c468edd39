-- Where the indexer stands: which chain this database mirrors and the last block fully written.
-- Updated in the same transaction as every batch, so it can never run ahead of (or behind) the data.
CREATE TABLE IF NOT EXISTS index_state (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version     INTEGER NOT NULL,
    genesis_hash       VARCHAR NOT NULL,
    chain_name         VARCHAR NOT NULL,
    spec_name          VARCHAR NOT NULL,
    blocks_per_day     INTEGER NOT NULL,
    token_symbol       VARCHAR NOT NULL,
    token_decimals     INTEGER NOT NULL,
    ss58_prefix        INTEGER NOT NULL,
    last_block         BIGINT  NOT NULL,   -- -1 before the first batch
    last_hash          VARCHAR,
    balances_at_block  BIGINT              -- head the account balances were read at
);
