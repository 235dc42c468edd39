-- Append the extrinsics of one call type (batch_extrinsics; args as a struct, made JSON here).
INSERT INTO extrinsics
SELECT block_number,
       extrinsic_index,
       extrinsic_hash,
       account,
       nonce,
       CAST(tip AS HUGEINT),
       $pallet,
       $call,
       to_json(args),
       success,
       error,
       CAST(fee AS HUGEINT),
       length
FROM batch_extrinsics;
