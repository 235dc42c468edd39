-- campaigns for blocks $start..$end, from Donations.CampaignCreated events.
-- events: Donations.CampaignCreated
INSERT INTO campaigns
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'Donations' AND event = 'CampaignCreated'
),
donations_campaigncreated AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'campaign' AS BIGINT) AS campaign,
           fields->>'ngo' AS account,
           CAST(fields->>'asset' AS BIGINT) AS asset,
           CAST(fields->>'goal' AS HUGEINT) AS goal,
           CAST(fields->>'deadline' AS BIGINT) AS deadline,
           CAST(fields->'categories' AS INTEGER[]) AS categories,
           fields->>'rule' AS rule,
           CAST(fields->>'overhead_cap_bps' AS INTEGER) AS overhead_cap_bps,
           fields->>'validator' AS validator,
           CAST(fields->'milestones' AS HUGEINT[]) AS milestones,
           fields->>'info_hash' AS info_hash
    FROM source WHERE event = 'CampaignCreated'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       campaign, account, asset, goal, deadline, categories, rule, overhead_cap_bps, validator, milestones, info_hash
FROM donations_campaigncreated;
