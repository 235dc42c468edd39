-- Score history by 30-day month: for each month, the accounts' latest scores at the month's end (carried
-- forward from earlier months) summarized: scored accounts, mean, quartiles; and accounts still unscored.
WITH params AS (
    SELECT last_block AS at, blocks_per_day AS bpd FROM index_state WHERE id = 1
),
months AS (
    SELECT m AS month, (m + 1) * 30 * params.bpd - 1 AS month_end
    FROM params, range(0, CAST(params.at // (30 * params.bpd) AS BIGINT) + 1) AS t(m)
),
ordered AS (
    SELECT account, block_number, event_index, score FROM scores
),
accts AS (SELECT account, min(block_number) AS first_block FROM scores GROUP BY account),
state AS (
    SELECT m.month, a.account, s.score
    FROM months AS m
    JOIN accts AS a ON a.first_block <= m.month_end
    ASOF LEFT JOIN ordered AS s ON s.account = a.account AND s.block_number <= m.month_end
)
SELECT month,
       count(score)                   AS scored,
       count(*) - count(score)        AS unscored,
       avg(score)                     AS mean_score,
       quantile_cont(score, 0.25)     AS p25,
       quantile_cont(score, 0.5)      AS median,
       quantile_cont(score, 0.75)     AS p75
FROM state
GROUP BY month
ORDER BY month;
