-- installment_payments for blocks $start..$end, from Lending.InstallmentPaid events.
-- events: Lending.InstallmentPaid
INSERT INTO installment_payments
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event = 'InstallmentPaid'
),
lending_installmentpaid AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           CAST(fields->>'installment' AS INTEGER) AS installment,
           CAST(fields->>'on_time' AS BOOLEAN) AS on_time,
           CAST(fields->>'days_late' AS BIGINT) AS days_late
    FROM source WHERE event = 'InstallmentPaid'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id, installment, on_time, days_late
FROM lending_installmentpaid;
