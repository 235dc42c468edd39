-- How much stake counts as one vouch unit per asset at genesis (Credit.VouchUnits at block 0); later
-- changes are Credit.VouchUnitSet events.
CREATE TABLE IF NOT EXISTS credit_genesis_vouch_units (
    asset  BIGINT PRIMARY KEY,
    unit   HUGEINT NOT NULL
);
