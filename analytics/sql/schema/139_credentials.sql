-- Credentials issued (Education.CredentialIssued) and revoked (Education.CredentialRevoked).
CREATE TABLE IF NOT EXISTS credentials (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    credential       UBIGINT,
    kind             VARCHAR,  -- issued | revoked
    account          VARCHAR,  -- learner
    course           BIGINT,
    score            INTEGER,
    hash             VARCHAR
);
