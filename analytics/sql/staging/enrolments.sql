-- enrolments for blocks $start..$end, from Education.Enrolled events.
-- events: Education.Enrolled
INSERT INTO enrolments
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Education' AND event = 'Enrolled'
),
education_enrolled AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'course' AS BIGINT) AS course,
           fields->>'learner' AS account
    FROM source WHERE event = 'Enrolled'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       course, account
FROM education_enrolled;
