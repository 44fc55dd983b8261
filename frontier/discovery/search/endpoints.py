"""``GET /api/v1/search``: learning content for a natural-language query (public, rate-limited, cached).

The answer holds ``items``, the list ``frontier search --json`` prints (at most ``MAX_LIMIT``, best first, so
there is nothing to page through), and a ``notice`` saying why there are none when search can't run yet (no
content, no embedding model): an ordinary state of a new installation, answered 200 rather than 5xx.

Results are cached as ``DEEP_DIVE_CONTENT`` (2 hours): they depend only on the content and its vectors, which
change when content is imported or re-embedded, and those writes invalidate the ``content`` tag. They are the
same for everyone (``user_id=None``), so one cached answer serves every caller.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from frontier.accounts.auth import rate_limit
from frontier.api.deps import SessionDep
from frontier.cache import CacheClass
from frontier.db.base import ExplorationDepth, TechEcosystem
from frontier.discovery.search.service import (
    DEFAULT_LIMIT,
    FORMATS,
    MAX_LIMIT,
    MAX_MINUTES,
    SearchOutcome,
    SearchResult,
    SearchUnavailable,
    check_limit,
    content_filters,
    run_search,
)
from frontier.discovery.search.terms import MAX_QUERY_CHARS, clean_query

router = APIRouter(prefix="/api/v1", tags=["search"], dependencies=[Depends(rate_limit)])
CACHE_TAGS = ("content",)


class SearchAnswer(BaseModel):
    """Search results, and why there are none when search can't run yet."""

    items: list[SearchResult]
    notice: str | None = Field(
        default=None,
        description="Why there are no items for a fine query (no content yet, nothing matched well)",
    )


@router.get("/search", response_model=SearchAnswer, summary="Search learning content")
def search_content(
    request: Request,
    session: SessionDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description="What you want to learn, in your own words",
            examples=["how do I get started with rust"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many results")] = DEFAULT_LIMIT,
    ecosystem: Annotated[TechEcosystem | None, Query(description="Only items of this ecosystem")] = None,
    format: Annotated[
        str | None, Query(max_length=30, description=f"Only this format: {', '.join(FORMATS)}")
    ] = None,
    max_minutes: Annotated[
        int | None, Query(ge=1, le=MAX_MINUTES, description="Only items taking at most this long")
    ] = None,
    depth: Annotated[ExplorationDepth | None, Query(description="Only items of this depth")] = None,
) -> SearchAnswer:
    """The best learning resources for the query, best first; each names its section, technologies and tags
    (ecosystems, format, kind). No items and a ``notice`` while there is no content or embedding model yet."""
    query = clean_query(q)
    check_limit(limit)
    filters = content_filters(ecosystem, format, max_minutes, depth)
    # "answer": entries hold the whole answer (items and notice); older entries held a bare list
    key = [
        "search",
        "answer",
        query,
        limit,
        filters.ecosystem,
        filters.format,
        filters.max_minutes,
        filters.depth,
    ]
    try:
        answer: SearchAnswer = request.app.state.cache.get_or_load(
            CacheClass.DEEP_DIVE_CONTENT,
            key,
            lambda: _answer(run_search(session, query, limit=limit, filters=filters)),
            user_id=None,
            model=SearchAnswer,
            tags=CACHE_TAGS,
        )
    except SearchUnavailable as error:  # not cached: the next search after an import finds content
        return SearchAnswer(items=[], notice=str(error))
    return answer


def _answer(outcome: SearchOutcome) -> SearchAnswer:
    return SearchAnswer(items=outcome.results, notice=outcome.notice)
