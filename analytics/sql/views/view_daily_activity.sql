-- Activity per simulated day: signed extrinsics, failures, transfers and active accounts.
WITH days AS (
    SELECT day, CAST(max(block_time) AS DATE) AS date, count(*) AS blocks FROM blocks GROUP BY day
),
xts AS (
    SELECT b.day, count(*) AS extrinsics, count(*) FILTER (WHERE NOT x.success) AS failed,
           count(DISTINCT x.account) AS active_accounts
    FROM extrinsics x JOIN blocks b USING (block_number)
    WHERE x.account IS NOT NULL
    GROUP BY b.day
),
moves AS (
    SELECT day, count(*) AS transfers FROM transfers GROUP BY day
)
SELECT days.day, days.date, days.blocks, coalesce(xts.extrinsics, 0) AS extrinsics,
       coalesce(xts.failed, 0) AS failed, coalesce(moves.transfers, 0) AS transfers,
       coalesce(xts.active_accounts, 0) AS active_accounts
FROM days LEFT JOIN xts USING (day) LEFT JOIN moves USING (day)
ORDER BY days.day;
