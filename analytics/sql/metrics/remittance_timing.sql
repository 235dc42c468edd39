-- What became of remittances per corridor up to block $as_of_block (NULL: last indexed): collected (cashed out
-- at an agent or claimed as tokens), refunded after expiry, still pending; and the time from sending to
-- collection in days (average, median, 90th percentile), counted in blocks / blocks_per_day.
WITH params AS (
    SELECT coalesce(CAST($as_of_block AS BIGINT), last_block) AS at, blocks_per_day AS bpd
    FROM index_state WHERE id = 1
),
sent AS (
    SELECT r.remittance_id, r.source_country, r.destination_country, r.block_number AS sent_block
    FROM remittances AS r, params WHERE r.block_number <= params.at
),
ends AS (
    SELECT u.remittance_id, arg_min(u.status, u.block_number) AS status, min(u.block_number) AS end_block
    FROM remittance_updates AS u, params
    WHERE u.block_number <= params.at AND u.status IN ('cashed_out', 'claimed', 'refunded')
    GROUP BY u.remittance_id
),
joined AS (
    SELECT s.*, e.status, e.end_block,
           CASE WHEN e.status IN ('cashed_out', 'claimed') THEN (e.end_block - s.sent_block) / params.bpd END AS days
    FROM sent AS s CROSS JOIN params LEFT JOIN ends AS e USING (remittance_id)
)
SELECT source_country, destination_country,
       count(*)                                             AS remittances,
       count(*) FILTER (WHERE status = 'cashed_out')        AS cashed_out,
       count(*) FILTER (WHERE status = 'claimed')           AS claimed,
       count(*) FILTER (WHERE status = 'refunded')          AS refunded,
       count(*) FILTER (WHERE status IS NULL)               AS pending,
       CAST(count(days) AS DOUBLE) / count(*)               AS collected_share,
       avg(days)                                            AS avg_days_to_collect,
       quantile_cont(days, 0.5)                             AS median_days_to_collect,
       quantile_cont(days, 0.9)                             AS p90_days_to_collect
FROM joined
GROUP BY source_country, destination_country
ORDER BY remittances DESC, source_country, destination_country;
