"""The technology catalogue: GET /api/v1/technologies and /api/v1/technologies/{slug}."""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontier.app import create_app
from frontier.db.session import Database
from frontier.demo.loader import DATA, read_catalogue

LIST = "/api/v1/technologies"
CATALOGUE = read_catalogue()
SLUGS = sorted(entry["slug"] for entry in CATALOGUE)


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as test_client:
        yield test_client


def slugs_of(response: Any) -> list[str]:
    return [item["slug"] for item in response.json()["items"]]


def cursor_of(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def assert_invalid(response: Any, field: str) -> None:
    """A 422 problem-details response whose errors name `field`."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422
    assert body["title"]
    assert field in body["detail"]
    assert field in [error["field"] for error in body["errors"]]
    assert all(error["problem"] for error in body["errors"])


def test_demo_catalogue_has_101_technologies() -> None:
    assert len(SLUGS) == 101


def test_default_page_is_the_first_50_technologies_by_slug_with_a_next_cursor(client: TestClient) -> None:
    response = client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert slugs_of(response) == SLUGS[:50]
    assert isinstance(body["next_cursor"], str)
    assert body["next_cursor"]


def test_list_items_carry_the_summary_fields(client: TestClient) -> None:
    item = client.get(LIST, params={"limit": 1}).json()["items"][0]

    assert set(item) == {"id", "slug", "name", "ecosystem", "description", "scores"}


def test_walking_every_page_returns_each_technology_exactly_once(client: TestClient) -> None:
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 30} if cursor is None else {"limit": 30, "cursor": cursor}
        body = client.get(LIST, params=params).json()
        pages += 1
        seen.extend(item["slug"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(body["items"]) == 30
        assert pages < 10, "pagination does not end"

    assert seen == SLUGS
    assert pages == 4


def test_last_page_has_a_null_next_cursor(client: TestClient) -> None:
    first = client.get(LIST, params={"limit": 100}).json()
    last = client.get(LIST, params={"limit": 100, "cursor": first["next_cursor"]}).json()

    assert [item["slug"] for item in last["items"]] == SLUGS[100:]
    assert last["next_cursor"] is None


def test_a_page_exactly_as_long_as_the_list_has_a_null_next_cursor(client: TestClient) -> None:
    body = client.get(LIST, params={"ecosystem": "quantum", "limit": 1}).json()

    assert len(body["items"]) == 1
    assert body["next_cursor"] is None


def test_limit_200_is_accepted(client: TestClient) -> None:
    body = client.get(LIST, params={"limit": 200}).json()

    assert [item["slug"] for item in body["items"]] == SLUGS
    assert body["next_cursor"] is None


def test_ecosystem_filter_returns_only_that_ecosystem(client: TestClient) -> None:
    expected = sorted(e["slug"] for e in CATALOGUE if e["ecosystem"] == "programming_languages")

    body = client.get(LIST, params={"ecosystem": "programming_languages", "limit": 200}).json()

    assert {item["ecosystem"] for item in body["items"]} == {"programming_languages"}
    assert [item["slug"] for item in body["items"]] == expected


def test_ecosystem_without_technologies_returns_an_empty_page(client: TestClient) -> None:
    body = client.get(LIST, params={"ecosystem": "immersive"}).json()

    assert body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("name", "slug"),
    [("golang", "go"), ("c++", "cpp"), ("k8s", "kubernetes"), ("cplusplus", "cpp"), ("c#", "csharp")],
)
def test_name_filter_matches_an_alias(client: TestClient, name: str, slug: str) -> None:
    assert slug in slugs_of(client.get(LIST, params={"name": name}))


def test_name_filter_matches_an_url_encoded_alias(client: TestClient) -> None:
    # c%2B%2B is "c++"; a bare + in a query string would mean a space.
    assert "cpp" in slugs_of(client.get(f"{LIST}?name=c%2B%2B"))


def test_name_filter_matches_part_of_the_name_case_insensitively(client: TestClient) -> None:
    assert slugs_of(client.get(LIST, params={"name": "TypeScr"})) == ["typescript"]


def test_name_filter_with_no_match_returns_an_empty_page(client: TestClient) -> None:
    assert client.get(LIST, params={"name": "zzz-no-such-tech"}).json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("name", ["%", "_", "%%", "_%_", "\\"])
def test_name_filter_treats_like_wildcards_literally(client: TestClient, name: str) -> None:
    assert slugs_of(client.get(LIST, params={"name": name})) == []


def test_name_and_ecosystem_filters_combine(client: TestClient) -> None:
    slugs = slugs_of(client.get(LIST, params={"name": "k8s", "ecosystem": "programming_languages"}))

    assert slugs == []


def test_detail_has_aliases(client: TestClient) -> None:
    body = client.get(f"{LIST}/python").json()

    assert body["slug"] == "python"
    assert body["name"] == "Python"
    assert {"py", "python3", "cpython"} <= set(body["aliases"])
    assert body["aliases"] == sorted(body["aliases"])


def test_detail_has_source_keys(client: TestClient) -> None:
    keys = client.get(f"{LIST}/python").json()["source_keys"]

    assert keys["github_language"] == "Python"
    assert keys["github_repositories"] == ["python/cpython"]
    assert keys["stackoverflow_tag"] == "python"


def test_detail_has_the_github_top100_stars_series(client: TestClient) -> None:
    series = client.get(f"{LIST}/python").json()["series"]

    stars = [s for s in series if s["source"] == "github" and s["metric"] == "top100_stars"]
    assert len(stars) == 1
    assert stars[0]["granularity"] == "month"
    assert stars[0]["points"] > 50
    assert stars[0]["first_period"] < stars[0]["last_period"]
    assert stars[0]["last_value"] > 0


def test_detail_series_last_value_is_the_value_of_the_latest_period(client: TestClient) -> None:
    rows = csv.DictReader((DATA / "repo_monthly.csv").read_text(encoding="utf-8").splitlines())
    latest_month, latest_stars = max(
        (r["month"], float(r["stars"])) for r in rows if r["repo"] == "python/cpython"
    )

    series = client.get(f"{LIST}/python").json()["series"]

    stars = next(s for s in series if s["source"] == "github" and s["metric"] == "stars")
    assert stars["last_period"] == f"{latest_month}-01"
    assert stars["last_value"] == latest_stars


def test_unknown_slug_is_a_404_problem(client: TestClient) -> None:
    response = client.get(f"{LIST}/no-such-technology")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == 404
    assert "no-such-technology" in body["detail"]


@pytest.mark.parametrize("limit", ["0", "201", "-1", "abc", "1.5"])
def test_an_out_of_range_or_non_integer_limit_is_a_422_problem(client: TestClient, limit: str) -> None:
    assert_invalid(client.get(LIST, params={"limit": limit}), "limit")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!not-base64!!!",
        cursor_of({"slug": "go"}),
        cursor_of("go"),
        cursor_of([]),
        cursor_of([None]),
        cursor_of([["nested"]]),
        cursor_of([1]),
        cursor_of(["a", "b"]),
        "x" * 501,
    ],
    ids=[
        "garbage",
        "not-base64",
        "json-object",
        "json-string",
        "empty-list",
        "null-key",
        "nested-list",
        "number-key",
        "two-keys",
        "too-long",
    ],
)
def test_a_cursor_not_made_by_this_list_is_a_422_problem(client: TestClient, cursor: str) -> None:
    assert_invalid(client.get(LIST, params={"cursor": cursor}), "cursor")


def test_an_unknown_ecosystem_is_a_422_problem(client: TestClient) -> None:
    assert_invalid(client.get(LIST, params={"ecosystem": "nonsense"}), "ecosystem")


def test_an_empty_name_is_a_422_problem(client: TestClient) -> None:
    assert_invalid(client.get(LIST, params={"name": ""}), "name")


@pytest.mark.parametrize("slug", ["Python", "py%20thon", "-python", "python-", "py_thon", "a" * 101])
def test_a_slug_not_matching_the_slug_pattern_is_a_422_problem(client: TestClient, slug: str) -> None:
    assert_invalid(client.get(f"{LIST}/{slug}"), "slug")


def test_several_invalid_parameters_are_all_named(client: TestClient) -> None:
    response = client.get(LIST, params={"limit": "0", "ecosystem": "nonsense"})

    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"limit", "ecosystem"}
