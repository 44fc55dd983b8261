"""The authorization matrix: every route of the OpenAPI schema, as anonymous, owner, another member and admin.

Each (route, actor) case runs in a fresh world inside its own rolled-back transaction, so destructive cases
(deleting an account, a token, a source) can't change what a later case sees. Ids in paths are always the
OWNER's rows: another member gets 404 for them (never 403, so ids can't be probed), and so does an admin on
members' routes (/me is always the caller's own). A route of the schema missing from MATRIX fails, and so
does a MATRIX entry for a route that doesn't exist.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from frontier.accounts.auth import CSRF_COOKIE, SESSION_COOKIE
from frontier.accounts.models import AccessToken, TechnologyExpertise, User
from frontier.app import ROUTERS, create_app
from frontier.clock import FixedClock
from frontier.db.base import UserRole
from frontier.db.session import Database
from frontier.ingest.models import ExternalDataSource
from frontier.security.ratelimit import (
    SIGN_IN_PER_ACCOUNT,
    SIGN_IN_PER_ACCOUNT_ADDRESS,
    SIGN_IN_PER_IP,
    Decision,
    Limit,
    PostgresRateLimiter,
    ip_key,
)

from .conftest import PASSWORD, AllowAll, World, assert_no_secrets, assert_problem, stored_secrets

Route = tuple[str, str]
ACTORS = ("anonymous", "owner", "other", "admin")
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def everyone(status: int) -> dict[str, int]:
    """A public route: the same answer for every caller."""
    return dict.fromkeys(ACTORS, status)


def signed_in(status: int) -> dict[str, int]:
    """A route on the caller's own account: any signed-in caller, 401 for anonymous."""
    return {"anonymous": 401, "owner": status, "other": status, "admin": status}


def owners_row(status: int) -> dict[str, int]:
    """A route on one of the owner's rows: only the owner reaches it; everyone else is told it doesn't exist."""
    return {"anonymous": 401, "owner": status, "other": 404, "admin": 404}


def admins_only(status: int) -> dict[str, int]:
    """An admin route: 401 anonymous, 403 for members."""
    return {"anonymous": 401, "owner": 403, "other": 403, "admin": status}


MATRIX: dict[Route, dict[str, int]] = {
    ("GET", "/health"): everyone(200),
    ("GET", "/metrics"): everyone(200),
    ("POST", "/api/v1/auth/signup"): everyone(201),
    ("POST", "/api/v1/auth/sessions"): everyone(200),  # the owner's right credentials, whoever sends them
    ("DELETE", "/api/v1/auth/sessions/current"): everyone(204),
    ("GET", "/api/v1/me"): signed_in(200),
    ("PATCH", "/api/v1/me"): signed_in(200),
    # confirmed with the caller's own email; the only admin must hand the role on first (409)
    ("DELETE", "/api/v1/me"): {**signed_in(204), "admin": 409},
    ("PUT", "/api/v1/me/password"): signed_in(200),
    ("GET", "/api/v1/me/export"): signed_in(200),
    ("GET", "/api/v1/me/profile"): signed_in(200),
    ("PUT", "/api/v1/me/profile"): signed_in(200),
    ("GET", "/api/v1/me/expertise"): signed_in(200),
    ("POST", "/api/v1/me/expertise"): signed_in(201),
    ("GET", "/api/v1/me/expertise/{expertise_id}"): owners_row(200),
    ("PATCH", "/api/v1/me/expertise/{expertise_id}"): owners_row(200),
    ("DELETE", "/api/v1/me/expertise/{expertise_id}"): owners_row(204),
    ("GET", "/api/v1/me/tokens"): signed_in(200),
    ("POST", "/api/v1/me/tokens"): signed_in(201),
    ("DELETE", "/api/v1/me/tokens/{token_id}"): owners_row(204),
    ("GET", "/api/v1/admin/users"): admins_only(200),
    ("PATCH", "/api/v1/admin/users/{user_id}"): admins_only(200),
    ("GET", "/api/v1/admin/sources"): admins_only(200),
    ("POST", "/api/v1/admin/sources"): admins_only(201),
    ("GET", "/api/v1/admin/sources/{source_id}"): admins_only(200),
    ("PATCH", "/api/v1/admin/sources/{source_id}"): admins_only(200),
    ("DELETE", "/api/v1/admin/sources/{source_id}"): admins_only(204),
    ("GET", "/api/v1/admin/sources/{source_id}/schedules"): admins_only(200),
    ("POST", "/api/v1/admin/sources/{source_id}/schedules"): admins_only(201),
    ("GET", "/api/v1/admin/sources/{source_id}/runs"): admins_only(200),
    ("GET", "/api/v1/models"): everyone(200),
    ("POST", "/api/v1/models"): admins_only(201),
    ("GET", "/api/v1/models/{model_id}"): everyone(200),
    ("PATCH", "/api/v1/models/{model_id}"): admins_only(200),
    ("GET", "/api/v1/technologies"): everyone(200),
    ("GET", "/api/v1/technologies/{slug}"): everyone(200),
    ("GET", "/api/v1/trends"): everyone(200),
    ("GET", "/api/v1/trends/{slug}"): everyone(200),
    ("GET", "/api/v1/trends/{slug}/history"): everyone(200),
    ("GET", "/api/v1/me/follows"): signed_in(200),
    ("PUT", "/api/v1/me/follows/{slug}"): signed_in(204),
    ("DELETE", "/api/v1/me/follows/{slug}"): signed_in(204),  # idempotent: not following is fine
    ("GET", "/api/v1/me/notifications"): signed_in(200),
    ("PATCH", "/api/v1/me/notifications/{notification_id}"): owners_row(200),
    ("GET", "/feeds/{token}/alerts.atom"): everyone(200),  # whoever holds the feed URL may read it
    ("GET", "/api/v1/me/exploration-path"): signed_in(200),
    ("GET", "/api/v1/me/contextual-picks"): signed_in(200),
    ("POST", "/api/v1/me/progress"): signed_in(200),  # progress on a public unit, recorded for the caller
    ("GET", "/api/v1/trends/{slug}/forecast"): everyone(200),
    ("GET", "/api/v1/forecast-models"): everyone(200),
    ("GET", "/api/v1/search"): everyone(200),  # public content
}

# Path parameters, by name: always the owner's rows (or rows admins manage).
PATH_VALUES: dict[str, Callable[[World], object]] = {
    "expertise_id": lambda w: w.expertise_id,
    "token_id": lambda w: w.spare_token_id,
    "user_id": lambda w: w.owner.user_id,
    "source_id": lambda w: w.source_id,
    "model_id": lambda w: w.model_id,
    "slug": lambda w: "python",
    "token": lambda w: w.feed_token,
    "notification_id": lambda w: w.notification_id,
}
# Routes that answer anyone holding a secret URL with the owner's rows (the feed token is the credential).
READ_BY_URL = {("GET", "/feeds/{token}/alerts.atom")}

Body = Callable[[World, str], Any]


def _any_unit(w: World) -> str:
    with w.db.session() as session:
        return str(session.scalar(text("SELECT unit_id FROM exploration_units ORDER BY unit_id LIMIT 1")))


BODIES: dict[Route, Body] = {
    ("POST", "/api/v1/me/progress"): lambda w, a: {"unit_id": _any_unit(w), "status": "completed"},
    ("POST", "/api/v1/auth/signup"): lambda w, a: {
        "email": f"new-{a}-{uuid.uuid4().hex[:6]}@example.com",
        "password": PASSWORD,
        "display_name": f"New {a}",
    },
    ("POST", "/api/v1/auth/sessions"): lambda w, a: {"email": w.owner.email, "password": PASSWORD},
    ("PATCH", "/api/v1/me"): lambda w, a: {"display_name": f"Renamed {a}", "time_zone": "Europe/Paris"},
    ("PUT", "/api/v1/me/password"): lambda w, a: {
        "current_password": PASSWORD,
        "new_password": "a brand new long password",
    },
    ("PUT", "/api/v1/me/profile"): lambda w, a: {
        "primary_focus_areas": ["ai_ml", "systems"],
        "exploration_style": ["hands_on"],
        "curiosity_drivers": ["performance"],
        "current_expertise_level": "moderate",
        "experimental_risk_tolerance": 7,
        "weekly_exploration_minutes": 180,
    },
    ("POST", "/api/v1/me/expertise"): lambda w, a: {"technology": "rust", "current_expertise_level": "deep"},
    ("PATCH", "/api/v1/me/expertise/{expertise_id}"): lambda w, a: {
        "current_expertise_level": "expert",
        "confidence_rating": "0.9",
    },
    ("POST", "/api/v1/me/tokens"): lambda w, a: {"name": f"{a} laptop", "kind": "api", "expires_in_days": 30},
    ("PATCH", "/api/v1/admin/users/{user_id}"): lambda w, a: {"role": "admin"},
    ("POST", "/api/v1/admin/sources"): lambda w, a: {
        "source_name": f"new source of {a}",
        "source_type": "rss_feed",
        "base_url": "https://example.com/feed.xml",
    },
    ("PATCH", "/api/v1/admin/sources/{source_id}"): lambda w, a: {"rate_limit_per_hour": 100},
    ("POST", "/api/v1/admin/sources/{source_id}/schedules"): lambda w, a: {
        "sync_schedule_cron": "0 3 * * *",
        "data_types_to_sync": ["topics"],
    },
    ("POST", "/api/v1/models"): lambda w, a: {
        "model_name": f"new model of {a}",
        "version": "2.0",
        "model_type": "forecasting",
    },
    ("PATCH", "/api/v1/models/{model_id}"): lambda w, a: {"is_active": False, "accuracy_score": "0.8125"},
    ("PATCH", "/api/v1/me/notifications/{notification_id}"): lambda w, a: {
        "acknowledged": True,
        "response": {"action": "explored"},
    },
}

QUERIES: dict[Route, Callable[[World, str], dict[str, str]]] = {
    ("GET", "/api/v1/search"): lambda w, a: {"q": "learn python"},
    ("DELETE", "/api/v1/me"): lambda w, a: {
        "confirm_email": actor.email if (actor := w.actor(a)) else "nobody@example.com"
    },
}


def routes_of(app: FastAPI) -> set[Route]:
    """(METHOD, path template) of every operation in the app's OpenAPI schema."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def _routers_only() -> set[Route]:
    # The same routers create_app mounts, read at collection time (no settings, no database): a new route
    # becomes a failing case of its own below; test_matrix_matches_the_openapi_schema checks the real app.
    probe = FastAPI()
    for router in ROUTERS:
        probe.include_router(router)
    return routes_of(probe)


ALL_ROUTES = sorted(MATRIX.keys() | _routers_only())


def url_of(template: str, world: World) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(PATH_VALUES[m.group(1)](world)), template)


def call(world: World, route: Route, actor: str) -> Any:
    method, template = route
    body = BODIES.get(route)
    query = QUERIES.get(route)
    return world.client.request(
        method,
        url_of(template, world),
        headers=world.headers(actor),
        json=body(world, actor) if body else None,
        params=query(world, actor) if query else None,
    )


def test_matrix_matches_the_openapi_schema(db: Database) -> None:
    app = create_app(db, rate_limiter=AllowAll())
    routes = routes_of(app)

    missing = sorted(routes - MATRIX.keys())
    unknown = sorted(MATRIX.keys() - routes)
    assert not missing, f"routes of the OpenAPI schema missing from MATRIX: {missing}"
    assert not unknown, f"MATRIX lists routes the app doesn't have: {unknown}"
    for route in MATRIX:
        assert set(MATRIX[route]) == set(ACTORS), route
        params = set(re.findall(r"\{(\w+)\}", route[1]))
        assert params <= PATH_VALUES.keys(), f"no value for path parameters {params - PATH_VALUES.keys()}"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", ALL_ROUTES, ids=[f"{m} {p}" for m, p in ALL_ROUTES])
def test_route_answers_each_actor_as_the_matrix_says(world: World, route: Route, actor: str) -> None:
    expected = MATRIX.get(route)
    if expected is None:
        pytest.fail(f"{route[0]} {route[1]} is not in MATRIX: add the expected status for every actor")
    private_ids = [
        str(world.expertise_id),
        str(world.spare_token_id),
        str(world.feed_token_id),
        str(world.notification_id),
    ]

    response = call(world, route, actor)

    assert response.status_code == expected[actor], (
        f"{route[0]} {route[1]} as {actor}: expected {expected[actor]}, got {response.status_code}: "
        f"{response.text[:300]}"
    )
    if response.status_code >= 400:
        assert_problem(response)
    if response.status_code == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    if actor != "owner" and response.status_code < 300 and route not in READ_BY_URL:
        leaked = [row_id for row_id in private_ids if row_id in response.text]
        assert not leaked, f"{actor} read the owner's private rows {leaked} through {route}"
    assert_no_secrets(response, stored_secrets(world.db))


# --- Beyond the status codes: what the matrix's answers mean. ---


def test_another_members_row_is_neither_read_nor_changed_nor_deleted(world: World) -> None:
    url = f"/api/v1/me/expertise/{world.expertise_id}"
    for actor in ("other", "admin"):
        headers = world.headers(actor)
        assert (
            world.client.patch(url, json={"current_expertise_level": "expert"}, headers=headers).status_code
            == 404
        )
        assert world.client.delete(url, headers=headers).status_code == 404
        revoke = world.client.delete(f"/api/v1/me/tokens/{world.spare_token_id}", headers=headers)
        assert revoke.status_code == 404

    owner = world.client.get(url, headers=world.owner.headers)
    assert owner.status_code == 200
    assert owner.json()["current_expertise_level"] == "surface"
    tokens = world.client.get("/api/v1/me/tokens", headers=world.owner.headers).json()
    assert {t["id"]: t["revoked"] for t in tokens}[str(world.spare_token_id)] is False


def test_a_missing_id_and_another_members_id_answer_the_same(world: World) -> None:
    other_headers = world.other.headers
    theirs = world.client.get(f"/api/v1/me/expertise/{world.expertise_id}", headers=other_headers)
    missing = world.client.get(f"/api/v1/me/expertise/{uuid.uuid4()}", headers=other_headers)

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["title"] == missing.json()["title"]


def test_admins_see_only_their_own_rows_through_members_routes(world: World) -> None:
    headers = world.admin.headers
    assert world.client.get("/api/v1/me/expertise", headers=headers).json() == []
    token_ids = {t["id"] for t in world.client.get("/api/v1/me/tokens", headers=headers).json()}
    assert str(world.spare_token_id) not in token_ids
    export = world.client.get("/api/v1/me/export", headers=headers).json()
    assert export["account"]["email"] == world.admin.email
    assert str(world.owner.user_id) not in str(export["tables"])


def test_deleting_an_account_needs_the_callers_own_email(world: World) -> None:
    response = world.client.delete(
        "/api/v1/me", params={"confirm_email": world.owner.email}, headers=world.other.headers
    )

    assert response.status_code == 422
    assert world.count(User, User.id == world.owner.user_id) == 1
    assert world.count(User, User.id == world.other.user_id) == 1


def test_deleting_an_account_removes_its_rows_and_its_tokens_stop_working(world: World) -> None:
    response = world.client.delete(
        "/api/v1/me", params={"confirm_email": world.owner.email.upper()}, headers=world.owner.headers
    )

    assert response.status_code == 204
    assert world.count(User, User.id == world.owner.user_id) == 0
    assert world.count(TechnologyExpertise, TechnologyExpertise.user_id == world.owner.user_id) == 0
    assert world.count(AccessToken, AccessToken.user_id == world.owner.user_id) == 0
    assert world.client.get("/api/v1/me", headers=world.owner.headers).status_code == 401
    assert world.client.get(f"/feeds/{world.feed_token}/alerts.atom").status_code == 404
    assert world.client.get("/api/v1/me", headers=world.other.headers).status_code == 200


def test_members_cannot_give_themselves_the_admin_role(world: World) -> None:
    response = world.client.patch(
        f"/api/v1/admin/users/{world.owner.user_id}", json={"role": "admin"}, headers=world.owner.headers
    )

    assert response.status_code == 403
    with world.db.session() as session:
        assert session.scalar(select(User.role).where(User.id == world.owner.user_id)) == UserRole.member


def test_a_role_change_takes_effect_on_the_next_request(world: World) -> None:
    assert world.client.get("/api/v1/admin/users", headers=world.other.headers).status_code == 403

    promoted = world.client.patch(
        f"/api/v1/admin/users/{world.other.user_id}", json={"role": "admin"}, headers=world.admin.headers
    )

    assert promoted.status_code == 200
    assert promoted.json()["role"] == "admin"
    assert world.client.get("/api/v1/admin/users", headers=world.other.headers).status_code == 200


def test_an_admin_cannot_remove_their_own_admin_role(world: World) -> None:
    response = world.client.patch(
        f"/api/v1/admin/users/{world.admin.user_id}", json={"role": "member"}, headers=world.admin.headers
    )

    assert_problem(response, 409)


def test_an_unknown_user_id_is_404_for_admins(world: World) -> None:
    response = world.client.patch(
        f"/api/v1/admin/users/{uuid.uuid4()}", json={"role": "admin"}, headers=world.admin.headers
    )

    assert_problem(response, 404)


def test_sign_in_with_a_wrong_password_or_unknown_email_is_the_same_401(world: World) -> None:
    wrong = world.client.post(
        "/api/v1/auth/sessions", json={"email": world.owner.email, "password": "nope" * 4}
    )
    unknown = world.client.post(
        "/api/v1/auth/sessions", json={"email": "nobody@example.com", "password": "nope" * 4}
    )

    assert_problem(wrong, 401)
    assert_problem(unknown, 401)
    assert wrong.json() == unknown.json()
    assert SESSION_COOKIE not in wrong.cookies


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer frt_" + "0" * 32 + "x" * 43,  # well formed, unknown
    ],
)
def test_a_bad_authorization_header_is_401_even_on_public_routes(world: World, authorization: str) -> None:
    for url in ("/api/v1/me", "/api/v1/technologies"):
        response = world.client.get(url, headers={"Authorization": authorization})
        assert_problem(response, 401)


def test_a_revoked_api_token_stops_working(world: World) -> None:
    created = world.client.post(
        "/api/v1/me/tokens", json={"name": "temp"}, headers=world.owner.headers
    ).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert world.client.get("/api/v1/me", headers=headers).status_code == 200

    assert (
        world.client.delete(f"/api/v1/me/tokens/{created['id']}", headers=world.owner.headers).status_code
        == 204
    )

    assert_problem(world.client.get("/api/v1/me", headers=headers), 401)


def test_an_expired_api_token_is_refused(world: World) -> None:
    created = world.client.post(
        "/api/v1/me/tokens", json={"name": "short", "expires_in_days": 1}, headers=world.owner.headers
    ).json()
    later = create_app(
        world.db, clock=FixedClock(datetime.now(UTC) + timedelta(days=2)), rate_limiter=AllowAll()
    )

    with TestClient(later) as client:
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})

    assert_problem(response, 401)


def test_feed_tokens_and_api_tokens_are_not_interchangeable(world: World) -> None:
    as_bearer = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.feed_token}"})
    as_feed = world.client.get(f"/feeds/{world.owner.token}/alerts.atom")

    assert_problem(as_bearer, 401)
    assert_problem(as_feed, 404)


@pytest.mark.parametrize(
    "token",
    # fixed values: every xdist worker must collect the same test ids
    ["nope", "frf_" + "0" * 32 + "x" * 43, "frf_" + "5f2b9c0e" * 4 + "x" * 43, "%00", "x" * 120],
    ids=["not-a-token", "no-such-user", "unknown-user", "nul", "too-long"],
)
def test_an_invalid_feed_token_is_404(world: World, token: str) -> None:
    assert_problem(world.client.get(f"/feeds/{token}/alerts.atom"), 404)


def test_a_revoked_feed_token_is_404(world: World) -> None:
    url = f"/feeds/{world.feed_token}/alerts.atom"
    assert world.client.get(url).status_code == 200

    revoked = world.client.delete(f"/api/v1/me/tokens/{world.feed_token_id}", headers=world.owner.headers)

    assert revoked.status_code == 204
    assert_problem(world.client.get(url), 404)


# --- Browser sessions: the cookie works, and changes need the CSRF token. ---

CSRF_EXEMPT = {
    ("POST", "/api/v1/auth/signup"),
    ("POST", "/api/v1/auth/sessions"),
}  # no caller: nothing to forge


def _browser(world: World) -> tuple[TestClient, str]:
    """A client signed in as the owner with a session cookie; returns it and the CSRF token."""
    client = TestClient(world.app)
    signed_in = client.post("/api/v1/auth/sessions", json={"email": world.owner.email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    assert SESSION_COOKIE in client.cookies and CSRF_COOKIE in client.cookies
    return client, signed_in.json()["csrf_token"]


@pytest.mark.parametrize(
    "route", [r for r in sorted(MATRIX) if r[0] not in ("GET", "HEAD") and r not in CSRF_EXEMPT]
)
def test_cookie_requests_that_change_state_need_the_csrf_token(world: World, route: Route) -> None:
    client, _ = _browser(world)
    body = BODIES.get(route)
    query = QUERIES.get(route)

    response = client.request(
        route[0],
        url_of(route[1], world),
        json=body(world, "owner") if body else None,
        params=query(world, "owner") if query else None,
    )

    assert_problem(response, 403)
    assert "CSRF" in response.json()["detail"]


def test_a_cookie_request_with_the_csrf_token_goes_through(world: World) -> None:
    client, csrf = _browser(world)

    wrong = client.patch("/api/v1/me", json={"display_name": "X"}, headers={"X-CSRF-Token": "not-it"})
    right = client.patch("/api/v1/me", json={"display_name": "Browser"}, headers={"X-CSRF-Token": csrf})

    assert_problem(wrong, 403)
    assert right.status_code == 200
    assert right.json()["display_name"] == "Browser"
    assert client.get("/api/v1/me").json()["email"] == world.owner.email  # safe methods need no token


def test_signing_out_ends_the_browser_session(world: World) -> None:
    client, csrf = _browser(world)

    cookie = client.cookies[SESSION_COOKIE]

    out = client.delete("/api/v1/auth/sessions/current", headers={"X-CSRF-Token": csrf})

    assert out.status_code == 204
    assert SESSION_COOKIE not in client.cookies
    replayed = TestClient(world.app).get("/api/v1/me", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
    assert_problem(replayed, 401)  # the server forgot the session: the old cookie no longer works


def test_the_cookie_session_does_not_open_admin_routes_to_members(world: World) -> None:
    client, _ = _browser(world)

    assert_problem(client.get("/api/v1/admin/sources"), 403)
    assert world.count(ExternalDataSource) >= 1


# --- Rate limits: the real PostgreSQL limiter on sign-in, and which routes are limited at all ---


class DenyAll:
    """A limiter whose budget is always spent."""

    def hit(self, limit: Limit, key: str) -> Decision:
        return Decision(allowed=False, remaining=0, retry_after=7)

    def reset(self, limit: Limit, key: str) -> None:
        return None


# Not counted against any budget: operations probes, signing out, and feeds (256-bit tokens can't be guessed).
NOT_RATE_LIMITED = {
    ("GET", "/health"),
    ("GET", "/metrics"),
    ("DELETE", "/api/v1/auth/sessions/current"),
    ("GET", "/feeds/{token}/alerts.atom"),
}


@pytest.mark.parametrize("route", sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)])
def test_every_other_route_answers_429_with_retry_after_when_the_budget_is_spent(
    world: World, route: Route
) -> None:
    with TestClient(create_app(world.db, rate_limiter=DenyAll())) as client:
        actor = "admin" if MATRIX[route]["admin"] < 400 else "owner"
        body = BODIES.get(route)
        query = QUERIES.get(route)
        response = client.request(
            route[0],
            url_of(route[1], world),
            headers=world.headers(actor),
            json=body(world, actor) if body else None,
            params=query(world, actor) if query else None,
        )

    if route in NOT_RATE_LIMITED:
        assert response.status_code == MATRIX[route][actor], response.text[:300]
    else:
        assert_problem(response, 429)
        assert response.headers["retry-after"] == "7"


def _window_of_our_own() -> int:
    # A fixed instant in a random hour far from now, so no other run's counts are in its windows.
    return 4_102_444_800 + secrets.randbelow(10**6) * 3600 + 120  # after 2100-01-01, 2 min into an hour


def _forget_sign_ins(limiter: PostgresRateLimiter, emails: list[str], addresses: list[str]) -> None:
    for email in emails:
        limiter.reset(SIGN_IN_PER_ACCOUNT, email.lower())
        for address in addresses:
            limiter.reset(SIGN_IN_PER_ACCOUNT_ADDRESS, f"{email.lower()} {ip_key(address)}")
    for address in addresses:
        limiter.reset(SIGN_IN_PER_IP, ip_key(address))


def test_the_postgres_limiter_answers_429_with_retry_after_after_ten_failed_sign_ins_from_one_address(
    world: World, migrated_engine: Engine
) -> None:
    instant = _window_of_our_own()
    limiter = PostgresRateLimiter(migrated_engine, clock=lambda: float(instant))
    email = world.owner.email  # unique per run (uuid in it)
    wrong = {"email": email, "password": "not the password at all"}
    try:
        with TestClient(create_app(world.db, rate_limiter=limiter)) as client:
            failures = [
                client.post("/api/v1/auth/sessions", json=wrong)
                for _ in range(SIGN_IN_PER_ACCOUNT_ADDRESS.count)
            ]
            limited = client.post("/api/v1/auth/sessions", json=wrong)
            even_right = client.post("/api/v1/auth/sessions", json={"email": email, "password": PASSWORD})
            someone_else = client.post(
                "/api/v1/auth/sessions", json={"email": world.other.email, "password": PASSWORD}
            )
    finally:
        _forget_sign_ins(limiter, [email, world.other.email], ["testclient"])

    assert [r.status_code for r in failures] == [401] * SIGN_IN_PER_ACCOUNT_ADDRESS.count
    for response in (limited, even_right):
        assert_problem(response, 429)
        retry_after = int(response.headers["retry-after"])
        assert 0 < retry_after <= SIGN_IN_PER_ACCOUNT_ADDRESS.window_seconds
    # 120 s into a 900 s window (the hour is a multiple of 900 s): 780 s left.
    assert int(limited.headers["retry-after"]) == SIGN_IN_PER_ACCOUNT_ADDRESS.window_seconds - 120
    assert SESSION_COOKIE not in even_right.cookies
    assert someone_else.status_code == 200  # the account limit is per account


def test_a_strangers_failed_sign_ins_never_lock_the_owner_out(world: World, migrated_engine: Engine) -> None:
    instant = _window_of_our_own()
    limiter = PostgresRateLimiter(migrated_engine, clock=lambda: float(instant))
    email = world.owner.email
    owner_address, strangers = "198.51.100.7", [f"203.0.113.{n}" for n in range(1, 12)]
    app = create_app(world.db, rate_limiter=limiter)
    right = {"email": email, "password": PASSWORD}
    try:
        with TestClient(app, client=(owner_address, 5000)) as owner:
            assert owner.post("/api/v1/auth/sessions", json=right).status_code == 200  # a known address
            for stranger in strangers:  # 11 addresses x 10 failures: past the account's 100 an hour
                with TestClient(app, client=(stranger, 5000)) as guesser:
                    for _ in range(SIGN_IN_PER_ACCOUNT_ADDRESS.count):
                        guesser.post("/api/v1/auth/sessions", json={"email": email, "password": "guess " * 3})
                    assert guesser.post("/api/v1/auth/sessions", json=right).status_code == 429
            with TestClient(app, client=("192.0.2.99", 5000)) as new_place:
                unknown_address = new_place.post("/api/v1/auth/sessions", json=right)
            signed_in = owner.post("/api/v1/auth/sessions", json=right)
    finally:
        _forget_sign_ins(limiter, [email], [owner_address, "192.0.2.99", *strangers])
    assert signed_in.status_code == 200, signed_in.text
    assert_problem(unknown_address, 429)  # the account is under attack: only known addresses get through
