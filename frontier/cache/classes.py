"""The cache plan: each class of cached results with its TTL and Redis key prefix, and what it holds.

Four classes are the seed's (EXPLORATION_CACHE_CONFIG), with its TTLs and key patterns; two are Frontier's
own, plainly named, for results the seed's names do not describe (the technology catalogue and the model
registries). The seed's ``innovation_suggestions`` (``innovation:*``, 2 h), ``community_content``
(``community:*``, 30 min) and ``tech_comparisons`` (``compare:*``, 1 h) have nothing to hold yet: they come
back with the features that fill them (issue 13: community and innovation; comparisons have no route yet).

Every result also carries tags naming the data it was built from (``TAGS``); a write announces its tag and
every result built from that data is dropped (``frontier.cache.notify``). The TTL only bounds how long a
result can outlive a change nobody announced.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


@dataclass(frozen=True)
class CachePolicy:
    """How long one class of results is kept, under which key prefix, and what it holds."""

    ttl_seconds: int
    prefix: str
    holds: str


class CacheClass(StrEnum):
    """A class of cached results; the value is the seed's name for the seed's classes."""

    TRENDING_CONTENT = "trending_content"
    TECH_TRENDS = "tech_trends"
    EXPLORATION_RECS = "exploration_recs"
    DEEP_DIVE_CONTENT = "deep_dive_content"
    CATALOGUE = "catalogue"
    MODEL_REGISTRY = "model_registry"

    @property
    def ttl_seconds(self) -> int:
        """Seconds a stored result lives."""
        return CACHE_PLAN[self].ttl_seconds

    @property
    def prefix(self) -> str:
        """The first segment of every key of this class (``trending`` for ``trending:*``)."""
        return CACHE_PLAN[self].prefix

    @property
    def pattern(self) -> str:
        """The key pattern, e.g. ``trending:*``."""
        return f"{self.prefix}:*"


CACHE_PLAN: dict[CacheClass, CachePolicy] = {
    # the seed's: updated hourly (the late-data hour)
    CacheClass.TRENDING_CONTENT: CachePolicy(3600, "trending", "the ranked trend list (GET /api/v1/trends)"),
    # the seed's: updated every 4 hours
    CacheClass.TECH_TRENDS: CachePolicy(
        14400,
        "trends",
        "one technology's trend, score history and stored forecast "
        "(GET /api/v1/trends/{slug}[/history|/forecast])",
    ),
    # the seed's: expensive to compute
    CacheClass.EXPLORATION_RECS: CachePolicy(
        1800, "explore_rec", "exploration paths (private to their user)"
    ),
    # the seed's: stable but important
    CacheClass.DEEP_DIVE_CONTENT: CachePolicy(7200, "deepdive", "search answers (GET /api/v1/search)"),
    # Frontier's: changes only when technologies, their series or scores do
    CacheClass.CATALOGUE: CachePolicy(
        7200, "catalogue", "the technology catalogue (GET /api/v1/technologies[/{slug}])"
    ),
    # Frontier's: changes only when a model is registered or changed, or forecasts are stored or scored
    CacheClass.MODEL_REGISTRY: CachePolicy(
        7200,
        "registry",
        "the AI model registry and the forecasters' track record (GET /api/v1/models, "
        "/api/v1/forecast-models)",
    ),
}

LONGEST_TTL_SECONDS = max(policy.ttl_seconds for policy in CACHE_PLAN.values())

# The tags writers announce (``frontier.cache.notify.announce``) and results carry: the data each names.
TAGS: dict[str, str] = {
    "content": "learning content and its vectors (import, re-embedding)",
    "trends": "trend scores, statuses and their daily snapshots (trends compute, the late-data hour)",
    "catalogue": "technologies and their aliases (demo load, catalogue changes)",
    "observations": "technologies' observation series (ingestion, demo load)",
    "forecasts": "stored forecasts, their scoring and the forecasters' backtests",
    "models": "the AI model registry (admin registers or changes a model)",
}


def user_tag(user_id: UUID) -> str:
    """The tag every private result of ``user_id`` carries: invalidating it drops all of them."""
    return f"user:{user_id}"


def technology_tag(slug: str) -> str:
    """The tag for results that depend on one technology's data."""
    return f"technology:{slug}"
