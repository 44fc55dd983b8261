"""The server's own pages work offline (every asset is served from the package) and every answer carries the
security headers; private answers are never stored by a cache."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from frontier.api.middleware import API_CSP, PAGE_CSP

from .conftest import World

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    yield world.client


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_every_asset_from_this_server(client: TestClient, page: str) -> None:
    answer = client.get(page)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assets = assets_of(answer.text)
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts, "the page loads its viewer"
    assert all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    assert "<script>" not in answer.text  # no inline script: the page's CSP allows this server's files only
    for asset in assets:
        loaded = client.get(asset)
        assert loaded.status_code == 200, asset
        assert loaded.content, asset
    assert "fonts.googleapis" not in answer.text and "cdn" not in answer.text


def test_the_docs_viewer_is_pointed_at_this_servers_schema(client: TestClient) -> None:
    assert 'data-openapi-url="/openapi.json"' in client.get("/docs").text
    assert 'spec-url="/openapi.json"' in client.get("/redoc").text
    assert client.get("/openapi.json").status_code == 200


def test_the_root_is_a_page_that_links_the_docs_and_health(client: TestClient) -> None:
    answer = client.get("/")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    links = assets_of(answer.text)
    assert {"/docs", "/redoc", "/health", "/openapi.json"} <= set(links)
    assert all(client.get(link).status_code == 200 for link in links)


@pytest.mark.parametrize(
    ("path", "csp"),
    [
        ("/api/v1/technologies", API_CSP),
        ("/api/v1/technologies/no-such-thing", API_CSP),  # errors too
        ("/health", API_CSP),
        ("/docs", PAGE_CSP),
        ("/", PAGE_CSP),
    ],
)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str, csp: str) -> None:
    answer = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    assert answer.headers["content-security-policy"] == csp
    assert "frame-ancestors 'none'" in csp


def test_a_refused_oversized_body_carries_the_security_headers(world: World) -> None:
    answer = world.client.post(
        "/api/v1/auth/signup", content=b"x" * (world.app.state.settings.max_body_bytes + 1)
    )
    assert answer.status_code == 413
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_public_answers_may_be_revalidated_and_private_ones_are_never_stored(world: World) -> None:
    public = world.client.get("/api/v1/technologies")
    assert public.headers["cache-control"] == "public, no-cache" and "etag" in public.headers
    for path in ("/api/v1/me", "/api/v1/me/tokens", "/api/v1/technologies"):
        private = world.client.get(path, headers=world.headers("owner"))
        assert private.status_code == 200
        assert private.headers["cache-control"] == "no-store", path
        assert "etag" not in private.headers
    feed = world.client.get(f"/feeds/{world.feed_token}/alerts.atom")
    assert feed.status_code == 200 and feed.headers["cache-control"] == "no-store"
    admin = world.client.get("/api/v1/admin/users", headers=world.headers("admin"))
    assert admin.headers["cache-control"] == "no-store"
