-- One call's extrinsics of a batch (batch_extrinsics; args as a struct) with the args made JSON. Runs on the
-- decoding side's scratch connection (analytics/batch.py), so the writer appends a batch's extrinsics at once.
SELECT block_number,
       extrinsic_index,
       extrinsic_hash,
       account,
       nonce,
       CAST(tip AS HUGEINT) AS tip,
       $pallet              AS pallet,
       $call                AS call,
       to_json(args)        AS args,
       success,
       error,
       CAST(fee AS HUGEINT) AS fee,
       length
FROM batch_extrinsics;
