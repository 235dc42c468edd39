-- installment_lates for blocks $start..$end, from Lending.InstallmentLate events.
-- events: Lending.InstallmentLate
INSERT INTO installment_lates
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event = 'InstallmentLate'
),
lending_installmentlate AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           fields->>'borrower' AS account,
           CAST(fields->>'installment' AS INTEGER) AS installment,
           CAST(fields->>'days_past_due' AS BIGINT) AS days_past_due,
           CAST(fields->>'late_fee' AS HUGEINT) AS late_fee
    FROM source WHERE event = 'InstallmentLate'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id, account, installment, days_past_due, late_fee
FROM lending_installmentlate;
