"""Routes of the technology catalogue (public: anonymous visitors may read it).

Answers are cached as ``CATALOGUE``, the same entry for everyone, and dropped when the catalogue
(``catalogue``), the scores shown with it (``trends``) or a technology's series (``observations``) change.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AfterValidator, TypeAdapter

from frontier.accounts.auth import rate_limit
from frontier.api.deps import SessionDep
from frontier.api.pagination import page_params
from frontier.cache import CacheClass
from frontier.catalog import service
from frontier.catalog.schemas import TechnologyDetail, TechnologySummary
from frontier.db.base import TechEcosystem
from frontier.db.pagination import Page, PageParams
from frontier.inputs import reject_nul

router = APIRouter(prefix="/api/v1/technologies", tags=["technologies"], dependencies=[Depends(rate_limit)])
LIST_TAGS = ("catalogue", "trends")
DETAIL_TAGS = ("catalogue", "trends", "observations")
SUMMARY_PAGE = TypeAdapter(Page[TechnologySummary])


@router.get("", response_model=Page[TechnologySummary], summary="List technologies")
def list_technologies(
    request: Request,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    ecosystem: Annotated[TechEcosystem | None, Query(description="Only this ecosystem")] = None,
    name: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Part of the name, slug or an alias"),
        AfterValidator(reject_nul),
    ] = None,
) -> Page[TechnologySummary]:
    """The technology catalogue in slug order, filtered by ecosystem and by name."""
    answer: Page[TechnologySummary] = request.app.state.cache.get_or_load(
        CacheClass.CATALOGUE,
        ["list", ecosystem, name, page.limit, page.after],
        lambda: service.list_technologies(session, page, ecosystem=ecosystem, name=name),
        user_id=None,
        model=SUMMARY_PAGE,
        tags=LIST_TAGS,
    )
    return answer


@router.get("/{slug}", response_model=TechnologyDetail, summary="Get a technology")
def get_technology(
    request: Request,
    session: SessionDep,
    slug: Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")],
) -> TechnologyDetail:
    """One technology with its aliases, source keys, current scores and observation series."""
    detail: TechnologyDetail = request.app.state.cache.get_or_load(
        CacheClass.CATALOGUE,
        ["technology", slug],
        lambda: service.get_technology(session, slug),
        user_id=None,
        model=TechnologyDetail,
        tags=DETAIL_TAGS,
    )
    return detail
