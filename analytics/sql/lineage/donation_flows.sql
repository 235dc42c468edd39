-- Every movement of one donation ($donation_id), in order: given by the donor into the campaign, allocated
-- from the campaign to recipients (per disbursement and purpose), spent as vouchers at merchants,
-- redeemed by merchants (for tokens, or cash at an agent), refunded to the donor.
WITH d AS (
    SELECT donation_id, campaign, account AS donor, amount, block_number, event_index
    FROM donations WHERE donation_id = $donation_id
)
SELECT 'donated' AS kind, d.block_number, d.event_index, d.donor AS source, CAST(d.campaign AS VARCHAR) AS target,
       d.amount, CAST(NULL AS INTEGER) AS purpose, CAST(NULL AS UBIGINT) AS disbursement_id
FROM d
UNION ALL
SELECT 'allocated', a.block_number, a.event_index, CAST(a.campaign AS VARCHAR), a.account, a.amount, a.purpose, a.disbursement_id
FROM allocations AS a WHERE a.donation_id = $donation_id
UNION ALL
SELECT 'spent', v.block_number, v.event_index, v.account, v.merchant, v.amount, NULL, NULL
FROM voucher_spends AS v WHERE v.donation_id = $donation_id
UNION ALL
SELECT 'redeemed', r.block_number, r.event_index, r.account, r.agent, r.amount, NULL, NULL
FROM redemptions AS r WHERE r.donation_id = $donation_id
UNION ALL
SELECT 'refunded', f.block_number, f.event_index, CAST(f.campaign AS VARCHAR), f.account, f.amount, NULL, NULL
FROM donation_refunds AS f WHERE f.donation_id = $donation_id
ORDER BY block_number, event_index;
