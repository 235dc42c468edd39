-- loan_guarantees for blocks $start..$end, from Lending.PledgeMade Lending.GuaranteeDrawn Lending.PledgeReleased events.
-- events: Lending.PledgeMade, Lending.GuaranteeDrawn, Lending.PledgeReleased
INSERT INTO loan_guarantees
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event IN ('PledgeMade', 'GuaranteeDrawn', 'PledgeReleased')
),
lending_pledgemade AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           fields->>'guarantor' AS account,
           'pledged' AS kind,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'PledgeMade'
),
lending_guaranteedrawn AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           fields->>'guarantor' AS account,
           'drawn' AS kind,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'GuaranteeDrawn'
),
lending_pledgereleased AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           fields->>'guarantor' AS account,
           'released' AS kind,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'PledgeReleased'
),
all_rows AS (
    SELECT * FROM lending_pledgemade
    UNION ALL
    SELECT * FROM lending_guaranteedrawn
    UNION ALL
    SELECT * FROM lending_pledgereleased
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id, account, kind, amount
FROM all_rows;
