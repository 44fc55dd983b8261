"""Running a source's sync: one data_sync_runs row per run, every observation of a run written in one
transaction, and the source's health (failure count, pause) and its job's last-run summary kept current.

The run row is committed first (status ``running``), so a run that dies leaves a trace; a later run marks it
abandoned once it is older than STALE_RUN. A run whose every item failed writes nothing; a re-run repeats the
same window (it starts from the last successful fetch) and upserts, so it completes the work without
duplicating a row.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.clock import Clock, SystemClock
from frontier.config import get_settings
from frontier.db.session import Database
from frontier.discovery.content import import_feed_entries
from frontier.errors import FrontierError, NotFound
from frontier.ingest.connectors import (
    ConnectorContext,
    FeedEntry,
    FetchProgress,
    FetchResult,
    NoProgress,
    SyncSettings,
    TechnologyKeys,
    connector_kind,
)
from frontier.ingest.connectors.base import month_start
from frontier.ingest.http import Credentials, HttpOptions, Redactor, open_client
from frontier.ingest.models import DataSyncJob, DataSyncRun, ExternalDataSource
from frontier.ingest.observations import match_records, upsert_observations
from frontier.security.secrets import SecretBox, box_from_settings
from frontier.trends.models import Technology

log = logging.getLogger(__name__)

STALE_RUN = timedelta(hours=6)  # a run 'running' for longer than this has lost its worker
DEFAULT_LOOKBACK_DAYS = 90  # the first run of a source reaches this far back (options: initial_lookback_days)
DEFAULT_RETRIES = 3
DEFAULT_FAILURE_THRESHOLD = 5
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


@dataclass(frozen=True)
class _Plan:
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


@dataclass(frozen=True)
class _Fetched:
    result: FetchResult
    response_ms: int | None


def sync_window(as_of: date, last_success: datetime | None, lookback_days: int) -> tuple[date, date]:
    """[since, until] of a run: from the last successful fetch (two days of overlap for late data), or
    ``lookback_days`` back on a first run; always reaching the previous month, so it is re-read complete."""
    if last_success is None:
        since = as_of - timedelta(days=lookback_days)
    else:
        since = min(last_success.date() - timedelta(days=2), as_of - timedelta(days=1))
    previous_month = month_start(month_start(as_of) - timedelta(days=1))
    return min(since, previous_month), as_of


def run_source(
    database: Database,
    source_name: str,
    *,
    as_of: date | None = None,
    clock: Clock | None = None,
    progress: FetchProgress | None = None,
    box: SecretBox | None = None,
    http: HttpOptions | None = None,
    job_id: uuid.UUID | None = None,
    technologies: Sequence[str] | None = None,
) -> RunReport:
    """Sync one source (optionally only the technologies with the given slugs) and return how it ended.

    NotFound when the source, the job or a technology doesn't exist. Every other failure ends the run as
    ``failed`` (recorded, counted towards the source's pause) rather than raising.
    """
    clock = clock or SystemClock()
    as_of = as_of or clock.now().date()
    with database.session() as session:
        plan = _start(session, source_name, job_id, technologies, as_of, clock)
    if isinstance(plan, RunReport):
        log.info("sync %s skipped: %s", source_name, plan.message)
        return plan
    redact = Redactor([])
    try:
        token = _decrypt(plan.api_key_encrypted, box)
        redact = Redactor([token])
        fetched = asyncio.run(_fetch(plan, token, http or HttpOptions(), clock, progress or NoProgress()))
    except FrontierError as error:
        return _fail(database, plan, clock, redact(str(error)))
    except Exception as error:  # a bug or an unexpected failure: recorded on the run, logged with its trace
        _log_unexpected(source_name, "fetch", error, redact)
        return _fail(database, plan, clock, redact(f"{type(error).__name__}: {error}"))
    try:
        with database.session() as session:
            return _finish(session, plan, fetched, clock)
    except Exception as error:  # the transaction rolled back whole: nothing of this run is stored
        _log_unexpected(source_name, "write", error, redact)
        return _fail(database, plan, clock, redact(f"writing failed: {type(error).__name__}: {error}"))


def _log_unexpected(source_name: str, stage: str, error: Exception, redact: Redactor) -> None:
    # The trace is redacted like every message: an exception may quote a URL that carries the key.
    trace = redact("".join(traceback.format_exception(error)))
    log.error("sync %s: %s failed unexpectedly\n%s", source_name, stage, trace)


def _decrypt(ciphertext: str | None, box: SecretBox | None) -> str | None:
    if ciphertext is None:
        return None
    return (box or box_from_settings(get_settings())).decrypt(ciphertext)


def _start(
    session: Session,
    source_name: str,
    job_id: uuid.UUID | None,
    slugs: Sequence[str] | None,
    as_of: date,
    clock: Clock,
) -> _Plan | RunReport:
    query = select(ExternalDataSource).where(ExternalDataSource.source_name == source_name)
    source = session.scalars(query.with_for_update()).first()  # one run at a time per source
    if source is None:
        raise NotFound(f"no data source named '{source_name}'")
    if not source.is_active:
        return RunReport(source_name, "skipped", f"source '{source_name}' is inactive")
    if source.paused_at is not None:
        return RunReport(source_name, "skipped", _paused_message(source), paused=True)
    job = _job(session, source, job_id)
    now = clock.now()
    busy = _claim(session, source, now)
    if busy is not None:
        return RunReport(source_name, "skipped", busy)
    technologies = _technologies(session, slugs)
    options = dict(source.data_mapping_schema or {})
    lookback = int(options.get("initial_lookback_days", DEFAULT_LOOKBACK_DAYS))
    since, until = sync_window(as_of, source.last_successful_fetch, lookback)
    run = DataSyncRun(source_id=source.source_id, job_id=job.job_id if job else None, started_at=now)
    session.add(run)
    session.flush()
    retries = job.retry_attempts if job is not None and job.retry_attempts is not None else DEFAULT_RETRIES
    return _Plan(
        run_id=run.run_id,
        source_id=source.source_id,
        job_id=job.job_id if job else None,
        source_name=source.source_name,
        source_type=source.source_type,
        base_url=source.base_url,
        api_key_encrypted=source.api_key_encrypted,
        rate_limit_per_hour=source.rate_limit_per_hour,
        options=options,
        settings=_settings(job),
        attempts=retries + 1,
        failure_threshold=(job.critical_failure_threshold if job else None) or DEFAULT_FAILURE_THRESHOLD,
        technologies=technologies,
        since=since,
        until=until,
    )


def _paused_message(source: ExternalDataSource) -> str:
    assert source.paused_at is not None
    return (
        f"source '{source.source_name}' is paused since {source.paused_at:%Y-%m-%d %H:%M} UTC after "
        f"{source.consecutive_failures} consecutive failed runs; resume it with "
        f"'frontier ingest unpause {source.source_name}'"
    )


def _job(session: Session, source: ExternalDataSource, job_id: uuid.UUID | None) -> DataSyncJob | None:
    if job_id is not None:
        job = session.get(DataSyncJob, job_id)
        if job is None or job.source_id != source.source_id:
            raise NotFound(f"no sync job {job_id} for source '{source.source_name}'")
        return job
    query = (
        select(DataSyncJob)
        .where(DataSyncJob.source_id == source.source_id, DataSyncJob.is_active.is_not(False))
        .order_by(DataSyncJob.created_at, DataSyncJob.job_id)
    )
    return session.scalars(query).first()


def _claim(session: Session, source: ExternalDataSource, now: datetime) -> str | None:
    """Refuse while a recent run is going; mark runs older than STALE_RUN abandoned. Returns why refused."""
    query = select(DataSyncRun).where(
        DataSyncRun.source_id == source.source_id, DataSyncRun.status == "running"
    )
    for run in session.scalars(query):
        if run.started_at > now - STALE_RUN:
            return f"source '{source.source_name}' is already running (since {run.started_at:%H:%M:%S} UTC)"
        run.status = "failed"
        run.finished_at = max(now, run.started_at)
        run.errors = [*run.errors, {"item": "run", "error": "abandoned: its worker stopped before finishing"}]
    return None


def _technologies(session: Session, slugs: Sequence[str] | None) -> list[TechnologyKeys]:
    query = select(Technology).order_by(Technology.slug)
    if slugs:
        query = query.where(Technology.slug.in_(set(slugs)))
    rows = list(session.scalars(query))
    missing = sorted(set(slugs or ()) - {r.slug for r in rows})
    if missing:
        raise NotFound(f"no technology with slug {', '.join(repr(m) for m in missing)}")
    return [TechnologyKeys.of(r) for r in rows]


def _settings(job: DataSyncJob | None) -> SyncSettings:
    if job is None:
        return SyncSettings()
    return SyncSettings(
        batch_size=job.batch_size or 100,
        parallel_workers=job.parallel_workers or 2,
        data_types=frozenset(job.data_types_to_sync) if job.data_types_to_sync else None,
    )


async def _fetch(
    plan: _Plan, token: str | None, http: HttpOptions, clock: Clock, progress: FetchProgress
) -> _Fetched:
    kind = connector_kind(plan.source_type)
    async with open_client(
        plan.source_name,
        plan.base_url,
        rate_limit_per_hour=plan.rate_limit_per_hour,
        attempts=plan.attempts,
        credentials=Credentials(token, kind.api_key_query_parameter),
        options=http,
        clock=clock,
        other_origins=kind.other_origins(plan.options),
    ) as client:
        context = ConnectorContext(
            client=client, settings=plan.settings, progress=progress, options=plan.options
        )
        connector = kind.make(context)
        unknown = sorted((plan.settings.data_types or frozenset()) - set(connector.data_types))
        if unknown:
            log.warning(
                "sync %s: data types %s are not synced by this connector (it knows %s)",
                plan.source_name,
                unknown,
                list(connector.data_types),
            )
        result = await connector.fetch(plan.technologies, plan.since, plan.until)
        return _Fetched(result, client.average_response_ms)


def _finish(session: Session, plan: _Plan, fetched: _Fetched, clock: Clock) -> RunReport:
    result = fetched.result
    matched = match_records(session, result.records)
    status = result.status
    written = processed = 0
    if status != "failed":  # a failed run writes nothing, not even the few records it may hold
        written = upsert_observations(session, matched.records, batch=max(plan.settings.batch_size, 500))
        if result.entries:  # feed items become content; the embedding job picks them up
            import_feed_entries(session, result.entries)
        processed = len(matched.records) + len(result.entries)
    errors = [e.as_json() for e in result.errors]
    _close(session, plan, clock.now(), status, processed, errors, matched.unmatched_names)
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
    )
    log.info("sync %s: %s", plan.source_name, report.message)
    return report


def _close(
    session: Session,
    plan: _Plan,
    now: datetime,
    status: str,
    processed: int,
    errors: list[dict[str, str]],
    unmatched: list[str],
) -> None:
    run = session.get(DataSyncRun, plan.run_id)
    if run is None:
        raise NotFound(f"the run {plan.run_id} of '{plan.source_name}' disappeared")
    run.finished_at = max(now, run.started_at)
    run.status = status
    run.records_processed = processed
    run.errors = errors
    run.unmatched_names = unmatched
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
    session: Session, plan: _Plan, now: datetime, status: str, response_ms: int | None
) -> None:
    """Success (full or partial) resets the failure count; a failure counts, and pauses at the threshold."""
    source = session.get(ExternalDataSource, plan.source_id, with_for_update=True)
    if source is None:
        return
    if response_ms is not None:
        source.average_response_time_ms = response_ms
    if status != "failed":
        source.consecutive_failures = 0
        source.last_successful_fetch = now
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


def _is_paused(session: Session, plan: _Plan) -> bool:
    source = session.get(ExternalDataSource, plan.source_id)
    return source is not None and source.paused_at is not None


def _fail(database: Database, plan: _Plan, clock: Clock, message: str) -> RunReport:
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


def unpause_source(session: Session, source_name: str) -> None:
    """Resume a paused source: its pause and failure count are cleared."""
    source = session.scalars(
        select(ExternalDataSource).where(ExternalDataSource.source_name == source_name)
    ).first()
    if source is None:
        raise NotFound(f"no data source named '{source_name}'")
    source.paused_at = None
    source.consecutive_failures = 0


def runnable_source_names(session: Session) -> list[str]:
    """Names of the active sources, by name (paused ones included: their runs report the pause)."""
    query = select(ExternalDataSource.source_name).where(ExternalDataSource.is_active.is_not(False))
    return list(session.scalars(query.order_by(ExternalDataSource.source_name)))


def recent_runs(
    session: Session, source_name: str | None = None, limit: int = 20
) -> list[tuple[str, DataSyncRun]]:
    """The latest runs (newest first), with their source's name."""
    query = select(ExternalDataSource.source_name, DataSyncRun).join(
        ExternalDataSource, ExternalDataSource.source_id == DataSyncRun.source_id
    )
    if source_name is not None:
        query = query.where(ExternalDataSource.source_name == source_name)
    rows = session.execute(query.order_by(DataSyncRun.started_at.desc()).limit(limit)).all()
    return [(name, run) for name, run in rows]
