"""Progress: what a person did with each unit (paths skip what is done and resume where they stopped)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert

from frontier.db.scope import UserScope
from frontier.discovery.content.models import ExplorationUnit
from frontier.discovery.paths.models import ExplorationProgress
from frontier.discovery.paths.schemas import ProgressIn, ProgressOut
from frontier.errors import FieldProblem, InvalidInput


def record_progress(scope: UserScope, data: ProgressIn, now: datetime) -> ProgressOut:
    """Record (or update) the caller's progress on a unit; idempotent per unit."""
    if scope.session.get(ExplorationUnit, data.unit_id) is None:
        raise InvalidInput([FieldProblem("unit_id", "is not a unit of any content")])
    completed = now if data.status == "completed" else None
    values = {
        "user_id": scope.user_id,
        "unit_id": data.unit_id,
        "status": data.status,
        "minutes_spent": data.minutes_spent,
        "started_at": now,
        "completed_at": completed,
    }
    statement = insert(ExplorationProgress).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "unit_id"],
        set_={
            "status": statement.excluded.status,
            "minutes_spent": statement.excluded.minutes_spent,
            "completed_at": statement.excluded.completed_at,
        },
    )
    scope.session.execute(statement)
    return ProgressOut(unit_id=data.unit_id, status=data.status, minutes_spent=data.minutes_spent)
