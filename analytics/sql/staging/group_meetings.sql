-- group_meetings for blocks $start..$end, from SavingsGroups.MeetingClosed events.
-- events: SavingsGroups.MeetingClosed
INSERT INTO group_meetings
WITH source AS (
    SELECT block_number, extrinsic_index, event_index, pallet, event, fields
    FROM events
    WHERE block_number BETWEEN $start AND $end AND pallet = 'SavingsGroups' AND event = 'MeetingClosed'
),
savingsgroups_meetingclosed AS (
    SELECT block_number, extrinsic_index, event_index,
           CAST(fields->>'group_id' AS BIGINT) AS group_id,
           CAST(fields->>'cycle' AS BIGINT) AS cycle,
           CAST(fields->>'meeting' AS INTEGER) AS meeting,
           CAST(fields->>'attended' AS INTEGER) AS attended,
           CAST(fields->>'missed' AS INTEGER) AS missed
    FROM source WHERE event = 'MeetingClosed'
)
SELECT block_number, extrinsic_index, event_index, CAST(block_number // $blocks_per_day AS INTEGER) AS day,
       group_id, cycle, meeting, attended, missed
FROM savingsgroups_meetingclosed;
