"""The trend computation's SQL: one set-based statement per step, every one bound to ``:as_of``.

Steps (all inside one transaction, temp tables dropped at commit):
1. ``signal_features``: per series, from its complete months up to ``as_of`` in ``signal_months`` (the
   monthly rollup triggers keep as observations arrive: last value of the month for levels such as stars,
   sum for flows such as downloads), the latest level, 3- and 6-month log growth, and the statistic of a
   one-sided Mann-Kendall trend test on the last 12 monthly increments (is adoption accelerating?) — all as
   array expressions over one row per series, so an incremental run reads only the changed series.
2. ``tech_scores`` (``scores_sql``): growth normalised per signal across all technologies with the median
   and MAD (robust to outliers), combined with per-source weights over the signals a technology has (robust
   to missing sources and short series), mapped to 1-10; adoption rate, level percentile, priority, status
   relative to every technology with hysteresis.
3. Upsert of ``technology_trends`` (unchanged rows are not rewritten), 4. the day's snapshot.
"""

from __future__ import annotations

import re

from frontier.trends.scores_sql import BEFORE, TECH_SCORES

# Which metric of each source is its signal, whether it is a level (cumulative) or a flow per period, and the
# parameter holding its weight.
SIGNALS = (
    ("github", "stars", "level", "w_github"),
    ("github", "top100_stars", "level", "w_github"),
    ("stackoverflow", "questions", "flow", "w_stackoverflow"),
    ("pypi", "downloads", "flow", "w_packages"),
    ("npm", "downloads", "flow", "w_packages"),
    ("hn_jobs", "job_mentions", "flow", "w_jobs"),
)
SIGNALS_CTE = "signals(source, metric, kind, weight) AS (VALUES {})".format(
    ", ".join(
        f"('{source}', '{metric}', '{kind}', CAST(:{weight} AS float8))"
        for source, metric, kind, weight in SIGNALS
    )
)
# The same pairs as a literal list: a plain filter on the rows read, not a join.
SIGNAL_PAIRS = "({})".format(", ".join(f"('{source}', '{metric}')" for source, metric, _, _ in SIGNALS))

# The window of complete months a computation as of :as_of reads: the 24 months before as_of's month.
WINDOW_START = "(date_trunc('month', CAST(:as_of AS date)) - interval '24 months')::date"
WINDOW_END = "date_trunc('month', CAST(:as_of AS date))::date"

# The Mann-Kendall statistic S of x1..x12 (x1 the newest month): the sum of sign(newer - older) over every
# pair, written out as one expression (66 terms) so each series costs one expression evaluation, not a
# self-join; a missing month (NULL) contributes nothing.
MANN_KENDALL_S = " + ".join(
    f"coalesce(sign(x{newer} - x{older}), 0)" for newer in range(1, 13) for older in range(newer + 1, 13)
)
MANN_KENDALL_N = " + ".join(f"(x{k} IS NOT NULL)::int" for k in range(1, 13))


def _age(k: int) -> str:
    """The value ``k`` months back among the series' months (1 = the latest): ``a`` is oldest first, ``n`` its
    length; NULL past the start (a subscript below 1)."""
    return f"a[n - {k - 1}]" if k > 1 else "a[n]"


# What the trend test looks at, newest first, as the columns x1..x12: increments of levels (month k over month
# k + 1), flow values. Scalar columns, read 132 times by the statistic: an array built per series and read by
# subscript cost a third of the features step at 100,000 series.
TREND_TEST_VALUES = ", ".join(
    f"CASE WHEN kind = 'level' THEN {_age(k)} - {_age(k + 1)} ELSE {_age(k)} END AS x{k}"
    for k in range(1, 13)
)


def _mean3(first: int) -> str:
    """The mean of the values ``first`` .. ``first`` + 2 months back over the months present (NULL if none)."""
    cells = [_age(k) for k in range(first, first + 3)]
    total = " + ".join(f"coalesce({c}, 0)" for c in cells)
    count = " + ".join(f"({c} IS NOT NULL)::int" for c in cells)
    return f"(({total}) / nullif({count}, 0))"


# A series summed over a top-N list (top100_stars): its members change, so its jumps are not all growth.
LIST_METRIC = "metric LIKE 'top100%'"


def _median_change(months: int) -> str:
    """The median of a level's last ``months`` month-over-month log changes (NULL past the series' start).

    Robust growth: a series summed over a top-100 list jumps when the list's members change (one repository
    leaves, a bigger one enters); such months are a minority of any six, so the median ignores them where a
    ratio of the end points would count them as growth.
    """
    changes = ", ".join(
        f"CASE WHEN {_age(k + 1)} IS NOT NULL THEN ln(greatest({_age(k)}, 1) / greatest({_age(k + 1)}, 1)) END"
        for k in range(1, months + 1)
    )
    return f"(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c) FROM unnest(ARRAY[{changes}]) c)"


# A month's value of a signal: the total of a flow, the last value of a level.
_SIGNAL_VALUE = "CASE WHEN (m.source, m.metric) IN ({}) THEN m.total ELSE m.last END".format(
    ", ".join(f"('{source}', '{metric}')" for source, metric, kind, _ in SIGNALS if kind == "flow")
)

# A series' complete months in the window, oldest first. A full computation reads every series; an incremental
# one probes the changed technologies' series through the primary key (months already in order, no sort).
_SERIES_ALL = f"""
    SELECT m.technology_id, m.source, m.metric, max(m.month) AS latest_month,
           array_agg({_SIGNAL_VALUE} ORDER BY m.month) AS a
    FROM signal_months m
    WHERE m.month >= {WINDOW_START} AND m.month < {WINDOW_END} AND (m.source, m.metric) IN {SIGNAL_PAIRS}
    GROUP BY m.technology_id, m.source, m.metric
"""
_SERIES_CHANGED = f"""
    SELECT c.technology_id, m.* FROM changed c
    CROSS JOIN LATERAL (
        SELECT m.source, m.metric, max(m.month) AS latest_month,
               array_agg({_SIGNAL_VALUE} ORDER BY m.month) AS a
        FROM signal_months m
        WHERE m.technology_id = c.technology_id AND m.month >= {WINDOW_START} AND m.month < {WINDOW_END}
          AND (m.source, m.metric) IN {SIGNAL_PAIRS}
        GROUP BY m.source, m.metric
    ) m
"""


def _features(series: str) -> str:
    """Per series: the latest level, 3- and 6-month log growth, the Mann-Kendall statistic and its n."""
    return f"""
WITH {SIGNALS_CTE},
series AS ({series}),
kept AS (
    SELECT x.technology_id, x.source, x.metric, s.kind, s.weight, x.a, cardinality(x.a) AS n
    FROM series x JOIN signals s ON s.source = x.source AND s.metric = x.metric
    -- stale series (nothing in the last 3 complete months) and series shorter than 4 months don't score
    WHERE x.latest_month >= (date_trunc('month', CAST(:as_of AS date)) - interval '3 months')::date
      AND cardinality(x.a) >= 4
      -- a technology with repository stars uses them; the language-list sum (top100_stars) only stands in
      -- (a probe of the months, not a second read of series, which would then be materialised whole)
      AND NOT (x.metric = 'top100_stars' AND EXISTS (
          SELECT 1 FROM signal_months r
          WHERE r.technology_id = x.technology_id AND r.source = 'github' AND r.metric = 'stars'
            AND r.month >= {WINDOW_START} AND r.month < {WINDOW_END}))
),
shaped AS MATERIALIZED (  -- x1..x12 are read 132 times below: computed once per series, not per reference
    SELECT k.*, {TREND_TEST_VALUES} FROM kept k
),
growth AS (
    SELECT technology_id, source, metric, kind, weight, n AS months, {_age(1)} AS latest,
           {MANN_KENDALL_S} AS mk_s, {MANN_KENDALL_N} AS mk_n,
           -- monthly log growth. A list's sum: the median monthly change of the last 6 (12) months, robust
           -- to its membership changes. Other levels: of the level over 3 (6) months, so a real jump counts.
           -- Flows: of the 3-month mean, so one busy month is not a trend.
           CASE WHEN {LIST_METRIC} THEN {_median_change(6)}
                WHEN kind = 'level' THEN ln(greatest({_age(1)}, 1) / greatest({_age(4)}, 1)) / 3
                ELSE ln(greatest({_mean3(1)}, 1) / greatest({_mean3(4)}, 1)) / 3 END AS growth,
           CASE WHEN {LIST_METRIC} THEN {_median_change(12)}
                WHEN kind = 'level' THEN ln(greatest({_age(1)}, 1) / greatest({_age(7)}, 1)) / 6
                ELSE ln(greatest({_mean3(1)}, 1) / greatest({_mean3(7)}, 1)) / 6 END AS growth_year
    FROM shaped
)
-- a series too short for 6-month growth (7 months) uses its 3-month growth
SELECT technology_id, source, metric, weight, latest, months, growth,
       CASE WHEN months >= 7 OR {LIST_METRIC} THEN growth_year ELSE growth END AS growth_year, mk_s, mk_n
FROM growth
"""


SIGNAL_FEATURES = _features(_SERIES_ALL)

# The columns the full computation's later steps join and group its temp tables by: all ANALYZE looks at.
JOIN_COLUMNS = {
    "signal_features": "technology_id, source, metric",
    "signal_stats": "source, metric",
    "tech_scores": "technology_id",
}

STATS_FROM_FEATURES = """
WITH med AS (
    SELECT source, metric, percentile_cont(0.5) WITHIN GROUP (ORDER BY growth) AS median
    FROM signal_features GROUP BY source, metric
)
SELECT f.source, f.metric, med.median,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(f.growth - med.median)) AS mad,
       percentile_cont(CAST(:cuts AS float8[])) WITHIN GROUP (ORDER BY f.latest) AS level_cuts,
       count(*) AS population
FROM signal_features f JOIN med USING (source, metric)
GROUP BY f.source, f.metric, med.median
"""

# The statistics of the last full computation, stored on the pipeline row (an incremental one reuses them).
STATS_FROM_JSON = """
SELECT * FROM jsonb_to_recordset(CAST(:stats AS jsonb))
    AS x(source text, metric text, median float8, mad float8, level_cuts float8[], population bigint)
"""

FIRST_DETECTED = """
WITH scored AS (SELECT DISTINCT technology_id FROM signal_features),
known AS (
    SELECT s.technology_id, tt.first_detected_date FROM scored s
    JOIN technology_trends tt ON tt.trend_id = s.technology_id
    WHERE tt.first_detected_date IS NOT NULL
),
found AS (  -- only technologies never scored before are looked up in the whole history
    SELECT o.technology_id, min(o.period_start) AS first_detected_date
    FROM observations o
    WHERE o.technology_id IN (SELECT technology_id FROM scored EXCEPT SELECT technology_id FROM known)
    GROUP BY o.technology_id
)
SELECT * FROM known UNION ALL SELECT * FROM found
"""

# The columns that make a technology's scores: a row is rewritten only when one of them changes.
_TREND_SCORES = (
    "trend_status, github_stars, stackoverflow_questions, job_postings_count, momentum_score, "
    "learning_priority_score, adoption_rate, significance_p_value, score_basis"
)

# Only new and changed rows reach the INSERT (an anti-join through the primary key is far cheaper than a
# conflict per unchanged row); ON CONFLICT keeps it right if another writer got there first.
UPSERT_TRENDS = f"""
WITH new AS (
    SELECT t.id, t.name, t.ecosystem, ts.trend_status, round(ts.github_stars) AS github_stars,
           round(ts.stackoverflow_questions) AS stackoverflow_questions,
           round(ts.job_postings_count) AS job_postings_count, fs.first_detected_date,
           round(ts.momentum_score::numeric, 2) AS momentum_score,
           round(ts.learning_priority_score::numeric, 2) AS learning_priority_score,
           round(ts.adoption_rate::numeric, 4) AS adoption_rate, round(ts.p_value::numeric, 5) AS significance_p_value,
           ts.basis AS score_basis
    FROM tech_scores ts
    JOIN technologies t ON t.id = ts.technology_id
    LEFT JOIN first_seen fs ON fs.technology_id = ts.technology_id
)
INSERT INTO technology_trends AS tt (
    trend_id, trend_name, ecosystem_id, first_detected_date, {_TREND_SCORES}, status_changed_on, scores_as_of,
    updated_at)
SELECT n.id, n.name, n.ecosystem, n.first_detected_date,
       n.trend_status, n.github_stars, n.stackoverflow_questions, n.job_postings_count, n.momentum_score,
       n.learning_priority_score, n.adoption_rate, n.significance_p_value, n.score_basis,
       CAST(:as_of AS date), CAST(:as_of AS date), now()
FROM new n
{{old:technology_trends|old.trend_id = n.id}}
WHERE old.trend_id IS NULL
   OR ({", ".join("old." + c for c in _TREND_SCORES.split(", "))})
      IS DISTINCT FROM ({", ".join("n." + c for c in _TREND_SCORES.split(", "))})
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
    score_basis = EXCLUDED.score_basis,
    status_changed_on = CASE WHEN tt.trend_status <> EXCLUDED.trend_status THEN EXCLUDED.status_changed_on
                             ELSE tt.status_changed_on END,
    scores_as_of = EXCLUDED.scores_as_of,
    updated_at = now()
WHERE ({", ".join("tt." + c for c in _TREND_SCORES.split(", "))})
      IS DISTINCT FROM ({", ".join("EXCLUDED." + c for c in _TREND_SCORES.split(", "))})
"""

_SNAPSHOT_COLUMNS = "method, trend_status, momentum_score, learning_priority_score, adoption_rate, significance_p_value, details"

# The day's snapshot, written only where it is new or differs (an hourly run mostly re-confirms the day's).
SNAPSHOT = f"""
WITH new AS (
    SELECT ts.technology_id, 'default'::varchar AS method, ts.trend_status,
           round(ts.momentum_score::numeric, 2) AS momentum_score,
           round(ts.learning_priority_score::numeric, 2) AS learning_priority_score,
           round(ts.adoption_rate::numeric, 4) AS adoption_rate,
           round(ts.p_value::numeric, 5) AS significance_p_value,
           jsonb_build_object('signals', ts.signals, 'level_percentile', round(ts.level_pct::numeric, 3),
                              'previous_status', ts.previous_status, 'basis', ts.basis) AS details
    FROM tech_scores ts
)
INSERT INTO technology_score_history AS h (technology_id, computed_on, {_SNAPSHOT_COLUMNS})
SELECT n.technology_id, CAST(:as_of AS date), {", ".join("n." + c for c in _SNAPSHOT_COLUMNS.split(", "))}
FROM new n
{{old:technology_score_history|old.technology_id = n.technology_id AND old.computed_on = CAST(:as_of AS date)}}
WHERE old.technology_id IS NULL
   OR ({", ".join("old." + c for c in _SNAPSHOT_COLUMNS.split(", "))})
      IS DISTINCT FROM ({", ".join("n." + c for c in _SNAPSHOT_COLUMNS.split(", "))})
ON CONFLICT (technology_id, computed_on) DO UPDATE SET
    {", ".join(c + " = EXCLUDED." + c for c in _SNAPSHOT_COLUMNS.split(", "))}
WHERE ({", ".join("h." + c for c in _SNAPSHOT_COLUMNS.split(", "))})
      IS DISTINCT FROM ({", ".join("EXCLUDED." + c for c in _SNAPSHOT_COLUMNS.split(", "))})
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

ALERTS = f"""
WITH current AS (  -- this computation's scores, as the snapshot stores them
    SELECT ts.technology_id, ts.trend_status, round(ts.momentum_score::numeric, 2) AS momentum_score
    FROM tech_scores ts
),
changes AS (  -- against the last computation before this one, and the one nearest to 30 days earlier
    SELECT c.technology_id,
           CASE WHEN c.trend_status IN ('emerging', 'rising') THEN 'emerging_trend' ELSE 'status_change' END AS kind,
           'status:' || b.trend_status || '>' || c.trend_status || ':' || CAST(:as_of AS date) AS key_part,
           jsonb_build_object('from', b.trend_status, 'to', c.trend_status, 'since', b.computed_on,
                              'on', CAST(:as_of AS date), 'momentum_score', c.momentum_score,
                              'momentum_before', b.momentum_score) AS details,
           ' moved from ' || b.trend_status::text || ' to ' || c.trend_status::text AS headline
    FROM current c
    CROSS JOIN LATERAL ({
    BEFORE.format(columns="h.trend_status, h.computed_on, h.momentum_score", on="< CAST(:as_of AS date)")
}) b
    WHERE b.trend_status <> c.trend_status
    UNION ALL
    SELECT c.technology_id, 'momentum_spike',
           'spike:' || to_char(CAST(:as_of AS date), 'YYYY-MM'),
           jsonb_build_object('momentum_score', c.momentum_score, 'month_ago', m.momentum_score,
                              'rise', c.momentum_score - m.momentum_score, 'since', m.computed_on,
                              'on', CAST(:as_of AS date)),
           ': momentum up ' || round(c.momentum_score - m.momentum_score, 1) || ' points'
    FROM current c
    CROSS JOIN LATERAL ({
    BEFORE.format(columns="h.momentum_score, h.computed_on", on="<= CAST(:as_of AS date) - 30")
}) m
    WHERE c.momentum_score - m.momentum_score >= :spike
)
INSERT INTO trend_notifications (
    user_id, trend_id, subject_type, subject_id, notification_type, title, dedupe_key, trend_change_details)
SELECT f.user_id, ch.technology_id, 'technology', ch.technology_id, ch.kind,
       t.name || ch.headline, ch.kind || ':' || ch.technology_id || ':' || ch.key_part, ch.details
FROM changes ch
JOIN technology_follows f ON f.technology_id = ch.technology_id
JOIN technologies t ON t.id = ch.technology_id
ON CONFLICT (user_id, dedupe_key) DO NOTHING
"""


# What an incremental computation rescores: the technologies listed, or those that received observations of a
# month in the window after :since (a month counts once it is complete, so data of the current month changes no
# score before then and is left to the computation after the month ends).
CHANGED_LISTED = "SELECT DISTINCT unnest(CAST(:only AS uuid[])) AS technology_id"
CHANGED_ARRIVED = f"""
    SELECT DISTINCT o.technology_id FROM observations o
    WHERE o.collected_at > :since AND o.period_start >= {WINDOW_START} AND o.period_start < {WINDOW_END}
"""

_ONLY = re.compile(r"\{only:([a-z_.]+)\}")
_OLD = re.compile(r"\{old:([a-z_]+)\|([^}]+)\}")


def statement(template: str, changed: str | None) -> str:
    """The statement, restricted to the ``changed`` technologies' rows if given (an incremental computation).

    ``{old:TABLE|CONDITION}`` is the stored row a new one replaces, as ``old``: a hash join over the table
    in a full computation; in an incremental one a probe per row through the primary key whatever the
    statistics say (the LIMIT keeps the subquery a lateral one), since a few rows are read out of many.
    """
    if changed is None:
        return _OLD.sub(r"LEFT JOIN \1 old ON \2", _ONLY.sub("", template))
    restricted = _ONLY.sub(lambda m: f"AND {m.group(1)} IN ({changed})", template)
    return _OLD.sub(r"LEFT JOIN LATERAL (SELECT * FROM \1 old WHERE \2 LIMIT 1) old ON true", restricted)


def temp_table(name: str, query: str) -> str:
    """A full computation keeps each step's rows in a temp table (analysed, for the next step's plan)."""
    return f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {query}"


def incremental(changed: str) -> str:
    """An incremental computation as one statement: each step a CTE named after the full computation's temp
    table, the writes as data-modifying CTEs (they see the same snapshot; the alerts read the new scores from
    ``tech_scores``, not from the snapshot being written). Answers the counts of rows scored, rewritten and
    notifications created. No temp tables, no statistics to gather, one round trip: an hourly run over a
    thousand technologies costs about what its rows cost.
    """
    return f"""
WITH changed AS MATERIALIZED ({changed}),
signal_features AS MATERIALIZED ({_features(_SERIES_CHANGED)}),
signal_stats AS MATERIALIZED ({STATS_FROM_JSON}),
first_seen AS MATERIALIZED ({FIRST_DETECTED}),
tech_scores AS MATERIALIZED ({TECH_SCORES}),
written AS ({statement(UPSERT_TRENDS, changed)} RETURNING 1),
snapshot AS ({statement(SNAPSHOT, changed)} RETURNING 1),
notified AS ({ALERTS} RETURNING 1)
SELECT (SELECT count(*) FROM tech_scores) AS scored, (SELECT count(*) FROM written) AS written,
       (SELECT count(*) FROM notified) AS notified
"""
