"""The bookkeeping of sync runs: which process runs one, whether a 'running' run is still alive, ending a run
that was interrupted, resuming a blocked source, and listing runs.

A run records the host and process id of its worker. A later run (or ``unpause``) on the same host asks the
operating system whether that process still exists, so a run whose process was killed stops blocking its
source at once. A run started on another host can't be checked from here: it blocks until STALE_RUN.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psutil
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontier.db.session import Database
from frontier.errors import NotFound
from frontier.ingest.models import DataSyncRun, ExternalDataSource

log = logging.getLogger(__name__)

STALE_RUN = timedelta(hours=6)  # a run on another host 'running' for longer than this has lost its worker
ABANDONED = "abandoned: its worker stopped before finishing"


@dataclass(frozen=True)
class Worker:
    """The process that runs a sync."""

    host: str
    pid: int

    @classmethod
    def current(cls) -> Worker:
        """This process."""
        return cls(socket.gethostname(), os.getpid())


def run_is_alive(run: DataSyncRun, now: datetime, here: Worker) -> bool | None:
    """Whether the process of a 'running' run still exists: True or False on this host; for a run of another
    host (or one that recorded no process), None when it can't be told, False once it is older than
    STALE_RUN."""
    if run.worker_host == here.host and run.worker_pid is not None:
        return _process_exists(run.worker_pid, run.started_at)
    return None if run.started_at > now - STALE_RUN else False


def _process_exists(pid: int, since: datetime) -> bool:
    try:
        process = psutil.Process(pid)
        # a process created after the run started only reuses the id of the one that died
        return process.status() != psutil.STATUS_ZOMBIE and process.create_time() <= since.timestamp() + 1
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # it exists, owned by someone else
        return True


def describe_worker(run: DataSyncRun) -> str:
    """'process 123 on host h' (or that it is unknown), for messages."""
    if run.worker_pid is None:
        return "an unrecorded process"
    return f"process {run.worker_pid} on host {run.worker_host}"


def claim(session: Session, source: ExternalDataSource, now: datetime, here: Worker) -> str | None:
    """Refuse while a live run of the source is going (why, as a message); runs whose process is gone are
    marked failed (abandoned)."""
    query = select(DataSyncRun).where(
        DataSyncRun.source_id == source.source_id, DataSyncRun.status == "running"
    )
    for run in session.scalars(query):
        if run_is_alive(run, now, here) is False:
            end_run(run, now, ABANDONED)
            continue
        return (
            f"source '{source.source_name}' is already running (since {run.started_at:%H:%M:%S} UTC, "
            f"{describe_worker(run)})"
        )
    return None


def end_run(run: DataSyncRun, now: datetime, reason: str) -> None:
    """Close a run that did not finish: failed, with ``reason`` as its last error."""
    run.status = "failed"
    run.finished_at = max(now, run.started_at)
    run.errors = [*run.errors, {"item": "run", "error": reason}]


def interrupted(database: Database, run_id: uuid.UUID, now: datetime, stop: BaseException) -> None:
    """Mark a run that was stopped (Ctrl-C, SIGTERM, a cancelled task) failed with reason 'interrupted'; its
    source's failure count is untouched (the source did nothing wrong). Nothing of the run was stored: its
    writes are one transaction, made only at the end."""
    how = str(stop) or ("Ctrl-C or SIGTERM" if isinstance(stop, KeyboardInterrupt) else type(stop).__name__)
    reason = f"interrupted ({how}) before finishing; nothing of this run was stored"
    with database.session() as session:
        run = session.get(DataSyncRun, run_id, with_for_update=True)
        if run is not None and run.status == "running":
            end_run(run, now, reason)
    log.warning("sync run %s %s", run_id, reason)


@dataclass(frozen=True)
class Resumed:
    """What ``resume_source`` changed, and what still holds the source."""

    source_name: str
    paused_at: datetime | None = None
    failures_cleared: int = 0
    abandoned: list[str] = field(default_factory=list)
    still_running: str | None = None
    inactive: bool = False

    @property
    def message(self) -> str:
        """One line that says what was done (and what was not)."""
        done = []
        if self.paused_at is not None:
            done.append(
                f"pause since {self.paused_at:%Y-%m-%d %H:%M} UTC lifted "
                f"({self.failures_cleared} consecutive failures cleared)"
            )
        elif self.failures_cleared:
            done.append(f"{self.failures_cleared} consecutive failures cleared")
        if self.abandoned:
            done.append(f"stuck run marked failed ({', '.join(self.abandoned)})")
        text = f"source '{self.source_name}' " + (
            "resumed: " + "; ".join(done) if done else "was not paused and had no stuck run: nothing changed"
        )
        if self.still_running:
            text += f"; it is still running in {self.still_running}: stop that process or let it finish"
        if self.inactive:
            text += "; note: the source is inactive and will not run until it is activated"
        return text


def resume_source(session: Session, source_name: str, now: datetime, here: Worker) -> Resumed:
    """Lift a source's pause, clear its failure count, and mark failed every 'running' run whose process
    is not known to be alive (dead on this host, or on a host that can't be checked from here)."""
    source = session.scalars(
        select(ExternalDataSource).where(ExternalDataSource.source_name == source_name).with_for_update()
    ).first()
    if source is None:
        raise NotFound(f"no data source named '{source_name}'")
    query = select(DataSyncRun).where(
        DataSyncRun.source_id == source.source_id, DataSyncRun.status == "running"
    )
    abandoned, alive = [], None
    for run in session.scalars(query.order_by(DataSyncRun.started_at)):
        if run_is_alive(run, now, here) is True:
            alive = f"{describe_worker(run)} (started {run.started_at:%Y-%m-%d %H:%M} UTC)"
            continue
        abandoned.append(f"started {run.started_at:%Y-%m-%d %H:%M} UTC by {describe_worker(run)}")
        end_run(run, now, f"{ABANDONED} (cleared by unpause)")
    resumed = Resumed(
        source_name=source_name,
        paused_at=source.paused_at,
        failures_cleared=source.consecutive_failures or 0,
        abandoned=abandoned,
        still_running=alive,
        inactive=source.is_active is False,
    )
    source.paused_at = None
    source.consecutive_failures = 0
    return resumed


def pause_source(session: Session, source_name: str, now: datetime) -> bool:
    """Pause a source by hand (scheduled and manual runs skip it until unpaused); False if it already was."""
    source = session.scalars(
        select(ExternalDataSource).where(ExternalDataSource.source_name == source_name).with_for_update()
    ).first()
    if source is None:
        raise NotFound(f"no data source named '{source_name}'")
    if source.paused_at is not None:
        return False
    source.paused_at = now
    return True


@dataclass(frozen=True)
class SourceStatus:
    """A source's state for ``frontier ingest status``."""

    source: ExternalDataSource
    last_run: DataSyncRun | None
    running: str | None  # the live run's worker, if one is going


def source_statuses(session: Session, now: datetime, here: Worker) -> list[SourceStatus]:
    """Every source with its latest run and whether a run of it is going now, by name."""
    statuses = []
    for source in session.scalars(select(ExternalDataSource).order_by(ExternalDataSource.source_name)):
        runs = session.scalars(
            select(DataSyncRun)
            .where(DataSyncRun.source_id == source.source_id)
            .order_by(DataSyncRun.started_at.desc())
            .limit(1)
        )
        last = runs.first()
        going = last is not None and last.status == "running" and run_is_alive(last, now, here) is not False
        statuses.append(SourceStatus(source, last, describe_worker(last) if last and going else None))
    return statuses


def runnable_source_names(session: Session) -> list[str]:
    """Names of the active sources, by name (paused ones included: their runs report the pause)."""
    query = select(ExternalDataSource.source_name).where(ExternalDataSource.is_active.is_not(False))
    return list(session.scalars(query.order_by(ExternalDataSource.source_name)))


def source_count(session: Session) -> int:
    """How many data sources exist (none: 'frontier ingest setup' was never run)."""
    return session.scalar(select(func.count()).select_from(ExternalDataSource)) or 0


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
