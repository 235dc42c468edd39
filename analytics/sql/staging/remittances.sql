-- remittances for blocks $start..$end, from Remittance.RemittanceSent events.
-- events: Remittance.RemittanceSent
INSERT INTO remittances
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Remittance' AND event = 'RemittanceSent'
),
remittance_remittancesent AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'id' AS UBIGINT) AS remittance_id,
           fields->>'sender' AS account,
           fields->'recipient'->>'Account' AS recipient_account,
           fields->'recipient'->>'Alias' AS recipient_alias,
           fields->>'source_country' AS source_country,
           fields->>'destination_country' AS destination_country,
           CAST(fields->>'send_asset' AS BIGINT) AS send_asset,
           CAST(fields->>'send_amount' AS HUGEINT) AS send_amount,
           CAST(fields->>'receive_asset' AS BIGINT) AS receive_asset,
           CAST(fields->>'receive_amount' AS HUGEINT) AS receive_amount,
           CAST(fields->>'rate' AS HUGEINT) AS rate,
           CAST(fields->>'mid_rate' AS HUGEINT) AS mid_rate,
           CAST(fields->>'fee' AS HUGEINT) AS fee,
           CAST(fields->>'fx_margin_bps' AS INTEGER) AS fx_margin_bps,
           CAST(fields->>'total_cost_bps' AS BIGINT) AS total_cost_bps,
           CAST(fields->>'expires_at' AS BIGINT) AS expires_at
    FROM source WHERE event = 'RemittanceSent'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       remittance_id, account, recipient_account, recipient_alias, source_country, destination_country, send_asset, send_amount, receive_asset, receive_amount, rate, mid_rate, fee, fx_margin_bps, total_cost_bps, expires_at
FROM remittance_remittancesent;
