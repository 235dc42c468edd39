-- loan_status_changes for blocks $start..$end, from Lending.LoanApproved Lending.LoanRejected Lending.LoanCancelled Lending.LoanRepaid Lending.LoanDefaulted Lending.LoanWrittenOff events.
-- events: Lending.LoanApproved, Lending.LoanRejected, Lending.LoanCancelled, Lending.LoanRepaid, Lending.LoanDefaulted, Lending.LoanWrittenOff
INSERT INTO loan_status_changes
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event IN ('LoanApproved', 'LoanRejected', 'LoanCancelled', 'LoanRepaid', 'LoanDefaulted', 'LoanWrittenOff')
),
lending_loanapproved AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           'approved' AS status,
           CAST(NULL AS VARCHAR) AS account,
           fields->>'lender' AS lender,
           CAST(NULL AS BIGINT) AS asset,
           CAST(NULL AS HUGEINT) AS amount,
           CAST(NULL AS BIGINT) AS days_past_due,
           CAST(fields->>'automatic' AS BOOLEAN) AS automatic,
           CAST(NULL AS BOOLEAN) AS early
    FROM source WHERE event = 'LoanApproved'
),
lending_loanrejected AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           'rejected' AS status,
           CAST(NULL AS VARCHAR) AS account,
           fields->>'lender' AS lender,
           CAST(NULL AS BIGINT) AS asset,
           CAST(NULL AS HUGEINT) AS amount,
           CAST(NULL AS BIGINT) AS days_past_due,
           CAST(NULL AS BOOLEAN) AS automatic,
           CAST(NULL AS BOOLEAN) AS early
    FROM source WHERE event = 'LoanRejected'
),
lending_loancancelled AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           'cancelled' AS status,
           CAST(NULL AS VARCHAR) AS account,
           CAST(NULL AS VARCHAR) AS lender,
           CAST(NULL AS BIGINT) AS asset,
           CAST(NULL AS HUGEINT) AS amount,
           CAST(NULL AS BIGINT) AS days_past_due,
           CAST(NULL AS BOOLEAN) AS automatic,
           CAST(NULL AS BOOLEAN) AS early
    FROM source WHERE event = 'LoanCancelled'
),
lending_loanrepaid AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           'repaid' AS status,
           fields->>'borrower' AS account,
           CAST(NULL AS VARCHAR) AS lender,
           CAST(NULL AS BIGINT) AS asset,
           CAST(fields->>'interest_waived' AS HUGEINT) AS amount,
           CAST(NULL AS BIGINT) AS days_past_due,
           CAST(NULL AS BOOLEAN) AS automatic,
           CAST(fields->>'early' AS BOOLEAN) AS early
    FROM source WHERE event = 'LoanRepaid'
),
lending_loandefaulted AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           'defaulted' AS status,
           fields->>'borrower' AS account,
           fields->>'lender' AS lender,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'outstanding' AS HUGEINT) AS amount,
           CAST(fields->>'days_past_due' AS BIGINT) AS days_past_due,
           CAST(NULL AS BOOLEAN) AS automatic,
           CAST(NULL AS BOOLEAN) AS early
    FROM source WHERE event = 'LoanDefaulted'
),
lending_loanwrittenoff AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           'written_off' AS status,
           CAST(NULL AS VARCHAR) AS account,
           fields->>'lender' AS lender,
           CAST(NULL AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(NULL AS BIGINT) AS days_past_due,
           CAST(NULL AS BOOLEAN) AS automatic,
           CAST(NULL AS BOOLEAN) AS early
    FROM source WHERE event = 'LoanWrittenOff'
),
all_rows AS (
    SELECT * FROM lending_loanapproved
    UNION ALL
    SELECT * FROM lending_loanrejected
    UNION ALL
    SELECT * FROM lending_loancancelled
    UNION ALL
    SELECT * FROM lending_loanrepaid
    UNION ALL
    SELECT * FROM lending_loandefaulted
    UNION ALL
    SELECT * FROM lending_loanwrittenoff
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id, status, account, lender, asset, amount, days_past_due, automatic, early
FROM all_rows;
