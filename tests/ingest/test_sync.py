"""Running a source: run rows, one transaction per run, health and pause, idempotent re-runs, secrets."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from frontier.clock import FixedClock
from frontier.db.session import Database
from frontier.errors import NotFound
from frontier.ingest import outcome
from frontier.ingest.connectors.github import GitHubConnector
from frontier.ingest.http import HttpOptions
from frontier.ingest.models import DataSyncJob, DataSyncRun
from frontier.ingest.runs import Worker, resume_source
from frontier.ingest.sync import RunReport, run_source, sync_window
from frontier.security.secrets import SecretBox
from tests.ingest.conftest import API_TOKEN, AS_OF, NOW, add_source, observation_count, runs_of, source_row
from tests.ingest.replay import ReplayServer, Reply, fixture, truncated

REACT_AND_NEXT = ["react", "nextjs"]


def github_routes(replay: ReplayServer) -> None:
    replay.routes.clear()
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    replay.route(
        "/repos/zeit/next.js", Reply(status=301, headers={"Location": "{base}/repos/vercel/next.js"})
    )
    replay.route("/repos/vercel/next.js", fixture("github/repos_vercel_next.js.json"))


def github_source(db: Database, replay: ReplayServer, box: SecretBox, **job: Any) -> uuid.UUID:
    return add_source(
        db,
        "github-test",
        "github_api",
        replay.url,
        api_key=API_TOKEN,
        box=box,
        data_types_to_sync=["repositories"],
        **job,
    )


def run(
    db: Database, name: str, clock: FixedClock, box: SecretBox, http: HttpOptions, **kwargs: Any
) -> RunReport:
    return run_source(db, name, as_of=AS_OF, clock=clock, box=box, http=http, **kwargs)


def test_a_successful_run_writes_its_observations_and_records_the_run(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    github_routes(replay)
    source_id = github_source(db, replay, box)

    report = run(db, "github-test", clock, box, http, technologies=REACT_AND_NEXT)

    assert report.status == "success", report.errors
    assert (report.records_processed, report.rows_written) == (6, 6)
    assert observation_count(db, "github", "day") == 6
    [row] = runs_of(db, source_id)
    assert (row.status, row.records_processed, row.errors, row.finished_at) == ("success", 6, [], NOW)
    source = source_row(db, source_id)
    assert (source.last_successful_fetch, source.consecutive_failures) == (NOW, 0)
    assert source.average_response_time_ms is not None
    with db.session() as session:
        job = session.scalars(select(DataSyncJob).where(DataSyncJob.source_id == source_id)).one()
        assert (job.last_run_at, job.last_run_status, job.records_processed) == (NOW, "success", 6)


def test_a_rerun_never_duplicates(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    github_routes(replay)
    source_id = github_source(db, replay, box)

    run(db, "github-test", clock, box, http, technologies=REACT_AND_NEXT)
    again = run(db, "github-test", clock, box, http, technologies=REACT_AND_NEXT)

    assert (again.status, again.records_processed, again.rows_written) == ("success", 6, 0)
    assert observation_count(db, "github", "day") == 6
    assert [r.status for r in runs_of(db, source_id)] == ["success", "success"]


def test_a_failed_run_leaves_no_rows_and_a_rerun_completes_the_work(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    replay.route("/repos/facebook/react", Reply(status=500))
    replay.route("/repos/zeit/next.js", truncated("github/repos_vercel_next.js.json"))
    source_id = github_source(db, replay, box)

    failed = run(db, "github-test", clock, box, http, technologies=REACT_AND_NEXT)

    assert failed.status == "failed"
    assert observation_count(db, "github", "day") == 0
    assert len(replay.hits("/repos/facebook/react")) == 3  # retry_attempts=2: three tries
    errors = {e["item"]: e["error"] for e in runs_of(db, source_id)[0].errors}
    assert "HTTP 500" in errors["github:repos:react"]
    assert "invalid JSON (truncated or malformed)" in errors["github:repos:nextjs"]
    assert source_row(db, source_id).consecutive_failures == 1

    github_routes(replay)
    completed = run(db, "github-test", clock, box, http, technologies=REACT_AND_NEXT)

    assert completed.status == "success"
    assert observation_count(db, "github", "day") == 6
    assert source_row(db, source_id).consecutive_failures == 0


def test_a_write_that_fails_midway_leaves_no_partial_rows(
    db: Database,
    replay: ReplayServer,
    clock: FixedClock,
    box: SecretBox,
    http: HttpOptions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github_routes(replay)
    source_id = github_source(db, replay, box)
    real_upsert = outcome.upsert_observations

    def write_then_break(*args: Any, **kwargs: Any) -> int:
        real_upsert(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(outcome, "upsert_observations", write_then_break)
    report = run(db, "github-test", clock, box, http, technologies=REACT_AND_NEXT)

    assert report.status == "failed"
    assert observation_count(db, "github", "day") == 0
    [row] = runs_of(db, source_id)
    assert row.status == "failed" and "disk full" in row.errors[0]["error"]


def test_some_items_failing_is_a_partial_success_that_keeps_the_rest(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    source_id = github_source(db, replay, box)

    report = run(db, "github-test", clock, box, http, technologies=REACT_AND_NEXT)

    assert report.status == "partial_success"
    assert observation_count(db, "github", "day") == 3
    assert [e["item"] for e in runs_of(db, source_id)[0].errors] == ["github:repos:nextjs"]
    assert source_row(db, source_id).consecutive_failures == 0  # the source works; one key is wrong


def test_consecutive_failures_pause_the_source_at_the_threshold(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    replay.route("/repos/facebook/react", Reply(status=503))
    source_id = github_source(db, replay, box, critical_failure_threshold=3)

    reports = [run(db, "github-test", clock, box, http, technologies=["react"]) for _ in range(3)]

    assert [r.status for r in reports] == ["failed"] * 3
    assert [r.paused for r in reports] == [False, False, True]
    source = source_row(db, source_id)
    assert (source.consecutive_failures, source.paused_at) == (3, NOW)

    skipped = run(db, "github-test", clock, box, http, technologies=["react"])

    assert skipped.status == "skipped" and skipped.paused
    assert "paused" in skipped.message and "frontier ingest unpause github-test" in skipped.message
    assert len(runs_of(db, source_id)) == 3  # a paused source starts no run

    with db.session() as session:
        resume_source(session, "github-test", NOW, Worker.current())
    github_routes(replay)
    assert run(db, "github-test", clock, box, http, technologies=["react"]).status == "success"


def test_unmatched_names_are_reported_on_the_run(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    replay.route("/2.3/tags", fixture("stackexchange/tags_popular.json"), query={"sort": "popular"})
    source_id = add_source(
        db, "so-test", "stackoverflow_api", replay.url, data_types_to_sync=["popular_tags"]
    )

    report = run(db, "so-test", clock, box, http, technologies=["python"])

    assert report.status == "success"
    assert report.unmatched_names == ["htmx-brand-new"]  # javascript (slug) and c# (alias) matched
    assert runs_of(db, source_id)[0].unmatched_names == ["htmx-brand-new"]
    assert observation_count(db, "stackoverflow") == 3


def test_the_api_key_never_appears_in_logs_or_run_errors(
    db: Database,
    replay: ReplayServer,
    clock: FixedClock,
    box: SecretBox,
    http: HttpOptions,
    caplog: pytest.LogCaptureFixture,
) -> None:
    replay.route("/2.3/questions", Reply(status=500))
    source_id = add_source(
        db,
        "so-test",
        "stackoverflow_api",
        replay.url,
        api_key=API_TOKEN,
        box=box,
        data_types_to_sync=["questions"],
    )
    caplog.set_level(logging.DEBUG)

    report = run(db, "so-test", clock, box, http, technologies=["python"])

    assert report.status == "failed"
    assert replay.hits("/2.3/questions")[0].query["key"] == API_TOKEN
    assert API_TOKEN not in caplog.text
    assert API_TOKEN not in json.dumps(runs_of(db, source_id)[0].errors)
    assert API_TOKEN not in repr(report)
    assert "key=***" in report.errors[0]["error"]


def test_an_unexpected_error_is_recorded_and_logged_without_the_key(
    db: Database,
    replay: ReplayServer,
    clock: FixedClock,
    box: SecretBox,
    http: HttpOptions,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source_id = github_source(db, replay, box)

    async def broken(*args: Any) -> None:
        raise RuntimeError(f"bug while reading https://api.example/?key={API_TOKEN}")

    monkeypatch.setattr(GitHubConnector, "fetch", broken)
    report = run(db, "github-test", clock, box, http, technologies=["react"])

    assert report.status == "failed" and "RuntimeError: bug while reading" in report.errors[0]["error"]
    assert "Traceback" in caplog.text and API_TOKEN not in caplog.text
    assert API_TOKEN not in json.dumps(runs_of(db, source_id)[0].errors)


def test_a_key_that_cannot_be_decrypted_fails_the_run_cleanly(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    source_id = github_source(db, replay, box)

    report = run(db, "github-test", clock, SecretBox("another-key-entirely-0123456789abcdefghijkl"), http)

    assert report.status == "failed" and "not configured" in report.errors[0]["error"]
    assert source_row(db, source_id).consecutive_failures == 1


def test_a_recent_running_run_blocks_a_second_one_and_an_old_one_is_abandoned(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    github_routes(replay)
    source_id = github_source(db, replay, box)
    with db.session() as session:
        session.add(DataSyncRun(source_id=source_id, started_at=NOW - timedelta(minutes=5)))

    busy = run(db, "github-test", clock, box, http, technologies=["react"])

    assert busy.status == "skipped" and "already running" in busy.message
    later = FixedClock(NOW + timedelta(hours=7))
    report = run_source(
        db, "github-test", as_of=AS_OF, clock=later, box=box, http=http, technologies=["react"]
    )
    assert report.status == "success"
    statuses = [(r.status, r.errors[:1]) for r in runs_of(db, source_id)]
    assert statuses[0] == (
        "failed",
        [{"item": "run", "error": "abandoned: its worker stopped before finishing"}],
    )


def test_unknown_source_or_technology_is_not_found(
    db: Database, clock: FixedClock, box: SecretBox, http: HttpOptions, replay: ReplayServer
) -> None:
    with pytest.raises(NotFound, match="no data source named 'nope'"):
        run(db, "nope", clock, box, http)
    github_source(db, replay, box)
    with pytest.raises(NotFound, match="no technology with slug 'cobol-2099'"):
        run(db, "github-test", clock, box, http, technologies=["cobol-2099"])


def test_other_sources_run_end_to_end(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    replay.route("/api/packages/django/overall", fixture("pypistats/overall_django.json"))
    replay.route("/pypi/django/json", fixture("pypi/django.json"))
    add_source(
        db, "pypi-test", "pypi_api", replay.url, options={"pypi_url": replay.url, "initial_lookback_days": 60}
    )
    replay.route(
        "/api/v1/search_by_date", fixture("algolia/search_whoishiring_page0.json"), query={"page": "0"}
    )
    replay.route(
        "/api/v1/search_by_date", fixture("algolia/search_whoishiring_page1.json"), query={"page": "1"}
    )
    replay.route("/api/v1/items/45800001", fixture("algolia/item_45800001.json"))
    replay.route("/api/v1/items/45500003", fixture("algolia/item_45500003.json"))
    add_source(db, "hn-test", "job_board_api", replay.url, options={"initial_lookback_days": 60})

    pypi = run(db, "pypi-test", clock, box, http, technologies=["django"])
    hn = run(db, "hn-test", clock, box, http, technologies=["python", "kubernetes", "postgresql"])

    assert (pypi.status, pypi.records_processed) == ("success", 5 + 2), pypi.errors
    assert (hn.status, hn.records_processed) == ("success", 3 * 2), hn.errors
    assert observation_count(db, "hn_jobs", "month") == 6


def test_feed_runs_return_entries_and_write_no_observations(
    db: Database, replay: ReplayServer, clock: FixedClock, box: SecretBox, http: HttpOptions
) -> None:
    replay.route("/atom.xml", fixture("feeds/atom.xml", content_type="application/atom+xml"))
    add_source(db, "feed-test", "rss_feed", f"{replay.url}/atom.xml")

    report = run(db, "feed-test", clock, box, http, technologies=["rust"])

    assert report.status == "success"
    assert [e.title for e in report.entries] == ["Rust 2027 edition: what changes"]
    assert report.rows_written == 0


def test_the_window_starts_where_the_source_is_complete_and_always_covers_last_month() -> None:
    assert sync_window(date(2026, 11, 15), None, 90) == (date(2026, 8, 17), date(2026, 11, 15))
    assert sync_window(date(2026, 11, 15), date(2026, 11, 14), 90) == (date(2026, 10, 1), date(2026, 11, 15))
    assert sync_window(date(2026, 11, 15), date(2026, 9, 20), 90)[0] == date(2026, 9, 18)
    assert sync_window(date(2026, 11, 15), date(2026, 1, 20), 90)[0] == date(2026, 8, 17)  # at most 90 days
