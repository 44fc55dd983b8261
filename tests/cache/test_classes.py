"""The seed's cache plan (EXPLORATION_CACHE_CONFIG), exactly."""

from __future__ import annotations

from frontier.cache import CacheClass

SEED_PLAN = {
    "trending_content": (3600, "trending:*"),
    "tech_trends": (14400, "trends:*"),
    "exploration_recs": (1800, "explore_rec:*"),
    "innovation_suggestions": (7200, "innovation:*"),
    "community_content": (1800, "community:*"),
    "tech_comparisons": (3600, "compare:*"),
    "deep_dive_content": (7200, "deepdive:*"),
}


def test_plan_has_the_seeds_seven_classes_with_their_ttls_and_patterns() -> None:
    assert {c.value: (c.ttl_seconds, c.pattern) for c in CacheClass} == SEED_PLAN


def test_class_is_found_by_the_seeds_name() -> None:
    assert CacheClass("exploration_recs") is CacheClass.EXPLORATION_RECS
