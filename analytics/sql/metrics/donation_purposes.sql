-- Disbursed amounts per campaign asset and purpose up to block $as_of_block (NULL: last indexed).
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at FROM index_state WHERE id = 1
)
SELECT c.asset, p.purpose, p.name AS purpose_name, p.is_overhead, count(*) AS disbursements, sum(d.amount) AS amount
FROM disbursements AS d
JOIN campaigns AS c USING (campaign)
JOIN ref_donation_purposes AS p USING (purpose)
CROSS JOIN params
WHERE d.block_number <= params.at
GROUP BY ALL
ORDER BY c.asset, p.purpose;
