-- repayments for blocks $start..$end, from Lending.RepaymentMade events.
-- events: Lending.RepaymentMade
INSERT INTO repayments
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event = 'RepaymentMade'
),
lending_repaymentmade AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           fields->>'payer' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(fields->>'to_fees' AS HUGEINT) AS to_fees,
           CAST(fields->>'to_interest' AS HUGEINT) AS to_interest,
           CAST(fields->>'to_principal' AS HUGEINT) AS to_principal,
           CAST(fields->>'installment' AS INTEGER) AS installment,
           CAST(fields->>'days_late' AS BIGINT) AS days_late
    FROM source WHERE event = 'RepaymentMade'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id, account, amount, to_fees, to_interest, to_principal, installment, days_late
FROM lending_repaymentmade;
