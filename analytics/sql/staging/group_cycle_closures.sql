-- group_cycle_closures for blocks $start..$end, from SavingsGroups.CycleClosed events.
-- events: SavingsGroups.CycleClosed
INSERT INTO group_cycle_closures
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'CycleClosed'
),
savingsgroups_cycleclosed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           CAST(fields->>'cycle' AS BIGINT) AS cycle,
           CAST(fields->>'distributed' AS HUGEINT) AS distributed,
           CAST(fields->>'total_shares' AS BIGINT) AS total_shares,
           CAST(fields->>'losses' AS HUGEINT) AS losses
    FROM source WHERE event = 'CycleClosed'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, cycle, distributed, total_shares, losses
FROM savingsgroups_cycleclosed;
