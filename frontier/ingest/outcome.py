"""How a sync run ends: its plan, its report, and what its end writes (the run row, the job's last-run
summary, the source's health and synced_until, a feed run's import report)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from frontier.clock import Clock
from frontier.db.session import Database
from frontier.discovery.content.service import ImportReport, import_feed_entries
from frontier.errors import NotFound
from frontier.ingest.connectors import FeedEntry, FetchResult, SyncSettings, TechnologyKeys
from frontier.ingest.models import DataSyncJob, DataSyncRun, ExternalDataSource
from frontier.ingest.observations import match_records, upsert_observations

log = logging.getLogger(__name__)

ERRORS_KEPT_ON_JOB = 20


@dataclass(frozen=True)
class RunReport:
    """How a run ended. ``status`` is success, partial_success, failed, or skipped (no run was started:
    the source is paused, inactive, or already running)."""

    source_name: str
    status: str
    message: str = ""
    run_id: uuid.UUID | None = None
    records_processed: int = 0
    rows_written: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    unmatched_names: list[str] = field(default_factory=list)
    entries: list[FeedEntry] = field(default_factory=list)
    paused: bool = False
    imported: dict[str, int] | None = None


@dataclass(frozen=True)
class RunPlan:
    """What a started run will do: its row, its source, its settings and window."""

    run_id: uuid.UUID
    source_id: uuid.UUID
    job_id: uuid.UUID | None
    source_name: str
    source_type: str
    base_url: str
    api_key_encrypted: str | None
    rate_limit_per_hour: int | None
    options: Mapping[str, Any]
    settings: SyncSettings
    attempts: int
    failure_threshold: int
    technologies: list[TechnologyKeys]
    since: date
    until: date
    complete: bool  # every technology is synced (no --technology filter): success may move synced_until


@dataclass(frozen=True)
class Fetched:
    """What the connector returned, and the source's mean response time."""

    result: FetchResult
    response_ms: int | None


def finish(session: Session, plan: RunPlan, fetched: Fetched, clock: Clock) -> RunReport:
    result = fetched.result
    matched = match_records(session, result.records)
    status = result.status
    written = processed = 0
    imported = ImportReport()
    if status != "failed":  # a failed run writes nothing, not even the few records it may hold
        written = upsert_observations(session, matched.records, batch=max(plan.settings.batch_size, 500))
        if result.entries:  # feed items become content; the embedding job picks them up
            imported = import_feed_entries(session, result.entries)
        processed = len(matched.records) + len(result.entries)
    errors = [e.as_json() for e in result.errors]
    counts = _import_counts(imported, len(errors)) if plan.source_type == "rss_feed" else None
    _close(session, plan, clock.now(), status, processed, errors, matched.unmatched_names, counts)
    _record_health(session, plan, clock.now(), status, fetched.response_ms)
    report = RunReport(
        source_name=plan.source_name,
        status=status,
        message=_summary(status, processed, written, errors, matched.unmatched_names),
        run_id=plan.run_id,
        records_processed=processed,
        rows_written=written,
        errors=errors,
        unmatched_names=matched.unmatched_names,
        entries=result.entries,
        paused=_is_paused(session, plan),
        imported=counts,
    )
    log.info("sync %s: %s", plan.source_name, report.message)
    return report


def _import_counts(imported: ImportReport, failed: int) -> dict[str, int]:
    """A feed run's import report: entries stored new or changed, already stored as they are, skipped
    (no title), duplicates within the run, and feeds that failed."""
    return {
        "imported": imported.inserted + imported.updated,
        "unchanged": imported.unchanged,
        "skipped": imported.skipped,
        "duplicates": imported.duplicates,
        "failed": failed,
    }


def _close(
    session: Session,
    plan: RunPlan,
    now: datetime,
    status: str,
    processed: int,
    errors: list[dict[str, str]],
    unmatched: list[str],
    report: dict[str, int] | None = None,
) -> None:
    run = session.get(DataSyncRun, plan.run_id)
    if run is None:
        raise NotFound(f"the run {plan.run_id} of '{plan.source_name}' disappeared")
    run.finished_at = max(now, run.started_at)
    run.status = status
    run.records_processed = processed
    run.errors = errors
    run.unmatched_names = unmatched
    run.report = report
    if plan.job_id is not None:
        job = session.get(DataSyncJob, plan.job_id)
        if job is not None:
            job.last_run_at = now
            job.last_run_status = status
            job.records_processed = processed
            job.errors_encountered = {
                "run_id": str(plan.run_id),
                "count": len(errors),
                "errors": errors[:ERRORS_KEPT_ON_JOB],
            }


def _record_health(
    session: Session, plan: RunPlan, now: datetime, status: str, response_ms: int | None
) -> None:
    """Success (full or partial) resets the failure count; a failure counts, and pauses at the threshold.
    Only a full success of every technology moves synced_until: a failed item is fetched again next time."""
    source = session.get(ExternalDataSource, plan.source_id, with_for_update=True)
    if source is None:
        return
    if response_ms is not None:
        source.average_response_time_ms = response_ms
    if status != "failed":
        source.consecutive_failures = 0
        source.last_successful_fetch = now
        if status == "success" and plan.complete:
            source.synced_until = plan.until
        return
    source.consecutive_failures = (source.consecutive_failures or 0) + 1
    if source.consecutive_failures >= plan.failure_threshold and source.paused_at is None:
        source.paused_at = now
        log.warning(
            "source %s paused after %d consecutive failed runs (threshold %d)",
            plan.source_name,
            source.consecutive_failures,
            plan.failure_threshold,
        )


def _is_paused(session: Session, plan: RunPlan) -> bool:
    source = session.get(ExternalDataSource, plan.source_id)
    return source is not None and source.paused_at is not None


def fail(database: Database, plan: RunPlan, clock: Clock, message: str) -> RunReport:
    errors = [{"item": "run", "error": message}]
    with database.session() as session:
        _close(session, plan, clock.now(), "failed", 0, errors, [])
        _record_health(session, plan, clock.now(), "failed", None)
        paused = _is_paused(session, plan)
    log.warning("sync %s failed: %s", plan.source_name, message)
    return RunReport(
        source_name=plan.source_name,
        status="failed",
        message=f"failed: {message}",
        run_id=plan.run_id,
        errors=errors,
        paused=paused,
    )


def _summary(status: str, processed: int, written: int, errors: list[Any], unmatched: list[str]) -> str:
    text = f"{status}: {processed} records ({written} rows changed)"
    if errors:
        text += f", {len(errors)} failed items"
    if unmatched:
        text += f", {len(unmatched)} unmatched names"
    return text
