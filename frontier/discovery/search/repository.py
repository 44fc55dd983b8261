"""The SQL of content search: one statement, one round trip (the steps are in ``frontier.discovery.search.service``).

Only the query's vector, its technology phrases and its full-text words are bound; every other value is
written into the SQL text as a constant, from validated types (UUID, int, float, enum members, formats from a
fixed list). The model's HNSW index is a partial index (``WHERE model_id = '<id>'``) over
``embedding::vector(<dims>)``, which PostgreSQL uses only when the query repeats both as constants; and
psycopg prepares a statement run five times, after which PostgreSQL may plan it once for any parameter
values: with LIMIT and filter values unknown, that generic plan skipped the index (250 ms instead of 3 ms).
The query's vector is read once, in the first CTE (``asked``), and used from there: a plan then no longer
depends on the vector's value, so custom and generic plans cost the same and PostgreSQL keeps the generic one
after five runs (planning took 1.1-1.3 ms of each search at 100,000 items; before, some ecosystems' statements
were planned again on every run). The index scan orders by the CTE's value as it would by a constant.

The index scan's own rows carry each candidate's vector on to scoring; looking it up again by key read 400
more buffers a search.

The HNSW scan settings are set inside the statement (``set_config(..., true)``, i.e. SET LOCAL): the first
index scan is gated on them (a one-time filter, evaluated before the scan reads a tuple), and pgvector reads
``hnsw.ef_search`` and ``hnsw.iterative_scan`` when the scan starts returning rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import psycopg
from numpy.typing import NDArray
from pgvector import Vector
from psycopg.adapt import Dumper
from psycopg.pq import Format
from sqlalchemy import TextClause, text

from frontier.db.base import ExplorationDepth, TechEcosystem
from frontier.discovery.embeddings.models import ecosystem_condition

SEARCH = """
WITH asked AS MATERIALIZED (
    SELECT CAST(:query AS vector({dims})) AS vector
), settings AS MATERIALIZED (
    SELECT set_config('hnsw.ef_search', '{ef_search}', true) AS ef_search,
           set_config('hnsw.iterative_scan', '{iterative_scan}', true) AS iterative_scan,
           set_config('hnsw.max_scan_tuples', '{max_scan_tuples}', true) AS max_scan_tuples
), mentioned AS MATERIALIZED (
    SELECT coalesce(array_agg(DISTINCT id), '{{}}') AS ids{words} FROM (
        SELECT id FROM technologies
        WHERE lower(name) = ANY(CAST(:names AS text[])) OR slug = ANY(CAST(:names AS text[]))
        UNION SELECT technology_id FROM technology_aliases WHERE alias = ANY(CAST(:names AS text[]))
    ) AS named
), nearest AS MATERIALIZED (
    SELECT e.content_id, {vector} AS embedding
    FROM content_embeddings e{filtered_join}
    WHERE e.model_id = '{model}' AND (SELECT ef_search FROM settings) IS NOT NULL{vector_filters}{filters}
    ORDER BY {nearest_query}
    LIMIT {candidates}
), hits AS MATERIALIZED (
    SELECT content_id, embedding FROM nearest{fallback}
), hit_rows AS MATERIALIZED (
    SELECT {features} FROM hits pool {joins}
), first AS MATERIALIZED (
    SELECT r.content_id, r.embedding, {query_score} AS score FROM hit_rows r
), best AS MATERIALIZED (
    SELECT embedding, score, max(score) OVER () AS top
    FROM first ORDER BY score DESC, content_id LIMIT {feedback_items}
), feedback AS MATERIALIZED (
    -- pseudo-relevance feedback: the query plus the mean of the best first-round items that score within
    -- the margin of the best one (a clear winner is not outvoted by weaker neighbours), in equal shares
    SELECT coalesce(
        l2_normalize((SELECT vector FROM asked) + l2_normalize(avg(embedding))),
        (SELECT vector FROM asked)) AS vector
    FROM best WHERE score >= top - {feedback_margin}
), candidate_rows AS (
    SELECT * FROM hit_rows{feedback_rows}
), ranked AS (
    SELECT r.content_id, {feedback_score} AS score FROM candidate_rows r
    ORDER BY score DESC, r.content_id
    LIMIT {limit}
)
SELECT c.content_id, c.title, c.url, c.section, c.technology_keywords, c.ecosystem_tags::text[] AS ecosystems,
       c.format, c.kind, r.score,
       -- how close the query came to any item: the relevance floor's measure (search.RELEVANCE_FLOOR), from
       -- the candidates' vectors already read, once per statement
       (SELECT max(1 - (h.embedding <=> (SELECT vector FROM asked))) FROM hits h) AS best_similarity
FROM ranked r JOIN exploration_content c ON c.content_id = r.content_id
ORDER BY r.score DESC, c.content_id
"""

# Filtered searches only. An ecosystem filter is a condition on the vector row's own copy of the item's
# ecosystems, which the ecosystem's partial HNSW index implies: the scan walks that ecosystem's graph and
# reads no other item. When the scan found fewer than LIMIT items passing the other filters within its tuple
# budget (the query is far from all of them), the exact nearest ones come from the filtered rows. Each item's
# vector is looked up by key (LATERAL with LIMIT keeps PostgreSQL from hashing the whole vector table instead).
_FALLBACK = """
    UNION ALL
    SELECT * FROM (
        SELECT c.content_id, {vector} AS embedding
        FROM exploration_content c CROSS JOIN LATERAL (
            SELECT e.embedding FROM content_embeddings e
            WHERE e.content_id = c.content_id AND e.model_id = '{model}' LIMIT 1
        ) AS e
        WHERE (SELECT count(*) FROM nearest) < {limit}{filters}
        ORDER BY ({vector} <=> (SELECT vector FROM asked)) + 0
        LIMIT {candidates}
    ) AS exact WHERE NOT EXISTS (SELECT 1 FROM nearest n WHERE n.content_id = exact.content_id)"""

# Unfiltered searches, when asked for (``feedback_scan``): a second index scan around the feedback query,
# adding the items the first one missed. Otherwise the first round's items are scored again.
_FEEDBACK_ROWS = """
    UNION ALL
    SELECT {features} FROM (
        SELECT e.content_id, {vector} AS embedding FROM content_embeddings e
        WHERE e.model_id = '{model}' AND EXISTS (SELECT 1 FROM first)
        ORDER BY {nearest_feedback}
        LIMIT {candidates}
    ) AS pool {joins}
    WHERE NOT EXISTS (SELECT 1 FROM hits h WHERE h.content_id = pool.content_id)"""

# The item vector, cast as the model's index expects.
_VECTOR = "e.embedding::vector({dims})"

# What scoring needs of a candidate, fetched once: its vector, its section's centroid, whether it has a
# technology the query names, and its full-text rank (section A 1.0, title B 0.4, keywords C 0.2, description
# D 0.1, for the query's words OR-ed).
_FEATURES = """pool.content_id, pool.embedding, s.embedding AS centroid,
           (c.technology_ids && m.ids) AS named{text_rank}"""
_TEXT_RANK = ",\n           ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', c.search_document, m.words) AS text_rank"

# score = cos(q, item) + w_section * cos(q, item's section centroid) + w_tech * [has a named technology]
#         + w_text * rank / (rank + 0.1); cosine = 1 - cosine distance.
_SCORE = """
    (1 - (r.embedding <=> {q}))
    + {section_weight} * coalesce(1 - (r.centroid <=> {q}), 0)
    + {technology_weight} * r.named::int{full_text}"""

_FULL_TEXT = """
    + {full_text_weight} * (r.text_rank / (r.text_rank + 0.1))"""

_JOINS = """
    JOIN exploration_content c ON c.content_id = pool.content_id
    LEFT JOIN section_centroids s ON s.model_id = '{model}' AND s.section = c.section
    CROSS JOIN mentioned m"""


@dataclass(frozen=True)
class QueryVector:
    """The query's vector as the statement's ``query`` parameter, sent in pgvector's binary format: writing
    384 floats as text took about 0.5 ms a search. Its type is left to the server, which reads it from the
    statement (every use casts it to the model's vector type)."""

    values: NDArray[np.float32]


class _QueryVectorDumper(Dumper):
    format = Format.BINARY

    def dump(self, obj: QueryVector) -> bytes:
        return bytes(Vector(obj.values).to_binary())


psycopg.adapters.register_dumper(QueryVector, _QueryVectorDumper)


@dataclass(frozen=True)
class ContentFilters:
    """What every result must satisfy (None: no condition). Values are validated by the service."""

    ecosystem: TechEcosystem | None = None
    format: str | None = None
    max_minutes: int | None = None
    depth: ExplorationDepth | None = None

    @property
    def any(self) -> bool:
        """Whether any condition is set."""
        return any(v is not None for v in (self.ecosystem, self.format, self.max_minutes, self.depth))

    def clause(self) -> str:
        """All the conditions, on ``c`` (exploration_content), each starting with AND, values as constants."""
        ecosystem = ecosystem_condition("c.ecosystem_tags", self.ecosystem) if self.ecosystem else ""
        return _anded([ecosystem]) + self.content_clause()

    def vector_clause(self) -> str:
        """The ecosystem condition on ``e`` (content_embeddings), written as the ecosystem's partial HNSW
        index's predicate (``hnsw_index_ddl``) so that PostgreSQL uses that index; "" without one."""
        return _anded([ecosystem_condition("e.ecosystem_tags", self.ecosystem)] if self.ecosystem else [])

    def content_clause(self) -> str:
        """The other conditions, on ``c`` (exploration_content)."""
        parts = []
        if self.format is not None:
            parts.append(f"c.format = {_quoted(self.format)}")
        if self.max_minutes is not None:
            parts.append(f"c.estimated_time_minutes <= {int(self.max_minutes)}")
        if self.depth is not None:
            parts.append(f"c.depth = {_quoted(ExplorationDepth(self.depth).value)}::exploration_depth")
        return _anded(parts)


@dataclass(frozen=True)
class StatementShape:
    """The constants of one search statement."""

    limit: int
    candidates: int
    feedback_items: int
    ef_search: int
    max_scan_tuples: int
    section_weight: float
    technology_weight: float
    feedback_margin: float = 0.15
    feedback_scan: bool = False
    full_text_weight: float = 0.0
    exact: bool = False


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _anded(parts: list[str]) -> str:
    return "".join(f"\n      AND {part}" for part in parts if part)


def search_statement(
    model_id: uuid.UUID, dims: int, filters: ContentFilters, shape: StatementShape
) -> TextClause:
    """The search statement for one model, filter set and shape.

    Binds ``query`` (the query's ``QueryVector``), ``names`` (phrases that may name a technology) and, with a full-text
    weight, ``lexemes`` (a tsquery text). With ``shape.exact`` the nearest items come from a sequential scan:
    the exact answer, a benchmark baseline.
    """
    model, size = str(uuid.UUID(str(model_id))), int(dims)
    vector = _VECTOR.format(dims=size)
    query, feedback = "(SELECT vector FROM asked)", "(SELECT vector FROM feedback)"
    # ORDER BY an expression no index serves gives a sequential scan: the exact nearest items.
    nearest = "({} <=> {}) + 0" if shape.exact else "{} <=> {}"
    weights = {
        "section_weight": float(shape.section_weight),
        "technology_weight": float(shape.technology_weight),
        "full_text": _FULL_TEXT.format(full_text_weight=float(shape.full_text_weight))
        if shape.full_text_weight
        else "",
    }
    counts = {"limit": int(shape.limit), "candidates": int(shape.candidates)}
    conditions = filters.clause()
    joins = _JOINS.format(model=model)
    features = _FEATURES.format(text_rank=_TEXT_RANK if shape.full_text_weight else "")
    feedback_rows = _FEEDBACK_ROWS.format(
        features=features,
        model=model,
        vector=vector,
        nearest_feedback=nearest.format(vector, feedback),
        joins=joins,
        **counts,
    )
    sql = SEARCH.format(
        model=model,
        vector=vector,
        dims=size,
        filters=filters.content_clause(),
        ef_search=int(shape.ef_search),
        iterative_scan="relaxed_order" if filters.any else "off",
        max_scan_tuples=int(shape.max_scan_tuples),
        feedback_items=int(shape.feedback_items),
        feedback_margin=float(shape.feedback_margin),
        **counts,
        words=", to_tsquery('english', :lexemes) AS words" if shape.full_text_weight else "",
        filtered_join=" JOIN exploration_content c ON c.content_id = e.content_id"
        if filters.content_clause()
        else "",
        nearest_query=nearest.format(vector, query),
        vector_filters=filters.vector_clause(),
        fallback=_FALLBACK.format(model=model, filters=conditions, vector=vector, dims=size, **counts)
        if filters.any
        else "",
        features=features,
        joins=joins,
        feedback_rows=feedback_rows if shape.feedback_scan and not filters.any else "",
        query_score=_SCORE.format(q=query, **weights),
        feedback_score=_SCORE.format(q=feedback, **weights),
    )
    return text(sql)
