"""Failing open around an optional backend (the cache, the rate limiter's store): pause after a failure and
warn at most once a minute, so a down server neither adds its timeouts to every request nor floods the log."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

Clock = Callable[[], float]
OUTAGE_PAUSE_SECONDS = 5.0  # after a backend failure, it is left alone this long before a retry
OUTAGE_LOG_INTERVAL = 60.0  # seconds between repeated "unavailable" warnings


class BackendOutage:
    """The pause and the warning throttle; subclasses say what a failure means for their callers."""

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

    def _count_unchecked(self) -> None:
        """A call that went without the backend during the pause (reported with the next warning)."""
        with self._lock:
            self._suppressed += 1

    def _failed(self) -> int | None:
        """Start a pause. Returns how many failures and unchecked calls went unreported if a warning is due
        now, else None (the failure is counted for the next warning)."""
        now = self._clock()
        with self._lock:
            self._retry_at = now + OUTAGE_PAUSE_SECONDS
            if now < self._next_warning:
                self._suppressed += 1
                return None
            suppressed, self._suppressed = self._suppressed, 0
            self._next_warning = now + OUTAGE_LOG_INTERVAL
        return suppressed


def first_line(error: BaseException) -> str:
    """The first line of an error's message (never more: messages of driver errors can echo parameters)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""
