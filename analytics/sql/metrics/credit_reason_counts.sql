-- How often each reason code is the first (costliest) reason of an account's latest score, as of block
-- $as_of_block (NULL: last indexed): what most holds scores back.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at FROM index_state WHERE id = 1
),
latest AS (
    SELECT account, arg_max(reasons, block_number * 100000 + event_index) AS reasons
    FROM scores, params WHERE block_number <= params.at
    GROUP BY account
)
SELECT r.reason, r.text_en, r.text_zh,
       count(*) FILTER (WHERE l.reasons[1] = r.reason)         AS first_reason,
       count(*) FILTER (WHERE list_contains(l.reasons, r.reason)) AS any_reason
FROM ref_credit_reasons AS r CROSS JOIN latest AS l
GROUP BY r.reason, r.text_en, r.text_zh
ORDER BY first_reason DESC, any_reason DESC, r.reason;
