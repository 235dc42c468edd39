-- scores for blocks $start..$end, from Credit.ScoreUpdated events.
-- events: Credit.ScoreUpdated
INSERT INTO scores
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Credit' AND event = 'ScoreUpdated'
),
credit_scoreupdated AS (
    SELECT block_number, extrinsic_index, event_index,
           fields->>'who' AS account,
           CAST(fields->>'score' AS INTEGER) AS score,
           CAST(fields->'reasons' AS INTEGER[]) AS reasons,
           CAST(fields->>'scorecard_version' AS BIGINT) AS scorecard_version
    FROM source WHERE event = 'ScoreUpdated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       account, score, reasons, scorecard_version
FROM credit_scoreupdated;
