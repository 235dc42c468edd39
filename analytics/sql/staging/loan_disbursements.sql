-- loan_disbursements for blocks $start..$end, from Lending.LoanDisbursed events.
-- events: Lending.LoanDisbursed
INSERT INTO loan_disbursements
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event = 'LoanDisbursed'
),
lending_loandisbursed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           fields->>'borrower' AS account,
           fields->>'lender' AS lender,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'principal' AS HUGEINT) AS principal,
           CAST(fields->>'rate_bps' AS BIGINT) AS rate_bps,
           fields->>'interest_kind' AS interest_kind,
           CAST(fields->>'term' AS INTEGER) AS term,
           CAST(fields->>'interval_days' AS INTEGER) AS interval_days,
           CAST(fields->>'first_due' AS BIGINT) AS first_due
    FROM source WHERE event = 'LoanDisbursed'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id, account, lender, asset, principal, rate_bps, interest_kind, term, interval_days, first_due
FROM lending_loandisbursed;
