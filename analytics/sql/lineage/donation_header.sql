-- One donation ($donation_id): donor, campaign, amount, asset, the campaign's NGO.
SELECT d.donation_id, d.account AS donor, d.campaign, d.amount, c.asset, c.account AS ngo, d.block_number
FROM donations AS d LEFT JOIN campaigns AS c USING (campaign)
WHERE d.donation_id = $donation_id;
