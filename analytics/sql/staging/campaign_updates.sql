-- campaign_updates for blocks $start..$end, from Donations.MilestoneAttested Donations.CampaignFunded Donations.CampaignFailed Donations.CampaignCancelled Donations.CampaignClosed events.
-- events: Donations.MilestoneAttested, Donations.CampaignFunded, Donations.CampaignFailed, Donations.CampaignCancelled, Donations.CampaignClosed
INSERT INTO campaign_updates
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Donations' AND event IN ('MilestoneAttested', 'CampaignFunded', 'CampaignFailed', 'CampaignCancelled', 'CampaignClosed')
),
donations_milestoneattested AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           'milestone' AS status,
           CAST(NULL AS HUGEINT) AS raised,
           CAST(NULL AS HUGEINT) AS goal,
           CAST(fields->>'milestone' AS INTEGER) AS milestone,
           fields->>'validator' AS account,
           CAST(fields->>'amount' AS HUGEINT) AS amount
    FROM source WHERE event = 'MilestoneAttested'
),
donations_campaignfunded AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           'funded' AS status,
           CAST(fields->>'raised' AS HUGEINT) AS raised,
           CAST(NULL AS HUGEINT) AS goal,
           CAST(NULL AS INTEGER) AS milestone,
           CAST(NULL AS VARCHAR) AS account,
           CAST(NULL AS HUGEINT) AS amount
    FROM source WHERE event = 'CampaignFunded'
),
donations_campaignfailed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           'failed' AS status,
           CAST(fields->>'raised' AS HUGEINT) AS raised,
           CAST(fields->>'goal' AS HUGEINT) AS goal,
           CAST(NULL AS INTEGER) AS milestone,
           CAST(NULL AS VARCHAR) AS account,
           CAST(NULL AS HUGEINT) AS amount
    FROM source WHERE event = 'CampaignFailed'
),
donations_campaigncancelled AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           'cancelled' AS status,
           CAST(NULL AS HUGEINT) AS raised,
           CAST(NULL AS HUGEINT) AS goal,
           CAST(NULL AS INTEGER) AS milestone,
           CAST(NULL AS VARCHAR) AS account,
           CAST(NULL AS HUGEINT) AS amount
    FROM source WHERE event = 'CampaignCancelled'
),
donations_campaignclosed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           'closed' AS status,
           CAST(NULL AS HUGEINT) AS raised,
           CAST(NULL AS HUGEINT) AS goal,
           CAST(NULL AS INTEGER) AS milestone,
           CAST(NULL AS VARCHAR) AS account,
           CAST(NULL AS HUGEINT) AS amount
    FROM source WHERE event = 'CampaignClosed'
),
all_rows AS (
    SELECT * FROM donations_milestoneattested
    UNION ALL
    SELECT * FROM donations_campaignfunded
    UNION ALL
    SELECT * FROM donations_campaignfailed
    UNION ALL
    SELECT * FROM donations_campaigncancelled
    UNION ALL
    SELECT * FROM donations_campaignclosed
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       campaign, status, raised, goal, milestone, account, amount
FROM all_rows;
