"""Scheduled ingestion: which jobs are due by cron or interval, and the periodic dispatcher's registration."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from frontier.db.session import Database
from frontier.ingest.models import DataSyncJob, ExternalDataSource
from frontier.ingest.tasks import DISPATCH_CRON, DueJob, blueprint, due_jobs, is_due, queue_due_syncs
from tests.ingest.conftest import add_source

NOW = datetime(2026, 11, 15, 6, 7, tzinfo=UTC)


def job(cron: str | None = None, last_run_at: datetime | None = None, minutes: int = 60) -> DataSyncJob:
    return DataSyncJob(
        source_id=uuid.uuid4(),
        sync_schedule_cron=cron,
        last_run_at=last_run_at,
        sync_frequency_minutes=minutes,
    )


def test_a_job_that_never_ran_is_due() -> None:
    assert is_due(job("0 6 * * *"), NOW) and is_due(job(), NOW)


def test_a_cron_job_is_due_once_a_tick_passed_since_its_last_run() -> None:
    assert is_due(job("0 6 * * *", last_run_at=NOW - timedelta(hours=1)), NOW)  # 06:00 tick since 05:07
    assert not is_due(job("0 6 * * *", last_run_at=NOW - timedelta(minutes=5)), NOW)  # ran at 06:02


def test_without_cron_the_interval_decides() -> None:
    assert is_due(job(minutes=60, last_run_at=NOW - timedelta(minutes=61)), NOW)
    assert not is_due(job(minutes=60, last_run_at=NOW - timedelta(minutes=59)), NOW)


def test_an_invalid_cron_raises_value_error() -> None:
    with pytest.raises(ValueError):
        is_due(job("every tuesday"), NOW)


def test_due_jobs_skip_paused_inactive_and_broken_sources(db: Database) -> None:
    for name in ("a-due", "b-paused", "c-inactive", "d-bad-cron", "e-recent"):
        add_source(db, name, "npm_api", "https://api.npmjs.org", sync_schedule_cron="0 6 * * *")
    with db.session() as session:
        ids = dict(
            session.execute(select(ExternalDataSource.source_name, ExternalDataSource.source_id)).all()
        )
        session.execute(
            update(ExternalDataSource)
            .where(ExternalDataSource.source_name == "b-paused")
            .values(paused_at=NOW)
        )
        session.execute(
            update(ExternalDataSource)
            .where(ExternalDataSource.source_name == "c-inactive")
            .values(is_active=False)
        )
        session.execute(
            update(DataSyncJob)
            .where(DataSyncJob.source_id == ids["d-bad-cron"])
            .values(sync_schedule_cron="nope")
        )
        session.execute(
            update(DataSyncJob).where(DataSyncJob.source_id == ids["e-recent"]).values(last_run_at=NOW)
        )
        due = due_jobs(session, NOW)

    assert [d.source_name for d in due] == ["a-due"]


def test_the_dispatcher_is_a_periodic_task_of_the_blueprint() -> None:
    periodic = {
        p.task.name.rsplit(":", 1)[-1]: p.cron for p in blueprint.periodic_registry.periodic_tasks.values()
    }

    assert periodic == {"dispatch_due_syncs": DISPATCH_CRON}
    assert any(name.endswith("sync_source") for name in blueprint.tasks)


def test_the_dispatcher_hands_each_due_job_to_the_queue(db: Database) -> None:
    add_source(db, "a-due", "npm_api", "https://api.npmjs.org")
    queued: list[DueJob] = []

    with db.session() as session:
        queue_due_syncs(session, NOW, queued.append)

    assert [j.source_name for j in queued] == ["a-due"]
