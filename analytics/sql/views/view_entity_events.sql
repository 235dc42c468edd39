-- The events of one pallet that name an entity id in a field (e.g. Lending events with loan_id = 12),
-- oldest first, with their extrinsic's hash.
SELECT e.block_number, b.timestamp_ms, e.event_index, e.extrinsic_index, x.extrinsic_hash, e.pallet, e.event, e.fields
FROM events e
JOIN blocks b USING (block_number)
LEFT JOIN extrinsics x ON x.block_number = e.block_number AND x.extrinsic_index = e.extrinsic_index
WHERE e.pallet = $pallet
  AND json_extract_string(e.fields, $path) = $value
ORDER BY e.block_number, e.event_index
LIMIT $limit;
