-- vouches for blocks $start..$end, from Credit.Vouched Credit.VouchWithdrawn Credit.VouchStakeDrawn events.
-- events: Credit.Vouched, Credit.VouchWithdrawn, Credit.VouchStakeDrawn
INSERT INTO vouches
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Credit' AND event IN ('Vouched', 'VouchWithdrawn', 'VouchStakeDrawn')
),
credit_vouched AS (
    SELECT block_number, extrinsic_index, event_index,
           'vouched' AS kind,
           fields->>'voucher' AS voucher,
           fields->>'vouchee' AS account,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'stake' AS HUGEINT) AS amount,
           CAST(fields->>'points' AS BIGINT) AS points,
           CAST(NULL AS UBIGINT) AS loan_id
    FROM source WHERE event = 'Vouched'
),
credit_vouchwithdrawn AS (
    SELECT block_number, extrinsic_index, event_index,
           'withdrawn' AS kind,
           fields->>'voucher' AS voucher,
           fields->>'vouchee' AS account,
           CAST(NULL AS BIGINT) AS asset,
           CAST(fields->>'stake' AS HUGEINT) AS amount,
           CAST(NULL AS BIGINT) AS points,
           CAST(NULL AS UBIGINT) AS loan_id
    FROM source WHERE event = 'VouchWithdrawn'
),
credit_vouchstakedrawn AS (
    SELECT block_number, extrinsic_index, event_index,
           'drawn' AS kind,
           fields->>'voucher' AS voucher,
           fields->>'vouchee' AS account,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'amount' AS HUGEINT) AS amount,
           CAST(NULL AS BIGINT) AS points,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id
    FROM source WHERE event = 'VouchStakeDrawn'
),
all_rows AS (
    SELECT * FROM credit_vouched
    UNION ALL
    SELECT * FROM credit_vouchwithdrawn
    UNION ALL
    SELECT * FROM credit_vouchstakedrawn
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       kind, voucher, account, asset, amount, points, loan_id
FROM all_rows;
