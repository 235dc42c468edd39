-- The Overview's key figures over the generic tables (as of the last indexed block).
WITH state AS (
    SELECT last_block, blocks_per_day FROM index_state WHERE id = 1
),
signed AS (
    SELECT count(*) AS extrinsics, count(*) FILTER (WHERE NOT success) AS failed,
           count(DISTINCT account) AS signers
    FROM extrinsics WHERE account IS NOT NULL
),
moves AS (
    SELECT count(*) FILTER (WHERE asset = -1) AS native_transfers,
           coalesce(sum(amount) FILTER (WHERE asset = -1), 0) AS native_volume,
           count(*) FILTER (WHERE asset >= 0) AS token_moves
    FROM transfers
),
recent AS (
    SELECT count(DISTINCT account) AS active_30d
    FROM extrinsics, state
    WHERE account IS NOT NULL AND block_number > state.last_block - 30 * state.blocks_per_day
)
SELECT state.last_block, (SELECT count(*) FROM accounts) AS accounts, signed.extrinsics, signed.failed,
       signed.signers, moves.native_transfers, moves.native_volume, moves.token_moves, recent.active_30d
FROM state, signed, moves, recent;
