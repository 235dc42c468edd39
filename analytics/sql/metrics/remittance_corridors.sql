-- Remittances per corridor (source -> destination country, send and receive asset) up to block $as_of_block
-- (NULL: last indexed): count, exact amounts sent, received and paid in fees, and the average total cost
-- (fee + FX margin, % of the amount sent) beside the World Bank RPW 2025 Q1 average for the same corridor
-- (for USD 200, or USD 500 when the average remittance is USD 350 or more) and the SDG 10.c target of 3%.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at FROM index_state WHERE id = 1
),
sent AS (
    SELECT r.* FROM remittances AS r, params WHERE r.block_number <= params.at
),
by_corridor AS (
    SELECT source_country, destination_country, send_asset, receive_asset,
           count(*)                                   AS remittances,
           count(DISTINCT account)                    AS senders,
           sum(send_amount)                           AS sent,
           sum(receive_amount)                        AS received,
           sum(fee)                                   AS fees,
           avg(total_cost_bps) / 100.0                AS avg_total_cost_pct,
           CAST(sum(total_cost_bps * send_amount) AS DOUBLE) / nullif(CAST(sum(send_amount) AS DOUBLE), 0) / 100.0
                                                      AS weighted_total_cost_pct,
           avg(fx_margin_bps) / 100.0                 AS avg_fx_margin_pct,
           CAST(avg(send_amount) AS DOUBLE)           AS avg_sent
    FROM sent
    GROUP BY ALL
),
targets AS (
    SELECT max(pct) FILTER (WHERE benchmark = 'sdg_10c_target')       AS sdg_target_pct,
           max(pct) FILTER (WHERE benchmark = 'sdg_10c_corridor_cap')  AS sdg_corridor_cap_pct,
           max(pct) FILTER (WHERE benchmark = 'global_average_2023q3') AS rpw_global_average_pct
    FROM ref_remittance_targets
)
SELECT c.source_country, c.destination_country, c.send_asset, c.receive_asset, c.remittances, c.senders,
       c.sent, c.received, c.fees, c.avg_total_cost_pct, c.weighted_total_cost_pct, c.avg_fx_margin_pct,
       rpw.corridor                  AS rpw_corridor,
       rpw.avg_cost_pct_200usd       AS rpw_cost_pct_200usd,
       rpw.avg_cost_pct_500usd       AS rpw_cost_pct_500usd,
       CASE WHEN a.is_stable AND c.avg_sent / pow(10, a.decimals) >= 350 THEN rpw.avg_cost_pct_500usd
            ELSE rpw.avg_cost_pct_200usd END AS rpw_baseline_pct,
       c.avg_total_cost_pct - rpw_baseline_pct AS vs_rpw_pct_points,
       t.sdg_target_pct,
       c.avg_total_cost_pct <= t.sdg_target_pct AS meets_sdg_target,
       t.rpw_global_average_pct
FROM by_corridor AS c
CROSS JOIN targets AS t
LEFT JOIN ref_rpw_corridors AS rpw
       ON rpw.source_country = c.source_country AND rpw.destination_country = c.destination_country
LEFT JOIN assets AS a ON a.asset = c.send_asset
ORDER BY c.remittances DESC, c.source_country, c.destination_country;
