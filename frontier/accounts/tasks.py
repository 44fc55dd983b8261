"""Account housekeeping: expired browser sessions and old rate-limit windows are removed hourly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import procrastinate
from sqlalchemy import delete

from frontier.accounts.models import UserSession
from frontier.jobs import runtime
from frontier.security.ratelimit import RateLimitCounter

blueprint = procrastinate.Blueprint()


@blueprint.periodic(cron="17 * * * *")
@blueprint.task(name="prune_sessions_and_counters", queue="system")
def prune_sessions_and_counters(timestamp: int) -> None:
    """Delete sessions past their expiry and rate-limit windows older than a day."""
    now = datetime.fromtimestamp(timestamp, UTC)
    with runtime.database().session() as session:
        session.execute(delete(UserSession).where(UserSession.expires_at < now))
        old_windows = RateLimitCounter.window_start < now - timedelta(days=1)
        session.execute(delete(RateLimitCounter).where(old_windows))
