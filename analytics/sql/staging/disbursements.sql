-- disbursements for blocks $start..$end, from Donations.Disbursed events.
-- events: Donations.Disbursed
INSERT INTO disbursements
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Donations' AND event = 'Disbursed'
),
donations_disbursed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'disbursement_id' AS UBIGINT) AS disbursement_id,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           fields->>'to' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'purpose' AS INTEGER) AS purpose,
           CAST(fields->>'voucher' AS BOOLEAN) AS voucher
    FROM source WHERE event = 'Disbursed'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       disbursement_id, campaign, account, amount, purpose, voucher
FROM donations_disbursed;
