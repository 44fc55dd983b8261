"""/health, /metrics, request ids and the API docs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from frontier.app import create_app
from frontier.db import migrate
from frontier.db.session import Database


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as test_client:
        yield test_client


def request_counts(client: TestClient) -> dict[tuple[str, str, str], float]:
    """frontier_http_requests_total samples as {(method, route, status): count}."""
    counts = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "frontier_http_requests_total":
                labels = sample.labels
                counts[(labels["method"], labels["route"], labels["status"])] = sample.value
    return counts


def test_health_is_ok_when_the_database_answers_at_the_head_revision(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "reachable"
    assert body["migration"] == {
        "current": migrate.head_revision(),
        "head": migrate.head_revision(),
        "up_to_date": True,
    }


def test_health_reports_an_external_database_as_not_embedded(db: Database, client: TestClient) -> None:
    assert db.embedded is None

    assert client.get("/health").json()["embedded"] is False


def test_health_reports_the_postgresql_18_server_version(client: TestClient) -> None:
    assert client.get("/health").json()["server_version"].startswith("18")


def test_health_is_503_migration_required_on_an_unmigrated_database(empty_database: Engine) -> None:
    database = Database(url=empty_database.url.render_as_string(hide_password=False), engine=empty_database)

    response = TestClient(create_app(database)).get("/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "migration_required"
    assert body["database"] == "reachable"
    assert body["migration"]["current"] is None
    assert body["migration"]["up_to_date"] is False


def test_metrics_answer_in_prometheus_text_format(client: TestClient) -> None:
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert "# TYPE frontier_http_requests_total counter" in response.text
    assert list(text_string_to_metric_families(response.text))


def test_metrics_count_a_request_under_its_route(client: TestClient) -> None:
    client.get("/api/v1/technologies")

    assert request_counts(client)[("GET", "/api/v1/technologies", "200")] == 1


def test_metrics_label_a_request_by_route_template_not_raw_path(client: TestClient) -> None:
    client.get("/api/v1/technologies/python")
    client.get("/api/v1/technologies/go")

    counts = request_counts(client)
    assert counts[("GET", "/api/v1/technologies/{slug}", "200")] == 2
    assert not any("python" in route or route == "/api/v1/technologies/go" for _, route, _ in counts)


def test_metrics_label_a_path_matching_no_route_as_unmatched(client: TestClient) -> None:
    client.get("/no/such/page/12345")

    counts = request_counts(client)
    assert counts[("GET", "unmatched", "404")] == 1
    assert not any("12345" in route for _, route, _ in counts)


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    for path in ("/health", "/metrics", "/api/v1/technologies", "/api/v1/technologies/nope", "/missing"):
        assert client.get(path).headers.get("X-Request-ID"), path


def test_a_generated_request_id_is_new_for_each_request(client: TestClient) -> None:
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]

    assert first != second


def test_a_well_formed_incoming_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/health", headers={"X-Request-ID": "abc-123_DEF.456"})

    assert response.headers["X-Request-ID"] == "abc-123_DEF.456"


@pytest.mark.parametrize(
    "supplied",
    ["bad id\n", "abc\n", "x" * 200, "a;b", "<script>", "é".encode(), ""],
    ids=["space-newline", "trailing-newline", "200-chars", "semicolon", "markup", "non-ascii", "empty"],
)
def test_a_malformed_incoming_request_id_is_replaced(client: TestClient, supplied: str | bytes) -> None:
    response = client.get("/health", headers={"X-Request-ID": supplied})

    request_id = response.headers["X-Request-ID"]
    assert request_id.isalnum()
    assert len(request_id) == 32
    assert request_id not in (supplied, "abc", "é")


def test_an_unexpected_error_is_a_500_problem_with_a_request_id_and_counted(db: Database) -> None:
    app: FastAPI = create_app(db)

    @app.get("/test-only/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/test-only/boom", headers={"X-Request-ID": "req-500"})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 500
    assert "boom" not in response.text
    assert response.headers["X-Request-ID"] == "req-500"
    assert request_counts(client)[("GET", "/test-only/boom", "500")] == 1


def test_swagger_docs_are_served(client: TestClient) -> None:
    response = client.get("/docs")

    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/openapi.json" in response.text


def test_openapi_schema_lists_the_routes(client: TestClient) -> None:
    response = client.get("/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/health", "/metrics", "/api/v1/technologies", "/api/v1/technologies/{slug}"} <= set(paths)
