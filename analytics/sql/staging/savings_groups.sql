-- savings_groups for blocks $start..$end, from SavingsGroups.GroupCreated events.
-- events: SavingsGroups.GroupCreated
INSERT INTO savings_groups
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'GroupCreated'
),
savingsgroups_groupcreated AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'creator' AS account,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           fields->>'account' AS group_account,
           CAST(fields->>'members' AS INTEGER) AS members,
           CAST(fields->>'share_price' AS HUGEINT) AS share_price
    FROM source WHERE event = 'GroupCreated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, account, asset, group_account, members, share_price
FROM savingsgroups_groupcreated;
