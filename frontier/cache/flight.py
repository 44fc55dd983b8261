"""Two guards around the backend: one loader per key in this process, and failing open during an outage."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import Any

from frontier.outage import BackendOutage, first_line

log = logging.getLogger("frontier.cache")


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


class Outage(BackendOutage):
    """After a backend failure the cache is bypassed for OUTAGE_PAUSE_SECONDS, so that a down server doesn't
    add its timeouts to every request, and the warning repeats at most once a minute."""

    def fail(self, action: str, error: Exception) -> None:
        """Start a pause after ``error`` and log it (throttled). Never names keys: they hold user ids."""
        suppressed = self._failed()
        if suppressed is None:
            return
        cause = error.__cause__ or error
        log.warning(
            "%s cache unavailable, %s without it: %s: %s",
            self._backend,
            action,
            type(cause).__name__,
            first_line(cause),
            extra={"failures_since_last_warning": suppressed},
        )
