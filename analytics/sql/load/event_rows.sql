-- One event type's rows of a batch (batch_events; fields as a struct) with the fields made JSON. Runs on the
-- decoding side's scratch connection (analytics/batch.py), so the writer appends a batch's events at once.
SELECT block_number, event_index, extrinsic_index, $pallet AS pallet, $event AS event, to_json(fields) AS fields
FROM batch_events;
