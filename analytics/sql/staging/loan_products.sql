-- loan_products for blocks $start..$end, from Lending.ProductCreated events.
-- events: Lending.ProductCreated
INSERT INTO loan_products
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event = 'ProductCreated'
),
lending_productcreated AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'product_id' AS BIGINT) AS product_id,
           fields->>'lender' AS lender,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'rate_bps' AS BIGINT) AS rate_bps,
           CAST(fields->>'term' AS INTEGER) AS term,
           CAST(fields->>'interval_days' AS INTEGER) AS interval_days
    FROM source WHERE event = 'ProductCreated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       product_id, lender, asset, rate_bps, term, interval_days
FROM lending_productcreated;
