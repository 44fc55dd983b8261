"""``frontier ingest``: run a source against the replay server, list runs, resume a paused source."""

from __future__ import annotations

import re

import pytest
from click.testing import Result
from typer.testing import CliRunner

from frontier.cli import ingest
from frontier.db.session import Database
from tests.conftest import use_test_database
from tests.ingest.conftest import add_source, observation_count, source_row
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
    result = invoke("run", "--source", "nope")

    assert result.exit_code == 1
    assert "no data source named 'nope'" in plain(result.stderr)
