"""Running a source's sync: one data_sync_runs row per run, every observation of a run written in one
transaction, and the source's health (failure count, pause) and its job's last-run summary kept current.

The run row is committed first (status ``running``, with the worker's host and process id), so a run that
dies leaves a trace; a run that is interrupted (Ctrl-C, SIGTERM) is marked failed on the way out, and one
whose process was killed is recognised by the next run (see runs.py). A run whose every item failed writes
nothing. The window of a run starts at the source's ``synced_until``, which only a complete, successful run
moves: after a failed or partial run the next one reads the same days again, so the failed items are fetched
again, and it upserts, so the items that did succeed are not duplicated.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.catalog.models import Technology
from frontier.clock import Clock, SystemClock
from frontier.config import get_settings
from frontier.db.session import Database
from frontier.errors import FrontierError, NotFound
from frontier.ingest.connectors import (
    ConnectorContext,
    FetchProgress,
    NoProgress,
    SyncSettings,
    TechnologyKeys,
    connector_kind,
)
from frontier.ingest.connectors.base import month_start
from frontier.ingest.http import Credentials, HttpOptions, open_client
from frontier.ingest.models import DataSyncJob, DataSyncRun, ExternalDataSource
from frontier.ingest.outcome import Fetched, RunPlan, RunReport, fail, finish
from frontier.ingest.redaction import Redactor
from frontier.ingest.runs import Worker, claim, interrupted
from frontier.security.secrets import SecretBox, box_from_settings

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK_DAYS = 90  # the first run of a source reaches this far back (options: initial_lookback_days)
DEFAULT_RETRIES = 3
DEFAULT_FAILURE_THRESHOLD = 5


def sync_window(as_of: date, synced_until: date | None, lookback_days: int) -> tuple[date, date]:
    """[since, until] of a run: from the day every item was complete (two days of overlap for late data), or
    ``lookback_days`` back on a first run; always reaching the previous month, so it is re-read complete.
    Never further back than ``lookback_days``: an item that keeps failing doesn't grow every run's window."""
    furthest = as_of - timedelta(days=lookback_days)
    if synced_until is None:
        since = furthest
    else:
        since = max(furthest, min(synced_until - timedelta(days=2), as_of - timedelta(days=1)))
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
    ``failed`` (recorded, counted towards the source's pause) rather than raising. An interruption
    (KeyboardInterrupt, SystemExit, cancellation) marks the run failed as interrupted, then propagates.
    """
    clock = clock or SystemClock()
    as_of = as_of or clock.now().date()
    with database.session() as session:
        plan = _start(session, source_name, job_id, technologies, as_of, clock)
    if isinstance(plan, RunReport):
        log.info("sync %s skipped: %s", source_name, plan.message)
        return plan
    try:
        return _run(database, plan, clock, progress or NoProgress(), box, http or HttpOptions())
    except BaseException as stop:  # whatever stops it, the run must not stay 'running'
        try:
            interrupted(database, plan.run_id, clock.now(), stop)
        except Exception:  # the database may be what failed: say so, and let the original error go on
            log.exception("sync %s: the interrupted run %s could not be marked", source_name, plan.run_id)
        raise


def _run(
    database: Database,
    plan: RunPlan,
    clock: Clock,
    progress: FetchProgress,
    box: SecretBox | None,
    http: HttpOptions,
) -> RunReport:
    source_name = plan.source_name
    redact = Redactor([])
    try:
        token = _decrypt(plan.api_key_encrypted, box)
        redact = Redactor([token])
        fetched = asyncio.run(_fetch(plan, token, http, clock, progress))
    except FrontierError as error:
        return fail(database, plan, clock, redact(str(error)))
    except Exception as error:  # a bug or an unexpected failure: recorded on the run, logged with its trace
        _log_unexpected(source_name, "fetch", error, redact)
        return fail(database, plan, clock, redact(f"{type(error).__name__}: {error}"))
    try:
        with database.session() as session:
            return finish(session, plan, fetched, clock)
    except Exception as error:  # the transaction rolled back whole: nothing of this run is stored
        _log_unexpected(source_name, "write", error, redact)
        return fail(database, plan, clock, redact(f"writing failed: {type(error).__name__}: {error}"))


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
) -> RunPlan | RunReport:
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
    worker = Worker.current()
    busy = claim(session, source, now, worker)
    if busy is not None:
        return RunReport(source_name, "skipped", busy)
    technologies = _technologies(session, slugs)
    options = dict(source.data_mapping_schema or {})
    lookback = int(options.get("initial_lookback_days", DEFAULT_LOOKBACK_DAYS))
    since, until = sync_window(as_of, source.synced_until, lookback)
    run = DataSyncRun(
        source_id=source.source_id,
        job_id=job.job_id if job else None,
        started_at=now,
        worker_host=worker.host,
        worker_pid=worker.pid,
    )
    session.add(run)
    session.flush()
    retries = job.retry_attempts if job is not None and job.retry_attempts is not None else DEFAULT_RETRIES
    return RunPlan(
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
        complete=not slugs,
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
    plan: RunPlan, token: str | None, http: HttpOptions, clock: Clock, progress: FetchProgress
) -> Fetched:
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
        unreachable = client.unreachable_verdict()
        if unreachable is not None:  # its items failed for this one reason: the run fails with it, once
            raise unreachable
        return Fetched(result, client.average_response_ms)
