"""The trend computation's SQL: one set-based statement per step, every one bound to ``:as_of``.

Steps (all inside one transaction, temp tables dropped at commit):
1. ``signal_month``: one value per technology, signal and complete month up to ``as_of`` (daily observations
   rolled up: last value of the month for levels such as stars, sum for flows such as downloads).
2. ``signal_features``: per series, the latest level, 3- and 6-month log growth, and a one-sided Mann-Kendall
   trend test on the last 12 monthly increments (is adoption accelerating?).
3. ``tech_scores``: growth normalised per signal across all technologies with the median and MAD (robust to
   outliers), clipped, combined with per-source weights over the signals a technology has (robust to missing
   sources and short series), mapped to 1-10; adoption rate, level percentile, priority, status with hysteresis.
4. Upsert of ``technology_trends`` (unchanged rows are not rewritten), 5. the day's snapshot.
"""

from __future__ import annotations

import re

# Which metric of each source is its signal, and whether it is a level (cumulative) or a flow per period.
SIGNALS_CTE = """
signals(source, metric, kind, weight) AS (
    VALUES ('github', 'stars', 'level', CAST(:w_github AS float8)),
           ('github', 'top100_stars', 'level', CAST(:w_github AS float8)),
           ('stackoverflow', 'questions', 'flow', CAST(:w_stackoverflow AS float8)),
           ('pypi', 'downloads', 'flow', CAST(:w_packages AS float8)),
           ('npm', 'downloads', 'flow', CAST(:w_packages AS float8)),
           ('hn_jobs', 'job_mentions', 'flow', CAST(:w_jobs AS float8))
)
"""

SIGNAL_MONTH = f"""
CREATE TEMP TABLE signal_month ON COMMIT DROP AS
WITH {SIGNALS_CTE},
monthly AS (
    SELECT o.technology_id, o.source, o.metric, s.kind, s.weight,
           date_trunc('month', o.period_start)::date AS month,
           CASE WHEN s.kind = 'flow' THEN sum(o.value)
                ELSE (array_agg(o.value ORDER BY o.period_start DESC))[1] END AS value
    FROM observations o
    JOIN signals s ON s.source = o.source AND s.metric = o.metric
    WHERE o.period_start >= (date_trunc('month', CAST(:as_of AS date)) - interval '24 months')::date
      AND o.period_start < date_trunc('month', CAST(:as_of AS date))::date
      {{only:o.technology_id}}
    GROUP BY o.technology_id, o.source, o.metric, s.kind, s.weight, date_trunc('month', o.period_start)
)
-- A technology with repository stars uses them; the language-list sum (top100_stars) only stands in.
SELECT m.* FROM monthly m
WHERE NOT (m.metric = 'top100_stars' AND EXISTS (
    SELECT 1 FROM monthly r WHERE r.technology_id = m.technology_id AND r.source = 'github' AND r.metric = 'stars'))
"""

SIGNAL_FEATURES = """
CREATE TEMP TABLE signal_features ON COMMIT DROP AS
WITH ordered AS (
    SELECT sm.*,
           sm.value - lag(sm.value) OVER w AS increment,
           row_number() OVER (PARTITION BY technology_id, source, metric ORDER BY month DESC) AS age
    FROM signal_month sm
    WINDOW w AS (PARTITION BY technology_id, source, metric ORDER BY month)
),
activity AS (  -- what the test looks at: increments of levels, the values of flows
    SELECT technology_id, source, metric, month, age,
           CASE WHEN kind = 'level' THEN increment ELSE value END AS x
    FROM ordered WHERE age <= 12
),
mann_kendall AS (
    SELECT a.technology_id, a.source, a.metric,
           sum(sign(b.x - a.x)) AS s, count(DISTINCT a.month) AS n
    FROM activity a JOIN activity b
      ON b.technology_id = a.technology_id AND b.source = a.source AND b.metric = a.metric AND b.month > a.month
    WHERE a.x IS NOT NULL AND b.x IS NOT NULL
    GROUP BY a.technology_id, a.source, a.metric
),
levels AS (
    SELECT technology_id, source, metric, kind, weight,
           max(value) FILTER (WHERE age = 1) AS latest,
           max(month) FILTER (WHERE age = 1) AS latest_month,
           -- flows are smoothed over 3 months so one busy month is not a trend
           avg(value) FILTER (WHERE age BETWEEN 1 AND 3) AS recent3,
           avg(value) FILTER (WHERE age BETWEEN 4 AND 6) AS before3,
           avg(value) FILTER (WHERE age BETWEEN 7 AND 9) AS before6,
           max(value) FILTER (WHERE age = 4) AS level_3ago,
           max(value) FILTER (WHERE age = 7) AS level_6ago,
           count(*) AS months
    FROM ordered GROUP BY technology_id, source, metric, kind, weight
)
SELECT l.technology_id, l.source, l.metric, l.weight, l.latest, l.months,
       CASE WHEN l.kind = 'level' THEN ln(greatest(l.latest, 1) / greatest(l.level_3ago, 1)) / 3
            ELSE ln(greatest(l.recent3, 1) / greatest(l.before3, 1)) / 3 END AS growth3,
       CASE WHEN l.kind = 'level' THEN ln(greatest(l.latest, 1) / greatest(l.level_6ago, 1)) / 6
            ELSE ln(greatest(l.recent3, 1) / greatest(l.before6, 1)) / 6 END AS growth6,
       mk.s AS mk_s, mk.n AS mk_n
FROM levels l LEFT JOIN mann_kendall mk USING (technology_id, source, metric)
-- stale series (nothing in the last 3 complete months) and series shorter than 4 months don't score
WHERE l.latest_month >= (date_trunc('month', CAST(:as_of AS date)) - interval '3 months')::date
  AND l.level_3ago IS NOT NULL
"""

STATS_FROM_FEATURES = """
CREATE TEMP TABLE signal_stats ON COMMIT DROP AS
WITH med AS (
    SELECT source, metric, percentile_cont(0.5) WITHIN GROUP (ORDER BY growth3) AS median
    FROM signal_features GROUP BY source, metric
)
SELECT f.source, f.metric, med.median,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(f.growth3 - med.median)) AS mad,
       percentile_cont(CAST(:cuts AS float8[])) WITHIN GROUP (ORDER BY f.latest) AS level_cuts,
       count(*) AS population
FROM signal_features f JOIN med USING (source, metric)
GROUP BY f.source, f.metric, med.median
"""

STATS_FROM_JSON = """
CREATE TEMP TABLE signal_stats ON COMMIT DROP AS
SELECT * FROM jsonb_to_recordset(CAST(:stats AS jsonb))
    AS x(source text, metric text, median float8, mad float8, level_cuts float8[], population bigint)
"""

# Normal CDF, logistic approximation (absolute error < 2e-4): PostgreSQL has no erf().
PHI = "(1 / (1 + exp(-(0.07056 * ({z}) ^ 3 + 1.5976 * ({z})))))"

TECH_SCORES = f"""
CREATE TEMP TABLE tech_scores ON COMMIT DROP AS
WITH scored AS (
    SELECT f.technology_id, f.source, f.metric, f.weight, f.latest, f.growth3, f.growth6,
           greatest(-3, least(3, coalesce((f.growth3 - st.median) / nullif(1.4826 * st.mad, 0), 0))) AS z,
           width_bucket(f.latest, st.level_cuts)::float8 / (cardinality(st.level_cuts) + 1) AS level_pct,
           CASE WHEN f.mk_n >= 4 AND f.mk_s > 0
                THEN 1 - {PHI.format(z="(f.mk_s - 1) / sqrt(f.mk_n * (f.mk_n - 1) * (2 * f.mk_n + 5) / 18.0)")}
                ELSE 1 END AS p_value
    FROM signal_features f JOIN signal_stats st USING (source, metric)
),
combined AS (
    SELECT technology_id,
           sum(weight * z) / sum(weight) AS z,
           exp(sum(weight * growth6) / sum(weight)) - 1 AS adoption_rate,
           sum(weight * level_pct) / sum(weight) AS level_pct,
           least(1, min(p_value) * count(*)) AS p_value,  -- Bonferroni over the signals tested
           -- young: first observed less than two years before as_of
           min(fs.first_detected_date) > CAST(:as_of AS date) - interval '24 months' AS young,
           max(latest) FILTER (WHERE source = 'github') AS github_stars,
           max(latest) FILTER (WHERE source = 'stackoverflow') AS stackoverflow_questions,
           max(latest) FILTER (WHERE source = 'hn_jobs') AS job_postings_count,
           jsonb_object_agg(source || '.' || metric, jsonb_build_object(
               'z', round(z::numeric, 3), 'growth_3m', round(growth3::numeric, 4), 'p', round(p_value::numeric, 4))) AS signals
    FROM scored LEFT JOIN first_seen fs USING (technology_id) GROUP BY technology_id
),
previous AS (
    SELECT DISTINCT ON (technology_id) technology_id, trend_status
    FROM technology_score_history
    WHERE computed_on < CAST(:as_of AS date)
      {{only:technology_id}}
    ORDER BY technology_id, computed_on DESC
),
momentum AS (
    SELECT c.*, p.trend_status AS previous_status,
           1 + 9 / (1 + exp(-c.z)) AS momentum_score
    FROM combined c LEFT JOIN previous p USING (technology_id)
)
SELECT m.*,
       1 + 9 * (0.65 * (m.momentum_score - 1) / 9 + 0.35 * m.level_pct) AS learning_priority_score,
       CASE  -- entry thresholds are stricter than staying thresholds: statuses don't flap
           WHEN m.momentum_score <= 3.0 OR (m.previous_status = 'declining' AND m.momentum_score < 4.5)
               THEN 'declining'
           WHEN m.previous_status = 'rising' AND m.momentum_score >= 6.0
               THEN 'rising'
           WHEN (m.young AND m.momentum_score >= 5.5)
                OR (m.previous_status = 'emerging' AND m.momentum_score >= 5.0 AND (m.young OR m.level_pct < 0.2))
               THEN 'emerging'
           WHEN m.momentum_score >= 7.0 AND m.p_value < :alpha
               THEN 'rising'
           ELSE 'mainstream'
       END::trend_status AS trend_status
FROM momentum m
"""

FIRST_DETECTED = """
CREATE TEMP TABLE first_seen ON COMMIT DROP AS
WITH scored AS (SELECT DISTINCT technology_id FROM signal_features),
known AS (
    SELECT s.technology_id, tt.first_detected_date FROM scored s
    JOIN technology_trends tt ON tt.trend_id = s.technology_id WHERE tt.first_detected_date IS NOT NULL
),
found AS (  -- only technologies never scored before are looked up in the whole history
    SELECT o.technology_id, min(o.period_start) AS first_detected_date
    FROM observations o
    WHERE o.technology_id IN (SELECT technology_id FROM scored EXCEPT SELECT technology_id FROM known)
    GROUP BY o.technology_id
)
SELECT * FROM known UNION ALL SELECT * FROM found
"""

UPSERT_TRENDS = """
INSERT INTO technology_trends AS tt (
    trend_id, trend_name, ecosystem_id, trend_status, github_stars, stackoverflow_questions, job_postings_count,
    first_detected_date, momentum_score, learning_priority_score, adoption_rate, significance_p_value,
    status_changed_on, scores_as_of, updated_at)
SELECT t.id, t.name, t.ecosystem, ts.trend_status, round(ts.github_stars), round(ts.stackoverflow_questions),
       round(ts.job_postings_count), fs.first_detected_date, round(ts.momentum_score::numeric, 2),
       round(ts.learning_priority_score::numeric, 2), round(ts.adoption_rate::numeric, 4),
       round(ts.p_value::numeric, 5), CAST(:as_of AS date), CAST(:as_of AS date), now()
FROM tech_scores ts
JOIN technologies t ON t.id = ts.technology_id
LEFT JOIN first_seen fs ON fs.technology_id = ts.technology_id
ON CONFLICT (trend_id) DO UPDATE SET
    trend_status = EXCLUDED.trend_status,
    github_stars = EXCLUDED.github_stars,
    stackoverflow_questions = EXCLUDED.stackoverflow_questions,
    job_postings_count = EXCLUDED.job_postings_count,
    first_detected_date = coalesce(tt.first_detected_date, EXCLUDED.first_detected_date),
    momentum_score = EXCLUDED.momentum_score,
    learning_priority_score = EXCLUDED.learning_priority_score,
    adoption_rate = EXCLUDED.adoption_rate,
    significance_p_value = EXCLUDED.significance_p_value,
    status_changed_on = CASE WHEN tt.trend_status <> EXCLUDED.trend_status THEN EXCLUDED.status_changed_on
                             ELSE tt.status_changed_on END,
    scores_as_of = EXCLUDED.scores_as_of,
    updated_at = now()
-- rows whose scores did not change are not rewritten (the cost of this step is writing tuples)
WHERE (tt.trend_status, tt.github_stars, tt.stackoverflow_questions, tt.job_postings_count, tt.momentum_score,
       tt.learning_priority_score, tt.adoption_rate, tt.significance_p_value)
      IS DISTINCT FROM
      (EXCLUDED.trend_status, EXCLUDED.github_stars, EXCLUDED.stackoverflow_questions, EXCLUDED.job_postings_count,
       EXCLUDED.momentum_score, EXCLUDED.learning_priority_score, EXCLUDED.adoption_rate,
       EXCLUDED.significance_p_value)
"""

SNAPSHOT = """
INSERT INTO technology_score_history AS h (
    technology_id, computed_on, method, trend_status, momentum_score, learning_priority_score, adoption_rate,
    significance_p_value, details)
SELECT ts.technology_id, CAST(:as_of AS date), 'default', ts.trend_status, round(ts.momentum_score::numeric, 2),
       round(ts.learning_priority_score::numeric, 2), round(ts.adoption_rate::numeric, 4),
       round(ts.p_value::numeric, 5),
       jsonb_build_object('signals', ts.signals, 'level_percentile', round(ts.level_pct::numeric, 3),
                          'previous_status', ts.previous_status)
FROM tech_scores ts
ON CONFLICT (technology_id, computed_on) DO UPDATE SET
    method = EXCLUDED.method, trend_status = EXCLUDED.trend_status, momentum_score = EXCLUDED.momentum_score,
    learning_priority_score = EXCLUDED.learning_priority_score, adoption_rate = EXCLUDED.adoption_rate,
    significance_p_value = EXCLUDED.significance_p_value, details = EXCLUDED.details
"""

# The seed's calculate_trend_momentum(), set-based and with its name clash fixed: kept as method 'seed' for
# comparison (it reads only the counts stored on technology_trends; its "velocity" is the detection age).
SEED_MOMENTUM = """
WITH seed AS (
    SELECT trend_id,
           round(least(10, greatest(1, coalesce(github_stars, 0) / 1000.0 * 0.4
                                       + coalesce(stackoverflow_questions, 0) / 100.0 * 0.3
                                       + coalesce(job_postings_count, 0) / 50.0 * 0.3))) AS momentum,
           CASE WHEN first_detected_date > CAST(:as_of AS date) - interval '3 months' THEN 0.9
                WHEN first_detected_date > CAST(:as_of AS date) - interval '6 months' THEN 0.7
                WHEN first_detected_date > CAST(:as_of AS date) - interval '12 months' THEN 0.5
                ELSE 0.3 END AS velocity
    FROM technology_trends
    WHERE trend_status IN ('emerging', 'rising')
      {only:trend_id}
)
UPDATE technology_trends tt
SET momentum_score = seed.momentum,
    learning_priority_score = least(10, seed.momentum + seed.velocity * 3),
    scores_as_of = CAST(:as_of AS date),
    updated_at = now()
FROM seed
WHERE tt.trend_id = seed.trend_id
  AND (tt.momentum_score, tt.learning_priority_score)
      IS DISTINCT FROM (seed.momentum, least(10, seed.momentum + seed.velocity * 3))
"""

ALERTS = """
WITH current AS (
    SELECT h.technology_id, h.trend_status, h.momentum_score FROM technology_score_history h
    WHERE h.computed_on = CAST(:as_of AS date)
      {only:h.technology_id}
),
before AS (  -- the last computation before this one
    SELECT DISTINCT ON (h.technology_id) h.technology_id, h.trend_status, h.computed_on
    FROM technology_score_history h JOIN current c USING (technology_id)
    WHERE h.computed_on < CAST(:as_of AS date)
    ORDER BY h.technology_id, h.computed_on DESC
),
month_ago AS (  -- the computation nearest to 30 days earlier, for momentum spikes
    SELECT DISTINCT ON (h.technology_id) h.technology_id, h.momentum_score
    FROM technology_score_history h JOIN current c USING (technology_id)
    WHERE h.computed_on <= CAST(:as_of AS date) - 30
    ORDER BY h.technology_id, h.computed_on DESC
),
changes AS (
    SELECT c.technology_id,
           CASE WHEN c.trend_status IN ('emerging', 'rising') THEN 'emerging_trend' ELSE 'status_change' END AS kind,
           'status:' || b.trend_status || '>' || c.trend_status || ':' || CAST(:as_of AS date) AS key_part,
           jsonb_build_object('from', b.trend_status, 'to', c.trend_status, 'since', b.computed_on,
                              'momentum_score', c.momentum_score) AS details,
           'now ' || c.trend_status::text AS headline
    FROM current c JOIN before b USING (technology_id)
    WHERE b.trend_status <> c.trend_status
    UNION ALL
    SELECT c.technology_id, 'momentum_spike',
           'spike:' || to_char(CAST(:as_of AS date), 'YYYY-MM'),
           jsonb_build_object('momentum_score', c.momentum_score, 'month_ago', m.momentum_score,
                              'rise', c.momentum_score - m.momentum_score),
           'Momentum up ' || round(c.momentum_score - m.momentum_score, 1) || ' points'
    FROM current c JOIN month_ago m USING (technology_id)
    WHERE c.momentum_score - m.momentum_score >= :spike
)
INSERT INTO trend_notifications (
    user_id, trend_id, subject_type, subject_id, notification_type, title, dedupe_key, trend_change_details)
SELECT f.user_id, ch.technology_id, 'technology', ch.technology_id, ch.kind,
       t.name || ': ' || ch.headline, ch.kind || ':' || ch.technology_id || ':' || ch.key_part, ch.details
FROM changes ch
JOIN technology_follows f ON f.technology_id = ch.technology_id
JOIN technologies t ON t.id = ch.technology_id
ON CONFLICT (user_id, dedupe_key) DO NOTHING
"""


_ONLY = re.compile(r"\{only:([a-z_.]+)\}")


def statement(template: str, incremental: bool) -> str:
    """The statement, restricted to ``:only``'s technologies when incremental (a literal condition, not
    ``:only IS NULL OR ...``, so the planner can use the technology indexes)."""
    condition = r"AND \1 = ANY(CAST(:only AS uuid[]))" if incremental else ""
    return _ONLY.sub(condition, template)
