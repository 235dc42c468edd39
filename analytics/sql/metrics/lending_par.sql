-- Portfolio at risk per asset as of block $as_of_block (NULL: last indexed): the share of outstanding principal
-- on loans 1, 7, 30 and 90 or more days past due (defaulted loans count until written off).
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at, blocks_per_day AS bpd
    FROM index_state WHERE id = 1
),
disbursed AS (
    SELECT d.loan_id, d.asset, d.principal FROM loan_disbursements AS d, params WHERE d.block_number <= params.at
),
off_books AS (
    SELECT DISTINCT loan_id FROM loan_status_changes, params
    WHERE block_number <= params.at AND status IN ('repaid', 'written_off')
),
repaid AS (
    SELECT loan_id, sum(to_principal) AS principal FROM repayments, params WHERE block_number <= params.at GROUP BY loan_id
),
paid AS (
    SELECT loan_id, installment FROM installment_payments, params WHERE block_number <= params.at
),
oldest_unpaid AS (
    SELECT i.loan_id, min(i.due_block) AS due_block
    FROM installments AS i ANTI JOIN paid AS p USING (loan_id, installment)
    GROUP BY i.loan_id
),
book AS (
    SELECT d.loan_id, d.asset, d.principal - coalesce(r.principal, 0) AS outstanding,
           CASE WHEN o.due_block < params.at THEN (params.at - o.due_block) // params.bpd ELSE 0 END AS dpd
    FROM disbursed AS d
    CROSS JOIN params
    ANTI JOIN off_books AS x USING (loan_id)
    LEFT JOIN repaid AS r USING (loan_id)
    LEFT JOIN oldest_unpaid AS o USING (loan_id)
),
totals AS (
    SELECT asset,
           count(*)                                        AS loans,
           sum(outstanding)                                AS outstanding,
           coalesce(sum(outstanding) FILTER (WHERE dpd >= 1), 0)  AS at_risk_1,
           coalesce(sum(outstanding) FILTER (WHERE dpd >= 7), 0)  AS at_risk_7,
           coalesce(sum(outstanding) FILTER (WHERE dpd >= 30), 0) AS at_risk_30,
           coalesce(sum(outstanding) FILTER (WHERE dpd >= 90), 0) AS at_risk_90
    FROM book
    GROUP BY asset
)
SELECT asset, loans, outstanding, at_risk_1, at_risk_7, at_risk_30, at_risk_90,
       CAST(at_risk_1 AS DOUBLE) / nullif(CAST(outstanding AS DOUBLE), 0)  AS par1,
       CAST(at_risk_7 AS DOUBLE) / nullif(CAST(outstanding AS DOUBLE), 0)  AS par7,
       CAST(at_risk_30 AS DOUBLE) / nullif(CAST(outstanding AS DOUBLE), 0) AS par30,
       CAST(at_risk_90 AS DOUBLE) / nullif(CAST(outstanding AS DOUBLE), 0) AS par90
FROM totals
ORDER BY asset;
