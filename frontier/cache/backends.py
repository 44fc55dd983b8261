"""Where cached entries are kept: Redis (shared by every process) or this process's memory (the default)."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from frontier.cache.classes import LONGEST_TTL_SECONDS

log = logging.getLogger(__name__)

Clock = Callable[[], float]
# A generation outlives every entry recorded under it, so an expired generation can never make an old entry
# match again; and tokens are random rather than counters, so a lost and re-created generation never
# repeats a value an old entry recorded.
GENERATION_TTL_SECONDS = LONGEST_TTL_SECONDS + 60
_SWEEP_EVERY = 1024  # bumps between sweeps of expired generations in memory


class CacheBackendError(Exception):
    """The backend could not be reached or answered with an error; the cache then fails open."""


class Claim(Protocol):
    """The right to run one key's loader, held until released (or until it expires, if its holder dies)."""

    def release(self) -> None:
        """Give the claim up."""
        ...


class CacheBackend(Protocol):
    """Storage for entries and generation tokens."""

    name: str

    def read(self, key: str, generation_keys: Sequence[str]) -> tuple[bytes | None, list[str | None]]:
        """The stored envelope at ``key`` (or None) and the current token of each generation key."""
        ...

    def write(self, key: str, envelope: bytes, ttl_seconds: int) -> None:
        """Store ``envelope`` at ``key`` for ``ttl_seconds``."""
        ...

    def bump(self, generation_keys: Sequence[str]) -> None:
        """Give each generation key a new token, so that every entry recorded under the old one is stale."""
        ...

    def claim(self, lock_key: str, ttl_seconds: float) -> Claim | None:
        """Claim ``lock_key`` for ``ttl_seconds``, or None when another process holds it."""
        ...


def new_generation_token() -> str:
    """A token no earlier generation has had."""
    return secrets.token_hex(8)


class _Unshared:
    """The claim of a backend that no other process sees: the in-process single flight is enough."""

    def release(self) -> None:
        return None


class MemoryBackend:
    """A thread-safe TTL dict in this process; beyond ``max_entries`` the least recently used entry goes.

    ``clock`` (monotonic seconds) is injectable for tests.
    """

    name = "memory"

    def __init__(self, *, max_entries: int = 10_000, clock: Clock = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._generations: dict[str, tuple[str, float]] = {}
        self._bumps = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def read(self, key: str, generation_keys: Sequence[str]) -> tuple[bytes | None, list[str | None]]:
        """The live envelope at ``key`` (marked most recently used) and the live generation tokens."""
        now = self._clock()
        with self._lock:
            tokens: list[str | None] = []
            for name in generation_keys:
                token = self._generations.get(name)
                tokens.append(token[0] if token is not None and token[1] > now else None)
            stored = self._entries.get(key)
            if stored is None:
                return None, tokens
            if stored[1] <= now:
                del self._entries[key]
                return None, tokens
            self._entries.move_to_end(key)
            return stored[0], tokens

    def write(self, key: str, envelope: bytes, ttl_seconds: int) -> None:
        """Store ``envelope``, evicting the least recently used entries beyond the size limit."""
        expires = self._clock() + ttl_seconds
        with self._lock:
            self._entries[key] = (envelope, expires)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def bump(self, generation_keys: Sequence[str]) -> None:
        """New tokens for ``generation_keys``; expired generations are swept now and then."""
        now = self._clock()
        with self._lock:
            for name in generation_keys:
                self._generations[name] = (new_generation_token(), now + GENERATION_TTL_SECONDS)
            self._bumps += 1
            if self._bumps % _SWEEP_EVERY == 0:
                self._generations = {k: v for k, v in self._generations.items() if v[1] > now}

    def claim(self, lock_key: str, ttl_seconds: float) -> Claim | None:
        """Always granted: no other process reads this memory."""
        return _Unshared()


class _RedisClaim:
    def __init__(self, lock: redis.lock.Lock) -> None:
        self._lock = lock

    def release(self) -> None:
        try:
            self._lock.release()
        except redis.exceptions.LockError:
            # The loader outlived the lock's expiry and another process may hold it now: leave theirs alone.
            log.debug("cache lock %s expired before its loader finished", self._lock.name)
        except redis.RedisError as error:
            raise CacheBackendError(str(error)) from error


class RedisBackend:
    """Entries as ``SET key envelope EX ttl``, generations as keys holding tokens, claims as SET NX PX."""

    name = "redis"

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def read(self, key: str, generation_keys: Sequence[str]) -> tuple[bytes | None, list[str | None]]:
        """One round trip: MGET of the generations and GET of the entry."""
        try:
            with self._client.pipeline(transaction=False) as pipe:
                pipe.mget(list(generation_keys))
                pipe.get(key)
                tokens, raw = pipe.execute()
        except redis.RedisError as error:
            raise CacheBackendError(str(error)) from error
        return _as_bytes(raw), [None if token is None else _text(token) for token in tokens]

    def write(self, key: str, envelope: bytes, ttl_seconds: int) -> None:
        """SET with EX: Redis drops the entry when its class's TTL has passed."""
        try:
            self._client.set(key, envelope, ex=ttl_seconds)
        except redis.RedisError as error:
            raise CacheBackendError(str(error)) from error

    def bump(self, generation_keys: Sequence[str]) -> None:
        """New tokens for ``generation_keys`` in one transaction."""
        try:
            with self._client.pipeline(transaction=True) as pipe:
                for name in generation_keys:
                    pipe.set(name, new_generation_token(), ex=GENERATION_TTL_SECONDS)
                pipe.execute()
        except redis.RedisError as error:
            raise CacheBackendError(str(error)) from error

    def claim(self, lock_key: str, ttl_seconds: float) -> Claim | None:
        """redis-py's Lock (SET NX PX, token-checked release): it expires by itself if its holder dies."""
        lock = self._client.lock(lock_key, timeout=ttl_seconds, blocking=False, thread_local=False)
        try:
            acquired = lock.acquire()
        except redis.RedisError as error:
            raise CacheBackendError(str(error)) from error
        return _RedisClaim(lock) if acquired else None


def _as_bytes(raw: object) -> bytes | None:
    if raw is None:
        return None
    return raw.encode() if isinstance(raw, str) else bytes(raw)  # type: ignore[call-overload]


def _text(token: object) -> str:
    return token.decode() if isinstance(token, bytes) else str(token)


def redis_client(url: str) -> redis.Redis:
    """A client that gives up quickly: a cache that stalls every request in an outage is worse than none."""
    # One immediate retry covers a pooled connection that went stale; redis-py's default (10 retries with
    # backoff, ~4.5 s against a refused port) would stall every request.
    return redis.Redis.from_url(
        url, socket_timeout=2, socket_connect_timeout=2, retry=Retry(NoBackoff(), retries=1)
    )
