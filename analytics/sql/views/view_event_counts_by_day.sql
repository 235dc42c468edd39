-- How many events of one kind happened per simulated day (e.g. Lending.InstallmentLate).
SELECT b.day, CAST(max(b.block_time) AS DATE) AS date, count(e.event_index) AS n
FROM blocks b
LEFT JOIN events e ON e.block_number = b.block_number AND e.pallet = $pallet AND e.event = $event
GROUP BY b.day
ORDER BY b.day;
