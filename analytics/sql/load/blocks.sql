-- Append one batch of blocks (the Arrow table registered as batch_blocks).
INSERT INTO blocks
SELECT block_number,
       block_hash,
       parent_hash,
       state_root,
       extrinsics_root,
       timestamp_ms,
       epoch_ms(timestamp_ms)                          AS block_time,
       CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       extrinsic_count,
       event_count
FROM batch_blocks;
