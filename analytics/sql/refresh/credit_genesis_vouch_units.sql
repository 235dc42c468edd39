-- Replace the genesis vouch units (snap_vouch_units: asset, unit).
DELETE FROM credit_genesis_vouch_units;
INSERT INTO credit_genesis_vouch_units SELECT asset, CAST(unit AS HUGEINT) FROM snap_vouch_units ORDER BY asset;
