"""Two guards around the backend: one loader per key in this process, and failing open during an outage."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

log = logging.getLogger("frontier.cache")

Clock = Callable[[], float]
_OUTAGE_LOG_INTERVAL = 60.0  # seconds between repeated "cache unavailable" warnings
OUTAGE_PAUSE_SECONDS = 5.0  # after a backend failure, the cache is bypassed this long before a retry


class SingleFlight:
    """Concurrent calls for one key in this process share the first caller's result (or exception)."""

    def __init__(self) -> None:
        self._flights: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()

    def join(self, key: str) -> tuple[Future[Any], bool]:
        """The flight for ``key`` and whether the caller leads it (and must ``finish`` it)."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = self._flights[key] = Future()
            return flight, True

    def finish(self, key: str) -> None:
        """Forget ``key``'s flight after its leader has set the result: later calls start afresh."""
        with self._lock:
            self._flights.pop(key, None)


class Outage:
    """After a backend failure the cache is bypassed for OUTAGE_PAUSE_SECONDS, so that a down server doesn't
    add its timeouts to every request, and the warning repeats at most once a minute."""

    def __init__(self, backend: str, clock: Clock) -> None:
        self._backend = backend
        self._clock = clock
        self._retry_at = -math.inf
        self._next_warning = -math.inf
        self._suppressed = 0
        self._lock = threading.Lock()

    def ongoing(self) -> bool:
        """True while the backend should not be contacted."""
        return self._clock() < self._retry_at

    def fail(self, action: str, error: Exception) -> None:
        """Start a pause after ``error`` and log it (throttled). Never names keys: they hold user ids."""
        now = self._clock()
        with self._lock:
            self._retry_at = now + OUTAGE_PAUSE_SECONDS
            if now < self._next_warning:
                self._suppressed += 1
                return
            suppressed, self._suppressed = self._suppressed, 0
            self._next_warning = now + _OUTAGE_LOG_INTERVAL
        detail = str(error.__cause__ or error).strip().splitlines()
        log.warning(
            "%s cache unavailable, %s without it: %s: %s",
            self._backend,
            action,
            type(error.__cause__ or error).__name__,
            detail[0] if detail else "",
            extra={"failures_since_last_warning": suppressed},
        )
