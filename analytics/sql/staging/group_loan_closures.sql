-- group_loan_closures for blocks $start..$end, from SavingsGroups.LoanRepaid SavingsGroups.LoanSettledAtShareOut events.
-- events: SavingsGroups.LoanRepaid, SavingsGroups.LoanSettledAtShareOut
INSERT INTO group_loan_closures
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event IN ('LoanRepaid', 'LoanSettledAtShareOut')
),
savingsgroups_loanrepaid AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'member' AS account,
           'repaid' AS kind,
           CAST(fields->>'on_time' AS BOOLEAN) AS on_time,
           CAST(fields->>'days_late' AS BIGINT) AS days_late,
           CAST(NULL AS HUGEINT) AS owed,
           CAST(NULL AS HUGEINT) AS covered,
           CAST(NULL AS HUGEINT) AS shortfall
    FROM source WHERE event = 'LoanRepaid'
),
savingsgroups_loansettledatshareout AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           fields->>'member' AS account,
           'settled' AS kind,
           CAST(NULL AS BOOLEAN) AS on_time,
           CAST(NULL AS BIGINT) AS days_late,
           CAST(fields->>'owed' AS HUGEINT) AS owed,
           CAST(fields->>'covered' AS HUGEINT) AS covered,
           CAST(fields->>'shortfall' AS HUGEINT) AS shortfall
    FROM source WHERE event = 'LoanSettledAtShareOut'
),
all_rows AS (
    SELECT * FROM savingsgroups_loanrepaid
    UNION ALL
    SELECT * FROM savingsgroups_loansettledatshareout
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, account, kind, on_time, days_late, owed, covered, shortfall
FROM all_rows;
