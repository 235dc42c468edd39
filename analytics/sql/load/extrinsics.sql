-- Append a batch's extrinsics (batch_extrinsics: the rows of load/extrinsic_rows, all calls together).
INSERT INTO extrinsics
SELECT block_number, extrinsic_index, extrinsic_hash, account, nonce, tip, pallet, call, args, success, error,
       fee, length
FROM batch_extrinsics;
