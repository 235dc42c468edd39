-- Reload ref_credit_reasons from analytics/reference (ref_data, registered by analytics/reference.py).
DELETE FROM ref_credit_reasons;
INSERT INTO ref_credit_reasons SELECT * FROM ref_data;
