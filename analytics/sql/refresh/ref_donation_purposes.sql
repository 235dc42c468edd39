-- Reload ref_donation_purposes from analytics/reference (ref_data, registered by analytics/reference.py).
DELETE FROM ref_donation_purposes;
INSERT INTO ref_donation_purposes SELECT * FROM ref_data;
