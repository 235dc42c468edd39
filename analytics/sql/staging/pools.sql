-- pools for blocks $start..$end, from InvestmentPool.PoolCreated events.
-- events: InvestmentPool.PoolCreated
INSERT INTO pools
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'InvestmentPool' AND event = 'PoolCreated'
),
investmentpool_poolcreated AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'pool_id' AS BIGINT) AS pool_id,
           fields->>'manager' AS account,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           fields->>'account' AS pool_account
    FROM source WHERE event = 'PoolCreated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       pool_id, account, asset, pool_account
FROM investmentpool_poolcreated;
