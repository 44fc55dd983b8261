"""The seed's cache plan: seven classes of cached results, each with its TTL and Redis key prefix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


@dataclass(frozen=True)
class CachePolicy:
    """How long one class of results is kept and under which key prefix."""

    ttl_seconds: int
    prefix: str


class CacheClass(StrEnum):
    """A class of cached results (EXPLORATION_CACHE_CONFIG in the seed); the value is the seed's name."""

    TRENDING_CONTENT = "trending_content"
    TECH_TRENDS = "tech_trends"
    EXPLORATION_RECS = "exploration_recs"
    INNOVATION_SUGGESTIONS = "innovation_suggestions"
    COMMUNITY_CONTENT = "community_content"
    TECH_COMPARISONS = "tech_comparisons"
    DEEP_DIVE_CONTENT = "deep_dive_content"

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
        """The seed's key pattern, e.g. ``trending:*``."""
        return f"{self.prefix}:*"


CACHE_PLAN: dict[CacheClass, CachePolicy] = {
    CacheClass.TRENDING_CONTENT: CachePolicy(3600, "trending"),  # updated hourly
    CacheClass.TECH_TRENDS: CachePolicy(14400, "trends"),  # updated every 4 hours
    CacheClass.EXPLORATION_RECS: CachePolicy(1800, "explore_rec"),  # expensive to compute
    CacheClass.INNOVATION_SUGGESTIONS: CachePolicy(7200, "innovation"),  # complex algorithm
    CacheClass.COMMUNITY_CONTENT: CachePolicy(1800, "community"),  # frequently accessed
    CacheClass.TECH_COMPARISONS: CachePolicy(3600, "compare"),  # resource intensive
    CacheClass.DEEP_DIVE_CONTENT: CachePolicy(7200, "deepdive"),  # stable but important
}

LONGEST_TTL_SECONDS = max(policy.ttl_seconds for policy in CACHE_PLAN.values())


def user_tag(user_id: UUID) -> str:
    """The tag every private result of ``user_id`` carries: invalidating it drops all of them."""
    return f"user:{user_id}"


def technology_tag(slug: str) -> str:
    """The tag for results that depend on one technology's data."""
    return f"technology:{slug}"
