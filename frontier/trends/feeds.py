"""Private feeds of a person's alerts, reached with a feed token in the URL (Atom)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from feedgen.feed import FeedGenerator
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.accounts.auth import feed_owner
from frontier.api.deps import SessionDep
from frontier.catalog.models import Technology
from frontier.trends.alerts import alert_sentence
from frontier.trends.models import TrendNotification

router = APIRouter(prefix="/feeds", tags=["feeds"])
FEED_SIZE = 100


def alerts_atom(session: Session, user_id: uuid.UUID, base_url: str, self_url: str) -> bytes:
    """The user's latest alerts as an Atom document."""
    rows = session.execute(
        select(TrendNotification, Technology.slug, Technology.name)
        .outerjoin(Technology, Technology.id == TrendNotification.trend_id)
        .where(TrendNotification.user_id == user_id)
        .order_by(TrendNotification.created_at.desc())
        .limit(FEED_SIZE)
    ).all()
    feed = FeedGenerator()
    feed.id(f"urn:frontier:alerts:{user_id}")
    feed.title("Frontier alerts")
    feed.link(href=self_url, rel="self")
    feed.link(href=base_url, rel="alternate")
    if rows:
        feed.updated(rows[0][0].created_at)
    for notification, slug, name in reversed(rows):
        entry = feed.add_entry()
        entry.id(f"urn:frontier:alert:{notification.notification_id}")
        entry.title(notification.title)
        # where the reader goes next: the technology's trend (scores, what moved them), else the feed's home
        entry.link(href=f"{base_url}/api/v1/trends/{slug}" if slug else base_url, rel="alternate")
        entry.updated(notification.created_at)
        sentence = alert_sentence(
            notification.notification_type, name or notification.title, notification.trend_change_details
        )
        entry.content(sentence, type="text")
    xml: bytes = feed.atom_str(pretty=True)
    return xml


@router.get(
    "/{token}/alerts.atom",
    summary="My alerts (Atom, feed token in the path)",
    responses={200: {"content": {"application/atom+xml": {}}}},
)
def alerts(
    request: Request,
    user_id: Annotated[uuid.UUID, Depends(feed_owner)],
    session: SessionDep,
) -> Response:
    """The feed owner's latest alerts. The token is never logged: logs show the route template only."""
    base_url = request.app.state.settings.base_url
    body = alerts_atom(session, user_id, base_url, self_url=f"{base_url}{request.url.path}")
    return Response(body, media_type="application/atom+xml")
