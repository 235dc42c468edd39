-- pool_flows for blocks $start..$end, from InvestmentPool.Deposited InvestmentPool.Withdrawn events.
-- events: InvestmentPool.Deposited, InvestmentPool.Withdrawn
INSERT INTO pool_flows
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'InvestmentPool' AND event IN ('Deposited', 'Withdrawn')
),
investmentpool_deposited AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'pool_id' AS BIGINT) AS pool_id,
           'deposit' AS kind,
           fields->>'who' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'shares' AS HUGEINT) AS shares,
           CAST(fields->>'nav' AS HUGEINT) AS nav
    FROM source WHERE event = 'Deposited'
),
investmentpool_withdrawn AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'pool_id' AS BIGINT) AS pool_id,
           'withdrawal' AS kind,
           fields->>'who' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'shares' AS HUGEINT) AS shares,
           CAST(fields->>'nav' AS HUGEINT) AS nav
    FROM source WHERE event = 'Withdrawn'
),
all_rows AS (
    SELECT * FROM investmentpool_deposited
    UNION ALL
    SELECT * FROM investmentpool_withdrawn
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       pool_id, kind, account, amount, shares, nav
FROM all_rows;
