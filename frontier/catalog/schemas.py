"""API shapes of the technology catalogue."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from frontier.db.base import TechEcosystem, TrendStatus


class TrendScores(BaseModel):
    """A technology's current scores (absent until the trend engine has computed them)."""

    model_config = ConfigDict(from_attributes=True)

    trend_status: TrendStatus
    momentum_score: Decimal | None
    learning_priority_score: Decimal | None
    adoption_rate: Decimal | None
    first_detected_date: date | None
    scores_as_of: date | None


class TechnologySummary(BaseModel):
    """A catalogue entry as listed."""

    id: uuid.UUID
    slug: str
    name: str
    ecosystem: TechEcosystem
    description: str | None
    scores: TrendScores | None


class SeriesSummary(BaseModel):
    """One stored observation series of a technology."""

    source: str
    metric: str
    granularity: str
    points: int
    first_period: date
    last_period: date
    last_value: float


class SourceKeys(BaseModel):
    """How each source names the technology."""

    github_language: str | None
    github_topics: list[str]
    github_repositories: list[str]
    stackoverflow_tag: str | None
    pypi_packages: list[str]
    npm_packages: list[str]
    search_terms: list[str]


class TechnologyDetail(TechnologySummary):
    """A catalogue entry with its aliases, source keys and observation series."""

    aliases: list[str]
    source_keys: SourceKeys
    series: list[SeriesSummary]
