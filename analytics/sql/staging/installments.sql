-- installments for blocks $start..$end: each Lending.ScheduleCreated event's rows (due block, principal, interest).
-- events: Lending.ScheduleCreated
INSERT INTO installments
WITH schedules AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'loan_id' AS UBIGINT) AS loan_id,
           fields->'installments' AS rows
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Lending' AND event = 'ScheduleCreated'
),
numbered AS (
    SELECT s.*, n
    FROM schedules AS s, unnest(range(CAST(json_array_length(s.rows) AS BIGINT))) AS t(n)
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       loan_id,
       CAST(n AS INTEGER)                                                   AS installment,
       CAST(rows->n->>0 AS BIGINT)                                          AS due_block,
       CAST(CAST(rows->n->>0 AS BIGINT) // $blocks_per_day AS INTEGER)      AS due_day,
       CAST(rows->n->>1 AS HUGEINT)                                         AS principal,
       CAST(rows->n->>2 AS HUGEINT)                                         AS interest
FROM numbered;
