"""Admin API of ingestion: a feed source with its feeds and schedule, and its runs' import reports."""

from __future__ import annotations

from datetime import UTC, datetime

from frontier.clock import FixedClock
from frontier.ingest.http import HttpOptions
from frontier.ingest.sync import run_source
from tests.ingest.replay import ReplayServer, Reply, fixture

from .conftest import World, assert_invalid


def test_a_feed_source_gets_its_feeds_and_schedule_and_its_runs_show_the_import_report(world: World) -> None:
    admin = world.admin.headers
    # The replay server listens on loopback, which admins may use only when the operator allows it.
    world.app.state.settings = world.app.state.settings.model_copy(update={"allow_private_sources": True})
    server = ReplayServer()
    server.route("/atom.xml", fixture("feeds/atom.xml", content_type="application/atom+xml"))
    server.route("/gone.xml", Reply(status=404))
    with server.running():
        created = world.client.post(
            "/api/v1/admin/sources",
            headers=admin,
            json={
                "source_name": "blogs",
                "source_type": "rss_feed",
                "base_url": f"{server.url}/atom.xml",
                "options": {"feeds": [f"{server.url}/gone.xml"]},
            },
        )
        assert created.status_code == 201, created.text
        source = created.json()
        scheduled = world.client.post(
            f"/api/v1/admin/sources/{source['id']}/schedules",
            headers=admin,
            json={"sync_schedule_cron": "*/30 * * * *", "retry_attempts": 0},
        )
        run_source(
            world.db, "blogs", clock=FixedClock(datetime(2026, 11, 15, 6, tzinfo=UTC)), http=HttpOptions()
        )

    schedules = world.client.get(f"/api/v1/admin/sources/{source['id']}/schedules", headers=admin).json()
    runs = world.client.get(f"/api/v1/admin/sources/{source['id']}/runs", headers=admin).json()

    assert source["options"] == {"feeds": [f"{server.url}/gone.xml"]}
    assert scheduled.status_code == 201, scheduled.text
    assert [(s["sync_schedule_cron"], s["last_run_status"]) for s in schedules] == [
        ("*/30 * * * *", "partial_success")
    ]
    assert [r["status"] for r in runs] == ["partial_success"]
    assert runs[0]["report"] == {"imported": 1, "unchanged": 0, "skipped": 0, "duplicates": 0, "failed": 1}


def test_a_schedule_with_a_data_type_its_connector_does_not_sync_names_the_field(world: World) -> None:
    response = world.client.post(
        f"/api/v1/admin/sources/{world.source_id}/schedules",
        headers=world.admin.headers,
        json={"data_types_to_sync": ["entries"]},
    )

    body = assert_invalid(response, "data_types_to_sync")
    assert "entries not synced by github_api sources" in body["detail"]
