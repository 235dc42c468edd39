-- The latest events that name an account (in any field), newest first.
SELECT e.block_number, b.timestamp_ms, e.event_index, e.extrinsic_index, e.pallet, e.event, e.fields
FROM events e JOIN blocks b USING (block_number)
WHERE contains(CAST(e.fields AS VARCHAR), $account)
  AND NOT (e.pallet = 'System' AND e.event = 'ExtrinsicSuccess')
  AND NOT (e.pallet = 'TransactionPayment')
  AND NOT (e.pallet = 'Balances' AND e.event IN ('Withdraw', 'Deposit'))
ORDER BY e.block_number DESC, e.event_index DESC
LIMIT $limit;
