"""The scoring step of the trend computation (``tech_scores``): per technology, momentum from the signals'
normalised growth, adoption rate, level percentile, significance, learning priority, and the status —
relative to every technology scored that day, with hysteresis against the last computation's status."""

from __future__ import annotations

# Normal CDF, logistic approximation (absolute error < 2e-4): PostgreSQL has no erf().
PHI = "(1 / (1 + exp(-(0.07056 * ({z}) ^ 3 + 1.5976 * ({z})))))"

# A technology's last snapshot before a day, through the history's primary key (ordered as the key is, so
# the plan walks one technology's days backwards whatever the statistics say, never the whole day index).
BEFORE = """
    SELECT {columns} FROM technology_score_history h
    WHERE h.technology_id = c.technology_id AND h.computed_on {on}
    ORDER BY h.technology_id DESC, h.computed_on DESC LIMIT 1"""

# Status thresholds on the combined growth z (monthly growth against every technology's, in MAD units, 0 the
# median): enter at the outer value, stay until past the inner one, so a status doesn't flap (hysteresis).
RISING_ENTER, RISING_STAY = 1.0, 0.5
DECLINING_ENTER, DECLINING_STAY = -1.0, -0.5
YOUNG_MONTHS = 24  # a fast grower first seen less than this long before the day is emerging, not rising

# The one-sided Mann-Kendall p of "the increments trend upwards" from S and n, with continuity correction.
_MK_Z = (
    "(sign(f.mk_s) * greatest(abs(f.mk_s) - 1, 0)) / sqrt(f.mk_n * (f.mk_n - 1) * (2 * f.mk_n + 5) / 18.0)"
)

TECH_SCORES = f"""
WITH scored AS MATERIALIZED (  -- each signal's level percentile taken here: joined on, every row carried a
                               -- copy of the 99 level cuts (100,000 rows: 94 MB to hash and sort)
    SELECT f.technology_id, f.source, f.metric, f.weight, f.latest, f.growth, f.growth_year, f.months,
           coalesce((f.growth - st.median) / nullif(1.4826 * st.mad, 0), 0) AS z,
           width_bucket(f.latest, st.level_cuts)::float8 / (cardinality(st.level_cuts) + 1) AS level_pct,
           CASE WHEN f.mk_n >= 4 THEN 1 - {PHI.format(z=_MK_Z)} ELSE 1 END AS p_value
    FROM signal_features f JOIN signal_stats st USING (source, metric)
),
combined AS (
    SELECT technology_id,
           sum(weight * z) / sum(weight) AS z,
           exp(sum(weight * growth_year) / sum(weight)) - 1 AS adoption_rate,
           sum(weight * level_pct) / sum(weight) AS level_pct,
           least(1, min(p_value) * count(*)) AS p_value,  -- Bonferroni over the signals tested
           -- young: first observed less than two years before as_of. Not "small": a signal may be one
           -- repository (a mirror, a language's own repo), which cannot say how big a technology is
           min(fs.first_detected_date) > CAST(:as_of AS date) - interval '{YOUNG_MONTHS} months' AS young,
           max(latest) FILTER (WHERE source = 'github') AS github_stars,
           max(latest) FILTER (WHERE source = 'stackoverflow') AS stackoverflow_questions,
           max(latest) FILTER (WHERE source = 'hn_jobs') AS job_postings_count,
           jsonb_object_agg(source || '.' || metric, jsonb_build_object(
               'z', round(z::numeric, 3), 'growth', round(growth::numeric, 4), 'p', round(p_value::numeric, 4))) AS signals,
           jsonb_agg(jsonb_build_object('signal', source || '.' || metric, 'months', months)
                     ORDER BY source, metric) AS basis
    FROM scored LEFT JOIN first_seen fs USING (technology_id) GROUP BY technology_id
),
momentum AS (  -- the status of the last computation before this one, through the history's primary key
    SELECT c.*, p.trend_status AS previous_status,
           -- asinh, not a clip, tames extreme z: the curve still saturates, but leaders keep their order
           1 + 9 / (1 + exp(-asinh(c.z))) AS momentum_score
    FROM combined c
    LEFT JOIN LATERAL ({BEFORE.format(columns="h.trend_status", on="< CAST(:as_of AS date)")}) p ON true
)
SELECT m.*,
       1 + 9 * (0.65 * (m.momentum_score - 1) / 9 + 0.35 * m.level_pct) AS learning_priority_score,
       CASE
           WHEN m.z <= {DECLINING_ENTER} OR (m.previous_status = 'declining' AND m.z < {DECLINING_STAY})
               THEN 'declining'
           WHEN m.young
                AND (m.z >= {RISING_ENTER} OR (m.previous_status = 'emerging' AND m.z >= {RISING_STAY}))
               THEN 'emerging'
           WHEN m.z >= {RISING_ENTER} OR (m.previous_status IN ('rising', 'emerging') AND m.z >= {RISING_STAY})
               THEN 'rising'
           ELSE 'mainstream'
       END::trend_status AS trend_status
FROM momentum m
"""
