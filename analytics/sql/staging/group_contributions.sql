-- group_contributions for blocks $start..$end, from SavingsGroups.SharesBought events.
-- events: SavingsGroups.SharesBought
INSERT INTO group_contributions
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'SharesBought'
),
savingsgroups_sharesbought AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'member' AS account,
           CAST(fields->>'meeting' AS INTEGER) AS meeting,
           CAST(fields->>'shares' AS INTEGER) AS shares,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'social' AS HUGEINT) AS social
    FROM source WHERE event = 'SharesBought'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, account, meeting, shares, amount, social
FROM savingsgroups_sharesbought;
