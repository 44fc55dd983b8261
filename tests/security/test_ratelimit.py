"""Rate limits on a real Redis and a real PostgreSQL, with an injected clock."""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import Engine, create_engine, text

from frontier.config import Settings
from frontier.db.embedded import EmbeddedPostgres
from frontier.outage import OUTAGE_PAUSE_SECONDS
from frontier.security.ratelimit import (
    Decision,
    Limit,
    PostgresRateLimiter,
    RateLimitCounter,
    RateLimiter,
    RedisRateLimiter,
    hashed_key,
    ip_key,
    make_rate_limiter,
)

# A boundary of every window used below, in 2001: older than any row written with the real clock.
START = (1_000_000_000 // 3600) * 3600


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Backend:
    limiter: RateLimiter
    clock: FakeClock
    stored_keys: Callable[[], list[str]]


@pytest.fixture
def prefix() -> str:
    """A limit-name prefix of the test's own: PostgreSQL rows really commit and Redis keys outlive the test."""
    return f"t{uuid.uuid4().hex[:12]}"


def _redis_keys(client: redis.Redis, prefix: str) -> list[str]:
    return sorted(key.decode() for key in client.scan_iter(f"ratelimit:{prefix}*"))


def _postgres_keys(engine: Engine, prefix: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT key FROM rate_limit_counters WHERE key LIKE :p ORDER BY key"), {"p": f"{prefix}%"}
        )
        return list(rows.scalars())


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(params=["redis", "postgresql"])
def backend(request: pytest.FixtureRequest, prefix: str) -> Iterator[Backend]:
    clock = FakeClock()
    if request.param == "redis":
        client: redis.Redis = request.getfixturevalue("redis_client")
        yield Backend(RedisRateLimiter(client, clock), clock, lambda: _redis_keys(client, prefix))
        for key in _redis_keys(client, prefix):
            client.delete(key)
    else:
        engine: Engine = request.getfixturevalue("migrated_engine")
        yield Backend(PostgresRateLimiter(engine, clock), clock, lambda: _postgres_keys(engine, prefix))
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM rate_limit_counters WHERE key LIKE :p"), {"p": f"{prefix}%"})


@pytest.fixture
def limit(prefix: str) -> Limit:
    return Limit(f"{prefix}-signin", 3, 60)


@pytest.fixture
def pg_engine(migrated_engine: Engine, prefix: str) -> Iterator[Engine]:
    """The session's engine; the rows this test's limits committed are deleted afterwards."""
    yield migrated_engine
    with migrated_engine.begin() as conn:
        conn.execute(text("DELETE FROM rate_limit_counters WHERE key LIKE :p"), {"p": f"{prefix}%"})


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_allows_up_to_the_limit_then_denies_until_the_window_ends(backend: Backend, limit: Limit) -> None:
    backend.clock.now = START + 15

    decisions = [backend.limiter.hit(limit, "alice@example.com") for _ in range(4)]

    assert decisions == [
        Decision(allowed=True, remaining=2, retry_after=0),
        Decision(allowed=True, remaining=1, retry_after=0),
        Decision(allowed=True, remaining=0, retry_after=0),
        Decision(allowed=False, remaining=0, retry_after=45),
    ]


def test_retry_after_rounds_up_to_whole_seconds(backend: Backend, limit: Limit) -> None:
    backend.clock.now = START + 59.2
    for _ in range(limit.count):
        backend.limiter.hit(limit, "alice@example.com")

    assert backend.limiter.hit(limit, "alice@example.com").retry_after == 1


def test_next_window_allows_again(backend: Backend, limit: Limit) -> None:
    for _ in range(limit.count + 1):
        backend.limiter.hit(limit, "alice@example.com")

    backend.clock.now += limit.window_seconds

    assert backend.limiter.hit(limit, "alice@example.com") == Decision(
        allowed=True, remaining=2, retry_after=0
    )


def test_different_keys_are_counted_independently(backend: Backend, limit: Limit) -> None:
    for _ in range(limit.count + 1):
        backend.limiter.hit(limit, "alice@example.com")

    assert backend.limiter.hit(limit, "bob@example.com").allowed


def test_different_limits_on_one_key_are_counted_independently(backend: Backend, limit: Limit) -> None:
    other = Limit(f"{limit.name}-other", 3, 60)
    for _ in range(limit.count + 1):
        backend.limiter.hit(limit, "ip:203.0.113.7")

    assert backend.limiter.hit(other, "ip:203.0.113.7").remaining == 2


def test_reset_forgets_the_count(backend: Backend, limit: Limit) -> None:
    for _ in range(limit.count + 1):
        backend.limiter.hit(limit, "alice@example.com")

    backend.limiter.reset(limit, "alice@example.com")

    assert backend.limiter.hit(limit, "alice@example.com") == Decision(
        allowed=True, remaining=2, retry_after=0
    )


def test_keys_are_stored_hashed(backend: Backend, limit: Limit) -> None:
    backend.limiter.hit(limit, "alice@example.com")

    stored = backend.stored_keys()

    assert len(stored) == 1
    assert "alice" not in stored[0]
    assert stored[0].endswith(hashed_key("alice@example.com"))


def test_concurrent_hits_never_over_admit(backend: Backend, prefix: str) -> None:
    shared = Limit(f"{prefix}-api", 50, 60)
    start = threading.Barrier(20)
    allowed: list[bool] = []
    lock = threading.Lock()

    def caller() -> None:
        start.wait()
        for _ in range(5):
            decision = backend.limiter.hit(shared, "user-1")
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=caller) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert allowed.count(True) == 50
    assert allowed.count(False) == 50


def test_redis_counter_expires_when_its_window_ends(redis_client: redis.Redis, limit: Limit) -> None:
    clock = FakeClock(START + 15)
    RedisRateLimiter(redis_client, clock).hit(limit, "alice@example.com")

    (key,) = _redis_keys(redis_client, limit.name)

    assert 0 < redis_client.ttl(key) <= 46


def test_postgres_prune_deletes_only_windows_that_started_before_the_cutoff(
    pg_engine: Engine, limit: Limit
) -> None:
    clock = FakeClock(START)
    limiter = PostgresRateLimiter(pg_engine, clock)
    limiter.hit(limit, "old")
    clock.now = START + 3600
    limiter.hit(limit, "new")

    deleted = limiter.prune(datetime.fromtimestamp(START + 3600, tz=UTC))

    assert deleted == 1
    assert _postgres_keys(pg_engine, limit.name) == [f"{limit.name}:{hashed_key('new')}"]


def test_postgres_hit_counts_even_when_the_request_transaction_rolls_back(
    pg_engine: Engine, limit: Limit
) -> None:
    limiter = PostgresRateLimiter(pg_engine, FakeClock())
    with pg_engine.connect() as conn:
        request = conn.begin()
        limiter.hit(limit, "alice@example.com")
        request.rollback()

    assert limiter.hit(limit, "alice@example.com").remaining == 1


def unconnected_engine() -> Engine:
    """An engine that is never used: make_rate_limiter needs one but the Redis limiter ignores it."""
    return create_engine("postgresql+psycopg://nobody@127.0.0.1/none")


def test_make_rate_limiter_uses_redis_when_configured(
    monkeypatch: pytest.MonkeyPatch, redis_url: str, limit: Limit
) -> None:
    monkeypatch.setenv("FRONTIER_REDIS_URL", redis_url)

    limiter = make_rate_limiter(Settings(), unconnected_engine())

    assert isinstance(limiter, RedisRateLimiter)
    assert limiter.hit(limit, "alice@example.com").remaining == 2


def test_make_rate_limiter_uses_postgresql_without_redis() -> None:
    assert isinstance(make_rate_limiter(Settings(), unconnected_engine()), PostgresRateLimiter)


def test_unreachable_redis_fails_open_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, limit: Limit
) -> None:
    monkeypatch.setenv("FRONTIER_REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")
    limiter = make_rate_limiter(Settings(), unconnected_engine())

    with caplog.at_level(logging.WARNING, logger="frontier.security.ratelimit"):
        decision = limiter.hit(limit, "alice@example.com")

    assert decision == Decision(allowed=True, remaining=limit.count, retry_after=0)
    assert "redis rate limiter unavailable" in caplog.text


def test_unreachable_redis_fails_open_without_stalling_the_request(
    monkeypatch: pytest.MonkeyPatch, limit: Limit
) -> None:
    monkeypatch.setenv("FRONTIER_REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")
    limiter = make_rate_limiter(Settings(), unconnected_engine())
    started = time.monotonic()

    limiter.hit(limit, "alice@example.com")

    assert time.monotonic() - started < 1.5  # redis-py's default retries would take about 4.5 s


def test_unreachable_postgres_fails_open_with_a_warning(
    caplog: pytest.LogCaptureFixture, limit: Limit
) -> None:
    engine = create_engine(
        f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/none", connect_args={"connect_timeout": 2}
    )

    with caplog.at_level(logging.WARNING, logger="frontier.security.ratelimit"):
        decision = PostgresRateLimiter(engine, FakeClock()).hit(limit, "alice@example.com")

    assert decision == Decision(allowed=True, remaining=limit.count, retry_after=0)
    assert "postgresql rate limiter unavailable" in caplog.text


def unreachable_redis() -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=closed_port(), retry=Retry(NoBackoff(), retries=0))


def test_outage_warnings_repeat_at_most_once_a_minute(caplog: pytest.LogCaptureFixture, limit: Limit) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter(unreachable_redis(), clock)

    with caplog.at_level(logging.WARNING, logger="frontier.security.ratelimit"):
        for _ in range(3):
            limiter.hit(limit, "alice@example.com")
            clock.now += OUTAGE_PAUSE_SECONDS
        clock.now += 60
        limiter.hit(limit, "alice@example.com")

    assert len(caplog.records) == 2


def test_outage_warning_never_names_the_key(caplog: pytest.LogCaptureFixture, limit: Limit) -> None:
    limiter = RedisRateLimiter(unreachable_redis(), FakeClock())

    with caplog.at_level(logging.WARNING, logger="frontier.security.ratelimit"):
        limiter.hit(limit, "alice@example.com")

    assert "alice" not in caplog.text


@dataclass
class LateDatabase:
    """A database that does not exist until ``create`` is called: an outage that ends."""

    engine: Engine
    admin: Engine

    def create(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.engine.url.database}"'))
        RateLimitCounter.__table__.create(self.engine)


@pytest.fixture
def late_database(pg_server: EmbeddedPostgres) -> Iterator[LateDatabase]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    late = LateDatabase(
        create_engine(pg_server.url(name)),
        create_engine(pg_server.url("postgres"), isolation_level="AUTOCOMMIT"),
    )
    yield late
    late.engine.dispose()
    with late.admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    late.admin.dispose()


def test_backend_is_tried_again_only_after_the_outage_pause(
    late_database: LateDatabase, limit: Limit
) -> None:
    clock = FakeClock()
    limiter = PostgresRateLimiter(late_database.engine, clock)
    limiter.hit(limit, "alice@example.com")
    late_database.create()

    during_pause = limiter.hit(limit, "alice@example.com")
    clock.now += OUTAGE_PAUSE_SECONDS
    after_pause = limiter.hit(limit, "alice@example.com")

    assert (during_pause.remaining, after_pause.remaining) == (limit.count, limit.count - 1)


def test_ip_key_counts_an_ipv4_address_alone() -> None:
    assert ip_key("203.0.113.7") == "ip:203.0.113.7"


def test_ip_key_counts_an_ipv6_address_by_its_64_prefix() -> None:
    assert ip_key("2001:db8:1:2:aaaa::1") == ip_key("2001:db8:1:2:bbbb::9") == "ip:2001:db8:1:2::/64"


def test_limit_rejects_a_count_below_one() -> None:
    with pytest.raises(ValueError, match="positive"):
        Limit("api", 0, 60)
