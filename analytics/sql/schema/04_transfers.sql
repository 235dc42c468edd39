-- Every movement of value: native PUI (asset -1) Balances.Transfer, and token Assets.Transferred,
-- CashedIn (minted to to_account by an agent; from_account NULL) and CashedOut (burned; to_account NULL).
CREATE TABLE IF NOT EXISTS transfers (
    block_number     BIGINT   NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER  NOT NULL,
    day              INTEGER  NOT NULL,
    asset            BIGINT   NOT NULL,
    kind             VARCHAR  NOT NULL,  -- transfer | cash_in | cash_out
    from_account     VARCHAR,
    to_account       VARCHAR,
    agent            VARCHAR,
    amount           HUGEINT  NOT NULL
);
