"""Public reads of trends, the catalogue, forecasts and the model registries are cached (in memory and in Redis):
a second read is served from the cache even when the rows changed underneath, and once the change's tag is
dropped — what the API process does when a writer's announcement arrives (``tests/cache/
test_writers_invalidate.py`` shows the writers announce) — the fresh value is served. A model registered
through the API is seen by the next read at once. The caller's own part of a trend (``followed``) is never
shared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import redis
from sqlalchemy import text

from frontier.cache import Cache, CacheClass, RedisBackend
from frontier.trends import forecast_store
from frontier.trends.analytics import compute_scores
from tests.api.conftest import World

ORIGIN = date(2024, 9, 1)  # the demo's series run to 2025-08: forecasts stored from here have a year to show


@pytest.fixture(params=["memory", "redis"])
def cached(request: pytest.FixtureRequest, world: World) -> Iterator[World]:
    """The world's API with its cache in this process's memory, or in Redis (emptied of earlier tests' entries:
    the Redis database outlives a test's rolled-back rows)."""
    if request.param == "memory":
        yield world
        return
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    cache = Cache(RedisBackend(client))
    for cache_class in CacheClass:
        cache.clear_class(cache_class)
    world.app.state.cache = cache
    try:
        yield world
    finally:
        client.close()


def get(world: World, path: str, who: str = "anonymous", **params: Any) -> Any:
    response = world.client.get(path, params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def counts(world: World, cache_class: CacheClass) -> tuple[int, int]:
    stats = world.app.state.cache.stats()[cache_class.value]
    return stats["hits"], stats["misses"]


def sql(world: World, statement: str, **params: Any) -> None:
    with world.db.session() as session:
        session.execute(text(statement), params)


def dropped(world: World, *tags: str) -> None:
    """What the API process's listener does when a writer announces ``tags``."""
    world.app.state.cache.invalidate_tags(*tags)


def momentum(listed: dict[str, Any], slug: str) -> str:
    return str(next(item["momentum_score"] for item in listed["items"] if item["slug"] == slug))


def test_the_trend_list_is_cached_until_scores_are_computed(cached: World) -> None:
    first = get(cached, "/api/v1/trends", sort="momentum", limit=20)
    before = counts(cached, CacheClass.TRENDING_CONTENT)
    sql(cached, "UPDATE technology_trends SET momentum_score = 9.87 WHERE trend_name = 'Python'")

    again = get(cached, "/api/v1/trends", sort="momentum", limit=20)
    other_page = get(cached, "/api/v1/trends", sort="name", limit=20)  # another key: loaded afresh

    assert again == first and momentum(other_page, "python") == "9.87"
    assert counts(cached, CacheClass.TRENDING_CONTENT) == (before[0] + 1, before[1] + 1)
    dropped(cached, "trends")
    assert momentum(get(cached, "/api/v1/trends", sort="momentum", limit=20), "python") == "9.87"


def test_a_trend_detail_is_shared_but_whether_you_follow_it_is_yours(cached: World) -> None:
    owner = get(cached, "/api/v1/trends/python", "owner")  # the owner follows python
    before = counts(cached, CacheClass.TECH_TRENDS)
    anonymous = get(cached, "/api/v1/trends/python")
    other = get(cached, "/api/v1/trends/python", "other")
    cached.client.delete("/api/v1/me/follows/python", headers=cached.headers("owner"))
    owner_again = get(cached, "/api/v1/trends/python", "owner")

    assert (owner["followed"], anonymous["followed"], other["followed"], owner_again["followed"]) == (
        True,
        None,
        False,
        False,
    )
    assert counts(cached, CacheClass.TECH_TRENDS) == (before[0] + 3, before[1])  # one entry served them all
    assert {**anonymous, "followed": True} == owner


def test_a_trend_detail_and_history_are_cached_until_scores_are_computed(cached: World) -> None:
    detail = get(cached, "/api/v1/trends/python")
    history = get(cached, "/api/v1/trends/python/history")
    sql(cached, "UPDATE technology_trends SET momentum_score = 9.87 WHERE trend_name = 'Python'")
    with cached.db.session() as session:
        compute_scores(session, date(2025, 9, 1))  # also writes the day's snapshot

    assert get(cached, "/api/v1/trends/python") == detail
    assert get(cached, "/api/v1/trends/python/history") == history
    dropped(cached, "trends")
    fresh = get(cached, "/api/v1/trends/python/history")
    assert fresh != history and "2025-09-01" in {s["computed_on"] for s in fresh["snapshots"]}
    assert get(cached, "/api/v1/trends/python")["scores_as_of"] == "2025-09-01"


def test_forecasts_and_the_track_record_are_cached_until_forecasts_are_stored(cached: World) -> None:
    with cached.db.session() as session:
        compute_scores(session, ORIGIN)  # forecasts are made for scored technologies
    empty = get(cached, "/api/v1/trends/python/forecast")
    records = get(cached, "/api/v1/forecast-models")
    with cached.db.session() as session:
        forecast_store.store_forecasts(session, ORIGIN, model="naive")

    assert get(cached, "/api/v1/trends/python/forecast") == empty and empty["model"] is None
    assert get(cached, "/api/v1/forecast-models") == records
    dropped(cached, "forecasts")
    assert get(cached, "/api/v1/trends/python/forecast")["model"] == "naive"
    assert any(r["model"] == "naive" and r["stored"] > 0 for r in get(cached, "/api/v1/forecast-models"))


def test_the_catalogue_is_cached_until_it_changes(cached: World) -> None:
    listed = get(cached, "/api/v1/technologies", name="python")
    detail = get(cached, "/api/v1/technologies/python")
    before = counts(cached, CacheClass.CATALOGUE)
    sql(cached, "UPDATE technologies SET description = 'Changed underneath' WHERE slug = 'python'")

    assert get(cached, "/api/v1/technologies", name="python") == listed
    assert get(cached, "/api/v1/technologies/python") == detail
    assert counts(cached, CacheClass.CATALOGUE) == (before[0] + 2, before[1])
    dropped(cached, "catalogue")
    assert get(cached, "/api/v1/technologies/python")["description"] == "Changed underneath"
    items = get(cached, "/api/v1/technologies", name="python")["items"]
    assert {i["slug"]: i["description"] for i in items}["python"] == "Changed underneath"


def test_a_technologys_page_is_cached_until_its_series_change(cached: World) -> None:
    detail = get(cached, "/api/v1/technologies/python")
    sql(cached, "SELECT ensure_observation_partitions(DATE '2025-09-01', DATE '2025-09-01')")
    sql(
        cached,
        "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value) "
        "SELECT id, 'github', 'stars', 'month', DATE '2025-09-01', 1 FROM technologies WHERE slug = 'python'",
    )
    assert get(cached, "/api/v1/technologies/python") == detail
    dropped(cached, "observations")
    series = get(cached, "/api/v1/technologies/python")["series"]
    assert "2025-09-01" in {s["last_period"] for s in series}


def test_the_model_registry_is_cached_and_an_admins_change_is_seen_at_once(cached: World) -> None:
    models = get(cached, "/api/v1/models")
    one = get(cached, f"/api/v1/models/{cached.model_id}")
    sql(cached, "UPDATE ai_model_registry SET model_architecture = 'changed underneath'")
    assert get(cached, "/api/v1/models") == models
    assert get(cached, f"/api/v1/models/{cached.model_id}") == one

    admin = cached.headers("admin")
    created = cached.client.post(
        "/api/v1/models",
        json={"model_name": "fresh-model", "version": "2", "model_type": "embedding"},
        headers=admin,
    )
    assert created.status_code == 201
    assert "fresh-model" in {m["model_name"] for m in get(cached, "/api/v1/models")}
    changed = cached.client.patch(
        f"/api/v1/models/{cached.model_id}", json={"is_active": False}, headers=admin
    )
    assert changed.status_code == 200
    assert get(cached, f"/api/v1/models/{cached.model_id}")["is_active"] is False
