-- group_grants for blocks $start..$end, from SavingsGroups.GrantPaid events.
-- events: SavingsGroups.GrantPaid
INSERT INTO group_grants
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'GrantPaid'
),
savingsgroups_grantpaid AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'member' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'GrantPaid'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, account, amount
FROM savingsgroups_grantpaid;
