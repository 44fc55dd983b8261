"""Fixed-window rate limits counted where every process sees them: Redis when configured, else PostgreSQL.

Hand-written rather than taken from the `limits` library: that library has no PostgreSQL storage, and the
embedded default (no Redis) must still share counts between the server and its workers.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import DateTime, Engine, Integer, String, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from frontier.config import Settings
from frontier.db.base import Base
from frontier.outage import BackendOutage, first_line

log = logging.getLogger(__name__)

Clock = Callable[[], float]
_MAX_NAME_LENGTH = 100  # the PostgreSQL key is "<name>:<32 hex>" in a varchar(200)


class RateLimitCounter(Base):
    """Requests counted per key and fixed window, when no Redis is configured (UNLOGGED: counts may be lost
    in a crash, which only resets limits)."""

    __tablename__ = "rate_limit_counters"
    __table_args__ = ({"prefixes": ["UNLOGGED"]},)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests per key in each fixed window of ``window_seconds``."""

    name: str
    count: int
    window_seconds: int

    def __post_init__(self) -> None:
        if not 0 < len(self.name) <= _MAX_NAME_LENGTH:
            raise ValueError(f"limit name must be 1-{_MAX_NAME_LENGTH} characters")
        if self.count < 1 or self.window_seconds < 1:
            raise ValueError("limit count and window_seconds must be positive")


@dataclass(frozen=True)
class Decision:
    """The outcome of one counted request; ``retry_after`` is whole seconds (0 when allowed)."""

    allowed: bool
    remaining: int
    retry_after: int


SIGN_IN_PER_IP = Limit("signin-ip", 20, 60)
# Failed sign-ins are counted per account *and* address: a guesser is slowed to 10 tries per 15 minutes from
# each address, and a stranger's failures never lock the owner out. Across all addresses an account takes at
# most 100 tries an hour (NIST 800-63B's cap); past that, only addresses it signed in from before get through.
SIGN_IN_PER_ACCOUNT_ADDRESS = Limit("signin-account-address", 10, 900)  # reset after a successful sign-in
SIGN_IN_PER_ACCOUNT = Limit("signin-account", 100, 3600)  # reset after a successful sign-in
SIGN_UP_PER_IP = Limit("signup-ip", 10, 3600)
API_PER_CALLER = Limit("api", 600, 60)  # key: the user id, or ip_key(address) for anonymous callers


class RateLimiter(Protocol):
    """Counts requests per key and limit, shared by every process of the deployment."""

    def hit(self, limit: Limit, key: str) -> Decision:
        """Count one request for ``key`` in the current window and decide whether it may proceed."""
        ...

    def reset(self, limit: Limit, key: str) -> None:
        """Forget what ``key`` has used of ``limit`` (e.g. failed sign-ins once one succeeds)."""
        ...


def ip_key(address: str) -> str:
    """The rate-limit key for an anonymous caller: ``ip:<IPv4>`` or ``ip:<IPv6 /64>``.

    One IPv6 host usually holds a whole /64, so counting single IPv6 addresses would be trivially evaded.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address}"
    if ip.version == 6:
        return f"ip:{ipaddress.ip_network((ip, 64), strict=False)}"
    return f"ip:{ip}"


def hashed_key(key: str) -> str:
    """The stored form of a key: emails and addresses never sit in Redis or PostgreSQL in clear."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _window(limit: Limit, now: float) -> tuple[int, float]:
    """The current window's start (whole epoch seconds) and the seconds left until it ends."""
    start = int(now // limit.window_seconds) * limit.window_seconds
    return start, start + limit.window_seconds - now


def _decide(limit: Limit, count: int, seconds_left: float) -> Decision:
    if count <= limit.count:
        return Decision(allowed=True, remaining=limit.count - count, retry_after=0)
    return Decision(allowed=False, remaining=0, retry_after=max(1, math.ceil(seconds_left)))


class _Outage(BackendOutage):
    """Failing open: after a failure the backend is left alone for OUTAGE_PAUSE_SECONDS, so that a down server
    does not add its timeouts to every request, and the warning repeats at most once a minute."""

    def skip(self, limit: Limit) -> Decision:
        """Let a request through unchecked during the pause."""
        self._count_unchecked()
        return Decision(allowed=True, remaining=limit.count, retry_after=0)

    def fail(self, limit: Limit, error: Exception) -> Decision:
        """Start a pause after ``error``, log it (throttled) and let the request through unchecked."""
        suppressed = self._failed()
        if suppressed is not None:
            log.warning(
                "%s rate limiter unavailable, allowing requests unchecked (limit %s): %s: %s",
                self._backend,
                limit.name,
                type(error).__name__,
                first_line(getattr(error, "orig", None) or error),
                extra={"unchecked_since_last_warning": suppressed},
            )
        return Decision(allowed=True, remaining=limit.count, retry_after=0)


class RedisRateLimiter:
    """Fixed windows in Redis: one INCR + EXPIRE transaction per request.

    When Redis fails, requests are allowed (fail open) with a warning: rate limiting mitigates abuse, it does
    not authorise anyone, and failing closed would lock every user out for the length of a Redis outage.
    """

    def __init__(self, client: redis.Redis, clock: Clock = time.time) -> None:
        self._client = client
        self._clock = clock
        self._outage = _Outage("redis", clock)

    @staticmethod
    def _redis_key(limit: Limit, window_start: int, key: str) -> str:
        return f"ratelimit:{limit.name}:{window_start}:{hashed_key(key)}"

    def hit(self, limit: Limit, key: str) -> Decision:
        """Count one request for ``key`` in the current window and decide."""
        start, seconds_left = _window(limit, self._clock())
        if self._outage.ongoing():
            return self._outage.skip(limit)
        name = self._redis_key(limit, start, key)
        try:
            with self._client.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                # A relative TTL measured on our own clock: EXPIREAT would compare it with the Redis host's,
                # and any skew between the two would expire counters early or keep them for too long.
                pipe.expire(name, math.ceil(seconds_left) + 1)
                count, _ = pipe.execute()
        except redis.RedisError as error:
            return self._outage.fail(limit, error)
        return _decide(limit, int(count), seconds_left)

    def reset(self, limit: Limit, key: str) -> None:
        """Forget the current window's count for ``key`` (older windows have expired or no longer matter)."""
        if self._outage.ongoing():
            return
        start, _ = _window(limit, self._clock())
        try:
            self._client.delete(self._redis_key(limit, start, key))
        except redis.RedisError as error:
            self._outage.fail(limit, error)


class PostgresRateLimiter:
    """Fixed windows in the UNLOGGED table rate_limit_counters: one upsert per request.

    Each hit commits in a short transaction of its own on a separate connection, so a request whose own
    transaction rolls back is still counted. Fails open, like RedisRateLimiter, when the database is down.
    """

    def __init__(self, engine: Engine, clock: Clock = time.time) -> None:
        self._engine = engine
        self._clock = clock
        self._outage = _Outage("postgresql", clock)

    def hit(self, limit: Limit, key: str) -> Decision:
        """Count one request for ``key`` in the current window and decide."""
        start, seconds_left = _window(limit, self._clock())
        statement = (
            insert(RateLimitCounter)
            .values(
                key=f"{limit.name}:{hashed_key(key)}",
                window_start=datetime.fromtimestamp(start, tz=UTC),
                count=1,
            )
            .on_conflict_do_update(
                index_elements=[RateLimitCounter.key, RateLimitCounter.window_start],
                set_={"count": RateLimitCounter.count + 1},
            )
            .returning(RateLimitCounter.count)
        )
        if self._outage.ongoing():
            return self._outage.skip(limit)
        try:
            with self._engine.begin() as connection:
                count = connection.execute(statement).scalar_one()
        except OperationalError as error:
            return self._outage.fail(limit, error)
        return _decide(limit, int(count), seconds_left)

    def reset(self, limit: Limit, key: str) -> None:
        """Forget every window counted for ``key`` under ``limit``."""
        statement = delete(RateLimitCounter).where(RateLimitCounter.key == f"{limit.name}:{hashed_key(key)}")
        if self._outage.ongoing():
            return
        try:
            with self._engine.begin() as connection:
                connection.execute(statement)
        except OperationalError as error:
            self._outage.fail(limit, error)

    def prune(self, before: datetime) -> int:
        """Delete windows that started before ``before`` and return how many were deleted.

        Pass at least the longest window ago (one hour for the standard limits) to keep current counts.
        """
        statement = delete(RateLimitCounter).where(RateLimitCounter.window_start < before)
        with self._engine.begin() as connection:
            result = connection.execute(statement)
        return int(result.rowcount)


def make_rate_limiter(settings: Settings, engine: Engine) -> RateLimiter:
    """The deployment's limiter: Redis when ``FRONTIER_REDIS_URL`` is set, else PostgreSQL on ``engine``."""
    if settings.redis_url is not None:
        # One immediate retry covers a pooled connection that went stale; redis-py's default (10 retries with
        # backoff, ~4.5 s against a refused port) would stall every request during an outage.
        client = redis.Redis.from_url(
            settings.redis_url.get_secret_value(),
            socket_timeout=2,
            socket_connect_timeout=2,
            retry=Retry(NoBackoff(), retries=1),
        )
        return RedisRateLimiter(client)
    return PostgresRateLimiter(engine)
