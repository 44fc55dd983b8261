"""An admin cannot point a data source at a private or link-local address unless the operator allows it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from frontier.app import create_app
from frontier.config import Settings
from frontier.ingest.models import ExternalDataSource

from .conftest import AllowAll, World, assert_invalid

METADATA = "http://169.254.169.254/latest/meta-data/"


def test_a_source_at_the_cloud_metadata_address_is_refused_and_not_stored(world: World) -> None:
    answer = world.client.post(
        "/api/v1/admin/sources",
        json={"source_name": "metadata", "source_type": "rss_feed", "base_url": METADATA},
        headers=world.headers("admin"),
    )
    problem = assert_invalid(answer, "base_url")
    assert "FRONTIER_ALLOW_PRIVATE_SOURCES" in problem["detail"]
    with world.db.session() as session:
        assert (
            session.scalars(select(ExternalDataSource).where(ExternalDataSource.base_url == METADATA)).first()
            is None
        )


def test_moving_a_source_to_a_loopback_address_is_refused(world: World) -> None:
    answer = world.client.patch(
        f"/api/v1/admin/sources/{world.source_id}",
        json={"base_url": "http://127.0.0.1:6379/"},
        headers=world.headers("admin"),
    )
    assert_invalid(answer, "base_url")
    with world.db.session() as session:
        assert session.get(ExternalDataSource, world.source_id).base_url == "https://api.github.com"  # type: ignore[union-attr]


def test_an_operator_can_allow_private_sources(world: World) -> None:
    app = create_app(world.db, settings=Settings(allow_private_sources=True), rate_limiter=AllowAll())
    with TestClient(app) as client:
        answer = client.post(
            "/api/v1/admin/sources",
            json={
                "source_name": "intranet",
                "source_type": "rss_feed",
                "base_url": "http://10.0.0.5/feed.xml",
            },
            headers=world.headers("admin"),
        )
    assert answer.status_code == 201, answer.text


def test_a_feed_among_the_options_at_a_private_address_is_refused(world: World) -> None:
    answer = world.client.post(
        "/api/v1/admin/sources",
        json={
            "source_name": "blogs",
            "source_type": "rss_feed",
            "base_url": "https://example.com/atom.xml",
            "options": {"feeds": ["https://example.org/rss", "http://192.168.0.10/rss"]},
        },
        headers=world.headers("admin"),
    )
    assert_invalid(answer, "options.feeds")
