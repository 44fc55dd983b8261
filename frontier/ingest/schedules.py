"""Sync schedules (data_sync_jobs) of any source, feeds included: validated (a cron expression, data types
the source's connector syncs), listed with their last run; and the runs of a source for the API."""

from __future__ import annotations

import uuid
from typing import TypeVar

from croniter import croniter  # type: ignore[import-untyped]
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.db.system_logs import record
from frontier.errors import FieldProblem, InvalidInput, NotFound
from frontier.ingest.connectors import connector_kind
from frontier.ingest.models import DataSyncJob, DataSyncRun, ExternalDataSource
from frontier.ingest.schemas import RunOut, ScheduleIn, ScheduleOut

Shape = TypeVar("Shape", bound=BaseModel)


def source_named(session: Session, name: str) -> ExternalDataSource:
    """The source called ``name``; NotFound otherwise."""
    row = session.scalars(select(ExternalDataSource).where(ExternalDataSource.source_name == name)).first()
    if row is None:
        raise NotFound(f"no data source named '{name}'")
    return row


def _source(session: Session, source_id: uuid.UUID) -> ExternalDataSource:
    row = session.get(ExternalDataSource, source_id)
    if row is None:
        raise NotFound(f"no data source with id {source_id}")
    return row


def _check(source: ExternalDataSource, data: ScheduleIn) -> None:
    problems = []
    if data.sync_schedule_cron is not None and not croniter.is_valid(data.sync_schedule_cron):
        problems.append(
            FieldProblem(
                "sync_schedule_cron",
                f"'{data.sync_schedule_cron}' is not a cron expression (five fields, e.g. '20 2 * * *')",
            )
        )
    known = connector_kind(source.source_type).data_types
    unknown = sorted(set(data.data_types_to_sync or ()) - set(known))
    if unknown:
        problems.append(
            FieldProblem(
                "data_types_to_sync",
                f"{', '.join(unknown)} not synced by {source.source_type} sources (they sync "
                f"{', '.join(known)})",
            )
        )
    if problems:
        raise InvalidInput(problems)


def _shaped(model: type[Shape], row: object, **given: object) -> Shape:
    """``model`` filled from the row's attributes of the same names, ``given`` ones first."""
    return model(
        **{name: given[name] if name in given else getattr(row, name) for name in model.model_fields}
    )


def _out(job: DataSyncJob, source_name: str) -> ScheduleOut:
    return _shaped(ScheduleOut, job, id=job.job_id, source_name=source_name)


def create_schedule(
    session: Session, source_id: uuid.UUID, data: ScheduleIn, admin_id: uuid.UUID | None
) -> ScheduleOut:
    """Add a schedule to a source; InvalidInput naming the field for a bad cron or an unknown data type."""
    source = _source(session, source_id)
    _check(source, data)
    job = DataSyncJob(source_id=source.source_id, **data.model_dump())
    session.add(job)
    session.flush()
    session.refresh(job)
    record(session, "admin_action", "sync schedule created", user_id=admin_id, source=source.source_name)
    return _out(job, source.source_name)


def list_schedules(session: Session, source_id: uuid.UUID | None = None) -> list[ScheduleOut]:
    """The schedules of a source (or of every source), by source name then age."""
    query = select(DataSyncJob, ExternalDataSource.source_name).join(
        ExternalDataSource, ExternalDataSource.source_id == DataSyncJob.source_id
    )
    if source_id is not None:
        _source(session, source_id)
        query = query.where(DataSyncJob.source_id == source_id)
    rows = session.execute(query.order_by(ExternalDataSource.source_name, DataSyncJob.created_at)).all()
    return [_out(job, name) for job, name in rows]


def run_out(run: DataSyncRun, source_name: str) -> RunOut:
    """A run as the API shows it."""
    return _shaped(RunOut, run, id=run.run_id, source_name=source_name)


def list_runs(session: Session, source_id: uuid.UUID, limit: int = 20) -> list[RunOut]:
    """A source's latest runs, newest first."""
    source = _source(session, source_id)
    query = (
        select(DataSyncRun)
        .where(DataSyncRun.source_id == source_id)
        .order_by(DataSyncRun.started_at.desc())
        .limit(limit)
    )
    return [run_out(run, source.source_name) for run in session.scalars(query)]
