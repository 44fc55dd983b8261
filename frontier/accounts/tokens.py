"""Personal API tokens and feed tokens: created (shown once), listed, revoked."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_

from frontier.accounts import credentials
from frontier.accounts.models import AccessToken
from frontier.accounts.schemas import TokenCreated, TokenIn, TokenOut
from frontier.db.scope import UserScope
from frontier.db.system_logs import record
from frontier.errors import Conflict

MAX_ACTIVE_TOKENS = 50


def _out(row: AccessToken) -> TokenOut:
    return TokenOut(
        id=row.token_id,
        name=row.name,
        kind=row.kind,
        hint=row.token_hint,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked=row.revoked_at is not None,
    )


def feed_url(base_url: str, token: str) -> str:
    """The private Atom feed of a user's alerts."""
    return f"{base_url}/feeds/{token}/alerts.atom"


def create_token(scope: UserScope, data: TokenIn, now: datetime, base_url: str) -> TokenCreated:
    """A new token for the caller; its value is in the result and nowhere else."""
    active = scope.select(AccessToken).where(
        AccessToken.revoked_at.is_(None), or_(AccessToken.expires_at.is_(None), AccessToken.expires_at > now)
    )
    if len(scope.all(active)) >= MAX_ACTIVE_TOKENS:
        raise Conflict(f"you have {MAX_ACTIVE_TOKENS} active tokens; revoke one before creating another")
    issued = credentials.issue(credentials.API if data.kind == "api" else credentials.FEED, scope.user_id)
    expires = now + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    row = AccessToken(
        kind=data.kind,
        name=data.name,
        token_hash=issued.digest,
        token_hint=issued.hint,
        created_at=now,
        expires_at=expires,
    )
    scope.add(row)
    scope.session.flush()
    record(
        scope.session,
        "token_created",
        f"{data.kind} token created",
        user_id=scope.user_id,
        token_id=str(row.token_id),
        name=data.name,
    )
    return TokenCreated(
        **_out(row).model_dump(),
        token=issued.value,
        feed_url=feed_url(base_url, issued.value) if data.kind == "feed" else None,
    )


def list_tokens(scope: UserScope) -> list[TokenOut]:
    """The caller's tokens, newest first (values are never shown again)."""
    rows = scope.all(scope.select(AccessToken).order_by(AccessToken.created_at.desc(), AccessToken.token_id))
    return [_out(row) for row in rows]


def revoke_token(scope: UserScope, token_id: uuid.UUID, now: datetime) -> None:
    """Revoke one of the caller's tokens (idempotent)."""
    row = scope.get(AccessToken, token_id)
    if row.revoked_at is None:
        row.revoked_at = now
        record(
            scope.session,
            "token_revoked",
            f"{row.kind} token revoked",
            user_id=scope.user_id,
            token_id=str(token_id),
        )
    scope.session.flush()
