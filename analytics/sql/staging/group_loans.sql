-- group_loans for blocks $start..$end, from SavingsGroups.LoanDisbursed events.
-- events: SavingsGroups.LoanDisbursed
INSERT INTO group_loans
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'LoanDisbursed'
),
savingsgroups_loandisbursed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'member' AS account,
           CAST(fields->>'principal' AS HUGEINT) AS principal,
           CAST(fields->>'charge' AS HUGEINT) AS charge,
           CAST(fields->>'due_block' AS BIGINT) AS due_block
    FROM source WHERE event = 'LoanDisbursed'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, account, principal, charge, due_block
FROM savingsgroups_loandisbursed;
