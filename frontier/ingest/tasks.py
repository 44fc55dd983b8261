"""Scheduled ingestion: every 15 minutes a dispatcher queues a sync for each job that is due by its cron
expression (data_sync_jobs.sync_schedule_cron), or by sync_frequency_minutes when it has none.

Each sync is its own queued job with a queueing lock per source, so sources run in parallel on any worker and
a source is never queued twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import procrastinate
from croniter import croniter  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.ingest.models import DataSyncJob, ExternalDataSource
from frontier.ingest.sync import run_source
from frontier.jobs import runtime

log = logging.getLogger(__name__)

blueprint = procrastinate.Blueprint()

DISPATCH_CRON = "*/15 * * * *"


@dataclass(frozen=True)
class DueJob:
    """A sync job whose time has come."""

    job_id: uuid.UUID
    source_name: str


def is_due(job: DataSyncJob, now: datetime) -> bool:
    """Whether ``job`` should run at ``now``: a cron tick (or, without cron, a full interval) has passed
    since its last run. A job that never ran is due. Raises ValueError on an invalid cron expression."""
    if job.sync_schedule_cron:
        latest_tick: datetime = croniter(job.sync_schedule_cron, now).get_prev(datetime)
        return job.last_run_at is None or job.last_run_at < latest_tick
    return job.last_run_at is None or job.last_run_at + timedelta(minutes=job.sync_frequency_minutes) <= now


def due_jobs(session: Session, now: datetime) -> list[DueJob]:
    """Active jobs of active, unpaused sources that are due, one per source (the first job of a source)."""
    query = (
        select(DataSyncJob, ExternalDataSource.source_name)
        .join(ExternalDataSource, ExternalDataSource.source_id == DataSyncJob.source_id)
        .where(
            DataSyncJob.is_active.is_not(False),
            ExternalDataSource.is_active.is_not(False),
            ExternalDataSource.paused_at.is_(None),
        )
        .order_by(ExternalDataSource.source_name, DataSyncJob.created_at)
    )
    due: dict[str, DueJob] = {}
    for job, source_name in session.execute(query).all():
        try:
            ready = is_due(job, now)
        except ValueError as error:  # croniter's errors derive from ValueError
            log.error(
                "sync job %s of %s has an invalid cron '%s': %s",
                job.job_id,
                source_name,
                job.sync_schedule_cron,
                error,
            )
            continue
        if ready and source_name not in due:
            due[source_name] = DueJob(job.job_id, source_name)
    return list(due.values())


def queue_due_syncs(session: Session, now: datetime, defer: Callable[[DueJob], None]) -> list[DueJob]:
    """Hand every due job to ``defer`` (the queue, in production); returns them."""
    due = due_jobs(session, now)
    for job in due:
        defer(job)
    return due


def _defer_sync(job: DueJob) -> None:
    try:
        sync_source.configure(queueing_lock=f"ingest:{job.source_name}").defer(
            source_name=job.source_name, job_id=str(job.job_id)
        )
    except procrastinate.exceptions.AlreadyEnqueued:
        log.info("sync of %s is already queued", job.source_name)


@blueprint.periodic(cron=DISPATCH_CRON)
@blueprint.task(name="dispatch_due_syncs", queue="ingest")
def dispatch_due_syncs(timestamp: int) -> None:
    """Queue a sync for every due job (at most one queued sync per source)."""
    with runtime.database().session() as session:
        queue_due_syncs(session, datetime.fromtimestamp(timestamp, UTC), _defer_sync)


@blueprint.task(name="sync_source", queue="ingest")
def sync_source(source_name: str, job_id: str | None = None) -> None:
    """Run one source's sync now (its report is recorded in data_sync_runs)."""
    report = run_source(runtime.database(), source_name, job_id=uuid.UUID(job_id) if job_id else None)
    log.info("sync %s finished: %s", source_name, report.message)
