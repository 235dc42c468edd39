-- Do credentials go with better repayment? Disbursed loans split by whether the borrower held a
-- financial-education credential (issued, not revoked) when asking for the loan: installments fallen due by
-- the last indexed block and the share paid on time, and the share of loans that defaulted.
WITH params AS (SELECT last_block AS at FROM index_state WHERE id = 1),
requests AS (SELECT loan_id, account, block_number AS requested_block FROM loans),
held AS (
    SELECT r.loan_id,
           coalesce(sum(CASE c.kind WHEN 'issued' THEN 1 WHEN 'revoked' THEN -1 END), 0) > 0 AS has_credential
    FROM requests AS r
    LEFT JOIN credentials AS c ON c.account = r.account AND c.block_number < r.requested_block
    GROUP BY r.loan_id
),
disbursed AS (
    SELECT d.loan_id, d.account, h.has_credential FROM loan_disbursements AS d JOIN held AS h USING (loan_id)
),
inst AS (
    SELECT d.has_credential, i.loan_id, p.on_time
    FROM installments AS i JOIN disbursed AS d USING (loan_id) CROSS JOIN params
    LEFT JOIN installment_payments AS p USING (loan_id, installment)
    WHERE i.due_block <= params.at
),
outcomes AS (
    SELECT d.has_credential, d.loan_id, d.account,
           EXISTS (SELECT 1 FROM loan_status_changes AS s WHERE s.loan_id = d.loan_id AND s.status = 'defaulted') AS defaulted
    FROM disbursed AS d
),
inst_totals AS (
    SELECT has_credential, count(*) AS installments_due, count(*) FILTER (WHERE on_time) AS paid_on_time
    FROM inst GROUP BY has_credential
),
loan_totals AS (
    SELECT has_credential, count(DISTINCT account) AS borrowers, count(*) AS loans,
           count(*) FILTER (WHERE defaulted) AS defaulted
    FROM outcomes GROUP BY has_credential
)
SELECT l.has_credential, l.borrowers, l.loans, l.defaulted,
       CAST(l.defaulted AS DOUBLE) / nullif(l.loans, 0)                     AS default_rate,
       coalesce(i.installments_due, 0)                                      AS installments_due,
       coalesce(i.paid_on_time, 0)                                          AS paid_on_time,
       CAST(i.paid_on_time AS DOUBLE) / nullif(i.installments_due, 0)       AS on_time_rate
FROM loan_totals AS l
LEFT JOIN inst_totals AS i USING (has_credential)
ORDER BY l.has_credential;
