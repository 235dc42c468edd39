-- group_cycles for blocks $start..$end, from SavingsGroups.CycleStarted events.
-- events: SavingsGroups.CycleStarted
INSERT INTO group_cycles
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'CycleStarted'
),
savingsgroups_cyclestarted AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           CAST(fields->>'cycle' AS BIGINT) AS cycle,
           CAST(fields->>'start_block' AS BIGINT) AS start_block,
           CAST(fields->>'end_block' AS BIGINT) AS end_block
    FROM source WHERE event = 'CycleStarted'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, cycle, start_block, end_block
FROM savingsgroups_cyclestarted;
