-- transfers for blocks $start..$end, from the indexed events.
-- events: Balances.Transfer, Assets.Transferred, Assets.CashedIn, Assets.CashedOut
INSERT INTO transfers
WITH moved AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end
      AND ((pallet = 'Balances' AND event = 'Transfer')
        OR (pallet = 'Assets' AND event IN ('Transferred', 'CashedIn', 'CashedOut')))
),
native AS (
    SELECT block_number, extrinsic_index, event_index, -1 AS asset, 'transfer' AS kind,
           fields->>'from' AS from_account, fields->>'to' AS to_account, NULL AS agent,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM moved WHERE pallet = 'Balances'
),
tokens AS (
    SELECT block_number, extrinsic_index, event_index, CAST(fields->>'asset' AS BIGINT) AS asset,
           CASE event WHEN 'Transferred' THEN 'transfer' WHEN 'CashedIn' THEN 'cash_in' ELSE 'cash_out' END AS kind,
           CASE event WHEN 'Transferred' THEN fields->>'from' WHEN 'CashedOut' THEN fields->>'who' END AS from_account,
           CASE event WHEN 'Transferred' THEN fields->>'to' WHEN 'CashedIn' THEN fields->>'who' END AS to_account,
           fields->>'agent' AS agent,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM moved WHERE pallet = 'Assets'
),
all_moves AS (
    SELECT * FROM native
    UNION ALL
    SELECT * FROM tokens
)
SELECT block_number, extrinsic_index, event_index,
       CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       asset, kind, from_account, to_account, agent, amount
FROM all_moves;
