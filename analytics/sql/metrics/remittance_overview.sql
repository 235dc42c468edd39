-- All remittances up to block $as_of_block (NULL: last indexed) in one row: how many, how many senders and
-- corridors, the average total cost (%), the share of remittances at or below the SDG target of 3%, and
-- the benchmarks (RPW global average 2023 Q3, SDG 10.c target and corridor cap).
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at FROM index_state WHERE id = 1
),
sent AS (SELECT r.* FROM remittances AS r, params WHERE r.block_number <= params.at),
targets AS (
    SELECT max(pct) FILTER (WHERE benchmark = 'sdg_10c_target')       AS sdg_target_pct,
           max(pct) FILTER (WHERE benchmark = 'sdg_10c_corridor_cap')  AS sdg_corridor_cap_pct,
           max(pct) FILTER (WHERE benchmark = 'global_average_2023q3') AS rpw_global_average_pct
    FROM ref_remittance_targets
)
SELECT count(*)                                                          AS remittances,
       count(DISTINCT account)                                           AS senders,
       count(DISTINCT (source_country, destination_country))             AS corridors,
       avg(total_cost_bps) / 100.0                                       AS avg_total_cost_pct,
       CAST(count(*) FILTER (WHERE total_cost_bps <= t.sdg_target_pct * 100) AS DOUBLE) / nullif(count(*), 0)
                                                                         AS share_meeting_sdg_target,
       any_value(t.sdg_target_pct)                                       AS sdg_target_pct,
       any_value(t.sdg_corridor_cap_pct)                                 AS sdg_corridor_cap_pct,
       any_value(t.rpw_global_average_pct)                               AS rpw_global_average_pct
FROM sent CROSS JOIN targets AS t;
