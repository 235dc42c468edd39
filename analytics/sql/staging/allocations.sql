-- allocations for blocks $start..$end, from Donations.Allocated events.
-- events: Donations.Allocated
INSERT INTO allocations
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Donations' AND event = 'Allocated'
),
donations_allocated AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'donation_id' AS UBIGINT) AS donation_id,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           fields->>'to' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'purpose' AS INTEGER) AS purpose,
           CAST(fields->>'disbursement_id' AS UBIGINT) AS disbursement_id
    FROM source WHERE event = 'Allocated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       donation_id, campaign, account, amount, purpose, disbursement_id
FROM donations_allocated;
