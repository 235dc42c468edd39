-- Merge the activity of blocks $start..$end into accounts (first seen, last active, counts).
-- events: *
INSERT INTO accounts (account, first_seen_block, last_active_block, extrinsic_count, transfers_out, transfers_in)
WITH signed AS (
    SELECT account, block_number, 1 AS xts, 0 AS sent, 0 AS received
    FROM extrinsics
    WHERE block_number BETWEEN $start AND $end AND account IS NOT NULL
),
sent AS (
    SELECT from_account AS account, block_number, 0 AS xts, 1 AS sent, 0 AS received
    FROM transfers
    WHERE block_number BETWEEN $start AND $end AND from_account IS NOT NULL
),
received AS (
    SELECT to_account AS account, block_number, 0 AS xts, 0 AS sent, 1 AS received
    FROM transfers
    WHERE block_number BETWEEN $start AND $end AND to_account IS NOT NULL
),
activity AS (
    SELECT * FROM signed UNION ALL SELECT * FROM sent UNION ALL SELECT * FROM received
)
SELECT account, min(block_number), max(block_number), sum(xts), sum(sent), sum(received)
FROM activity
GROUP BY account
ON CONFLICT (account) DO UPDATE SET
    first_seen_block  = least(coalesce(accounts.first_seen_block, excluded.first_seen_block), excluded.first_seen_block),
    last_active_block = greatest(coalesce(accounts.last_active_block, excluded.last_active_block), excluded.last_active_block),
    extrinsic_count   = accounts.extrinsic_count + excluded.extrinsic_count,
    transfers_out     = accounts.transfers_out + excluded.transfers_out,
    transfers_in      = accounts.transfers_in + excluded.transfers_in;
