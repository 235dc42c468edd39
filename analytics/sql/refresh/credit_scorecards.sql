-- Replace the scorecard parameters (snap_scorecards: version, params as JSON text).
DELETE FROM credit_scorecards;
INSERT INTO credit_scorecards SELECT version, CAST(params AS JSON) FROM snap_scorecards ORDER BY version;
