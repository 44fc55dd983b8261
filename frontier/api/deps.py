"""Shared FastAPI dependencies."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from frontier.db.session import Database


def database(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.database
    return db


def db_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back if it raises."""
    with database(request).session() as session:
        yield session
