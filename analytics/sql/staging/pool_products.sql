-- pool_products for blocks $start..$end, from InvestmentPool.ProductAttached events.
-- events: InvestmentPool.ProductAttached
INSERT INTO pool_products
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'InvestmentPool' AND event = 'ProductAttached'
),
investmentpool_productattached AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'pool_id' AS BIGINT) AS pool_id,
           CAST(fields->>'product_id' AS BIGINT) AS product_id
    FROM source WHERE event = 'ProductAttached'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       pool_id, product_id
FROM investmentpool_productattached;
