"""Who may see which rows: a person's private rows, every query filtered by their ``user_id``.

Every private query goes through ``UserScope``, which adds ``user_id = <caller>`` itself, so no service
filters by hand; a row of another user is simply not found (NotFound: 404 over HTTP, never 403, so ids can't
be probed). The API builds one for the signed-in caller (``frontier.accounts.auth.Scope``); the CLI and jobs
build one for the person they act for.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session

from frontier.errors import NotFound

M = TypeVar("M")


class UserScope:
    """The caller's private rows: every query it builds is filtered by the caller's ``user_id``."""

    def __init__(self, session: Session, user_id: uuid.UUID) -> None:
        self.session = session
        self.user_id = user_id

    def select(self, model: type[M]) -> Select[M]:
        """``SELECT`` of the caller's rows of ``model``."""
        return select(model).where(model.user_id == self.user_id)  # type: ignore[attr-defined]

    def all(self, query: Select[M]) -> Sequence[M]:
        """Run a query built with ``select``."""
        return self.session.scalars(query).all()

    def get(self, model: type[M], row_id: uuid.UUID) -> M:
        """The caller's row with this id; NotFound for a missing row and for anyone else's."""
        row = self.session.get(model, _key(model, self.user_id, row_id))
        if row is None:
            raise NotFound(f"no {model.__tablename__} with id {row_id}")  # type: ignore[attr-defined]
        return row

    def add(self, row: Any) -> None:
        """Add a new row owned by the caller."""
        row.user_id = self.user_id
        self.session.add(row)

    def delete(self, row: Any) -> None:
        """Delete one of the caller's rows."""
        if row.user_id != self.user_id:
            raise NotFound("no such row")
        self.session.delete(row)


def _key(model: type[Any], user_id: uuid.UUID, row_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
    # Primary keys of user-scoped tables are (user_id, <id>), in that order.
    names = [column.name for column in inspect(model).primary_key]
    return tuple(user_id if name == "user_id" else row_id for name in names)
