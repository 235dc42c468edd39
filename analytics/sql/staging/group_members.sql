-- group_members for blocks $start..$end, from SavingsGroups.MemberJoined events.
-- events: SavingsGroups.MemberJoined
INSERT INTO group_members
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'MemberJoined'
),
savingsgroups_memberjoined AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'member' AS account
    FROM source WHERE event = 'MemberJoined'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, account
FROM savingsgroups_memberjoined;
