-- module_completions for blocks $start..$end, from Education.ModuleCompleted events.
-- events: Education.ModuleCompleted
INSERT INTO module_completions
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Education' AND event = 'ModuleCompleted'
),
education_modulecompleted AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'course' AS BIGINT) AS course,
           fields->>'learner' AS account,
           CAST(fields->>'module' AS INTEGER) AS module,
           CAST(fields->>'score' AS INTEGER) AS score,
           CAST(fields->>'passed' AS BOOLEAN) AS passed
    FROM source WHERE event = 'ModuleCompleted'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       course, account, module, score, passed
FROM education_modulecompleted;
