"""The cache plan: the seed's classes that hold something keep its TTLs and patterns (EXPLORATION_CACHE_CONFIG);
the ones with nothing to hold yet are gone, not declared and unused; every class is used by a route."""

from __future__ import annotations

from pathlib import Path

from frontier.cache import CACHE_PLAN, CacheClass
from frontier.cache.notify import TAGS

FRONTIER = Path(__file__).resolve().parents[2] / "frontier"

SEED_PLAN = {
    "trending_content": (3600, "trending:*"),
    "tech_trends": (14400, "trends:*"),
    "exploration_recs": (1800, "explore_rec:*"),
    "deep_dive_content": (7200, "deepdive:*"),
}
# The seed's classes for features that do not exist yet (community, innovation: issue 13; comparisons).
NOT_YET = {"innovation_suggestions", "community_content", "tech_comparisons"}


def test_the_seeds_classes_keep_its_ttls_and_patterns() -> None:
    assert {c.value: (c.ttl_seconds, c.pattern) for c in CacheClass if c.value in SEED_PLAN} == SEED_PLAN
    assert not NOT_YET & {c.value for c in CacheClass}


def test_frontiers_own_classes_have_prefixes_of_their_own() -> None:
    prefixes = [c.prefix for c in CacheClass]
    assert len(set(prefixes)) == len(prefixes)
    assert {CacheClass.CATALOGUE.pattern, CacheClass.MODEL_REGISTRY.pattern} == {"catalogue:*", "registry:*"}
    assert all(CACHE_PLAN[c].holds for c in CacheClass)


def test_every_declared_class_is_used_by_the_code() -> None:
    code = "\n".join(
        path.read_text(encoding="utf-8") for path in FRONTIER.rglob("*.py") if path.parent.name != "cache"
    )
    assert [c.name for c in CacheClass if f"CacheClass.{c.name}" not in code] == []


def test_every_announced_tag_is_carried_by_a_cached_read() -> None:
    # results carrying a tag that no writer announces would never be dropped when their data changes
    code = "\n".join(path.read_text(encoding="utf-8") for path in FRONTIER.rglob("*.py"))
    assert [tag for tag in TAGS if f'announce(session, "{tag}")' not in code] == []


def test_class_is_found_by_the_seeds_name() -> None:
    assert CacheClass("exploration_recs") is CacheClass.EXPLORATION_RECS
