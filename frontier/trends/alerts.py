"""Follows and alerts: people follow technologies; the trend computation writes their alerts."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from frontier.api.auth import UserScope
from frontier.errors import NotFound
from frontier.trends.models import Technology, TechnologyFollow, TrendNotification
from frontier.trends.trend_schemas import FollowOut, NotificationOut, NotificationUpdate


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


def _out(row: TrendNotification, slug: str | None) -> NotificationOut:
    return NotificationOut(
        id=row.notification_id,
        kind=row.notification_type,
        title=row.title,
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
        .add_columns(Technology.slug)
        .outerjoin(Technology, Technology.id == TrendNotification.trend_id)
        .order_by(TrendNotification.created_at.desc(), TrendNotification.notification_id)
        .limit(limit)
    )
    if unacknowledged_only:
        query = query.where(TrendNotification.user_acknowledged.is_not(True))
    return [_out(row, slug) for row, slug in scope.session.execute(query).all()]


def update_notification(
    scope: UserScope, notification_id: uuid.UUID, data: NotificationUpdate
) -> NotificationOut:
    """Acknowledge an alert and record the caller's response."""
    row = scope.get(TrendNotification, notification_id)
    row.user_acknowledged = data.acknowledged
    if data.response is not None:
        row.user_response = data.response
    scope.session.flush()
    slug = scope.session.scalars(select(Technology.slug).where(Technology.id == row.trend_id)).first()
    return _out(row, slug)
