-- The chain's assets as of the last balance refresh; the native token is asset -1.
CREATE TABLE IF NOT EXISTS assets (
    asset      BIGINT  PRIMARY KEY,
    symbol     VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    decimals   INTEGER NOT NULL,
    country    VARCHAR NOT NULL,
    is_stable  BOOLEAN NOT NULL,
    supply     HUGEINT          -- NULL for the native token (see Balances.TotalIssuance)
);
