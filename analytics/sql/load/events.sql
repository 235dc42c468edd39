-- Append a batch's events (batch_events: the rows of load/event_rows, all event types together).
INSERT INTO events
SELECT block_number, event_index, extrinsic_index, pallet, event, fields
FROM batch_events;
