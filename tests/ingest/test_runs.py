"""Runs an operator can stop and resume: an unreachable source fails at once, an interrupted run never stays
'running', a run whose process died stops blocking at once, unpause clears what blocks, a partial run's failed
items are fetched again, and a feed run keeps its import report."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from frontier.clock import FixedClock
from frontier.db.session import Database
from frontier.ingest.http import HttpOptions
from frontier.ingest.models import DataSyncRun, ExternalDataSource
from frontier.ingest.runs import Worker, resume_source
from frontier.ingest.sync import RunReport, run_source
from frontier.trends.models import Observation
from tests.ingest.conftest import (
    AS_OF,
    NOW,
    Sleeps,
    add_source,
    nothing_listening,
    runs_of,
    source_row,
)
from tests.ingest.replay import ReplayServer, Reply, fixture


def run(db: Database, name: str, clock: FixedClock, http: HttpOptions, **kwargs: object) -> RunReport:
    return run_source(db, name, as_of=AS_OF, clock=clock, http=http, **kwargs)  # type: ignore[arg-type]


def github(db: Database, base_url: str, **job: object) -> uuid.UUID:
    return add_source(db, "gh", "github_api", base_url, data_types_to_sync=["repositories"], **job)


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def september_rows(db: Database) -> int:
    query = (
        select(func.count())
        .select_from(Observation)
        .where(Observation.source == "hn_jobs", Observation.period_start == date(2026, 9, 1))
    )
    with db.session() as session:
        return session.scalar(query) or 0


def stuck_run(db: Database, source_id: uuid.UUID, started_at: datetime, pid: int | None) -> None:
    with db.session() as session:
        session.add(
            DataSyncRun(
                source_id=source_id,
                started_at=started_at,
                worker_host=socket.gethostname() if pid is not None else None,
                worker_pid=pid,
            )
        )


def test_an_unreachable_source_fails_its_run_at_once_with_one_clear_line(
    db: Database, clock: FixedClock, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    url = nothing_listening()
    source_id = github(db, url, retry_attempts=5, parallel_workers=2)
    http = HttpOptions(timeout_seconds=2, sleep=sleeps)

    with caplog.at_level(logging.WARNING):
        report = run(db, "gh", clock, http, technologies=["react", "nextjs", "vue", "angular"])

    host = url.removeprefix("http://")
    assert report.status == "failed"
    assert report.message.startswith(f"failed: source 'gh' is unreachable: {host} refused the connection")
    assert "check the network connection, DNS and proxy settings" in report.message
    assert report.errors == [{"item": "run", "error": report.message.removeprefix("failed: ")}]
    assert len(sleeps.calls) <= 3  # a few connections in all, not 6 attempts for each of 4 items
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) <= 4
    assert runs_of(db, source_id)[0].status == "failed"


class _StopAfterPlanning:
    """Progress that is told the plan and then stops the run, as Ctrl-C would."""

    def planned(self, items: int) -> None:
        raise KeyboardInterrupt

    def done(self, items: int = 1) -> None:
        return None


def test_ctrl_c_ends_the_run_as_interrupted_and_the_source_runs_again_at_once(
    db: Database, replay: ReplayServer, clock: FixedClock, http: HttpOptions
) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    source_id = github(db, replay.url)

    with pytest.raises(KeyboardInterrupt):
        run(db, "gh", clock, http, technologies=["react"], progress=_StopAfterPlanning())

    [stopped] = runs_of(db, source_id)
    assert stopped.status == "failed" and stopped.finished_at == NOW
    assert stopped.errors[-1]["error"].startswith("interrupted (Ctrl-C or SIGTERM) before finishing")
    assert source_row(db, source_id).consecutive_failures == 0  # stopping it is not the source's failure
    assert run(db, "gh", clock, http, technologies=["react"]).status == "success"


def test_a_run_whose_process_died_no_longer_blocks_its_source(
    db: Database, replay: ReplayServer, clock: FixedClock, http: HttpOptions
) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    source_id = github(db, replay.url)
    stuck_run(db, source_id, NOW - timedelta(minutes=5), dead_pid())

    report = run(db, "gh", clock, http, technologies=["react"])

    assert report.status == "success", report.message
    abandoned, completed = runs_of(db, source_id)
    assert abandoned.status == "failed" and "abandoned" in abandoned.errors[-1]["error"]
    assert completed.worker_pid == os.getpid() and completed.worker_host == socket.gethostname()


def test_a_run_whose_process_is_alive_still_blocks_its_source(
    db: Database, replay: ReplayServer, clock: FixedClock, http: HttpOptions
) -> None:
    source_id = github(db, replay.url)
    stuck_run(db, source_id, datetime.now(UTC), os.getpid())  # this very process, started before now

    report = run(db, "gh", clock, http, technologies=["react"])

    assert report.status == "skipped"
    assert "already running" in report.message and f"process {os.getpid()}" in report.message


def test_unpause_lifts_the_pause_releases_a_dead_run_and_says_what_it_did(
    db: Database, replay: ReplayServer, clock: FixedClock, http: HttpOptions
) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    source_id = github(db, replay.url)
    stuck_run(db, source_id, NOW - timedelta(minutes=5), None)  # recent, and no process to ask: blocks
    with db.session() as session:
        source = session.get(ExternalDataSource, source_id)
        assert source is not None
        source.paused_at, source.consecutive_failures = NOW - timedelta(hours=1), 3

    with db.session() as session:
        resumed = resume_source(session, "gh", NOW, Worker.current())

    assert resumed.message.startswith("source 'gh' resumed: pause since 2026-11-15 05:00 UTC lifted")
    assert (
        "3 consecutive failures cleared" in resumed.message and "stuck run marked failed" in resumed.message
    )
    assert run(db, "gh", clock, http, technologies=["react"]).status == "success"
    with db.session() as session:
        again = resume_source(session, "gh", NOW, Worker.current())
    assert again.message == "source 'gh' was not paused and had no stuck run: nothing changed"


def test_a_partial_run_keeps_its_window_so_the_next_run_fetches_the_failed_items_again(
    db: Database, replay: ReplayServer, clock: FixedClock, http: HttpOptions
) -> None:
    replay.route(
        "/api/v1/search_by_date", fixture("algolia/search_whoishiring_page0.json"), query={"page": "0"}
    )
    replay.route(
        "/api/v1/search_by_date", fixture("algolia/search_whoishiring_page1.json"), query={"page": "1"}
    )
    replay.route("/api/v1/items/45800001", fixture("algolia/item_45800001.json"))
    september = fixture("algolia/item_45500003.json")
    replay.route("/api/v1/items/45500003", Reply(status=500), Reply(status=500), Reply(status=500), september)
    source_id = add_source(db, "hn", "job_board_api", replay.url, options={"initial_lookback_days": 60})

    first = run(db, "hn", clock, http)
    assert first.status == "partial_success", first.errors
    assert [e["item"] for e in first.errors] == ["hn_jobs:thread:2026-09"]
    assert source_row(db, source_id).synced_until is None
    assert september_rows(db) == 0

    second = run(db, "hn", clock, http)

    assert second.status == "success", second.errors
    assert len(replay.hits("/api/v1/items/45500003")) == 4  # three failed tries, then the retry next run
    assert september_rows(db) > 0
    assert source_row(db, source_id).synced_until == AS_OF


def test_a_feed_run_stores_its_import_report_on_the_run(
    db: Database, replay: ReplayServer, clock: FixedClock, http: HttpOptions
) -> None:
    replay.route("/atom.xml", fixture("feeds/atom.xml", content_type="application/atom+xml"))
    replay.route("/broken.xml", Reply(status=404))
    source_id = add_source(
        db, "feed", "rss_feed", f"{replay.url}/atom.xml", options={"feeds": [f"{replay.url}/broken.xml"]}
    )

    report = run(db, "feed", clock, http, technologies=["rust"])
    again = run(db, "feed", clock, http, technologies=["rust"])

    counts = {"imported": 1, "unchanged": 0, "skipped": 0, "duplicates": 0, "failed": 1}
    assert report.status == "partial_success" and report.imported == counts
    assert runs_of(db, source_id)[0].report == counts
    assert runs_of(db, source_id)[1].report == {**counts, "imported": 0, "unchanged": 1}
    assert again.imported is not None
