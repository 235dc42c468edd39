-- Chain activity per day: blocks, events, signed extrinsics (and how many failed), distinct signers.
WITH params AS (
    SELECT blocks_per_day AS bpd FROM index_state WHERE id = 1
),
xts AS (
    SELECT CAST(x.block_number // params.bpd AS INTEGER) AS day,
           count(*)                                      AS extrinsics,
           count(*) FILTER (WHERE NOT x.success)         AS failed
    FROM extrinsics AS x, params
    WHERE x.account IS NOT NULL
    GROUP BY 1
),
signers AS (
    SELECT day, count(DISTINCT account) AS signers FROM account_days GROUP BY day
),
blks AS (
    SELECT day, count(*) AS blocks, sum(event_count) AS events FROM blocks GROUP BY day
)
SELECT b.day, b.blocks, b.events,
       coalesce(x.extrinsics, 0) AS extrinsics, coalesce(x.failed, 0) AS failed, coalesce(s.signers, 0) AS signers
FROM blks AS b LEFT JOIN xts AS x USING (day) LEFT JOIN signers AS s USING (day)
ORDER BY b.day;
