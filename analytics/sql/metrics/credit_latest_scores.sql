-- Each account's latest score as of block $as_of_block (NULL: last indexed), with its reasons in English and
-- Chinese (score NULL: insufficient history).
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at FROM index_state WHERE id = 1
),
latest AS (
    SELECT account,
           arg_max(score, block_number * 100000 + event_index)             AS score,
           arg_max(reasons, block_number * 100000 + event_index)           AS reasons,
           arg_max(scorecard_version, block_number * 100000 + event_index) AS scorecard_version,
           max(block_number)                                               AS block_number,
           count(*)                                                        AS updates
    FROM scores, params
    WHERE block_number <= params.at
    GROUP BY account
),
texts AS (
    SELECT map(list(reason), list(text_en)) AS en, map(list(reason), list(text_zh)) AS zh FROM ref_credit_reasons
)
SELECT l.account, a.ss58, l.score, l.reasons,
       list_transform(l.reasons, lambda r: t.en[r]) AS reasons_en,
       list_transform(l.reasons, lambda r: t.zh[r]) AS reasons_zh,
       l.scorecard_version, l.block_number, l.updates
FROM latest AS l CROSS JOIN texts AS t LEFT JOIN accounts AS a USING (account)
ORDER BY l.score DESC NULLS LAST, l.account;
