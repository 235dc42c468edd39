-- group_shareouts for blocks $start..$end, from SavingsGroups.SharedOut events.
-- events: SavingsGroups.SharedOut
INSERT INTO group_shareouts
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'SharedOut'
),
savingsgroups_sharedout AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           CAST(fields->>'cycle' AS BIGINT) AS cycle,
           fields->>'member' AS account,
           CAST(fields->>'shares' AS BIGINT) AS shares,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'SharedOut'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, cycle, account, shares, amount
FROM savingsgroups_sharedout;
