"""Pagination over HTTP: ``?limit=`` (default 50, max 200) and an opaque ``?cursor=`` read into the
domain-neutral ``PageParams`` (``frontier.db.pagination``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from frontier.db.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageParams, decode_cursor


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=500, description="next_cursor of the previous page")
    ] = None,
) -> PageParams:
    """FastAPI dependency reading ``limit`` and ``cursor``."""
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)
