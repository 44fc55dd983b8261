"""Helpers shared by the cache tests."""

from __future__ import annotations

import socket
import threading
import uuid
from datetime import UTC, datetime

from pydantic import BaseModel


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Trend(BaseModel):
    id: uuid.UUID
    label: str
    score: float
    seen_at: datetime


class CountingLoader:
    """A loader that counts its calls and labels each result with the call's number."""

    def __init__(self, label: str = "trend") -> None:
        self.label = label
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> Trend:
        with self._lock:
            self.calls += 1
            number = self.calls
        return Trend(
            id=uuid.UUID(int=number),
            label=f"{self.label}#{number}",
            score=7.5,
            seen_at=datetime(2026, 11, 26, 12, 0, tzinfo=UTC),
        )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
