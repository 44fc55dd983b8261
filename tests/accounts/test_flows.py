"""Accounts end to end through the API: sessions with CSRF, tokens, passwords, export, deletion, roles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from frontier.accounts.models import AccessToken, User
from frontier.app import create_app
from frontier.clock import FixedClock
from frontier.db.session import Database
from frontier.db.system_logs import SystemLog
from frontier.security.ratelimit import Decision, Limit

PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Unlimited:
    """A rate limiter that never limits (these tests are about accounts, not abuse limits)."""

    def hit(self, limit: Limit, key: str) -> Decision:
        return Decision(allowed=True, remaining=limit.count, retry_after=0)

    def reset(self, limit: Limit, key: str) -> None:
        return None


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def client(db: Database, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(db, clock=clock, rate_limiter=Unlimited())) as test_client:
        yield test_client


NEW_PASSWORD = "a brand new long password"


def sign_up(client: TestClient, email: str = "ada@example.org") -> str:
    response = client.post(
        "/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "display_name": "Ada"}
    )
    assert response.status_code == 201, response.text
    csrf: str = response.json()["csrf_token"]
    return csrf


def bearer(client: TestClient, csrf: str, kind: str = "api", **extra: object) -> dict[str, object]:
    response = client.post(
        "/api/v1/me/tokens", json={"name": "script", "kind": kind, **extra}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_sign_up_sets_a_secure_session_cookie_and_a_readable_csrf_cookie(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/signup", json={"email": "ada@example.org", "password": PASSWORD, "display_name": "Ada"}
    )
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("frontier_session="))
    csrf_cookie = next(c for c in cookies if c.startswith("frontier_csrf="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert "HttpOnly" not in csrf_cookie
    assert client.get("/api/v1/me").json()["email"] == "ada@example.org"


def test_cookie_requests_that_change_state_need_the_csrf_token(client: TestClient) -> None:
    csrf = sign_up(client)
    refused = client.patch("/api/v1/me", json={"display_name": "Countess"})
    wrong = client.patch("/api/v1/me", json={"display_name": "Countess"}, headers={"X-CSRF-Token": "nope"})
    accepted = client.patch("/api/v1/me", json={"display_name": "Countess"}, headers={"X-CSRF-Token": csrf})
    assert (refused.status_code, wrong.status_code, accepted.status_code) == (403, 403, 200)
    assert refused.headers["content-type"] == "application/problem+json"
    assert accepted.json()["display_name"] == "Countess"


def test_csrf_token_is_also_accepted_as_a_form_field(client: TestClient) -> None:
    csrf = sign_up(client)
    response = client.request(
        "DELETE",
        "/api/v1/auth/sessions/current",
        data={"csrf_token": csrf},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_password_is_stored_as_argon2id(client: TestClient, db: Database) -> None:
    sign_up(client)
    with db.session() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_and_unknown_email_get_the_same_answer(client: TestClient, db: Database) -> None:
    sign_up(client)
    client.cookies.clear()
    wrong = client.post("/api/v1/auth/sessions", json={"email": "ada@example.org", "password": "x" * 12})
    unknown = client.post("/api/v1/auth/sessions", json={"email": "nobody@example.org", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    with db.session() as session:
        failures = session.scalar(select(func.count()).where(SystemLog.log_type == "sign_in_failed"))
    assert failures == 2


def test_sign_in_is_case_insensitive_on_email_and_audited(client: TestClient, db: Database) -> None:
    sign_up(client)
    client.cookies.clear()
    response = client.post("/api/v1/auth/sessions", json={"email": "ADA@Example.org", "password": PASSWORD})
    assert response.status_code == 200
    with db.session() as session:
        assert session.scalar(select(func.count()).where(SystemLog.log_type == "sign_in")) == 1


def test_api_token_is_shown_once_stored_hashed_and_works_as_bearer(client: TestClient, db: Database) -> None:
    created = bearer(client, sign_up(client))
    token = str(created["token"])
    listed = client.get("/api/v1/me/tokens").json()
    assert token not in str(listed) and listed[0]["hint"] == created["hint"]
    with db.session() as session:
        assert token not in str(session.execute(text("SELECT * FROM access_tokens")).all())
    client.cookies.clear()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["email"] == "ada@example.org"


def test_bearer_requests_need_no_csrf_token(client: TestClient) -> None:
    token = bearer(client, sign_up(client))["token"]
    client.cookies.clear()
    response = client.patch(
        "/api/v1/me", json={"time_zone": "Europe/Paris"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.json()["time_zone"] == "Europe/Paris"


def test_revoked_and_expired_tokens_are_refused(client: TestClient, clock: FixedClock) -> None:
    csrf = sign_up(client)
    revoked = bearer(client, csrf)
    expiring = bearer(client, csrf, expires_in_days=1)
    assert (
        client.delete(f"/api/v1/me/tokens/{revoked['id']}", headers={"X-CSRF-Token": csrf}).status_code == 204
    )
    client.cookies.clear()
    clock.at = NOW + timedelta(days=2)
    for token in (revoked["token"], expiring["token"]):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_bad_bearer_header_is_refused_not_ignored(client: TestClient) -> None:
    sign_up(client)  # a valid session cookie is present too
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer frt_garbage"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_feed_tokens_read_feeds_only_and_api_tokens_are_not_feed_tokens(client: TestClient) -> None:
    csrf = sign_up(client)
    feed = bearer(client, csrf, kind="feed")
    api = bearer(client, csrf)
    assert str(feed["feed_url"]).endswith(f"/feeds/{feed['token']}/alerts.atom")
    client.cookies.clear()
    atom = client.get(f"/feeds/{feed['token']}/alerts.atom")
    assert atom.status_code == 200 and atom.headers["content-type"].startswith("application/atom+xml")
    assert b"<feed" in atom.content
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {feed['token']}"}).status_code == 401
    assert client.get(f"/feeds/{api['token']}/alerts.atom").status_code == 404


def test_changing_password_needs_the_current_one_and_signs_out_other_sessions(
    client: TestClient, db: Database
) -> None:
    csrf = sign_up(client)
    other = TestClient(client.app)
    signed = other.post("/api/v1/auth/sessions", json={"email": "ada@example.org", "password": PASSWORD})
    assert signed.status_code == 200 and other.get("/api/v1/me").status_code == 200
    wrong = client.put(
        "/api/v1/me/password",
        json={"current_password": "not-it-at-all", "new_password": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    changed = client.put(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200 and changed.json()["sessions_ended"] == 1
    assert client.get("/api/v1/me").status_code == 200  # this session stays
    assert other.get("/api/v1/me").status_code == 401  # the other one is signed out


def test_changing_password_revokes_every_api_and_feed_token(client: TestClient) -> None:
    csrf = sign_up(client)
    api, feed = bearer(client, csrf), bearer(client, csrf, kind="feed")
    changed = client.put(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200 and changed.json()["tokens_revoked"] == 2
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {api['token']}"}).status_code == 401
    assert client.get(f"/feeds/{feed['token']}/alerts.atom").status_code == 404
    listed = client.get("/api/v1/me/tokens").json()
    assert len(listed) == 2 and all(token["revoked"] for token in listed)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        (" " * 12, "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("password123456", "too easy to guess"),
        ("qwertyuiop1234", "too easy to guess"),
        ("ada.example1234", "email or name"),
        ("AdaLovelace!2024", "email or name"),
        ("ada@example.org!", "email or name"),
    ],
)
def test_common_and_account_derived_passwords_are_refused(
    client: TestClient, password: str, why: str
) -> None:
    answer = client.post(
        "/api/v1/auth/signup",
        json={"email": "ada@example.org", "password": password, "display_name": "Ada Lovelace"},
    )
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert error["field"] == "password" and why in error["problem"]
    signed_up = client.post(
        "/api/v1/auth/signup",
        json={"email": "ada@example.org", "password": PASSWORD, "display_name": "Ada Lovelace"},
    )
    csrf = signed_up.json()["csrf_token"]
    changed = client.put(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": password},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 422 and changed.json()["errors"][0]["field"] == "new_password"


def test_export_holds_my_rows_and_no_credentials(client: TestClient) -> None:
    csrf = sign_up(client)
    headers = {"X-CSRF-Token": csrf}
    client.put(
        "/api/v1/me/profile",
        json={"primary_focus_areas": ["ai_ml"], "experimental_risk_tolerance": 7},
        headers=headers,
    )
    client.post(
        "/api/v1/me/expertise",
        json={"technology": "python", "current_expertise_level": "deep"},
        headers=headers,
    )
    bearer(client, csrf)
    export = client.get("/api/v1/me/export")
    body = export.json()
    assert export.headers["content-disposition"].startswith("attachment")
    assert body["account"]["email"] == "ada@example.org"
    assert body["tables"]["technology_expertise"][0]["technology_name"] == "python"
    assert body["tables"]["enthusiast_profiles"][0]["experimental_risk_tolerance"] == 7
    flat = str(body)
    assert "argon2" not in flat and "token_hash" not in flat and "password_hash" not in flat


def test_deleting_my_account_removes_every_private_row_in_one_go(client: TestClient, db: Database) -> None:
    csrf = sign_up(client)
    headers = {"X-CSRF-Token": csrf}
    client.post(
        "/api/v1/me/expertise",
        json={"technology": "rust", "current_expertise_level": "surface"},
        headers=headers,
    )
    bearer(client, csrf)
    refused = client.delete("/api/v1/me", params={"confirm_email": "someone@else.org"}, headers=headers)
    assert refused.status_code == 422
    assert (
        client.delete("/api/v1/me", params={"confirm_email": "ADA@example.org"}, headers=headers).status_code
        == 204
    )
    with db.session() as session:
        users = session.scalar(select(func.count()).select_from(User))
        tokens = session.scalar(select(func.count()).select_from(AccessToken))
        expertise = session.scalar(text("SELECT count(*) FROM technology_expertise"))
        linked_logs = session.scalar(select(func.count()).where(SystemLog.user_id.is_not(None)))
        deletions = session.scalar(select(func.count()).where(SystemLog.log_type == "account_deleted"))
    assert (users, tokens, expertise, linked_logs, deletions) == (0, 0, 0, 0, 1)
    assert client.get("/api/v1/me").status_code == 401


def test_deleting_my_account_leaves_no_id_or_address_of_mine_in_the_audit_trail(
    client: TestClient, db: Database
) -> None:
    csrf = sign_up(client)
    me = client.get("/api/v1/me").json()["id"]
    client.post("/api/v1/auth/sessions", json={"email": "ada@example.org", "password": "wrong password!"})
    client.post("/api/v1/auth/sessions", json={"email": "ada@example.org", "password": PASSWORD})
    csrf = client.cookies["frontier_csrf"]
    bearer(client, csrf)
    with db.session() as session:  # an admin's action naming me, in someone else's audit row
        session.add(
            SystemLog(log_type="role_changed", message="role member -> admin", metadata_={"target_user": me})
        )
    client.delete("/api/v1/me", params={"confirm_email": "ada@example.org"}, headers={"X-CSRF-Token": csrf})
    with db.session() as session:
        trail = session.execute(select(SystemLog.log_type, SystemLog.user_id, SystemLog.metadata_)).all()
    assert {"account_created", "sign_in", "sign_in_failed", "token_created"} <= {kind for kind, _, _ in trail}
    assert all(user_id is None for _, user_id, _ in trail)
    text_of_trail = repr([metadata for _, _, metadata in trail])
    assert me not in text_of_trail and "testclient" not in text_of_trail and "script" not in text_of_trail


def test_expertise_refers_to_the_catalogue_and_rejects_unknown_technologies(client: TestClient) -> None:
    headers = {"X-CSRF-Token": sign_up(client)}
    unknown = client.post(
        "/api/v1/me/expertise",
        json={"technology": "no-such-tech", "current_expertise_level": "deep"},
        headers=headers,
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "technology"
    made = client.post(
        "/api/v1/me/expertise",
        json={"technology": "go", "current_expertise_level": "moderate", "confidence_rating": "0.8"},
        headers=headers,
    )
    assert made.status_code == 201 and made.json()["technology"] == "go"
    again = client.post(
        "/api/v1/me/expertise", json={"technology": "go", "current_expertise_level": "deep"}, headers=headers
    )
    assert again.status_code == 409


def test_a_validator_message_reaches_the_caller_without_pydantics_prefix(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/signup",
        json={
            "email": "ada@example.org",
            "password": PASSWORD,
            "display_name": "Ada",
            "time_zone": "Mars/Olympus",
        },
    )

    assert response.status_code == 422
    problem = "is not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)"
    assert response.json()["errors"] == [{"field": "time_zone", "problem": problem}]
    assert response.json()["detail"] == f"time_zone: {problem}"


def make_admin(db: Database, email: str) -> None:
    with db.session() as session:
        session.execute(text("UPDATE users SET role = 'admin' WHERE lower(email) = lower(:e)"), {"e": email})


def test_admin_changes_roles_with_an_audit_trail_but_cannot_demote_themselves(
    client: TestClient, db: Database
) -> None:
    member = TestClient(client.app)
    sign_up(member, "member@example.org")
    member_id = member.get("/api/v1/me").json()["id"]
    csrf = sign_up(client, "root@example.org")
    make_admin(db, "root@example.org")
    headers = {"X-CSRF-Token": csrf}
    promoted = client.patch(f"/api/v1/admin/users/{member_id}", json={"role": "admin"}, headers=headers)
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    me = client.get("/api/v1/me").json()["id"]
    assert (
        client.patch(f"/api/v1/admin/users/{me}", json={"role": "member"}, headers=headers).status_code == 409
    )
    with db.session() as session:
        assert session.scalar(select(func.count()).where(SystemLog.log_type == "role_changed")) == 1


def test_source_api_keys_are_encrypted_and_never_returned(client: TestClient, db: Database) -> None:
    csrf = sign_up(client, "root@example.org")
    make_admin(db, "root@example.org")
    secret = "ghp_supersecretvalue1234567890"
    response = client.post(
        "/api/v1/admin/sources",
        json={
            "source_name": "github",
            "source_type": "github_api",
            "base_url": "https://api.github.com",
            "authentication_type": "bearer_token",
            "api_key": secret,
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201 and response.json()["has_api_key"] is True
    assert secret not in response.text and secret not in client.get("/api/v1/admin/sources").text
    with db.session() as session:
        stored = session.scalar(text("SELECT api_key_encrypted FROM external_data_sources"))
    assert stored.startswith("fv1:") and secret not in stored
    assert client.app.state.secret_box.decrypt(stored) == secret
