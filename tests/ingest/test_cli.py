"""``frontier ingest``: run a source against the replay server, list runs, resume a paused source, stop a run
with SIGTERM, add feeds and schedules."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import Result
from typer.testing import CliRunner

from frontier.cli import ingest
from frontier.clock import SystemClock
from frontier.db.session import Database
from frontier.ingest.models import DataSyncJob, DataSyncRun, ExternalDataSource
from tests.conftest import use_test_database
from tests.ingest.conftest import add_source, nothing_listening, observation_count, runs_of, source_row
from tests.ingest.replay import ReplayServer, Reply, fixture

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The CLI works on the test's rolled-back database instead of starting the embedded server."""
    return use_test_database(monkeypatch, ingest, db)


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(ingest.app, list(args), env={"COLUMNS": "200"})
    return result


def plain(text: str) -> str:
    return _ANSI.sub("", text)


def test_run_one_source_writes_and_reports(cli_db: Database, replay: ReplayServer) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    add_source(cli_db, "gh", "github_api", replay.url, data_types_to_sync=["repositories"])

    result = invoke("run", "--source", "gh", "--technology", "react")

    assert result.exit_code == 0, result.output
    assert "gh: success: 3 records (3 rows changed)" in plain(result.output)
    assert observation_count(cli_db, "github", "day") == 3


def test_a_failed_run_exits_1_and_names_the_failed_items(cli_db: Database, replay: ReplayServer) -> None:
    replay.route("/repos/facebook/react", Reply(body=b'{"id": 1,'))
    add_source(cli_db, "gh", "github_api", replay.url, data_types_to_sync=["repositories"])

    result = invoke("run", "--source", "gh", "--technology", "react")

    assert result.exit_code == 1
    assert "github:repos:react" in plain(result.output) and "invalid JSON" in plain(result.output)


def test_runs_lists_the_latest_and_unpause_resumes(cli_db: Database, replay: ReplayServer) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    source_id = add_source(cli_db, "gh", "github_api", replay.url, data_types_to_sync=["repositories"])
    invoke("run", "--source", "gh", "--technology", "react")

    listed = invoke("runs", "--source", "gh")
    resumed = invoke("unpause", "gh")

    assert listed.exit_code == 0 and "success" in plain(listed.output)
    assert resumed.exit_code == 0 and source_row(cli_db, source_id).paused_at is None


def test_unknown_source_is_a_one_line_error(cli_db: Database) -> None:
    add_source(cli_db, "gh", "github_api", "http://127.0.0.1:9")
    result = invoke("run", "--source", "nope")

    assert result.exit_code == 1
    assert "no data source named 'nope'" in plain(result.stderr)


def test_run_before_setup_says_to_run_setup(cli_db: Database) -> None:
    with cli_db.session() as session:  # the test database may hold sources of other fixtures
        session.query(ExternalDataSource).delete()

    result = invoke("run")

    assert result.exit_code == 2
    assert plain(result.stderr).strip() == "error: no data sources yet: run 'frontier ingest setup' first"


def test_an_unreachable_source_is_one_line_naming_it_and_what_to_check(cli_db: Database) -> None:
    url = nothing_listening()
    add_source(cli_db, "gh", "github_api", url, data_types_to_sync=["repositories"], retry_attempts=0)

    result = invoke("run", "--source", "gh", "--technology", "react")

    lines = [line for line in plain(result.output).splitlines() if line.strip() and "━" not in line]
    assert result.exit_code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"gh: failed: source 'gh' is unreachable: {url.removeprefix('http://')}")
    assert "check the network connection" in lines[0]


@pytest.fixture
def sigterm_ignored() -> Iterator[None]:
    """Until the test ends, a stray SIGTERM can't kill the test process (the CLI installs its own)."""
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_sigterm_marks_the_run_interrupted_and_the_source_can_run_again(
    cli_db: Database, replay: ReplayServer, sigterm_ignored: None
) -> None:
    terminate = Reply(delay=3.0, on_request=lambda: os.kill(os.getpid(), signal.SIGTERM))
    replay.route("/repos/facebook/react", terminate, fixture("github/repos_facebook_react.json"))
    source_id = add_source(cli_db, "gh", "github_api", replay.url, data_types_to_sync=["repositories"])

    stopped = invoke("run", "--source", "gh", "--technology", "react")

    assert stopped.exit_code == 130
    [run] = runs_of(cli_db, source_id)
    assert run.status == "failed" and run.errors[-1]["error"].startswith("interrupted (Ctrl-C or SIGTERM)")
    assert invoke("run", "--source", "gh", "--technology", "react").exit_code == 0


def test_unpause_releases_a_stuck_run_and_says_so(cli_db: Database, replay: ReplayServer) -> None:
    source_id = add_source(cli_db, "gh", "github_api", replay.url)
    with cli_db.session() as session:
        started = SystemClock().now() - timedelta(minutes=1)
        session.add(DataSyncRun(source_id=source_id, started_at=started))  # no process recorded: can't tell

    resumed = invoke("unpause", "gh")
    again = invoke("unpause", "gh")

    assert resumed.exit_code == 0
    assert "source 'gh' resumed: stuck run marked failed" in plain(resumed.output)
    assert runs_of(cli_db, source_id)[0].status == "failed"
    assert "nothing changed" in plain(again.output)


def test_add_feed_registers_the_source_with_its_feeds_and_schedule(cli_db: Database) -> None:
    result = invoke(
        "add-feed",
        "blogs",
        "https://example.com/atom.xml",
        "--feed",
        "https://example.org/rss",
        "--cron",
        "0 4 * * *",
    )

    assert result.exit_code == 0, result.output
    with cli_db.session() as session:
        source = session.query(ExternalDataSource).filter_by(source_name="blogs").one()
        job = session.query(DataSyncJob).filter_by(source_id=source.source_id).one()
        assert (source.source_type, source.data_mapping_schema) == (
            "rss_feed",
            {"feeds": ["https://example.org/rss"]},
        )
        assert job.sync_schedule_cron == "0 4 * * *"
    listed = invoke("schedules", "--source", "blogs")
    assert "cron '0 4 * * *'" in plain(listed.output) and "never" in plain(listed.output)


def test_schedule_adds_a_job_to_any_source_and_bad_options_are_named(cli_db: Database) -> None:
    source_id = add_source(cli_db, "gh", "github_api", "https://api.github.com")

    added = invoke("schedule", "gh", "--every", "360", "--data-type", "topics")
    bad_cron = invoke("schedule", "gh", "--cron", "every day")
    bad_type = invoke("schedule", "gh", "--data-type", "downloads")
    bad_feed = invoke("add-feed", "x", "https://example.com/a.xml", "--feed", "ftp://example.com/b")

    assert added.exit_code == 0 and "every 360 min" in plain(added.output)
    with cli_db.session() as session:
        jobs = session.query(DataSyncJob).filter_by(source_id=source_id).all()
        assert sorted(j.sync_frequency_minutes for j in jobs) == [60, 360]
    assert bad_cron.exit_code == 2 and plain(bad_cron.stderr).startswith(
        "error: --cron: 'every day' is not a cron"
    )
    assert bad_type.exit_code == 2 and "--data-type: downloads not synced by github_api" in plain(
        bad_type.stderr
    )
    assert bad_feed.exit_code == 2 and "options.feeds.0:" in plain(bad_feed.stderr)
