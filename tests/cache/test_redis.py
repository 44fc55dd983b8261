"""The Redis backend on a real Redis: TTLs, JSON values, one loader across processes, failing open."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from frontier.cache import Cache, CacheClass, MemoryBackend, RedisBackend, make_cache, redis_client
from frontier.config import Settings
from frontier.outage import OUTAGE_PAUSE_SECONDS
from tests.cache.support import CountingLoader, FakeClock, Trend, closed_port

TRENDS = CacheClass.TECH_TRENDS


@pytest.mark.parametrize("cache_class", list(CacheClass), ids=lambda c: c.value)
def test_stored_key_expires_after_its_class_ttl(
    cache_class: CacheClass, redis_client: redis.Redis, token: str
) -> None:
    cache = Cache(RedisBackend(redis_client))
    cache.get_or_load(cache_class, [token], CountingLoader(), user_id=None, model=Trend)

    ttl = redis_client.ttl(cache.storage_key(cache_class, [token], user_id=None))

    assert cache_class.ttl_seconds - 5 < ttl <= cache_class.ttl_seconds


def test_stored_value_is_json_text_never_a_pickle(redis_client: redis.Redis, token: str) -> None:
    cache = Cache(RedisBackend(redis_client))
    value = cache.get_or_load(TRENDS, [token], CountingLoader(), user_id=None, model=Trend)

    raw = redis_client.get(cache.storage_key(TRENDS, [token], user_id=None))

    assert isinstance(raw, bytes) and not raw.startswith(b"\x80")  # every pickle protocol >= 2 starts so
    assert json.loads(raw)["v"] == value.model_dump(mode="json")


def test_loader_runs_once_across_two_processes_sharing_redis(redis_url: str, token: str) -> None:
    readers = 20
    arrived = threading.Barrier(readers)
    contended = threading.Event()  # a reader of the other "process" found the key claimed
    answered = threading.Event()  # the claim holder has stored its result
    calls = CountingLoader()

    def wait_for_holder(_seconds: float) -> None:
        contended.set()
        answered.wait(timeout=10)

    def loader() -> Trend:
        contended.wait(timeout=10)
        return calls()

    # Separate clients and connection pools: nothing in common but the Redis server, as for two processes.
    caches = [Cache(RedisBackend(redis.Redis.from_url(redis_url)), sleep=wait_for_holder) for _ in range(2)]

    def reader(number: int) -> str:
        arrived.wait()
        label = caches[number % 2].get_or_load(TRENDS, [token], loader, user_id=None, model=Trend).label
        answered.set()
        return label

    with ThreadPoolExecutor(readers) as pool:
        labels = list(pool.map(reader, range(readers)))

    assert calls.calls == 1
    assert labels == ["trend#1"] * readers
    assert contended.is_set()
    counts = [cache.stats()[TRENDS.value] for cache in caches]
    assert sum(c["misses"] for c in counts) == 1 and sum(c["hits"] for c in counts) == readers - 1


def test_loader_holds_a_claim_that_expires_by_itself(redis_client: redis.Redis, token: str) -> None:
    cache = Cache(RedisBackend(redis_client), lock_seconds=7)
    lock_key = "lock:" + cache.storage_key(TRENDS, [token], user_id=None)
    seen: list[int] = []

    def loader() -> Trend:
        seen.append(redis_client.pttl(lock_key))
        return CountingLoader()()

    cache.get_or_load(TRENDS, [token], loader, user_id=None, model=Trend)

    assert 0 < seen[0] <= 7000
    assert redis_client.exists(lock_key) == 0  # released once the result was stored


def test_a_waiter_takes_over_when_the_claim_holder_dies(redis_client: redis.Redis, token: str) -> None:
    lock_key = "lock:" + Cache(MemoryBackend()).storage_key(TRENDS, [token], user_id=None)
    redis_client.set(lock_key, "a process that died", px=60_000)

    def holder_lock_expires(_seconds: float) -> None:
        redis_client.delete(lock_key)

    cache = Cache(RedisBackend(redis_client), sleep=holder_lock_expires)
    loader = CountingLoader()

    assert cache.get_or_load(TRENDS, [token], loader, user_id=None, model=Trend).label == "trend#1"
    assert loader.calls == 1


def test_a_waiter_loads_itself_after_a_bounded_wait(redis_client: redis.Redis, token: str) -> None:
    lock_key = "lock:" + Cache(MemoryBackend()).storage_key(TRENDS, [token], user_id=None)
    redis_client.set(lock_key, "a process that hangs", px=60_000)
    sleeps: list[float] = []
    cache = Cache(RedisBackend(redis_client), sleep=sleeps.append, wait_seconds=1.0, poll_seconds=0.25)

    label = cache.get_or_load(TRENDS, [token], CountingLoader(), user_id=None, model=Trend).label

    assert label == "trend#1"
    assert sleeps == [0.25] * 4
    redis_client.delete(lock_key)


def unreachable(clock: FakeClock) -> Cache:
    """A cache on a closed port, its client built as make_cache builds it."""
    return Cache(RedisBackend(redis_client(f"redis://127.0.0.1:{closed_port()}/0")), clock=clock)


def test_unreachable_redis_still_answers_with_the_loaders_result(token: str) -> None:
    loader = CountingLoader()

    label = unreachable(FakeClock()).get_or_load(TRENDS, [token], loader, user_id=None, model=Trend).label

    assert (label, loader.calls) == ("trend#1", 1)


def test_unreachable_redis_is_warned_about_once(caplog: pytest.LogCaptureFixture, token: str) -> None:
    clock = FakeClock()
    cache = unreachable(clock)

    with caplog.at_level(logging.WARNING, logger="frontier.cache"):
        for _ in range(3):
            cache.get_or_load(TRENDS, [token], CountingLoader(), user_id=None, model=Trend)
            cache.invalidate_tags(f"trends-{token}")
            clock.now += OUTAGE_PAUSE_SECONDS

    assert len(caplog.records) == 1
    assert "redis cache unavailable" in caplog.text
    assert token not in caplog.text  # keys and tags can hold user ids: never logged


def test_an_invalidation_that_failed_is_applied_before_the_next_read(redis_url: str, token: str) -> None:
    tag = f"trends-{token}"
    writer_view = Cache(RedisBackend(redis.Redis.from_url(redis_url)))
    writer_view.get_or_load(TRENDS, [token], CountingLoader("old"), user_id=None, model=Trend, tags=[tag])
    clock = FakeClock()
    cache = unreachable(clock)

    cache.invalidate_tags(tag)  # Redis is down: the write's invalidation cannot reach it
    cache.backend = RedisBackend(redis.Redis.from_url(redis_url))  # Redis is back
    clock.now += OUTAGE_PAUSE_SECONDS

    label = cache.get_or_load(TRENDS, [token], CountingLoader("new"), user_id=None, model=Trend, tags=[tag])
    assert label.label == "new#1"


def test_make_cache_uses_redis_when_configured(redis_url: str) -> None:
    assert isinstance(make_cache(Settings(redis_url=redis_url)).backend, RedisBackend)


def test_make_cache_uses_memory_without_redis() -> None:
    assert isinstance(make_cache(Settings()).backend, MemoryBackend)
