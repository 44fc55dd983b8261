"""Catalogue service: listing and describing technologies."""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontier.catalog import repository
from frontier.catalog.models import Technology
from frontier.catalog.schemas import (
    SeriesSummary,
    SourceKeys,
    TechnologyDetail,
    TechnologySummary,
    TrendScores,
)
from frontier.db.base import TechEcosystem
from frontier.db.pagination import Page, PageParams, encode_cursor
from frontier.errors import FieldProblem, InvalidInput, NotFound
from frontier.trends.models import TechnologyTrend


def _summary(technology: Technology, trend: TechnologyTrend | None) -> TechnologySummary:
    return TechnologySummary(
        id=technology.id,
        slug=technology.slug,
        name=technology.name,
        ecosystem=technology.ecosystem,
        description=technology.description,
        scores=TrendScores.model_validate(trend) if trend is not None else None,
    )


def list_technologies(
    session: Session, page: PageParams, *, ecosystem: TechEcosystem | None = None, name: str | None = None
) -> Page[TechnologySummary]:
    """A page of the catalogue in slug order."""
    after = None
    if page.after is not None:
        if len(page.after) != 1 or not isinstance(page.after[0], str):
            raise InvalidInput([FieldProblem("cursor", "is not a cursor of this list")])
        after = page.after[0]
    rows = repository.list_technologies(
        session, ecosystem=ecosystem, name=name, after_slug=after, limit=page.limit + 1
    )
    items = [_summary(tech, trend) for tech, trend in rows[: page.limit]]
    next_cursor = encode_cursor([items[-1].slug]) if len(rows) > page.limit else None
    return Page[TechnologySummary](items=items, next_cursor=next_cursor)


def get_technology(session: Session, slug: str) -> TechnologyDetail:
    """One technology with aliases, source keys and its observation series; NotFound if unknown."""
    row = repository.get_by_slug(session, slug)
    if row is None:
        raise NotFound(f"no technology with slug '{slug}'")
    technology, trend = row
    summary = _summary(technology, trend)
    return TechnologyDetail(
        **summary.model_dump(),
        aliases=repository.aliases_of(session, technology.id),
        source_keys=SourceKeys(
            github_language=technology.github_language,
            github_topics=technology.github_topics,
            github_repositories=technology.github_repositories,
            stackoverflow_tag=technology.stackoverflow_tag,
            pypi_packages=technology.pypi_packages,
            npm_packages=technology.npm_packages,
            search_terms=technology.search_terms,
        ),
        series=[
            SeriesSummary.model_validate(row._mapping) for row in repository.series_of(session, technology.id)
        ],
    )
