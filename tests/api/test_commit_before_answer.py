"""An answer never runs ahead of its commit: what a 2xx says is stored is visible to the very next request,
and a commit that fails turns into a 5xx instead of following a success answer."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from frontier.api.deps import SessionDep
from frontier.app import create_app
from frontier.db import migrate
from frontier.db.embedded import EmbeddedPostgres
from frontier.db.session import Database
from tests.api.conftest import PASSWORD, PROBLEM_JSON, AllowAll
from tests.conftest import create_database, drop_database

ROUNDS = 25


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def committed_engine(pg_server: EmbeddedPostgres) -> Iterator[Engine]:
    """A migrated database of this module's own: these tests commit for real (a live server has no outer
    transaction to roll back)."""
    engine = create_database(pg_server, f"t_commit_{uuid.uuid4().hex[:8]}")
    migrate.upgrade(engine)
    yield engine
    drop_database(pg_server, engine)


@pytest.fixture(scope="module")
def live_server(committed_engine: Engine, pg_server: EmbeddedPostgres) -> Iterator[str]:
    """A real uvicorn server over the app (a TestClient waits for the whole ASGI call, so it can't tell
    'answered, then committed' from 'committed, then answered')."""
    app = create_app(
        Database(url=str(committed_engine.url), engine=committed_engine), rate_limiter=AllowAll()
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def signed_in(live_server: str) -> Iterator[httpx.Client]:
    """A client signed in by cookie, with a personal API token to make and revoke others."""
    client = httpx.Client(base_url=live_server, timeout=10)
    email = f"commit-{uuid.uuid4().hex[:8]}@example.org"
    answer = client.post(
        "/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "display_name": "Committer"}
    )
    assert answer.status_code == 201, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    yield client
    client.close()


def test_a_revoked_token_is_refused_by_the_very_next_request(signed_in: httpx.Client) -> None:
    for attempt in range(ROUNDS):
        created = signed_in.post("/api/v1/me/tokens", json={"name": f"revoke {attempt}"})
        assert created.status_code == 201, created.text
        token = created.json()
        assert signed_in.delete(f"/api/v1/me/tokens/{token['id']}").status_code == 204
        after = httpx.get(
            f"{signed_in.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"}
        )
        assert after.status_code == 401, f"round {attempt}: a revoked token still worked"


def test_a_new_token_works_on_the_very_next_request(signed_in: httpx.Client) -> None:
    for attempt in range(ROUNDS):
        created = signed_in.post("/api/v1/me/tokens", json={"name": f"new {attempt}"})
        assert created.status_code == 201, created.text
        after = httpx.get(
            f"{signed_in.base_url}/api/v1/me",
            headers={"Authorization": f"Bearer {created.json()['token']}"},
        )
        assert after.status_code == 200, f"round {attempt}: a new token was refused ({after.text})"


def test_a_failing_commit_answers_5xx_not_success(committed_engine: Engine) -> None:
    app: FastAPI = create_app(
        Database(url=str(committed_engine.url), engine=committed_engine), rate_limiter=AllowAll()
    )

    @app.post("/test/deferred-violation", status_code=201)
    def write_that_fails_at_commit(session: SessionDep) -> dict[str, str]:
        # A deferred foreign key is checked at COMMIT, after the route has returned.
        session.execute(
            text(
                "CREATE TEMP TABLE parent (id int PRIMARY KEY) ON COMMIT DROP;"
                "CREATE TEMP TABLE child (parent int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)"
                " ON COMMIT DROP;"
                "INSERT INTO child VALUES (1)"
            )
        )
        return {"status": "stored"}

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.post("/test/deferred-violation")
    assert answer.status_code >= 500
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    assert "stored" not in answer.text


def _sign_up(url: str, body: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/auth/signup", json=body, timeout=30)


def test_simultaneous_sign_ups_with_one_email_give_one_201_and_409s(live_server: str) -> None:
    for attempt in range(5):
        email = f"twice-{attempt}-{uuid.uuid4().hex[:6]}@example.org"
        body = {"email": email, "password": PASSWORD, "display_name": "Twice"}
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(_sign_up, [live_server] * 3, [body] * 3))
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [201, 409, 409], [a.text for a in answers]
