"""Schemathesis on a new installation: a migrated database with no demo data (no catalogue, content, scores
or models). Whoever calls (anonymous, a member, an admin), no operation answers 5xx: an empty state is an
ordinary state. The demo's case is test_schemathesis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis import GenerationMode
from sqlalchemy import Engine

from frontier.app import create_app
from frontier.db import migrate
from frontier.db.base import UserRole
from frontier.db.embedded import EmbeddedPostgres
from frontier.db.session import Database
from tests.conftest import create_database, drop_database

from .conftest import Actor, AllowAll, _actor
from .test_schemathesis import ROUTES, fuzz_statuses

pytestmark = pytest.mark.slow  # minutes of fuzzing, backtests or whole-database copies: not in make test-fast

MAX_EXAMPLES = 10


@pytest.fixture(scope="module")
def empty_engine(pg_server: EmbeddedPostgres) -> Iterator[Engine]:
    engine = create_database(pg_server, f"t_empty_{uuid.uuid4().hex[:8]}")
    migrate.upgrade(engine)
    yield engine
    drop_database(pg_server, engine)


@pytest.fixture(scope="module")
def empty_app(empty_engine: Engine) -> tuple[FastAPI, dict[str, Actor | None]]:
    db = Database(url=str(empty_engine.url), engine=empty_engine)
    app = create_app(db, rate_limiter=AllowAll())
    base_url = app.state.settings.base_url
    actors: dict[str, Actor | None] = {
        "anonymous": None,
        "member": _actor(db, "member", UserRole.member, base_url),
        "admin": _actor(db, "admin", UserRole.admin, base_url),
    }
    return app, actors


@pytest.mark.parametrize("actor", ["anonymous", "member", "admin"])
@pytest.mark.parametrize("route", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_no_operation_answers_5xx_on_an_empty_installation(
    empty_app: tuple[FastAPI, dict[str, Actor | None]], route: tuple[str, str], actor: str
) -> None:
    app, actors = empty_app
    caller = actors[actor]
    headers = caller.headers if caller is not None else {}
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[route[1]][route[0]]
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    statuses = fuzz_statuses(strategies, headers, MAX_EXAMPLES)
    assert all(status < 500 for status in statuses)


def test_search_on_an_empty_installation_answers_no_items_and_says_why(
    empty_app: tuple[FastAPI, dict[str, Actor | None]],
) -> None:
    from fastapi.testclient import TestClient

    app, _ = empty_app
    with TestClient(app) as client:
        answer = client.get("/api/v1/search", params={"q": "rust for beginners"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == [] and "frontier demo load" in answer.json()["notice"]
