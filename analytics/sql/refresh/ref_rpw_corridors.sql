-- Reload ref_rpw_corridors from analytics/reference (ref_data, registered by analytics/reference.py).
DELETE FROM ref_rpw_corridors;
INSERT INTO ref_rpw_corridors SELECT * FROM ref_data;
