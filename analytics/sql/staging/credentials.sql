-- credentials for blocks $start..$end, from Education.CredentialIssued Education.CredentialRevoked events.
-- events: Education.CredentialIssued, Education.CredentialRevoked
INSERT INTO credentials
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Education' AND event IN ('CredentialIssued', 'CredentialRevoked')
),
education_credentialissued AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'credential' AS UBIGINT) AS credential,
           'issued' AS kind,
           fields->>'learner' AS account,
           CAST(fields->>'course' AS BIGINT) AS course,
           CAST(fields->>'score' AS INTEGER) AS score,
           fields->>'hash' AS hash
    FROM source WHERE event = 'CredentialIssued'
),
education_credentialrevoked AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'credential' AS UBIGINT) AS credential,
           'revoked' AS kind,
           fields->>'learner' AS account,
           CAST(fields->>'course' AS BIGINT) AS course,
           CAST(NULL AS INTEGER) AS score,
           CAST(NULL AS VARCHAR) AS hash
    FROM source WHERE event = 'CredentialRevoked'
),
all_rows AS (
    SELECT * FROM education_credentialissued
    UNION ALL
    SELECT * FROM education_credentialrevoked
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       credential, kind, account, course, score, hash
FROM all_rows;
