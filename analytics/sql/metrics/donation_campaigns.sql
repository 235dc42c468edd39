-- Every campaign up to block $as_of_block (NULL: last indexed): goal, raised (donations), disbursed, of which
-- to beneficiaries (programme purposes) and to overhead (operations), refunded, unspent; the share of what was
-- disbursed that reached beneficiaries, and the overhead share against the campaign's cap.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at FROM index_state WHERE id = 1
),
c AS (SELECT c.* FROM campaigns AS c, params WHERE c.block_number <= params.at),
given AS (
    SELECT campaign, count(*) AS donations, count(DISTINCT account) AS donors, sum(amount) AS raised
    FROM donations, params WHERE block_number <= params.at GROUP BY campaign
),
spent AS (
    SELECT d.campaign, sum(d.amount) AS disbursed,
           coalesce(sum(d.amount) FILTER (WHERE NOT p.is_overhead), 0) AS to_beneficiaries,
           coalesce(sum(d.amount) FILTER (WHERE p.is_overhead), 0)     AS overhead,
           coalesce(sum(d.amount) FILTER (WHERE d.voucher), 0)         AS as_vouchers
    FROM disbursements AS d JOIN ref_donation_purposes AS p USING (purpose), params
    WHERE d.block_number <= params.at
    GROUP BY d.campaign
),
back AS (
    SELECT campaign, sum(amount) AS refunded FROM donation_refunds, params WHERE block_number <= params.at GROUP BY campaign
),
state AS (
    SELECT campaign, arg_max(status, block_number * 100000 + event_index) AS status
    FROM campaign_updates, params
    WHERE block_number <= params.at AND status <> 'milestone'
    GROUP BY campaign
)
SELECT c.campaign, c.account AS ngo, c.asset, c.goal, c.deadline, c.overhead_cap_bps / 100.0 AS overhead_cap_pct,
       coalesce(s.status, 'active')                    AS status,
       coalesce(g.donations, 0)                        AS donations,
       coalesce(g.donors, 0)                           AS donors,
       coalesce(g.raised, 0)                           AS raised,
       coalesce(x.disbursed, 0)                        AS disbursed,
       coalesce(x.to_beneficiaries, 0)                 AS to_beneficiaries,
       coalesce(x.overhead, 0)                         AS overhead,
       coalesce(x.as_vouchers, 0)                      AS as_vouchers,
       coalesce(b.refunded, 0)                         AS refunded,
       coalesce(g.raised, 0) - coalesce(x.disbursed, 0) - coalesce(b.refunded, 0) AS unspent,
       CAST(x.to_beneficiaries AS DOUBLE) / nullif(CAST(x.disbursed AS DOUBLE), 0) AS beneficiary_share,
       CAST(x.overhead AS DOUBLE) / nullif(CAST(x.disbursed AS DOUBLE), 0)         AS overhead_share,
       CAST(x.overhead AS DOUBLE) / nullif(CAST(g.raised AS DOUBLE), 0) * 100.0    AS overhead_pct_of_raised,
       CAST(g.raised AS DOUBLE) / nullif(CAST(c.goal AS DOUBLE), 0)                 AS goal_reached
FROM c
LEFT JOIN given AS g USING (campaign)
LEFT JOIN spent AS x USING (campaign)
LEFT JOIN back AS b USING (campaign)
LEFT JOIN state AS s USING (campaign)
ORDER BY c.campaign;
