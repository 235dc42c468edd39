-- courses for blocks $start..$end, from Education.CourseCreated events.
-- events: Education.CourseCreated
INSERT INTO courses
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Education' AND event = 'CourseCreated'
),
education_coursecreated AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'course' AS BIGINT) AS course,
           fields->>'educator' AS account,
           CAST(fields->>'modules' AS INTEGER) AS modules,
           CAST(fields->>'pass_score' AS INTEGER) AS pass_score,
           fields->>'content_hash' AS content_hash
    FROM source WHERE event = 'CourseCreated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       course, account, modules, pass_score, content_hash
FROM education_coursecreated;
