"""Routes of the technology catalogue (public: anonymous visitors may read it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator

from frontier.api.auth import rate_limit
from frontier.api.deps import SessionDep
from frontier.api.inputs import reject_nul
from frontier.api.pagination import Page, PageParams, page_params
from frontier.db.base import TechEcosystem
from frontier.trends import service
from frontier.trends.schemas import TechnologyDetail, TechnologySummary

router = APIRouter(prefix="/api/v1/technologies", tags=["technologies"], dependencies=[Depends(rate_limit)])


@router.get("", response_model=Page[TechnologySummary], summary="List technologies")
def list_technologies(
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
    return service.list_technologies(session, page, ecosystem=ecosystem, name=name)


@router.get("/{slug}", response_model=TechnologyDetail, summary="Get a technology")
def get_technology(
    session: SessionDep,
    slug: Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")],
) -> TechnologyDetail:
    """One technology with its aliases, source keys, current scores and observation series."""
    return service.get_technology(session, slug)
