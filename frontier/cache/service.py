"""The one cache API: ``Cache.get_or_load`` for reads, ``invalidate``/``invalidate_tags`` after writes."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

from prometheus_client import CollectorRegistry, Counter
from pydantic import TypeAdapter, ValidationError

from frontier.cache.backends import (
    CacheBackend,
    CacheBackendError,
    Claim,
    MemoryBackend,
    RedisBackend,
    redis_client,
)
from frontier.cache.classes import CacheClass, user_tag
from frontier.cache.flight import Outage, SingleFlight
from frontier.cache.keys import (
    CacheEntry,
    KeyPart,
    cache_entry,
    check_tags,
    class_generation,
    encode_envelope,
    generations_digest,
    open_envelope,
    tag_generation,
)
from frontier.config import Settings

log = logging.getLogger("frontier.cache")

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], None]

_adapters: dict[Any, TypeAdapter[Any]] = {}
_adapters_lock = threading.Lock()


def _adapter(model: type[T] | TypeAdapter[T]) -> TypeAdapter[T]:
    """One TypeAdapter per model type: building one costs far more than using it."""
    if isinstance(model, TypeAdapter):
        return model
    with _adapters_lock:
        adapter = _adapters.get(model)
        if adapter is None:
            adapter = _adapters[model] = TypeAdapter(model)
    return cast(TypeAdapter[T], adapter)


def _counters(registry: CollectorRegistry) -> tuple[Counter, Counter]:
    """Prometheus counters of hits and misses per cache class, exported at 0 from the start."""
    hits = Counter(
        "frontier_cache_hits", "Cache reads answered without loading", ["cache_class"], registry=registry
    )
    misses = Counter(
        "frontier_cache_misses", "Cache reads that ran the loader", ["cache_class"], registry=registry
    )
    for cache_class in CacheClass:
        hits.labels(cache_class.value)
        misses.labels(cache_class.value)
    return hits, misses


@dataclass(frozen=True)
class _Found(Generic[T]):
    value: T


class Cache:
    """Cached results of the cache plan's classes, kept in one backend, loaded at most once per key at a time.

    ``hits`` count calls answered without running the loader (from the cache, or from a concurrent call's
    load); ``misses`` count calls that ran it. Backend failures never fail a call: the loader runs instead.
    """

    def __init__(
        self,
        backend: CacheBackend,
        *,
        registry: CollectorRegistry | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        lock_seconds: float = 10.0,
        wait_seconds: float = 5.0,
        poll_seconds: float = 0.05,
    ) -> None:
        """``lock_seconds``: how long a claim on a key lasts if its holder dies; other processes poll for the
        holder's result every ``poll_seconds`` for at most ``wait_seconds``, then load it themselves."""
        self.backend = backend
        self._sleep = sleep
        self._lock_seconds = lock_seconds
        self._poll_seconds = poll_seconds
        self._polls = max(1, math.ceil(wait_seconds / poll_seconds))
        self._flights = SingleFlight()
        self._outage = Outage(backend.name, clock)
        self._pending_bumps: set[str] = set()
        self._pending_lock = threading.Lock()
        self._counts = {cache_class: [0, 0] for cache_class in CacheClass}
        self._counts_lock = threading.Lock()
        self._metrics = None if registry is None else _counters(registry)

    def get_or_load(
        self,
        cache_class: CacheClass,
        key_parts: Sequence[KeyPart],
        loader: Callable[[], T],
        *,
        user_id: UUID | None,
        model: type[T] | TypeAdapter[T],
        tags: Iterable[str] = (),
    ) -> T:
        """The cached result for ``key_parts``, else ``loader()``'s, stored for the class's TTL.

        ``user_id`` is required: pass the user whose private data the result contains, or None for a result
        that is the same for everyone. ``model`` (a type or TypeAdapter) turns the stored JSON back into a T.
        ``tags`` name the data the result depends on; ``invalidate_tags`` with any of them makes it stale.
        """
        entry = cache_entry(cache_class, key_parts, user_id=user_id, tags=tags)
        flight, leader = self._flights.join(entry.key)
        if not leader:
            value = cast(T, flight.result())
            self._count(cache_class, hit=True)
            return value
        try:
            value, loaded = self._fetch(entry, _adapter(model), loader)
        except BaseException as error:
            flight.set_exception(error)
            raise
        else:
            flight.set_result(value)
        finally:
            self._flights.finish(entry.key)
        self._count(cache_class, hit=not loaded)
        return value

    def storage_key(
        self,
        cache_class: CacheClass,
        key_parts: Sequence[KeyPart],
        *,
        user_id: UUID | None,
        tags: Iterable[str] = (),
    ) -> str:
        """The backend key ``get_or_load`` uses for these arguments (``<prefix>:<scope>:<hash>``)."""
        return cache_entry(cache_class, key_parts, user_id=user_id, tags=tags).key

    def invalidate_tags(self, *tags: str) -> None:
        """Make every cached result carrying any of ``tags`` stale, in every class. Call after the write."""
        self.invalidate(None, tags=tags)

    def invalidate(
        self, cache_class: CacheClass | None, *, user_id: UUID | None = None, tags: Iterable[str] = ()
    ) -> None:
        """Make stale the results carrying any of ``tags``, and all of ``user_id``'s private results, in
        ``cache_class`` only (or in every class when it is None)."""
        names = check_tags([*check_tags(tags), *([user_tag(user_id)] if user_id is not None else [])])
        if not names:
            raise ValueError("nothing to invalidate: pass tags or user_id (clear_class drops a whole class)")
        self._bump([tag_generation(tag, cache_class) for tag in names])

    def clear_class(self, cache_class: CacheClass) -> None:
        """Make every cached result of ``cache_class`` stale (administration)."""
        self._bump([class_generation(cache_class)])

    def stats(self) -> dict[str, dict[str, int]]:
        """This process's hits and misses since start, per cache class name."""
        with self._counts_lock:
            return {c.value: {"hits": n[0], "misses": n[1]} for c, n in self._counts.items()}

    def _count(self, cache_class: CacheClass, *, hit: bool) -> None:
        with self._counts_lock:
            self._counts[cache_class][0 if hit else 1] += 1
        if self._metrics is not None:
            self._metrics[0 if hit else 1].labels(cache_class.value).inc()

    def _bump(self, generation_keys: list[str]) -> None:
        # A bump that fails is kept and applied before this process reads again: reading first would serve
        # the very result the write meant to drop once the backend is back.
        with self._pending_lock:
            self._pending_bumps.update(generation_keys)
        if not self._outage.ongoing():
            self._apply_pending_bumps("invalidating")

    def _apply_pending_bumps(self, action: str) -> bool:
        with self._pending_lock:
            pending = sorted(self._pending_bumps)
        if not pending:
            return True
        try:
            self.backend.bump(pending)
        except CacheBackendError as error:
            self._outage.fail(action, error)
            return False
        with self._pending_lock:
            self._pending_bumps.difference_update(pending)
        return True

    def _fetch(self, entry: CacheEntry, adapter: TypeAdapter[T], loader: Callable[[], T]) -> tuple[T, bool]:
        """The value and whether this call loaded it. The one place a backend failure fails open: reading or
        claiming failed, so the loader answers (storing and releasing fail open where they happen)."""
        if self._outage.ongoing() or not self._apply_pending_bumps("loading"):
            return loader(), True
        try:
            found, digest = self._lookup(entry, adapter)
            if found is not None:
                return found.value, False
            return self._load_once(entry, adapter, loader, digest)
        except CacheBackendError as error:
            self._outage.fail("loading", error)
            return loader(), True

    def _lookup(self, entry: CacheEntry, adapter: TypeAdapter[T]) -> tuple[_Found[T] | None, str]:
        """The live value, if any, and the digest of the current generations (to store a new value under)."""
        raw, tokens = self.backend.read(entry.key, entry.generation_keys)
        digest = generations_digest(tokens)
        value_json = None if raw is None else open_envelope(raw, digest)
        if value_json is None:
            return None, digest
        try:
            return _Found(adapter.validate_json(value_json)), digest
        except ValidationError:
            # Stored by a release whose model differed: load afresh and overwrite.
            log.debug("cached %s value no longer matches its model", entry.cache_class.value)
            return None, digest

    def _load_once(
        self, entry: CacheEntry, adapter: TypeAdapter[T], loader: Callable[[], T], digest: str
    ) -> tuple[T, bool]:
        """Load under the key's claim; while another process holds it, poll for its result (bounded).
        A backend failure while claiming or polling propagates to ``_fetch``, before anything was loaded."""
        for _ in range(self._polls):
            claim = self.backend.claim(entry.lock_key, self._lock_seconds)
            if claim is not None:
                return self._load_and_store(entry, adapter, loader, digest, claim), True
            self._sleep(self._poll_seconds)
            found, digest = self._lookup(entry, adapter)
            if found is not None:
                return found.value, False
        log.info("waited too long for another process to load a %s result", entry.cache_class.value)
        return self._load_and_store(entry, adapter, loader, digest, None), True

    def _load_and_store(
        self,
        entry: CacheEntry,
        adapter: TypeAdapter[T],
        loader: Callable[[], T],
        digest: str,
        claim: Claim | None,
    ) -> T:
        try:
            value = loader()
            envelope = encode_envelope(digest, adapter.dump_json(value))
            self.backend.write(entry.key, envelope, entry.cache_class.ttl_seconds)
        except CacheBackendError as error:
            self._outage.fail("storing", error)
        finally:
            if claim is not None:
                self._release(claim)
        return value

    def _release(self, claim: Claim) -> None:
        try:
            claim.release()
        except CacheBackendError as error:
            self._outage.fail("releasing a lock", error)


def make_cache(settings: Settings, *, registry: CollectorRegistry | None = None) -> Cache:
    """The deployment's cache: Redis when ``FRONTIER_REDIS_URL`` is set, else this process's memory.

    Pass the app's metrics registry (``app.state.metrics.registry``) to export hits and misses.
    """
    if settings.redis_url is not None:
        return Cache(RedisBackend(redis_client(settings.redis_url.get_secret_value())), registry=registry)
    return Cache(MemoryBackend(), registry=registry)
