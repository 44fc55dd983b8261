"""Queries on the technology catalogue."""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, exists, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from frontier.catalog.models import Technology, TechnologyAlias
from frontier.db.base import TechEcosystem
from frontier.trends.models import Observation, TechnologyTrend


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_technologies(
    session: Session, *, ecosystem: TechEcosystem | None, name: str | None, after_slug: str | None, limit: int
) -> Sequence[Row[Technology, TechnologyTrend]]:
    """Technologies ordered by slug, optionally filtered by ecosystem and by name, slug or alias."""
    query = select(Technology, TechnologyTrend).outerjoin(
        TechnologyTrend, TechnologyTrend.trend_id == Technology.id
    )
    if ecosystem is not None:
        query = query.where(Technology.ecosystem == ecosystem)
    if name:
        pattern = f"%{_escape_like(name.strip().lower())}%"
        alias_match = exists().where(
            TechnologyAlias.technology_id == Technology.id, TechnologyAlias.alias.like(pattern, escape="\\")
        )
        query = query.where(
            func.lower(Technology.name).like(pattern, escape="\\")
            | Technology.slug.like(pattern, escape="\\")
            | alias_match
        )
    if after_slug is not None:
        query = query.where(Technology.slug > after_slug)
    return session.execute(query.order_by(Technology.slug).limit(limit)).all()


def get_by_slug(session: Session, slug: str) -> Row[Technology, TechnologyTrend] | None:
    """One technology and its current scores, or None."""
    query = (
        select(Technology, TechnologyTrend)
        .outerjoin(TechnologyTrend, TechnologyTrend.trend_id == Technology.id)
        .where(Technology.slug == slug)
    )
    return session.execute(query).first()


def aliases_of(session: Session, technology_id: uuid.UUID) -> list[str]:
    """Every alias of a technology, sorted."""
    query = select(TechnologyAlias.alias).where(TechnologyAlias.technology_id == technology_id)
    return sorted(session.scalars(query))


def series_of(session: Session, technology_id: uuid.UUID) -> Sequence[Row[Any]]:
    """One row per (source, metric, granularity) with its point count, date range and latest value."""
    # array_agg is not an ordered-set aggregate: ORDER BY goes inside the call.
    last_value = func.array_agg(aggregate_order_by(Observation.value, Observation.period_start.desc()))
    query = (
        select(
            Observation.source,
            Observation.metric,
            Observation.granularity,
            func.count().label("points"),
            func.min(Observation.period_start).label("first_period"),
            func.max(Observation.period_start).label("last_period"),
            last_value[1].label("last_value"),
        )
        .where(Observation.technology_id == technology_id)
        .group_by(Observation.source, Observation.metric, Observation.granularity)
        .order_by(Observation.source, Observation.metric, Observation.granularity)
    )
    return session.execute(query).all()


def resolve_names(session: Session, names: Sequence[str]) -> dict[str, uuid.UUID | None]:
    """Map names as sources spell them to technology ids through slugs and aliases; None when unknown."""
    wanted = {name: name.strip().lower() for name in names}
    query = select(TechnologyAlias.alias, TechnologyAlias.technology_id).where(
        TechnologyAlias.alias.in_(set(wanted.values()))
    )
    by_alias = dict(session.execute(query).all())
    slugs = select(Technology.slug, Technology.id).where(Technology.slug.in_(set(wanted.values())))
    by_alias.update(session.execute(slugs).all())
    return {name: by_alias.get(normalised) for name, normalised in wanted.items()}


# A suggestion is shortlisted by pg_trgm similarity (which misses few typos at 0.2 but ranks transpositions
# low: "pyhton" ~ "python" is 0.27), then kept and ranked by difflib's ratio (0.83 there), as
# difflib.get_close_matches does with its default cutoff.
SHORTLIST_SIMILARITY = 0.2
SUGGEST_RATIO = 0.6
SHORTLIST_SIZE = 200


def similar_slugs(session: Session, name: str, limit: int = 3) -> list[str]:
    """The slugs of the technologies whose slug, name or an alias is most like ``name``, most alike first:
    the "did you mean" for a name nobody knows (none when nothing is alike)."""
    wanted = name.strip().lower()
    spellings = (
        select(Technology.id.label("technology_id"), Technology.slug.label("spelling"))
        .union_all(
            select(Technology.id, func.lower(Technology.name)),
            select(TechnologyAlias.technology_id, TechnologyAlias.alias),
        )
        .subquery()
    )
    similarity = func.similarity(spellings.c.spelling, wanted)
    query = (
        select(Technology.slug, spellings.c.spelling)
        .join(spellings, spellings.c.technology_id == Technology.id)
        .where(similarity >= SHORTLIST_SIMILARITY)
        .order_by(similarity.desc())
        .limit(SHORTLIST_SIZE)  # a short name is a little like thousands of others in a large catalogue
    )
    best: dict[str, float] = {}
    for slug, spelling in session.execute(query):
        ratio = difflib.SequenceMatcher(None, wanted, spelling).ratio()
        if ratio >= SUGGEST_RATIO:
            best[slug] = max(ratio, best.get(slug, 0.0))
    return sorted(best, key=lambda slug: (-best[slug], slug))[:limit]
