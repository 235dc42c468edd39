-- fx_rates for blocks $start..$end, from Oracle.RatePosted events.
-- events: Oracle.RatePosted
INSERT INTO fx_rates
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Oracle' AND event = 'RatePosted'
),
oracle_rateposted AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'rate' AS HUGEINT) AS rate,
           fields->>'feeder' AS account
    FROM source WHERE event = 'RatePosted'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       asset, rate, account
FROM oracle_rateposted;
