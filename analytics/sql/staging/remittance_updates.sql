-- remittance_updates for blocks $start..$end, from Remittance.RemittanceAvailable Remittance.RemittanceCashedOut Remittance.RemittanceClaimed Remittance.RemittanceRefunded events.
-- events: Remittance.RemittanceAvailable, Remittance.RemittanceCashedOut, Remittance.RemittanceClaimed, Remittance.RemittanceRefunded
INSERT INTO remittance_updates
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Remittance' AND event IN ('RemittanceAvailable', 'RemittanceCashedOut', 'RemittanceClaimed', 'RemittanceRefunded')
),
remittance_remittanceavailable AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'id' AS UBIGINT) AS remittance_id,
           'available' AS status,
           CAST(NULL AS VARCHAR) AS account,
           CAST(NULL AS VARCHAR) AS agent,
           CAST(fields->>'receive_asset' AS BIGINT) AS asset,
           CAST(fields->>'receive_amount' AS HUGEINT) AS amount,
           CAST(fields->>'sent_at' AS BIGINT) AS sent_at
    FROM source WHERE event = 'RemittanceAvailable'
),
remittance_remittancecashedout AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'id' AS UBIGINT) AS remittance_id,
           'cashed_out' AS status,
           fields->>'recipient' AS account,
           fields->>'agent' AS agent,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'sent_at' AS BIGINT) AS sent_at
    FROM source WHERE event = 'RemittanceCashedOut'
),
remittance_remittanceclaimed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'id' AS UBIGINT) AS remittance_id,
           'claimed' AS status,
           fields->>'recipient' AS account,
           CAST(NULL AS VARCHAR) AS agent,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'sent_at' AS BIGINT) AS sent_at
    FROM source WHERE event = 'RemittanceClaimed'
),
remittance_remittancerefunded AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'id' AS UBIGINT) AS remittance_id,
           'refunded' AS status,
           fields->>'sender' AS account,
           CAST(NULL AS VARCHAR) AS agent,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'sent_at' AS BIGINT) AS sent_at
    FROM source WHERE event = 'RemittanceRefunded'
),
all_rows AS (
    SELECT * FROM remittance_remittanceavailable
    UNION ALL
    SELECT * FROM remittance_remittancecashedout
    UNION ALL
    SELECT * FROM remittance_remittanceclaimed
    UNION ALL
    SELECT * FROM remittance_remittancerefunded
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       remittance_id, status, account, agent, asset, amount, sent_at
FROM all_rows;
