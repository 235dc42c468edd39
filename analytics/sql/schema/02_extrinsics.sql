-- One row an extrinsic. `account` is the signer (NULL for inherents); args are the call's JSON.
CREATE TABLE IF NOT EXISTS extrinsics (
    block_number     BIGINT   NOT NULL,
    extrinsic_index  INTEGER  NOT NULL,
    extrinsic_hash   VARCHAR  NOT NULL,
    account          VARCHAR,
    nonce            BIGINT,
    tip              HUGEINT  NOT NULL,
    pallet           VARCHAR  NOT NULL,
    call             VARCHAR  NOT NULL,
    args             JSON     NOT NULL,
    success          BOOLEAN  NOT NULL,
    error            VARCHAR,            -- "Pallet.ErrorName" when the call failed
    fee              HUGEINT  NOT NULL,
    length           INTEGER  NOT NULL
);
