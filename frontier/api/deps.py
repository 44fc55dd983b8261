"""Shared FastAPI dependencies: the request's database session, the app's clock, the caller's address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from frontier.clock import Clock
from frontier.db.session import Database


def database(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.database
    return db


def db_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back if it raises."""
    with database(request).session() as session:
        yield session


# Function scope: the session commits (or the request fails with 5xx) once the route and its response model
# are done, before the answer leaves. The default request scope would commit after the client already has a
# success answer: the next request could miss the write, and a failed commit would follow a 2xx.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]


def clock(request: Request) -> Clock:
    """The app's clock."""
    app_clock: Clock = request.app.state.clock
    return app_clock


def client_address(request: Request) -> str:
    """The caller's address (forwarding headers believed only from trusted proxies)."""
    return str(getattr(request.state, "client_address", None) or "unknown")
