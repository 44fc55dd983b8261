"""A member's own data: export everything (JSON) or delete the account in one transaction.

Both walk every table that has a ``user_id`` column, so tables added by later features are covered without
changes here. Deletion removes every row the user owns, public contributions included (the README says so);
audit rows keep the event but lose the link to the person.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.orm import Session

from frontier.accounts.models import User
from frontier.db.base import Base, UserRole
from frontier.db.system_logs import SystemLog, record
from frontier.errors import Conflict, NotFound

# Never exported: credentials and their digests.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "csrf_token"})
# Kept on deletion, with the person's link removed: the trail of what happened stays auditable.
ANONYMISED_TABLES = frozenset({"system_logs"})
# Audit metadata that would point back to the person: where they signed in from, what they named things.
PERSONAL_AUDIT_KEYS = ("address", "name", "email", "user_agent", "token_id")


def _owned_tables() -> list[Table]:
    # Dependents before the tables they refer to, so deletes never trip a foreign key. Every domain's tables
    # are in the metadata once frontier.app is imported, which every entry point does (API, CLI, worker).
    tables = reversed(Base.metadata.sorted_tables)
    return [t for t in tables if "user_id" in t.c and t.name not in ANONYMISED_TABLES]


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def export_data(session: Session, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything stored about the user, by table, without credentials."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    account = {c.name: _plain(getattr(user, c.key)) for c in User.__table__.c if c.name not in SECRET_COLUMNS}
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _owned_tables():
        rows = session.execute(select(table).where(table.c.user_id == user_id)).mappings().all()
        tables[table.name] = [
            {k: _plain(v) for k, v in row.items() if k not in SECRET_COLUMNS} for row in rows
        ]
    audit = session.execute(
        select(SystemLog.log_type, SystemLog.message, SystemLog.created_at).where(
            SystemLog.user_id == user_id
        )
    ).all()
    tables["system_logs"] = [
        {"log_type": kind, "message": message, "created_at": at.isoformat()} for kind, message, at in audit
    ]
    return {"format": "frontier-export/1", "account": account, "tables": tables}


def delete_account(session: Session, user_id: uuid.UUID) -> dict[str, int]:
    """Delete the account and every row it owns in the caller's transaction; returns rows removed by table."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    if user.role == UserRole.admin:
        others = select(func.count()).select_from(User).where(User.role == UserRole.admin, User.id != user_id)
        if not session.scalar(others):
            raise Conflict("you are the only admin: make someone else an admin before deleting your account")
    removed: dict[str, int] = {}
    for table in _owned_tables():
        result = session.execute(delete(table).where(table.c.user_id == user_id))
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            removed[table.name] = count
    _unlink_audit(session, user_id)
    session.execute(delete(User).where(User.id == user_id))
    record(session, "account_deleted", "account deleted", rows_removed=sum(removed.values()))
    return removed


def _unlink_audit(session: Session, user_id: uuid.UUID) -> None:
    """The person's audit rows keep their event and time but lose the link and the personal metadata; rows of
    others that name the person by id (an admin's role change) lose that value."""
    session.execute(
        text(
            "UPDATE system_logs SET user_id = NULL, metadata = metadata - CAST(:keys AS text[]) "
            "WHERE user_id = :who"
        ),
        {"who": user_id, "keys": list(PERSONAL_AUDIT_KEYS)},
    )
    session.execute(
        text(
            "UPDATE system_logs SET metadata = metadata - ARRAY("
            "  SELECT key FROM jsonb_each_text(metadata) WHERE value = :who) "
            "WHERE EXISTS (SELECT 1 FROM jsonb_each_text(metadata) WHERE value = :who)"
        ),
        {"who": str(user_id)},
    )
