-- A block or an extrinsic by its 0x hash.
SELECT 'block' AS kind, block_number, NULL::INTEGER AS extrinsic_index FROM blocks WHERE block_hash = $hash
UNION ALL
SELECT 'extrinsic' AS kind, block_number, extrinsic_index FROM extrinsics WHERE extrinsic_hash = $hash
ORDER BY kind, block_number
LIMIT 10;
