"""Ingestion fixtures: the replay server, a sleep that records instead of waiting, a fixed clock, and sources."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from frontier.clock import FixedClock
from frontier.db.session import Database
from frontier.ingest.http import HttpOptions
from frontier.ingest.models import DataSyncJob, DataSyncRun, ExternalDataSource
from frontier.security.secrets import SecretBox
from frontier.trends.models import Observation
from tests.ingest.replay import ReplayServer

NOW = datetime(2026, 11, 15, 6, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 15)
SECRET_KEY = "ingest-tests-secret-key-0123456789abcdefghijklmnopq"
API_TOKEN = "ghp_SuperSecretTokenValue0123456789abcdef"


@dataclass
class Sleeps:
    """An injected sleep: records each requested wait and returns at once."""

    calls: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    server = ReplayServer()
    with server.running():
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def http(sleeps: Sleeps) -> HttpOptions:
    """Short timeouts, waits recorded instead of slept."""
    return HttpOptions(timeout_seconds=0.3, sleep=sleeps, backoff_multiplier=0.5)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def box() -> SecretBox:
    return SecretBox(SECRET_KEY)


def add_source(
    db: Database,
    name: str,
    source_type: str,
    base_url: str,
    *,
    api_key: str | None = None,
    box: SecretBox | None = None,
    options: dict[str, Any] | None = None,
    rate_limit_per_hour: int = 3_600_000,
    **job: Any,
) -> uuid.UUID:
    """A source and its sync job (committed, as an admin would have made them); returns the source id."""
    with db.session() as session:
        source = ExternalDataSource(
            source_name=name,
            source_type=source_type,
            base_url=base_url,
            api_key_encrypted=box.encrypt(api_key) if api_key and box else None,
            authentication_type="bearer_token" if api_key else "none",
            rate_limit_per_hour=rate_limit_per_hour,
            data_mapping_schema=options or {},
        )
        session.add(source)
        session.flush()
        settings = {"sync_frequency_minutes": 60, "retry_attempts": 2, "critical_failure_threshold": 3, **job}
        session.add(DataSyncJob(source_id=source.source_id, **settings))
        return source.source_id


def observation_count(db: Database, source: str, granularity: str | None = None) -> int:
    """Rows of ``source`` (the demo holds monthly 'github' rows: pass granularity='day' to leave them out)."""
    query = select(func.count()).select_from(Observation).where(Observation.source == source)
    if granularity is not None:
        query = query.where(Observation.granularity == granularity)
    with db.session() as session:
        return session.scalar(query) or 0


def runs_of(db: Database, source_id: uuid.UUID) -> list[DataSyncRun]:
    with db.session() as session:
        query = select(DataSyncRun).where(DataSyncRun.source_id == source_id).order_by(DataSyncRun.started_at)
        return list(session.scalars(query))


def source_row(db: Database, source_id: uuid.UUID) -> ExternalDataSource:
    with db.session() as session:
        source = session.get(ExternalDataSource, source_id)
        assert source is not None
        return source


def nothing_listening() -> str:
    """The URL of a local port nobody listens on (bound, then released): connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
