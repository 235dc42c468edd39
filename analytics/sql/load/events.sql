-- Append the events of one event type (batch_events; fields as a struct, made JSON here).
INSERT INTO events
SELECT block_number, event_index, extrinsic_index, $pallet, $event, to_json(fields)
FROM batch_events;
