"""Server-side failures: a 500 is logged with its traceback (structured, one line) and never shows it; a
unique violation from a lost race is a 409, wherever it happens."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from frontier.api.deps import SessionDep
from frontier.app import create_app
from frontier.db.session import Database
from frontier.logs import configure_logging

from .conftest import PROBLEM_JSON, AllowAll


@pytest.fixture
def app(db: Database) -> FastAPI:
    app = create_app(db, rate_limiter=AllowAll())

    @app.get("/test/explode")
    def explode() -> None:
        raise RuntimeError("internal detail: token=abc123")

    @app.post("/test/duplicate", status_code=201)
    def duplicate(session: SessionDep) -> dict[str, str]:
        for _ in range(2):  # the second insert loses to the first, as a concurrent request would
            session.execute(
                text(
                    "INSERT INTO technologies (slug, name, ecosystem) "
                    "VALUES ('race-tech', 'Race', 'developer_tools')"
                )
            )
        return {"status": "created"}

    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_500_answers_a_problem_without_the_traceback_or_the_message(client: TestClient) -> None:
    answer = client.get("/test/explode")
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    assert (
        "Traceback" not in answer.text and "abc123" not in answer.text and "RuntimeError" not in answer.text
    )


def test_a_500_is_logged_with_its_traceback_on_one_structured_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        client.get("/test/explode")
    records = [r for r in caplog.records if r.exc_info is not None]
    assert len(records) == 1
    root = logging.getLogger()
    kept = root.handlers[:]
    try:
        configure_logging()
        line = root.handlers[0].format(records[0])
    finally:
        root.handlers = kept
    assert "\n" not in line
    assert "level='error'" in line and "/test/explode" in line
    assert "exception=" in line and "Traceback (most recent call last):" in line and "RuntimeError" in line


def test_a_unique_violation_is_a_409_problem(client: TestClient) -> None:
    answer = client.post("/test/duplicate")
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    assert answer.json()["title"] == "Conflict"
