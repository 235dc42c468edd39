-- Reference (analytics/reference/donation_purposes.csv): donation purpose codes; operations is overhead.
CREATE TABLE IF NOT EXISTS ref_donation_purposes (
    purpose      INTEGER,
    name         VARCHAR,
    is_overhead  BOOLEAN
);
