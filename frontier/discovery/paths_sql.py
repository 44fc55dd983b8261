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

CANDIDATES = f"""
WITH profile AS (
    SELECT coalesce(p.primary_focus_areas, '{{}}') AS focus, coalesce(p.exploration_style, '{{}}') AS style,
           {DEPTH_RANK.format(col="coalesce(p.current_expertise_level, 'surface')")}
             + CASE WHEN coalesce(p.experimental_risk_tolerance, 5) >= 8 THEN 1 ELSE 0 END AS level
    FROM (SELECT 1) one LEFT JOIN enthusiast_profiles p ON p.user_id = :user_id
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
),
scored AS (
    SELECT c.content_id, u.unit_id, u.position, u.estimated_minutes AS minutes, c.title, c.url, c.section,
           c.format, c.kind, c.exploration_mode, c.depth, c.technology_ids[1] AS technology_id,
           {DEPTH_RANK.format(col="c.depth")} AS depth_rank,
           CASE WHEN cardinality(pr.focus) = 0 THEN 6 WHEN c.ecosystem_tags && pr.focus THEN 10 ELSE 4 END AS focus,
           CASE WHEN cardinality(pr.style) = 0 THEN 6 WHEN c.exploration_mode = ANY(pr.style) THEN 8 ELSE 4 END AS mode,
           coalesce(tt.momentum_score, 5)::float8 AS trend, tt.adoption_rate, t.name AS technology_name,
           CASE abs(coalesce({DEPTH_RANK.format(col="c.depth")}, 1) - least(pr.level, 3))
               WHEN 0 THEN 10 WHEN 1 THEN 7 WHEN 2 THEN 3 ELSE 1 END AS level_fit,
           CASE WHEN rc.items > 0 AND e.embedding IS NOT NULL THEN 10 * (1 - (e.embedding <=> rc.taste))
                ELSE 5 END AS similarity,
           c.ecosystem_tags && pr.focus AS in_focus, c.exploration_mode = ANY(pr.style) AS in_style
    FROM exploration_content c
    CROSS JOIN profile pr CROSS JOIN recent rc
    LEFT JOIN done d ON d.content_id = c.content_id
    JOIN exploration_units u ON u.content_id = c.content_id AND u.position = coalesce(d.last_position, 0) + 1
    LEFT JOIN technology_trends tt ON tt.trend_id = c.technology_ids[1]
    LEFT JOIN technologies t ON t.id = c.technology_ids[1]
    LEFT JOIN content_embeddings e ON e.content_id = c.content_id AND e.model_id = CAST(:model_id AS uuid)
    WHERE u.estimated_minutes <= :max_minutes {{extra}}
)
SELECT s.*, 0.30 * focus + 0.15 * mode + 0.20 * trend + 0.20 * level_fit + 0.15 * similarity AS score,
       (SELECT count(*) FROM exploration_units x WHERE x.content_id = s.content_id) AS unit_count
FROM scored s
ORDER BY score DESC, s.content_id
LIMIT :limit
"""

# Contextual picks: what suits the device, connection and attention span now (the seed's function, with
# its "limited connection gets markdown only" made a rule over text formats).
TEXT_FORMATS = ("html", "markdown", "pdf", "epub", "text")
CONTEXT_FILTER = "AND (NOT :text_only OR c.format = ANY(CAST(:text_formats AS text[])))"
