-- Guarantors' pledges: pledged, drawn (to cover a default) and released.
CREATE TABLE IF NOT EXISTS loan_guarantees (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    loan_id          UBIGINT,
    account          VARCHAR,  -- guarantor
    kind             VARCHAR,  -- pledged | drawn | released
    amount           HUGEINT
);
