-- Value moved per day in one asset ($asset; -1 is the native token): transfers, cash-ins and cash-outs, exact amounts.
SELECT day,
       count(*) FILTER (WHERE kind = 'transfer')                      AS transfers,
       coalesce(sum(amount) FILTER (WHERE kind = 'transfer'), 0)      AS transferred,
       count(*) FILTER (WHERE kind = 'cash_in')                       AS cash_ins,
       coalesce(sum(amount) FILTER (WHERE kind = 'cash_in'), 0)       AS cashed_in,
       count(*) FILTER (WHERE kind = 'cash_out')                      AS cash_outs,
       coalesce(sum(amount) FILTER (WHERE kind = 'cash_out'), 0)      AS cashed_out,
       count(DISTINCT from_account)                                   AS senders,
       count(DISTINCT to_account)                                     AS receivers
FROM transfers
WHERE asset = $asset
GROUP BY day
ORDER BY day;
