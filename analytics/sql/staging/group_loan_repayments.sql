-- group_loan_repayments for blocks $start..$end, from SavingsGroups.RepaymentMade events.
-- events: SavingsGroups.RepaymentMade
INSERT INTO group_loan_repayments
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'RepaymentMade'
),
savingsgroups_repaymentmade AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'member' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'to_charge' AS HUGEINT) AS to_charge,
           CAST(fields->>'to_principal' AS HUGEINT) AS to_principal
    FROM source WHERE event = 'RepaymentMade'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, account, amount, to_charge, to_principal
FROM savingsgroups_repaymentmade;
