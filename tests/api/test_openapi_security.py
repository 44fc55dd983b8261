"""The API describes its own security: the schemes, and on every operation the credentials the server really
enforces (checked route by route against the authorization matrix); 405 answers list every allowed method."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontier.app import create_app
from frontier.db.session import Database

from .conftest import AllowAll
from .test_authorization_matrix import MATRIX, Route

SAFE = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def schema(migrated_engine: Any, pg_server: Any) -> dict[str, Any]:
    app = create_app(Database(url=pg_server.url(), engine=migrated_engine), rate_limiter=AllowAll())
    built: dict[str, Any] = app.openapi()
    return built


def test_the_schema_declares_bearer_token_session_cookie_and_csrf_header(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["personalToken"] == {**schemes["personalToken"], "type": "http", "scheme": "bearer"}
    assert (schemes["sessionCookie"]["in"], schemes["sessionCookie"]["name"]) == (
        "cookie",
        "frontier_session",
    )
    assert (schemes["csrfToken"]["in"], schemes["csrfToken"]["name"]) == ("header", "X-CSRF-Token")


@pytest.mark.parametrize("route", sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)])
def test_each_operation_lists_the_credentials_the_server_enforces(
    schema: dict[str, Any], route: Route
) -> None:
    method, path = route
    operation = schema["paths"][path][method.lower()]
    security = operation.get("security")
    expected = MATRIX[route]
    if expected["anonymous"] == 401:  # the server refuses anonymous callers: credentials are required
        assert security is not None and {} not in security, security
        assert {"personalToken": []} in security
        cookie = {"sessionCookie": []} if method in SAFE else {"sessionCookie": [], "csrfToken": []}
        assert cookie in security
    else:  # anonymous callers are answered: no requirement, or credentials optional
        assert security is None or {} in security, security
    admin_only = expected["owner"] == 403 and expected["admin"] != 403
    assert (operation.get("x-required-role") == "admin") is admin_only


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/api/v1/me", {"GET", "PATCH", "DELETE"}),
        ("PUT", "/api/v1/me/tokens", {"GET", "POST"}),
        ("PATCH", "/api/v1/me/tokens/00000000-0000-0000-0000-000000000000", {"DELETE"}),
        ("DELETE", "/api/v1/technologies", {"GET"}),
    ],
)
def test_a_405_lists_every_method_of_the_path(
    db: Database, method: str, path: str, allowed: set[str]
) -> None:
    with TestClient(create_app(db, rate_limiter=AllowAll())) as client:
        answer = client.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert {m.strip() for m in answer.headers["allow"].split(",")} == allowed
