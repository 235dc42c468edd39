-- Lending performance per asset as of block $as_of_block (NULL: last indexed):
-- on_time_rate: installments paid in full on time / installments fallen due;
-- repayment_rate: scheduled principal + interest of installments fallen due that was paid in full / all of it;
-- write_off_ratio: principal written off / principal disbursed; default_ratio: principal outstanding at default
-- / principal disbursed; portfolio_yield: interest and fees received / average outstanding principal, per year.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at, blocks_per_day AS bpd
    FROM index_state WHERE id = 1
),
loans AS (
    SELECT loan_id, asset, principal, day AS disbursed_day FROM loan_disbursements, params WHERE block_number <= params.at
),
fallen_due AS (
    SELECT i.loan_id, i.installment, i.principal + i.interest AS scheduled, l.asset
    FROM installments AS i JOIN loans AS l USING (loan_id), params
    WHERE i.due_block <= params.at
),
paid AS (
    SELECT loan_id, installment, on_time FROM installment_payments, params WHERE block_number <= params.at
),
installment_totals AS (
    SELECT f.asset,
           count(*)                                              AS installments_due,
           count(p.loan_id) FILTER (WHERE p.on_time)             AS paid_on_time,
           count(p.loan_id) FILTER (WHERE NOT p.on_time)         AS paid_late,
           sum(f.scheduled)                                      AS scheduled_due,
           coalesce(sum(f.scheduled) FILTER (WHERE p.loan_id IS NOT NULL), 0) AS scheduled_paid
    FROM fallen_due AS f LEFT JOIN paid AS p USING (loan_id, installment)
    GROUP BY f.asset
),
flows AS (
    SELECT l.asset, r.day, r.to_principal AS principal_in, r.to_interest + r.to_fees AS income, 0 AS disbursed, 0 AS written_off
    FROM repayments AS r JOIN loans AS l USING (loan_id), params WHERE r.block_number <= params.at
    UNION ALL
    SELECT asset, disbursed_day, 0, 0, principal, 0 FROM loans
    UNION ALL
    SELECT l.asset, s.day, 0, 0, 0, s.amount
    FROM loan_status_changes AS s JOIN loans AS l USING (loan_id), params
    WHERE s.status = 'written_off' AND s.block_number <= params.at
),
defaults AS (
    SELECT l.asset, sum(s.amount) AS defaulted
    FROM loan_status_changes AS s JOIN loans AS l USING (loan_id), params
    WHERE s.status = 'defaulted' AND s.block_number <= params.at
    GROUP BY l.asset
),
daily AS (
    SELECT asset, day, sum(disbursed) AS disbursed, sum(principal_in) AS principal_in, sum(written_off) AS written_off,
           sum(income) AS income
    FROM flows GROUP BY asset, day
),
days AS (
    SELECT a.asset, d.day
    FROM (SELECT asset, min(day) AS first_day FROM daily GROUP BY asset) AS a, params,
         range(a.first_day, CAST(params.at // params.bpd AS BIGINT) + 1) AS d(day)
),
outstanding AS (
    SELECT days.asset, days.day,
           sum(coalesce(daily.disbursed, 0) - coalesce(daily.principal_in, 0) - coalesce(daily.written_off, 0))
               OVER (PARTITION BY days.asset ORDER BY days.day) AS outstanding
    FROM days LEFT JOIN daily ON daily.asset = days.asset AND daily.day = days.day
),
portfolio AS (
    SELECT asset, avg(CAST(outstanding AS DOUBLE)) AS avg_outstanding, count(*) AS days FROM outstanding GROUP BY asset
),
money AS (
    SELECT asset, sum(disbursed) AS disbursed, sum(principal_in) AS principal_repaid, sum(income) AS interest_and_fees,
           sum(written_off) AS written_off
    FROM daily GROUP BY asset
)
SELECT m.asset,
       m.disbursed, m.principal_repaid, m.interest_and_fees, m.written_off,
       coalesce(d.defaulted, 0)                                                  AS defaulted,
       t.installments_due, t.paid_on_time, t.paid_late,
       CAST(t.paid_on_time AS DOUBLE) / nullif(t.installments_due, 0)           AS on_time_rate,
       CAST(t.scheduled_paid AS DOUBLE) / nullif(CAST(t.scheduled_due AS DOUBLE), 0) AS repayment_rate,
       CAST(m.written_off AS DOUBLE) / nullif(CAST(m.disbursed AS DOUBLE), 0)   AS write_off_ratio,
       CAST(coalesce(d.defaulted, 0) AS DOUBLE) / nullif(CAST(m.disbursed AS DOUBLE), 0) AS default_ratio,
       p.avg_outstanding,
       p.days,
       CAST(m.interest_and_fees AS DOUBLE) / nullif(p.avg_outstanding, 0) * 365.0 / p.days AS portfolio_yield
FROM money AS m
JOIN portfolio AS p USING (asset)
LEFT JOIN installment_totals AS t USING (asset)
LEFT JOIN defaults AS d USING (asset)
ORDER BY m.asset;
