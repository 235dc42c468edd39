-- loans for blocks $start..$end, from Lending.LoanRequested events.
-- events: Lending.LoanRequested
INSERT INTO loans
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event = 'LoanRequested'
),
lending_loanrequested AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           CAST(fields->>'product_id' AS BIGINT) AS product_id,
           fields->>'borrower' AS account,
           fields->>'lender' AS lender,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'rate_bps' AS BIGINT) AS rate_bps,
           CAST(fields->>'score' AS INTEGER) AS score,
           CAST(fields->>'guarantors' AS INTEGER) AS guarantors
    FROM source WHERE event = 'LoanRequested'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id, product_id, account, lender, asset, amount, rate_bps, score, guarantors
FROM lending_loanrequested;
