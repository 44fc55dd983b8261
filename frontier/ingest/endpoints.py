"""Admin routes of data sources."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from frontier.accounts.auth import Admin, rate_limit
from frontier.api.deps import SessionDep
from frontier.ingest import schedules, service
from frontier.ingest.schemas import RunOut, ScheduleIn, ScheduleOut, SourceIn, SourceOut, SourceUpdate
from frontier.security.secrets import SecretBox

router = APIRouter(prefix="/api/v1/admin/sources", tags=["admin"], dependencies=[Depends(rate_limit)])


def secret_box(request: Request) -> SecretBox:
    """The app's encryption box for stored secrets."""
    box: SecretBox = request.app.state.secret_box
    return box


BoxDep = Annotated[SecretBox, Depends(secret_box)]


@router.get("", response_model=list[SourceOut], summary="List data sources (admin)")
def list_sources(admin: Admin, session: SessionDep) -> list[SourceOut]:
    """Every data source with its health."""
    return service.list_sources(session)


@router.post("", status_code=201, response_model=SourceOut, summary="Add a data source (admin)")
def create_source(
    request: Request, admin: Admin, data: SourceIn, session: SessionDep, box: BoxDep
) -> SourceOut:
    """Add a data source; its API key is stored encrypted and never shown again. Private, loopback and
    link-local addresses are refused unless the operator set FRONTIER_ALLOW_PRIVATE_SOURCES."""
    assert admin.user_id is not None
    allow = request.app.state.settings.allow_private_sources
    return service.create_source(session, box, data, admin.user_id, allow_private=allow)


@router.get("/{source_id}", response_model=SourceOut, summary="One data source (admin)")
def get_source(admin: Admin, source_id: uuid.UUID, session: SessionDep) -> SourceOut:
    """One data source."""
    return service.get_source(session, source_id)


@router.patch("/{source_id}", response_model=SourceOut, summary="Change a data source (admin)")
def update_source(
    request: Request, admin: Admin, source_id: uuid.UUID, data: SourceUpdate, session: SessionDep, box: BoxDep
) -> SourceOut:
    """Change a data source (the same address rule as adding one)."""
    assert admin.user_id is not None
    allow = request.app.state.settings.allow_private_sources
    return service.update_source(session, box, source_id, data, admin.user_id, allow_private=allow)


@router.delete("/{source_id}", status_code=204, summary="Remove a data source (admin)")
def delete_source(admin: Admin, source_id: uuid.UUID, session: SessionDep) -> Response:
    """Remove a data source and its schedules."""
    assert admin.user_id is not None
    service.delete_source(session, source_id, admin.user_id)
    return Response(status_code=204)


@router.get(
    "/{source_id}/schedules", response_model=list[ScheduleOut], summary="A source's sync schedules (admin)"
)
def list_schedules(admin: Admin, source_id: uuid.UUID, session: SessionDep) -> list[ScheduleOut]:
    """The source's schedules with their last run."""
    return schedules.list_schedules(session, source_id)


@router.post(
    "/{source_id}/schedules",
    status_code=201,
    response_model=ScheduleOut,
    summary="Add a sync schedule to a source (admin)",
)
def create_schedule(admin: Admin, source_id: uuid.UUID, data: ScheduleIn, session: SessionDep) -> ScheduleOut:
    """Sync the source by a cron expression (UTC) or every N minutes, with the job's options."""
    assert admin.user_id is not None
    return schedules.create_schedule(session, source_id, data, admin.user_id)


@router.get("/{source_id}/runs", response_model=list[RunOut], summary="A source's latest runs (admin)")
def list_runs(
    admin: Admin,
    source_id: uuid.UUID,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[RunOut]:
    """Newest first: status, errors, a feed run's import report."""
    return schedules.list_runs(session, source_id, limit)
