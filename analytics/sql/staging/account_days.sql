-- account_days for blocks $start..$end: the signers of each day.
-- events: *
INSERT INTO account_days
SELECT min(block_number) AS block_number, CAST(block_number // $blocks_per_day AS INTEGER) AS day, account
FROM extrinsics
WHERE block_number BETWEEN $start AND $end AND account IS NOT NULL
GROUP BY CAST(block_number // $blocks_per_day AS INTEGER), account;
