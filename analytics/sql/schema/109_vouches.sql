-- Vouching: vouched (stake and points given), withdrawn (stake returned), drawn (stake taken for a defaulted
-- loan). `account` is the vouchee.
CREATE TABLE IF NOT EXISTS vouches (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    kind             VARCHAR,  -- vouched | withdrawn | drawn
    voucher          VARCHAR,
    account          VARCHAR,  -- vouchee
    asset            BIGINT,
    amount           HUGEINT,  -- stake
    points           BIGINT,
    loan_id          UBIGINT
);
