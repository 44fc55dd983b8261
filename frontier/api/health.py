"""``GET /health`` and ``GET /metrics``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from frontier import __version__
from frontier.api.deps import database
from frontier.db import migrate
from frontier.db.session import Database

router = APIRouter(tags=["operations"])


class MigrationState(BaseModel):
    """Schema revision of the database against this release."""

    current: str | None
    head: str
    up_to_date: bool


class Health(BaseModel):
    """Whether Frontier can serve, and what it runs on."""

    status: str
    version: str
    database: str
    embedded: bool
    server_version: str | None
    migration: MigrationState | None


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(db: Annotated[Database, Depends(database)]) -> Response:
    """``ok`` when the database answers and its schema is at this release's head; 503 otherwise."""
    embedded = db.embedded is not None
    try:
        with db.engine.connect() as conn:
            server_version = str(conn.execute(text("SHOW server_version")).scalar_one())
        state = migrate.status(db.engine)
    except SQLAlchemyError:
        body = Health(
            status="unavailable",
            version=__version__,
            database="unreachable",
            embedded=embedded,
            server_version=None,
            migration=None,
        )
        return JSONResponse(body.model_dump(), status_code=503)
    migration = MigrationState(current=state.current, head=state.head, up_to_date=state.up_to_date)
    body = Health(
        status="ok" if state.up_to_date else "migration_required",
        version=__version__,
        database="reachable",
        embedded=embedded,
        server_version=server_version,
        migration=migration,
    )
    return JSONResponse(body.model_dump(), status_code=200 if state.up_to_date else 503)


@router.get("/metrics", response_class=Response, summary="Prometheus metrics")
def metrics(request: Request) -> Response:
    """Request counts and latencies in Prometheus text format."""
    exposition: Response = request.app.state.metrics.exposition()
    return exposition
