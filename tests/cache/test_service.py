"""Cache behaviour on both backends: expiry, one loader per key, invalidation, isolation, counters."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client import CollectorRegistry
from pydantic import TypeAdapter

from frontier.cache import Cache, CacheClass, MemoryBackend, technology_tag
from tests.cache.conftest import Setup
from tests.cache.support import CountingLoader, Trend

TRENDS = CacheClass.TECH_TRENDS
RECS = CacheClass.EXPLORATION_RECS
ALICE = uuid.UUID("00000000-0000-4000-8000-00000000a11c")
BOB = uuid.UUID("00000000-0000-4000-8000-000000000b0b")


def read(
    setup: Setup,
    loader: CountingLoader,
    *parts: str,
    user: uuid.UUID | None = None,
    tags: tuple[str, ...] = (),
    cache_class: CacheClass = TRENDS,
) -> str:
    return setup.cache.get_or_load(cache_class, parts, loader, user_id=user, model=Trend, tags=tags).label


def test_second_read_is_served_from_the_cache(setup: Setup, token: str) -> None:
    loader = CountingLoader()

    first, second = read(setup, loader, token), read(setup, loader, token)

    assert (first, second, loader.calls) == ("trend#1", "trend#1", 1)


def test_cached_value_comes_back_as_an_equal_model(setup: Setup, token: str) -> None:
    loaded = setup.cache.get_or_load(TRENDS, [token], CountingLoader(), user_id=None, model=Trend)

    cached = setup.cache.get_or_load(TRENDS, [token], CountingLoader(), user_id=None, model=Trend)

    assert cached == loaded and isinstance(cached, Trend)


def test_lists_and_plain_values_round_trip(setup: Setup, token: str) -> None:
    value = {"python": [1.5, 2.0], "rust": []}
    adapter = TypeAdapter(dict[str, list[float]])
    setup.cache.get_or_load(TRENDS, [token], lambda: value, user_id=None, model=adapter)

    cached = setup.cache.get_or_load(TRENDS, [token], dict, user_id=None, model=dict[str, list[float]])

    assert cached == value


@pytest.mark.parametrize("cache_class", list(CacheClass), ids=lambda c: c.value)
def test_memory_entry_lives_exactly_its_class_ttl(cache_class: CacheClass, token: str) -> None:
    clock_now = [0.0]
    cache = Cache(MemoryBackend(clock=lambda: clock_now[0]))
    loader = CountingLoader()
    cache.get_or_load(cache_class, [token], loader, user_id=None, model=Trend)

    clock_now[0] = cache_class.ttl_seconds - 1
    cache.get_or_load(cache_class, [token], loader, user_id=None, model=Trend)
    assert loader.calls == 1
    clock_now[0] = cache_class.ttl_seconds
    cache.get_or_load(cache_class, [token], loader, user_id=None, model=Trend)
    assert loader.calls == 2


def test_loader_runs_once_for_concurrent_readers_of_a_missing_key(setup: Setup, token: str) -> None:
    readers = 20
    arrived = threading.Barrier(readers)
    all_calling = threading.Event()
    calls = CountingLoader()

    def loader() -> Trend:
        all_calling.wait(timeout=10)  # hold the load open while the other readers arrive
        return calls()

    def reader(_: int) -> str:
        if arrived.wait() == 0:
            all_calling.set()
        return setup.cache.get_or_load(TRENDS, [token], loader, user_id=None, model=Trend).label

    with ThreadPoolExecutor(readers) as pool:
        labels = list(pool.map(reader, range(readers)))

    assert calls.calls == 1
    assert labels == ["trend#1"] * readers
    assert setup.cache.stats()[TRENDS.value] == {"hits": readers - 1, "misses": 1}


def test_a_failed_load_is_not_cached(setup: Setup, token: str) -> None:
    def failing() -> Trend:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        setup.cache.get_or_load(TRENDS, [token], failing, user_id=None, model=Trend)

    assert read(setup, CountingLoader(), token) == "trend#1"


def test_invalidating_a_tag_makes_the_next_read_reload(setup: Setup, token: str) -> None:
    loader = CountingLoader()
    tags = (technology_tag(f"rust-{token}"),)
    read(setup, loader, token, tags=tags)

    setup.cache.invalidate_tags(technology_tag(f"rust-{token}"))

    assert read(setup, loader, token, tags=tags) == "trend#2"
    assert read(setup, loader, token, tags=tags) == "trend#2"


def test_invalidating_a_tag_leaves_results_with_other_tags_cached(setup: Setup, token: str) -> None:
    rust, go = CountingLoader("rust"), CountingLoader("go")
    read(setup, rust, token, "rust", tags=(f"technology:rust-{token}",))
    read(setup, go, token, "go", tags=(f"technology:go-{token}",))

    setup.cache.invalidate_tags(f"technology:rust-{token}")

    assert read(setup, rust, token, "rust", tags=(f"technology:rust-{token}",)) == "rust#2"
    assert read(setup, go, token, "go", tags=(f"technology:go-{token}",)) == "go#1"


def test_a_tag_invalidates_every_class_unless_one_is_named(setup: Setup, token: str) -> None:
    trends, recs = CountingLoader("trends"), CountingLoader("recs")
    tags = (f"trends-{token}",)
    read(setup, trends, token, tags=tags)
    read(setup, recs, token, tags=tags, cache_class=RECS)

    setup.cache.invalidate(RECS, tags=tags)

    assert read(setup, trends, token, tags=tags) == "trends#1"
    assert read(setup, recs, token, tags=tags, cache_class=RECS) == "recs#2"
    setup.cache.invalidate_tags(*tags)
    assert read(setup, trends, token, tags=tags) == "trends#2"


def test_a_write_during_a_load_invalidates_what_that_load_stores(setup: Setup, token: str) -> None:
    tag = f"trends-{token}"
    loader = CountingLoader()

    def racing_loader() -> Trend:
        result = loader()  # read the old data, then a writer commits and invalidates before we store
        setup.cache.invalidate_tags(tag)
        return result

    setup.cache.get_or_load(TRENDS, [token], racing_loader, user_id=None, model=Trend, tags=[tag])

    assert read(setup, loader, token, tags=(tag,)) == "trend#2"


def test_invalidating_a_user_drops_only_that_users_private_results(setup: Setup, token: str) -> None:
    alice, bob, public = CountingLoader("alice"), CountingLoader("bob"), CountingLoader("public")
    read(setup, alice, token, user=ALICE, cache_class=RECS)
    read(setup, bob, token, user=BOB, cache_class=RECS)
    read(setup, public, token, cache_class=RECS)

    setup.cache.invalidate(None, user_id=ALICE)

    assert read(setup, alice, token, user=ALICE, cache_class=RECS) == "alice#2"
    assert read(setup, bob, token, user=BOB, cache_class=RECS) == "bob#1"
    assert read(setup, public, token, cache_class=RECS) == "public#1"


def test_clear_class_reloads_that_class_only(setup: Setup, token: str) -> None:
    # Cleared classes are cleared for everyone sharing the Redis database: use one no other test counts on.
    cleared, kept = CountingLoader("cleared"), CountingLoader("kept")
    read(setup, cleared, token, cache_class=CacheClass.DEEP_DIVE_CONTENT)
    read(setup, kept, token, cache_class=RECS)

    setup.cache.clear_class(CacheClass.DEEP_DIVE_CONTENT)

    assert read(setup, cleared, token, cache_class=CacheClass.DEEP_DIVE_CONTENT) == "cleared#2"
    assert read(setup, kept, token, cache_class=RECS) == "kept#1"


def test_one_users_private_result_is_never_served_to_another(setup: Setup, token: str) -> None:
    alice, bob = CountingLoader("alice"), CountingLoader("bob")

    assert read(setup, alice, token, user=ALICE, cache_class=RECS) == "alice#1"
    assert read(setup, bob, token, user=BOB, cache_class=RECS) == "bob#1"
    assert read(setup, alice, token, user=ALICE, cache_class=RECS) == "alice#1"


def test_public_and_private_results_with_the_same_key_parts_do_not_collide(setup: Setup, token: str) -> None:
    public, private = CountingLoader("public"), CountingLoader("private")

    assert read(setup, public, token, cache_class=RECS) == "public#1"
    assert read(setup, private, token, user=ALICE, cache_class=RECS) == "private#1"
    assert read(setup, public, token, cache_class=RECS) == "public#1"


def test_keys_follow_the_seeds_patterns_with_the_scope_in_them(setup: Setup, token: str) -> None:
    public = setup.cache.storage_key(RECS, [token], user_id=None)
    private = setup.cache.storage_key(RECS, [token], user_id=ALICE)

    assert public.startswith("explore_rec:public:")
    assert private.startswith(f"explore_rec:u:{ALICE}:")
    assert public.rsplit(":", 1)[1] != private.rsplit(":", 1)[1]


def test_a_user_id_given_as_text_is_refused(setup: Setup) -> None:
    with pytest.raises(TypeError):
        setup.cache.get_or_load(RECS, ["x"], CountingLoader(), user_id=str(ALICE), model=Trend)  # type: ignore[arg-type]


def test_key_parts_without_a_stable_text_are_refused(setup: Setup) -> None:
    with pytest.raises(TypeError):
        setup.cache.get_or_load(TRENDS, [object()], CountingLoader(), user_id=None, model=Trend)  # type: ignore[list-item]


def test_stats_count_hits_and_misses_per_class(setup: Setup, token: str) -> None:
    read(setup, CountingLoader(), token)
    read(setup, CountingLoader(), token)
    read(setup, CountingLoader(), token, cache_class=RECS)

    stats = setup.cache.stats()

    assert stats[TRENDS.value] == {"hits": 1, "misses": 1}
    assert stats[RECS.value] == {"hits": 0, "misses": 1}
    assert stats[CacheClass.CATALOGUE.value] == {"hits": 0, "misses": 0}
    assert set(stats) == {c.value for c in CacheClass}


def test_hits_and_misses_are_exported_to_prometheus(token: str) -> None:
    registry = CollectorRegistry()
    cache = Cache(MemoryBackend(), registry=registry)
    for _ in range(3):
        cache.get_or_load(TRENDS, [token], CountingLoader(), user_id=None, model=Trend)

    def sample(name: str, cache_class: CacheClass) -> float | None:
        return registry.get_sample_value(name, {"cache_class": cache_class.value})

    assert sample("frontier_cache_hits_total", TRENDS) == 2
    assert sample("frontier_cache_misses_total", TRENDS) == 1
    assert sample("frontier_cache_misses_total", CacheClass.DEEP_DIVE_CONTENT) == 0


def test_tags_given_as_one_string_are_refused(setup: Setup) -> None:
    with pytest.raises(TypeError):
        setup.cache.invalidate(None, tags="trends")
    with pytest.raises(TypeError):
        setup.cache.get_or_load(TRENDS, ["x"], CountingLoader(), user_id=None, model=Trend, tags="trends")


def test_invalidating_nothing_is_refused(setup: Setup) -> None:
    with pytest.raises(ValueError, match="nothing to invalidate"):
        setup.cache.invalidate(RECS)
