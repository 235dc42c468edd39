-- feedback for blocks $start..$end, from Education.FeedbackGiven events.
-- events: Education.FeedbackGiven
INSERT INTO feedback
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Education' AND event = 'FeedbackGiven'
),
education_feedbackgiven AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'course' AS BIGINT) AS course,
           fields->>'learner' AS account,
           CAST(fields->>'rating' AS INTEGER) AS rating,
           fields->>'comment_hash' AS comment_hash
    FROM source WHERE event = 'FeedbackGiven'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       course, account, rating, comment_hash
FROM education_feedbackgiven;
