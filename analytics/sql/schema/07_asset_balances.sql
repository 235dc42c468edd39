-- Token balances (Assets.Account) at balances_at_block; zero balances are left out.
CREATE TABLE IF NOT EXISTS asset_balances (
    account            VARCHAR NOT NULL,
    asset              BIGINT  NOT NULL,
    amount             HUGEINT NOT NULL,
    balances_at_block  BIGINT  NOT NULL
);
