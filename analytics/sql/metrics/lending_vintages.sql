-- Vintage curves per asset: loans grouped by the 30-day month they were disbursed in (cohort); for each month
-- on book since then (0, 1, ...) up to block $as_of_block (NULL: last indexed), the cumulative share of the
-- cohort's principal that had defaulted (outstanding at default) and that had been repaid.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at, blocks_per_day AS bpd
    FROM index_state WHERE id = 1
),
loans AS (
    SELECT loan_id, asset, principal, day // 30 AS cohort, day AS disbursed_day
    FROM loan_disbursements, params WHERE block_number <= params.at
),
cohorts AS (
    SELECT asset, cohort, count(*) AS loans, sum(principal) AS disbursed FROM loans GROUP BY asset, cohort
),
grid AS (
    SELECT c.asset, c.cohort, c.loans, c.disbursed, m.months_on_book
    FROM cohorts AS c, params,
         range(0, CAST(params.at // params.bpd // 30 - c.cohort AS BIGINT) + 1) AS m(months_on_book)
),
flows AS (
    SELECT l.asset, l.cohort, (s.day - l.disbursed_day) // 30 AS mob, s.amount AS defaulted, 0 AS repaid
    FROM loan_status_changes AS s JOIN loans AS l USING (loan_id), params
    WHERE s.status = 'defaulted' AND s.block_number <= params.at
    UNION ALL
    SELECT l.asset, l.cohort, (r.day - l.disbursed_day) // 30, 0, r.to_principal
    FROM repayments AS r JOIN loans AS l USING (loan_id), params
    WHERE r.block_number <= params.at
),
by_month AS (
    SELECT asset, cohort, mob, sum(defaulted) AS defaulted, sum(repaid) AS repaid FROM flows GROUP BY ALL
),
cumulative AS (
    SELECT g.asset, g.cohort, g.months_on_book, g.loans, g.disbursed,
           sum(coalesce(b.defaulted, 0)) OVER w AS defaulted,
           sum(coalesce(b.repaid, 0)) OVER w    AS repaid
    FROM grid AS g
    LEFT JOIN by_month AS b ON b.asset = g.asset AND b.cohort = g.cohort AND b.mob = g.months_on_book
    WINDOW w AS (PARTITION BY g.asset, g.cohort ORDER BY g.months_on_book)
)
SELECT asset, cohort AS cohort_month, months_on_book, loans, disbursed, defaulted, repaid,
       CAST(defaulted AS DOUBLE) / nullif(CAST(disbursed AS DOUBLE), 0) AS defaulted_share,
       CAST(repaid AS DOUBLE) / nullif(CAST(disbursed AS DOUBLE), 0)    AS repaid_share
FROM cumulative
ORDER BY asset, cohort_month, months_on_book;
