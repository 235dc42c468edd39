-- score_reasons for blocks $start..$end: the reasons of each Credit.ScoreUpdated event, in order.
-- events: Credit.ScoreUpdated
INSERT INTO score_reasons
WITH updates AS (
    SELECT block_number, extrinsic_index, event_index,
           fields->>'who' AS account,
           CAST(fields->'reasons' AS INTEGER[]) AS reasons
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Credit' AND event = 'ScoreUpdated'
),
ranked AS (
    SELECT u.*, r
    FROM updates AS u, unnest(range(1, len(u.reasons) + 1)) AS t(r)
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       account, CAST(r AS INTEGER) AS rank, reasons[r] AS reason
FROM ranked;
