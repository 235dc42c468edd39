-- donations for blocks $start..$end, from Donations.Donated events.
-- events: Donations.Donated
INSERT INTO donations
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Donations' AND event = 'Donated'
),
donations_donated AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'donation_id' AS UBIGINT) AS donation_id,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           fields->>'donor' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'Donated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       donation_id, campaign, account, amount
FROM donations_donated;
