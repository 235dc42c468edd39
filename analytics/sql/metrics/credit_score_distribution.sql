-- How latest scores (as of block $as_of_block, NULL: last indexed) spread over 50-point bands from 300 to 850,
-- plus the accounts with insufficient history (band NULL).
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at FROM index_state WHERE id = 1
),
latest AS (
    SELECT account, arg_max(score, block_number * 100000 + event_index) AS score
    FROM scores, params WHERE block_number <= params.at
    GROUP BY account
),
bands AS (
    SELECT b AS band_low, b + 50 AS band_high FROM range(300, 850, 50) AS t(b)
)
SELECT b.band_low, b.band_high, count(l.account) AS accounts
FROM bands AS b
LEFT JOIN latest AS l ON l.score >= b.band_low AND (l.score < b.band_high OR (b.band_high = 850 AND l.score = 850))
GROUP BY b.band_low, b.band_high
UNION ALL
SELECT NULL, NULL, count(*) FROM latest WHERE score IS NULL
ORDER BY band_low NULLS LAST;
