"""SQL for exploration paths and contextual picks: every item's next unit for a person, scored from data.

Per item (0-10 each, weights in ``CANDIDATES``):
- focus: its ecosystems overlap the person's focus areas (10), or not (4); 6 when the profile names none;
- mode: its learning mode is one the person prefers (8) or not (4); 6 when none is preferred;
- trend: the momentum of its main technology (1-10); 5 when it has none or no scores yet;
- level: distance between its depth and the person's level, shifted one step deeper for risk-takers
  (tolerance >= 8): 10, 7, 3, 1 for 0, 1, 2, 3 steps;
- similarity: cosine similarity (x10) between the item and the mean of the last 20 items the person
  completed, under the active embedding model; 5 when they completed nothing yet.
Completed and skipped units are excluded: the candidate is each item's next unit.
"""

from __future__ import annotations

DEPTH_RANK = (
    "CASE {col} WHEN 'surface' THEN 0 WHEN 'moderate' THEN 1 WHEN 'deep' THEN 2 WHEN 'expert' THEN 3 END"
)

# The score without its similarity term, from the item's class: every item is ranked by it with no unit and
# no vector read. Same expression, same order of operations as the score, so ``partial + 0.15 * similarity`` is
# bit for bit the score. ``tags``, ``mode_match`` and ``depth`` say where the item's class comes from.


def _partial(tags: str, mode_match: str, depth: str) -> str:
    return f"""
    CASE WHEN {tags} && pr.focus
         THEN CASE WHEN {mode_match} THEN pr.fm11 ELSE pr.fm10 END
         ELSE CASE WHEN {mode_match} THEN pr.fm01 ELSE pr.fm00 END END
    + 0.20 * coalesce(tt.momentum_score, 5)::float8
    + CASE abs({depth} - least(pr.level, 3)) WHEN 0 THEN pr.lf0 WHEN 1 THEN pr.lf1 WHEN 2 THEN pr.lf2 ELSE pr.lf3 END
"""


_PARTIAL = _partial(
    "c.ecosystem_tags",
    "c.exploration_mode = ANY(pr.style)",
    f"coalesce({DEPTH_RANK.format(col='c.depth')}, 1)",
)

# The most the similarity term can add: 0.15 * 10 (cosine distance >= 0), exactly 0.15 * 5 without a taste
# vector; a little slack for rounding.
_MAX_SIMILARITY_TERM = "(CASE WHEN rc.items > 0 THEN 1.5 ELSE 0.75 END + 1e-9)"

_PERSON = f"""
WITH profile AS (
    SELECT pr.*,
           -- the weighted focus + mode and level terms as the score adds them (numeric, then float8),
           -- once per request rather than per item: fm<focus><mode>, 1 = match, 0 = not (6 either way when unset)
           CAST(0.30 * f.yes + 0.15 * m.yes AS float8) AS fm11, CAST(0.30 * f.yes + 0.15 * m.no AS float8) AS fm10,
           CAST(0.30 * f.no + 0.15 * m.yes AS float8) AS fm01, CAST(0.30 * f.no + 0.15 * m.no AS float8) AS fm00,
           CAST(0.20 * 10 AS float8) AS lf0, CAST(0.20 * 7 AS float8) AS lf1,
           CAST(0.20 * 3 AS float8) AS lf2, CAST(0.20 * 1 AS float8) AS lf3
    FROM (
        SELECT coalesce(p.primary_focus_areas, '{{}}') AS focus, coalesce(p.exploration_style, '{{}}') AS style,
               {DEPTH_RANK.format(col="coalesce(p.current_expertise_level, 'surface')")}
                 + CASE WHEN coalesce(p.experimental_risk_tolerance, 5) >= 8 THEN 1 ELSE 0 END AS level
        FROM (SELECT 1) one LEFT JOIN enthusiast_profiles p ON p.user_id = :user_id
    ) pr
    CROSS JOIN LATERAL (SELECT CASE WHEN cardinality(pr.focus) = 0 THEN 6 ELSE 10 END AS yes,
                               CASE WHEN cardinality(pr.focus) = 0 THEN 6 ELSE 4 END AS no) f
    CROSS JOIN LATERAL (SELECT CASE WHEN cardinality(pr.style) = 0 THEN 6 ELSE 8 END AS yes,
                               CASE WHEN cardinality(pr.style) = 0 THEN 6 ELSE 4 END AS no) m
),
done AS (
    SELECT u.content_id, max(u.position) AS last_position
    FROM exploration_progress ep JOIN exploration_units u ON u.unit_id = ep.unit_id
    WHERE ep.user_id = :user_id AND ep.status IN ('completed', 'skipped')
    GROUP BY u.content_id
),
recent AS (
    SELECT avg(e.embedding) AS taste, count(*) AS items FROM (
        SELECT DISTINCT ON (u.content_id) u.content_id, ep.completed_at
        FROM exploration_progress ep JOIN exploration_units u ON u.unit_id = ep.unit_id
        WHERE ep.user_id = :user_id AND ep.status = 'completed'
        ORDER BY u.content_id, ep.completed_at DESC
    ) r
    JOIN content_embeddings e ON e.content_id = r.content_id AND e.model_id = CAST(:model_id AS uuid)
)"""

_HEAD = f"""{_PERSON},
items AS MATERIALIZED (
    SELECT c.content_id, coalesce(d.last_position, 0) + 1 AS next_position, {_PARTIAL} + {{context}} AS partial
    FROM exploration_content c
    CROSS JOIN profile pr
    LEFT JOIN done d ON d.content_id = c.content_id
    LEFT JOIN technology_trends tt ON tt.trend_id = c.technology_ids[1]
    WHERE true {{extra}}
)"""

# The rows of ``{source}`` (an ``items`` subset), best score first, each with its next unit if that unit fits
# ``:max_minutes``. The similarity is read (through the vector's primary key, and only when the person has a
# taste vector) for every row of ``{source}``; the next unit (through the unit index) as the rows are consumed,
# so ``LIMIT n`` reads the units of about n items. LIMIT 1 keeps each lookup a per-row index probe rather than
# a join over every vector or unit.
_SCORED = """
        SELECT i.*, sim.similarity, i.partial + 0.15 * sim.similarity AS score
        FROM {source} i CROSS JOIN recent rc
        LEFT JOIN LATERAL (
            SELECT e.embedding FROM content_embeddings e
            WHERE rc.items > 0 AND e.content_id = i.content_id AND e.model_id = CAST(:model_id AS uuid)
            LIMIT 1
        ) v ON true
        CROSS JOIN LATERAL (
            SELECT CASE WHEN rc.items > 0 AND v.embedding IS NOT NULL
                        THEN 10 * (1 - (v.embedding <=> rc.taste)) ELSE 5 END AS similarity
        ) sim
"""
_EXACT = f"""
    SELECT s.*, nu.unit_id, nu.position, nu.estimated_minutes AS minutes
    FROM ({_SCORED}
        ORDER BY score DESC, i.content_id
    ) s
    CROSS JOIN LATERAL (
        SELECT u.unit_id, u.position, u.estimated_minutes FROM exploration_units u
        WHERE u.content_id = s.content_id AND u.position = s.next_position LIMIT 1
    ) nu
    WHERE nu.estimated_minutes <= :max_minutes
    ORDER BY s.score DESC, s.content_id
"""

# The chosen rows (``chosen``: content_id, unit_id, position, minutes, similarity, score) with everything
# the path shows and explains, best first.
_OUTPUT = f"""
SELECT c.content_id, b.unit_id, b.position, b.minutes, c.title, c.url, c.section,
       c.format, c.kind, c.exploration_mode, c.depth, c.technology_ids[1] AS technology_id,
       {DEPTH_RANK.format(col="c.depth")} AS depth_rank,
       CASE WHEN cardinality(pr.focus) = 0 THEN 6 WHEN c.ecosystem_tags && pr.focus THEN 10 ELSE 4 END AS focus,
       CASE WHEN cardinality(pr.style) = 0 THEN 6 WHEN c.exploration_mode = ANY(pr.style) THEN 8 ELSE 4 END AS mode,
       coalesce(tt.momentum_score, 5)::float8 AS trend, tt.adoption_rate, t.name AS technology_name,
       CASE abs(coalesce({DEPTH_RANK.format(col="c.depth")}, 1) - least(pr.level, 3))
           WHEN 0 THEN 10 WHEN 1 THEN 7 WHEN 2 THEN 3 ELSE 1 END AS level_fit,
       b.similarity,
       c.ecosystem_tags && pr.focus AS in_focus, c.exploration_mode = ANY(pr.style) AS in_style,
       b.score,
       (SELECT count(*) FROM exploration_units x WHERE x.content_id = c.content_id) AS unit_count
FROM chosen b
JOIN exploration_content c ON c.content_id = b.content_id
CROSS JOIN profile pr
LEFT JOIN technology_trends tt ON tt.trend_id = c.technology_ids[1]
LEFT JOIN technologies t ON t.id = c.technology_ids[1]
ORDER BY b.score DESC, c.content_id
"""

# Every item's next unit that fits ``:max_minutes``, the best ``:limit`` by score (contextual picks, scoring
# a given list; ``{context}``, 0 or the moment's terms of contextual picks, is part of the partial score
# and so of the score), computed exactly without reading every unit and vector: (1) every item's partial score;
# (2) the best ``2 * :limit`` by partial score get their exact score, whose ``:limit``-th best among those with
# a next unit that fits, theta, is a lower bound of the true ``:limit``-th best; (3) only items whose partial
# score plus the most similarity can add reaches theta can make the list, and only those are scored. With
# fewer than ``:limit`` eligible items in (2) (a short budget), the items whose next unit fits are found
# from the units' side and all of them are scored.
CANDIDATES = f"""{_HEAD},
probe AS (
    SELECT * FROM items ORDER BY partial DESC, content_id LIMIT 2 * CAST(:limit AS integer)
),
threshold AS MATERIALIZED (
    SELECT (
        SELECT p.score FROM ({_EXACT.format(source="probe")}) p OFFSET CAST(:limit AS integer) - 1 LIMIT 1
    ) AS theta
),
reachable AS (
    SELECT i.* FROM items i CROSS JOIN recent rc
    WHERE (SELECT theta FROM threshold) IS NOT NULL
      AND i.partial + {_MAX_SIMILARITY_TERM} >= (SELECT theta FROM threshold)
    UNION ALL
    SELECT i.* FROM items i
    JOIN exploration_units u ON u.content_id = i.content_id AND u.position = i.next_position
    WHERE (SELECT theta FROM threshold) IS NULL AND u.estimated_minutes <= :max_minutes
),
chosen AS (
    SELECT x.* FROM ({_EXACT.format(source="reachable")}) x LIMIT :limit
)
{_OUTPUT}"""

# The units the planner chooses from, for a budget B = ``:max_minutes``, minimum length L = ``:min_minutes``
# and at most ``:cap`` units per technology (planner.py), and why these.
# Exchange argument: within any set of units, some optimal plan uses only, for every unit length m, the units
# of m minutes of the best N(m) groups (a group is a technology; an item without one is a group of its own),
# ranked by their best such unit, at most ``:cap`` per group, where N(m) = floor((B - m) / s) + 2 and s is
# the shortest length there (>= L). A plan's unit u of m minutes outside them can be exchanged, without
# losing value or adding minutes, for (a) a better unit of its own group and length that the plan lacks
# (``:cap`` of them rank above u), or (b) the best unit of m minutes of a group the rest of the plan does not
# touch (it holds at most floor((B - m) / s) units, so one of the N(m) groups ranked above u's is free).
# The best units by score alone would not do: they can all share a technology (two of them fit a plan), or all
# be 25 minutes long where 10 and 15 fit a 25-minute budget better. ``chosen`` applies this to the pool.
# The pool, and what the plan is optimal over: an exact score needs the item's vector, and certifying the best
# N(m) groups exactly would read nearly every vector (similarity can add up to 1.5, more than the spread of
# most scores), so similarity is computed only for a pool chosen by the partial score. The pool is: every item
# the person has completed or skipped units of, at its next unit (``resumed``); and, for each length m of a
# first unit, among the items the person has not touched, the best :cap + 2 items (partial score, then
# content id) of each of the best 3 * N(m) + 4 groups (best partial score; an item without technology is a
# group of one), and every other item of a class of at most ``WHOLE_CLASS`` items that one of those is in when
# its group is among the best N(m). The plan is optimal over the pool: no feasible set of pool units is worth
# more by the planner's objective (the solver is exact, and the exchange argument only removes units some
# optimal plan of the pool does without).
# Units outside the pool are not considered, so the plan is not certified optimal over the catalogue: an item
# left out whose partial score is less than 1.5 (the most similarity adds) below a pool item's can score higher.
# Measured on bench.path_bench's 100k items (20 users x 25 and 120 minutes, against the optimum over every
# item's exact score): 0.03% below it on average, 1.2% at worst (a 25-minute plan of one unit).
# Why the pool costs a few hundred rows, not the catalogue: the partial score of an item depends on the person
# only through its class (``path_classes``: technology, first-unit length, mode, depth, ecosystems; kept by
# triggers, migration 0009): within a class every item has the same partial score. So the classes are ranked
# (a few hundred rows, momentum joined live), a technology's best class ranks the technology, a class of items
# without technology stands for as many groups as it has items, and only the items needed are read, first by
# content id, from the class index. Touched items are taken out of their classes' counts and reads.
NO_TECHNOLOGY = "'00000000-0000-0000-0000-000000000000'::uuid"
_CLASS_KEY = ("technology_key", "first_minutes", "exploration_mode", "depth_rank", "ecosystem_tags")
_CLASS_PARTIAL = _partial(
    "k.ecosystem_tags", "k.exploration_mode = ANY(CAST(pr.style AS text[]))", "k.depth_rank"
)
# A class read for one of the best N(m) groups is read whole when it holds at most this many items: they tie
# on the partial score, so which of them make the pool would otherwise be up to their ids, not their similarity.
WHOLE_CLASS = 32
# N(m) and 3 * N(m) + 4 groups of length m (``{m}``), s being ``shortest``
_PLAN_GROUPS = "((:max_minutes - {m}) / (SELECT minutes FROM shortest) + 2)"
_POOL_GROUPS = f"3 * {_PLAN_GROUPS} + 4"
_POOL = f"""{_PERSON},
touched AS MATERIALIZED (
    SELECT d.content_id, d.last_position + 1 AS next_position, k.{", k.".join(_CLASS_KEY)}
    FROM done d JOIN path_item_classes k ON k.content_id = d.content_id
),
classes AS MATERIALIZED (
    SELECT k.technology_key, k.first_minutes AS length, k.exploration_mode, k.depth_rank, k.ecosystem_tags,
           k.items - coalesce(t.items, 0) AS available, {_CLASS_PARTIAL} AS partial
    FROM path_classes k CROSS JOIN profile pr
    LEFT JOIN technology_trends tt ON tt.trend_id = k.technology_key
    LEFT JOIN (SELECT {", ".join(_CLASS_KEY)}, count(*) AS items FROM touched GROUP BY {", ".join(_CLASS_KEY)}) t
           ON {" AND ".join(f"t.{c} = k.{c}" for c in _CLASS_KEY)}
    WHERE k.first_minutes BETWEEN :min_minutes AND :max_minutes AND k.items > coalesce(t.items, 0)
),
resumed AS MATERIALIZED (
    SELECT c.content_id, t.next_position AS position, {_PARTIAL} AS partial,
           coalesce(c.technology_ids[1], c.content_id) AS grp, u.unit_id, u.estimated_minutes AS length,
           c.technology_ids[1] AS technology_id, t.depth_rank
    FROM touched t
    JOIN exploration_content c ON c.content_id = t.content_id
    JOIN exploration_units u ON u.content_id = t.content_id AND u.position = t.next_position
    CROSS JOIN profile pr
    LEFT JOIN technology_trends tt ON tt.trend_id = c.technology_ids[1]
    WHERE u.estimated_minutes BETWEEN :min_minutes AND :max_minutes
),
shortest AS MATERIALIZED (
    SELECT coalesce(least((SELECT min(length) FROM classes), (SELECT min(length) FROM resumed)), :min_minutes)
           AS minutes
),
-- per length, the groups best first: a technology once (its best class), a class of items without technology
-- as ``groups`` groups of one; ``ahead`` counts the groups ranked before
ranked_groups AS (
    SELECT g.*, sum(g.groups) OVER (
               PARTITION BY g.length
               ORDER BY g.best DESC, g.technology_key, g.exploration_mode, g.depth_rank, g.ecosystem_tags
               ROWS UNBOUNDED PRECEDING
           ) - g.groups AS ahead
    FROM (
        SELECT technology_key, length, '' AS exploration_mode, 0 AS depth_rank,
               CAST('{{}}' AS tech_ecosystem[]) AS ecosystem_tags, max(partial) AS best, 1 AS groups
        FROM classes WHERE technology_key <> {NO_TECHNOLOGY} GROUP BY technology_key, length
        UNION ALL
        SELECT technology_key, length, exploration_mode, depth_rank, ecosystem_tags, partial, available
        FROM classes WHERE technology_key = {NO_TECHNOLOGY}
    ) g
),
-- the classes to read items from, and how many: a class without technology, the groups still wanted; a
-- technology's classes best first, until :cap + 2 items
reads AS (
    SELECT g.technology_key, g.length, g.exploration_mode, g.depth_rank, g.ecosystem_tags, g.best AS partial,
           CASE WHEN g.groups <= {WHOLE_CLASS} AND g.ahead < {_PLAN_GROUPS.format(m="g.length")} THEN g.groups
                ELSE least(g.groups, {_POOL_GROUPS.format(m="g.length")} - g.ahead) END AS take
    FROM ranked_groups g
    WHERE g.technology_key = {NO_TECHNOLOGY} AND g.ahead < {_POOL_GROUPS.format(m="g.length")}
    UNION ALL
    SELECT r.technology_key, r.length, r.exploration_mode, r.depth_rank, r.ecosystem_tags, r.partial,
           CASE WHEN r.available <= {WHOLE_CLASS} AND r.group_ahead < {_PLAN_GROUPS.format(m="r.length")}
                THEN r.available ELSE least(r.available, :cap + 2 - r.ahead) END
    FROM (
        SELECT k.*, g.ahead AS group_ahead, sum(k.available) OVER (
                   PARTITION BY k.length, k.technology_key
                   ORDER BY k.partial DESC, k.exploration_mode, k.depth_rank, k.ecosystem_tags ROWS UNBOUNDED PRECEDING
               ) - k.available AS ahead
        FROM classes k
        JOIN ranked_groups g ON g.length = k.length AND g.technology_key = k.technology_key
        WHERE k.technology_key <> {NO_TECHNOLOGY} AND g.ahead < {_POOL_GROUPS.format(m="g.length")}
    ) r
    WHERE r.ahead < :cap + 2
),
pool AS (
    SELECT i.content_id, 1 AS position, r.partial,
           CASE WHEN r.technology_key = {NO_TECHNOLOGY} THEN i.content_id ELSE r.technology_key END AS grp,
           i.unit_id, r.length AS minutes, nullif(r.technology_key, {NO_TECHNOLOGY}) AS technology_id, r.depth_rank
    FROM reads r CROSS JOIN LATERAL (
        SELECT x.content_id, x.unit_id FROM path_item_classes x
        WHERE {" AND ".join(f"x.{c} = r.{c}" for c in _CLASS_KEY if c != "first_minutes")}
          AND x.first_minutes = r.length
          -- a filter on the ordered index scan (an anti-join would read the whole class)
          AND x.content_id <> ALL (ARRAY(SELECT t.content_id FROM touched t))
        ORDER BY x.content_id LIMIT r.take
    ) i
    UNION ALL
    SELECT content_id, position, partial, grp, unit_id, length, technology_id, depth_rank FROM resumed
)"""
# The pool alone (tests check it against its definition computed over every item).
PLAN_POOL = f"{_POOL}\nSELECT content_id, position, partial, grp FROM pool ORDER BY content_id"
PLAN_CANDIDATES = f"""{_POOL},
scored AS (
    SELECT x.*,
           row_number() OVER (PARTITION BY x.minutes, x.grp ORDER BY x.score DESC, x.content_id) AS in_group,
           max(x.score) OVER (PARTITION BY x.minutes, x.grp) AS group_best
    FROM ({_SCORED.format(source="pool")}) x
),
chosen AS (
    SELECT * FROM (
        SELECT s.*, dense_rank() OVER (PARTITION BY s.minutes ORDER BY s.group_best DESC, s.grp) AS group_rank
        FROM scored s WHERE s.in_group <= :cap OR s.position > 1
    ) g
    -- an item the person started stays a candidate: a session plan continues it first (paths.sessions)
    WHERE g.group_rank <= (:max_minutes - g.minutes) / least(g.minutes, (SELECT minutes FROM shortest)) + 2
       OR g.position > 1
)
SELECT content_id, unit_id, position, minutes, technology_id, depth_rank, similarity, score FROM chosen
ORDER BY score DESC, content_id"""
# The units of each candidate item from its next one on (``:content_ids`` with ``:positions``), at most
# ``:max_units`` each (the most a budget holds): a session plan may take several in a row and finish the item.
REMAINING_UNITS = """
SELECT u.content_id::text, u.unit_id::text, u.estimated_minutes AS minutes
FROM unnest(CAST(:content_ids AS uuid[]), CAST(:positions AS int[])) AS b(content_id, position)
JOIN exploration_units u ON u.content_id = b.content_id
 AND u.position >= b.position AND u.position < b.position + :max_units
ORDER BY u.content_id, u.position
"""
# The shortest unit a plan could start (an empty plan says what budget would fit it).
SHORTEST_UNIT = (
    "SELECT min(first_minutes) FROM path_classes WHERE items > 0 AND first_minutes >= :min_minutes"
)
# What a path shows and explains about the units the planner chose (``:content_ids`` .. ``:scores``, one entry
# per unit): read after planning, for a dozen units rather than every candidate.
PATH_DETAILS = f"""{_PERSON},
chosen AS (
    SELECT * FROM unnest(CAST(:content_ids AS uuid[]), CAST(:unit_ids AS uuid[]), CAST(:positions AS int[]),
                         CAST(:minutes AS int[]), CAST(:similarities AS float8[]), CAST(:scores AS float8[]))
         AS b(content_id, unit_id, position, minutes, similarity, score)
)
{_OUTPUT}"""

# Contextual picks: what suits the device, connection and attention span now (the seed's function, with
# its "limited connection gets markdown only" made a rule over text formats).
TEXT_FORMATS = ("html", "markdown", "pdf", "epub", "text")
CONTEXT_FILTER = "AND (NOT :text_only OR c.format = ANY(CAST(:text_formats AS text[])))"
# The next unit's length, for the contextual score's attention term (``paths.context_sql``): one index probe
# per item, so picks are chosen by the score the moment gives them, not only re-ranked among the person's best.
NEXT_MINUTES = (
    "(SELECT u.estimated_minutes FROM exploration_units u "
    "WHERE u.content_id = c.content_id AND u.position = coalesce(d.last_position, 0) + 1)::float8"
)
# Only the listed items (``score_content``: scoring a selection made elsewhere).
ONLY_CONTENT = "AND c.content_id = ANY(CAST(:content_ids AS uuid[]))"
