"""Who is calling: one shared resolution of the caller (API token or session cookie), CSRF protection, the
roles a route needs, the caller's ownership scope (``frontier.db.scope.UserScope``), and what the OpenAPI
schema says about credentials.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.accounts import credentials
from frontier.accounts.models import AccessToken, User, UserSession
from frontier.api.deps import SessionDep, client_address, clock
from frontier.clock import Clock
from frontier.db.base import UserRole
from frontier.db.scope import UserScope
from frontier.errors import NotFound
from frontier.security.ratelimit import API_PER_CALLER, RateLimiter, ip_key

SESSION_COOKIE = "frontier_session"
CSRF_COOKIE = "frontier_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOUCH_EVERY = timedelta(minutes=5)  # last-seen times are refreshed at most this often

M = TypeVar("M")


@dataclass(frozen=True)
class Caller:
    """The identity behind a request."""

    user_id: uuid.UUID | None
    role: UserRole | None
    via: Literal["anonymous", "session", "token"]
    session_id: uuid.UUID | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.admin


ANONYMOUS = Caller(user_id=None, role=None, via="anonymous")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": 'Bearer realm="frontier"'})


def _from_bearer(session: Session, value: str, now: datetime) -> Caller:
    token = credentials.parse(value, credentials.API)
    if token is None:
        raise _unauthorized("the bearer token is malformed")
    row = session.execute(
        select(AccessToken, User.role)
        .join(User, User.id == AccessToken.user_id)
        .where(
            AccessToken.user_id == token.user_id,
            AccessToken.token_hash == token.digest,
            AccessToken.kind == "api",
        )
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise _unauthorized("the bearer token is unknown or revoked")
    access, role = row
    if access.expires_at is not None and access.expires_at <= now:
        raise _unauthorized("the bearer token has expired")
    if access.last_used_at is None or now - access.last_used_at > TOUCH_EVERY:
        access.last_used_at = now
    return Caller(user_id=access.user_id, role=role, via="token")


def _from_cookie(session: Session, value: str, now: datetime) -> tuple[Caller, UserSession] | None:
    token = credentials.parse(value, credentials.SESSION)
    if token is None:
        return None
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.user_id == token.user_id, UserSession.token_hash == token.digest)
    ).first()
    if row is None or row[0].expires_at <= now:
        return None
    browser, user = row
    if now - browser.last_seen_at > TOUCH_EVERY:
        browser.last_seen_at = now
        user.last_seen_at = now
    return Caller(user_id=user.id, role=user.role, via="session", session_id=browser.session_id), browser


def _resolve(
    request: Request,
    session: SessionDep,
    now_clock: Annotated[Clock, Depends(clock)],
) -> Caller:
    # Synchronous (FastAPI runs it in a worker thread): the lookups must not block the event loop.
    now = now_clock.now()
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise _unauthorized("use 'Authorization: Bearer <token>'")
        return _from_bearer(session, value.strip(), now)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = _from_cookie(session, cookie, now)
        if found is not None:
            who, browser = found
            request.state.csrf_expected = browser.csrf_token
            return who
    return ANONYMOUS


async def caller(request: Request, who: Annotated[Caller, Depends(_resolve)]) -> Caller:
    """The caller, from a Bearer token or the session cookie; anonymous otherwise.

    A Bearer header that doesn't check out is refused (401) rather than ignored. Cookie-authenticated
    requests that change state must carry the session's CSRF token (header, or form field for forms).
    """
    if who.via == "session" and request.method not in SAFE_METHODS:
        supplied = request.headers.get(CSRF_HEADER)
        if supplied is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            field = (await request.form()).get("csrf_token")
            supplied = field if isinstance(field, str) else None
        if not supplied or not credentials.same(supplied, request.state.csrf_expected):
            raise HTTPException(403, "missing or wrong CSRF token: send the X-CSRF-Token header from sign-in")
    return who


CallerDep = Annotated[Caller, Depends(caller)]


def require_user(who: CallerDep) -> Caller:
    """The caller, who must be signed in (401 otherwise)."""
    if who.user_id is None:
        raise _unauthorized("sign in, or send 'Authorization: Bearer <token>'")
    return who


def require_admin(who: Annotated[Caller, Depends(require_user)]) -> Caller:
    """The caller, who must be an admin (403 otherwise)."""
    if not who.is_admin:
        raise HTTPException(403, "this action needs the admin role")
    return who


def rate_limit(request: Request, who: CallerDep) -> None:
    """Count the request against the caller's API budget (per account, else per address); 429 when spent."""
    limiter: RateLimiter = request.app.state.rate_limiter
    key = str(who.user_id) if who.user_id else ip_key(client_address(request))
    decision = limiter.hit(API_PER_CALLER, key)
    if not decision.allowed:
        raise HTTPException(
            429, "too many requests; retry later", headers={"Retry-After": str(decision.retry_after)}
        )


def user_scope(who: Annotated[Caller, Depends(require_user)], session: SessionDep) -> UserScope:
    """The ownership scope of the signed-in caller."""
    assert who.user_id is not None
    return UserScope(session, who.user_id)


CurrentUser = Annotated[Caller, Depends(require_user)]
Admin = Annotated[Caller, Depends(require_admin)]
Scope = Annotated[UserScope, Depends(user_scope)]


def feed_owner(
    token: Annotated[str, Path(max_length=120, description="Feed token from POST /api/v1/me/tokens")],
    session: SessionDep,
    now_clock: Annotated[Clock, Depends(clock)],
) -> uuid.UUID:
    """The owner of a feed token in the URL path (feed readers can't send headers); 404 when it's not valid.

    Feed tokens only read feeds: they are never accepted as Bearer tokens, and vice versa.
    """
    presented = credentials.parse(token, credentials.FEED)
    if presented is not None:
        access = session.scalars(
            select(AccessToken).where(
                AccessToken.user_id == presented.user_id,
                AccessToken.token_hash == presented.digest,
                AccessToken.kind == "feed",
                AccessToken.revoked_at.is_(None),
            )
        ).first()
        now = now_clock.now()
        if access is not None and (access.expires_at is None or access.expires_at > now):
            if access.last_used_at is None or now - access.last_used_at > TOUCH_EVERY:
                access.last_used_at = now
            return access.user_id
    raise NotFound("no such feed")


# --- What the OpenAPI schema says about credentials, derived from the dependencies that enforce them ---

BEARER_SCHEME, COOKIE_SCHEME, CSRF_SCHEME = "personalToken", "sessionCookie", "csrfToken"
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    BEARER_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token (POST /api/v1/me/tokens) as `Authorization: Bearer ...`",
    },
    COOKIE_SCHEME: {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The browser session set by sign-in (POST /api/v1/auth/sessions)",
    },
    CSRF_SCHEME: {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": "With the session cookie, every write carries the csrf_token that sign-in returned",
    },
}


def _dependency_calls(dependant: Any) -> set[Any]:
    calls = {dependant.call}
    for sub in dependant.dependencies:
        calls |= _dependency_calls(sub)
    return calls


def security_requirements(
    dependant: Any, methods: set[str]
) -> tuple[list[dict[str, list[str]]] | None, bool]:
    """The OpenAPI security requirements of an operation, and whether it needs the admin role.

    A route that needs a signed-in caller accepts a personal token or the session cookie (with the CSRF
    header for writes); a public route that still reads the caller lists them as optional (``{}`` first).
    """
    calls = _dependency_calls(dependant)
    cookie: dict[str, list[str]] = {COOKIE_SCHEME: []}
    if not methods <= SAFE_METHODS:
        cookie[CSRF_SCHEME] = []
    accepted: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}, cookie]
    if require_user in calls:
        return accepted, require_admin in calls
    if caller in calls:
        return [{}, *accepted], False
    return None, False


def document_security(app: Any) -> None:
    """Declare the security schemes and, on every operation, the credentials its dependencies enforce."""
    from fastapi.routing import iter_route_contexts

    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema: dict[str, Any] = build()
        components = schema.setdefault("components", {})
        if "securitySchemes" in components:  # the cached schema, already documented
            return schema
        components["securitySchemes"] = SECURITY_SCHEMES
        for route in iter_route_contexts(app.routes):  # included routers' routes, with their prefixes
            if getattr(route, "dependant", None) is None or not getattr(route, "include_in_schema", False):
                continue
            methods = set(route.methods or ())
            requirements, admin = security_requirements(route.dependant, methods)
            for method in methods:
                operation = schema["paths"].get(route.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                if requirements is not None:
                    operation["security"] = requirements
                if admin:
                    operation["x-required-role"] = "admin"
                    operation["description"] = (
                        operation.get("description", "") + "\n\nNeeds the admin role."
                    ).strip()
        return schema

    app.openapi = openapi
