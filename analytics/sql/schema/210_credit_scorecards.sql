-- Scorecard parameters of every version the Credit pallet holds (Credit.Scorecards, read at the head):
-- base, newcomer rule and points per feature bin, as JSON. The replay recomputes scores with them.
CREATE TABLE IF NOT EXISTS credit_scorecards (
    version  BIGINT PRIMARY KEY,
    params   JSON NOT NULL
);
