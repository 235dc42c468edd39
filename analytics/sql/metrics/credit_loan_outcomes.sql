-- Every loan request with the borrower's score at the time and what became of the loan by block
-- $as_of_block (NULL: last indexed): approved (NULL while undecided), disbursed, defaulted (1) or repaid (0),
-- NULL while still running; what the credit validation statistics (AUC, KS, calibration, PSI) are built on.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at, blocks_per_day AS bpd
    FROM index_state WHERE id = 1
),
requests AS (
    SELECT l.loan_id, l.account, l.asset, l.amount, l.score, l.block_number, l.day, l.day // 30 AS month
    FROM loans AS l, params WHERE l.block_number <= params.at
),
fates AS (
    SELECT loan_id,
           bool_or(status = 'approved')                       AS approved,
           bool_or(status IN ('rejected', 'cancelled'))       AS not_approved,
           bool_or(status IN ('defaulted', 'written_off'))    AS defaulted,
           bool_or(status = 'repaid')                         AS repaid
    FROM loan_status_changes, params WHERE block_number <= params.at
    GROUP BY loan_id
),
disbursed AS (SELECT DISTINCT loan_id FROM loan_disbursements, params WHERE block_number <= params.at)
SELECT r.loan_id, r.account, r.asset, r.amount, r.score, r.block_number, r.day, r.month,
       CASE WHEN f.approved THEN true WHEN f.not_approved THEN false END        AS approved,
       d.loan_id IS NOT NULL                                                    AS disbursed,
       CASE WHEN f.defaulted THEN 1 WHEN f.repaid THEN 0 END                    AS defaulted
FROM requests AS r
LEFT JOIN fates AS f USING (loan_id)
LEFT JOIN disbursed AS d USING (loan_id)
ORDER BY r.loan_id;
