-- voucher_spends for blocks $start..$end, from Donations.VoucherSpent events.
-- events: Donations.VoucherSpent
INSERT INTO voucher_spends
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Donations' AND event = 'VoucherSpent'
),
donations_voucherspent AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'donation_id' AS UBIGINT) AS donation_id,
           fields->>'beneficiary' AS account,
           fields->>'merchant' AS merchant,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'VoucherSpent'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       donation_id, account, merchant, asset, amount
FROM donations_voucherspent;
