-- Reload ref_remittance_targets from analytics/reference (ref_data, registered by analytics/reference.py).
DELETE FROM ref_remittance_targets;
INSERT INTO ref_remittance_targets SELECT * FROM ref_data;
