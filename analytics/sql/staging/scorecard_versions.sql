-- scorecard_versions for blocks $start..$end, from Credit.ScorecardSet events.
-- events: Credit.ScorecardSet
INSERT INTO scorecard_versions
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Credit' AND event = 'ScorecardSet'
),
credit_scorecardset AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'version' AS BIGINT) AS version,
           CAST(fields->>'features' AS INTEGER) AS features
    FROM source WHERE event = 'ScorecardSet'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       version, features
FROM credit_scorecardset;
