"""Follows and alerts: people follow technologies; the trend computation writes their alerts."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from frontier.catalog.models import Technology
from frontier.db.scope import UserScope
from frontier.errors import NotFound
from frontier.trends.models import TechnologyFollow, TrendNotification
from frontier.trends.schemas import FollowOut, NotificationOut, NotificationUpdate


def _technology_id(scope: UserScope, slug: str) -> uuid.UUID:
    found = scope.session.scalars(select(Technology.id).where(Technology.slug == slug)).first()
    if found is None:
        raise NotFound(f"no technology with slug '{slug}'")
    return found


def follow(scope: UserScope, slug: str) -> None:
    """Follow a technology (idempotent)."""
    statement = insert(TechnologyFollow).values(
        user_id=scope.user_id, technology_id=_technology_id(scope, slug)
    )
    scope.session.execute(statement.on_conflict_do_nothing())


def unfollow(scope: UserScope, slug: str) -> None:
    """Stop following a technology (idempotent)."""
    row = scope.session.get(TechnologyFollow, (scope.user_id, _technology_id(scope, slug)))
    if row is not None:
        scope.delete(row)
        scope.session.flush()


def list_follows(scope: UserScope) -> list[FollowOut]:
    """The technologies the caller follows."""
    rows = scope.session.execute(
        scope.select(TechnologyFollow)
        .add_columns(Technology.slug, Technology.name)
        .join(Technology, Technology.id == TechnologyFollow.technology_id)
        .order_by(Technology.slug)
    ).all()
    return [FollowOut(slug=slug, name=name, followed_at=f.created_at) for f, slug, name in rows]


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _in_days(details: dict[str, Any]) -> str:
    """' in 30 days' from the alert's dates (empty when an older alert doesn't have them)."""
    try:
        days = (date.fromisoformat(str(details["on"])) - date.fromisoformat(str(details["since"]))).days
    except (KeyError, ValueError):
        return ""
    return f" in {days} day{'' if days == 1 else 's'}"


def alert_sentence(kind: str, name: str, details: dict[str, Any] | None) -> str:
    """An alert in words: 'Rust moved from mainstream to rising: momentum 6.1 → 7.4 in 30 days'."""
    found = details or {}
    now = _number(found.get("momentum_score"))
    if kind == "momentum_spike":
        before = _number(found.get("month_ago"))
        if now is None or before is None:
            return f"{name}'s momentum jumped"
        return f"{name}'s momentum rose {now - before:.1f} points: {before:.1f} → {now:.1f}{_in_days(found)}"
    if "from" not in found or "to" not in found:
        return name
    sentence = f"{name} moved from {found['from']} to {found['to']}"
    before = _number(found.get("momentum_before"))
    if now is not None and before is not None:
        return f"{sentence}: momentum {before:.1f} → {now:.1f}{_in_days(found)}"
    return sentence + (f" (momentum now {now:.1f})" if now is not None else "")


def _out(row: TrendNotification, slug: str | None, name: str | None) -> NotificationOut:
    return NotificationOut(
        id=row.notification_id,
        kind=row.notification_type,
        title=row.title,
        message=alert_sentence(row.notification_type, name or row.title, row.trend_change_details),
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        technology=slug,
        details=row.trend_change_details,
        created_at=row.created_at,
        acknowledged=bool(row.user_acknowledged),
        response=row.user_response,
    )


def list_notifications(scope: UserScope, unacknowledged_only: bool, limit: int) -> list[NotificationOut]:
    """The caller's alerts, newest first."""
    query = (
        scope.select(TrendNotification)
        .add_columns(Technology.slug, Technology.name)
        .outerjoin(Technology, Technology.id == TrendNotification.trend_id)
        .order_by(TrendNotification.created_at.desc(), TrendNotification.notification_id)
        .limit(limit)
    )
    if unacknowledged_only:
        query = query.where(TrendNotification.user_acknowledged.is_not(True))
    return [_out(row, slug, name) for row, slug, name in scope.session.execute(query).all()]


def update_notification(
    scope: UserScope, notification_id: uuid.UUID, data: NotificationUpdate
) -> NotificationOut:
    """Acknowledge an alert and record the caller's response."""
    row = scope.get(TrendNotification, notification_id)
    row.user_acknowledged = data.acknowledged
    if data.response is not None:
        row.user_response = data.response
    scope.session.flush()
    found = scope.session.execute(
        select(Technology.slug, Technology.name).where(Technology.id == row.trend_id)
    ).first()
    return _out(row, found.slug if found else None, found.name if found else None)
