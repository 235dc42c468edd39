-- Every course: learners enrolled, module results, credentials issued (and revoked), the completion rate
-- (learners with a credential / learners enrolled), and learner feedback (ratings 1-5: count, mean, spread).
WITH enrolled AS (SELECT course, count(DISTINCT account) AS learners FROM enrolments GROUP BY course),
modules AS (
    SELECT course, count(*) AS attempts, count(*) FILTER (WHERE passed) AS passed, avg(score) AS mean_score
    FROM module_completions GROUP BY course
),
creds AS (
    SELECT course,
           count(DISTINCT account) FILTER (WHERE kind = 'issued')  AS completed,
           count(*) FILTER (WHERE kind = 'revoked')                AS revoked
    FROM credentials GROUP BY course
),
ratings AS (
    SELECT course, count(*) AS ratings, avg(rating) AS mean_rating,
           count(*) FILTER (WHERE rating = 1) AS rated_1, count(*) FILTER (WHERE rating = 2) AS rated_2,
           count(*) FILTER (WHERE rating = 3) AS rated_3, count(*) FILTER (WHERE rating = 4) AS rated_4,
           count(*) FILTER (WHERE rating = 5) AS rated_5
    FROM feedback GROUP BY course
)
SELECT c.course, c.account AS educator, c.modules, c.pass_score,
       coalesce(e.learners, 0)                 AS learners,
       coalesce(m.attempts, 0)                 AS module_attempts,
       CAST(m.passed AS DOUBLE) / nullif(m.attempts, 0) AS module_pass_rate,
       m.mean_score                            AS mean_module_score,
       coalesce(k.completed, 0)                AS completed,
       coalesce(k.revoked, 0)                  AS revoked,
       CAST(k.completed AS DOUBLE) / nullif(e.learners, 0) AS completion_rate,
       coalesce(r.ratings, 0)                  AS ratings,
       r.mean_rating,
       coalesce(r.rated_1, 0) AS rated_1, coalesce(r.rated_2, 0) AS rated_2, coalesce(r.rated_3, 0) AS rated_3,
       coalesce(r.rated_4, 0) AS rated_4, coalesce(r.rated_5, 0) AS rated_5
FROM courses AS c
LEFT JOIN enrolled AS e USING (course)
LEFT JOIN modules AS m USING (course)
LEFT JOIN creds AS k USING (course)
LEFT JOIN ratings AS r USING (course)
ORDER BY c.course;
