-- redemptions for blocks $start..$end, from Donations.Redeemed events.
-- events: Donations.Redeemed
INSERT INTO redemptions
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Donations' AND event = 'Redeemed'
),
donations_redeemed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'donation_id' AS UBIGINT) AS donation_id,
           fields->>'merchant' AS account,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           fields->>'agent' AS agent
    FROM source WHERE event = 'Redeemed'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       donation_id, account, asset, amount, agent
FROM donations_redeemed;
