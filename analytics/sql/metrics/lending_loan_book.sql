-- Every disbursed loan as of block $as_of_block (NULL: the last indexed block): status, outstanding
-- principal, days past due (the chain's rule: whole days since the due block of the oldest installment not
-- paid in full; 0 for loans not on the books). Defaulted loans stay on the books until written off.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at, blocks_per_day AS bpd
    FROM index_state WHERE id = 1
),
disbursed AS (
    SELECT d.loan_id, d.account, d.lender, d.asset, d.principal, d.rate_bps, d.block_number AS disbursed_block, d.day AS disbursed_day
    FROM loan_disbursements AS d, params
    WHERE d.block_number <= params.at
),
last_status AS (
    SELECT loan_id, arg_max(status, block_number * 100000 + event_index) AS status
    FROM loan_status_changes, params
    WHERE block_number <= params.at AND status IN ('repaid', 'defaulted', 'written_off')
    GROUP BY loan_id
),
repaid AS (
    SELECT loan_id, sum(to_principal) AS principal, sum(to_interest) AS interest, sum(to_fees) AS fees
    FROM repayments, params
    WHERE block_number <= params.at
    GROUP BY loan_id
),
paid AS (
    SELECT loan_id, installment FROM installment_payments, params WHERE block_number <= params.at
),
oldest_unpaid AS (
    SELECT i.loan_id, min(i.due_block) AS due_block
    FROM installments AS i ANTI JOIN paid AS p USING (loan_id, installment)
    GROUP BY i.loan_id
)
SELECT d.loan_id, d.account, d.lender, d.asset, d.disbursed_block, d.disbursed_day, d.rate_bps,
       coalesce(s.status, 'active')                              AS status,
       d.principal,
       coalesce(r.principal, 0)                                  AS principal_repaid,
       coalesce(r.interest, 0)                                   AS interest_paid,
       coalesce(r.fees, 0)                                       AS fees_paid,
       CASE WHEN coalesce(s.status, 'active') IN ('active', 'defaulted')
            THEN d.principal - coalesce(r.principal, 0) ELSE 0 END AS outstanding,
       CASE WHEN coalesce(s.status, 'active') IN ('active', 'defaulted') AND o.due_block < params.at
            THEN (params.at - o.due_block) // params.bpd ELSE 0 END AS days_past_due
FROM disbursed AS d
CROSS JOIN params
LEFT JOIN last_status AS s USING (loan_id)
LEFT JOIN repaid AS r USING (loan_id)
LEFT JOIN oldest_unpaid AS o USING (loan_id)
ORDER BY d.loan_id;
