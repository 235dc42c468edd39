-- Savings groups per cycle: members, savings (share purchases) and social-fund contributions, meetings and
-- attendance, loans from the fund and the service charges they earned, the share-out and its return on
-- what members saved (shared out / saved - 1) once the cycle has closed.
WITH cycles AS (
    SELECT g.group_id, g.asset, g.members, g.share_price, c.cycle, c.start_block, c.end_block,
           c.block_number AS started_block
    FROM group_cycles AS c JOIN savings_groups AS g USING (group_id)
),
starts AS (SELECT group_id, cycle, started_block FROM cycles),
contrib AS (
    SELECT s.cycle, x.group_id, x.shares, x.amount, x.social
    FROM group_contributions AS x
    ASOF JOIN starts AS s ON s.group_id = x.group_id AND s.started_block <= x.block_number
),
loans AS (
    SELECT s.cycle, l.group_id, l.principal, l.charge
    FROM group_loans AS l
    ASOF JOIN starts AS s ON s.group_id = l.group_id AND s.started_block <= l.block_number
),
charges AS (
    SELECT s.cycle, r.group_id, r.to_charge
    FROM group_loan_repayments AS r
    ASOF JOIN starts AS s ON s.group_id = r.group_id AND s.started_block <= r.block_number
),
meetings AS (
    SELECT group_id, cycle, count(*) AS meetings, sum(attended) AS attended, sum(missed) AS missed
    FROM group_meetings GROUP BY ALL
),
saved AS (
    SELECT group_id, cycle, sum(shares) AS shares, sum(amount) AS saved, sum(social) AS social
    FROM contrib GROUP BY ALL
),
lent AS (SELECT group_id, cycle, count(*) AS loans, sum(principal) AS lent FROM loans GROUP BY ALL),
earned AS (SELECT group_id, cycle, sum(to_charge) AS charges_earned FROM charges GROUP BY ALL),
shared AS (SELECT group_id, cycle, sum(amount) AS shared_out FROM group_shareouts GROUP BY ALL)
SELECT c.group_id, c.asset, c.members, c.share_price, c.cycle, c.start_block, c.end_block,
       k.block_number IS NOT NULL                     AS closed,
       coalesce(m.meetings, 0)                        AS meetings,
       CAST(m.attended AS DOUBLE) / nullif(m.attended + m.missed, 0) AS attendance_rate,
       coalesce(s.shares, 0)                          AS shares,
       coalesce(s.saved, 0)                           AS saved,
       coalesce(s.social, 0)                          AS social,
       coalesce(l.loans, 0)                           AS loans,
       coalesce(l.lent, 0)                            AS lent,
       coalesce(e.charges_earned, 0)                  AS charges_earned,
       coalesce(h.shared_out, 0)                      AS shared_out,
       k.losses,
       CASE WHEN k.block_number IS NOT NULL
            THEN CAST(h.shared_out AS DOUBLE) / nullif(CAST(s.saved AS DOUBLE), 0) - 1 END AS share_out_return
FROM cycles AS c
LEFT JOIN meetings AS m USING (group_id, cycle)
LEFT JOIN saved AS s USING (group_id, cycle)
LEFT JOIN lent AS l USING (group_id, cycle)
LEFT JOIN earned AS e USING (group_id, cycle)
LEFT JOIN shared AS h USING (group_id, cycle)
LEFT JOIN group_cycle_closures AS k USING (group_id, cycle)
ORDER BY c.group_id, c.cycle;
