"""``frontier trends compute`` on the demo: a day past the data gets a hint with the day to use instead."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from frontier.cli import trends
from frontier.db.session import Database
from frontier.demo.loader import score_demo_trends
from tests.conftest import use_test_database

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The CLI works on the test's rolled-back database (which holds the demo)."""
    return use_test_database(monkeypatch, trends, db)


def compute(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(trends.app, ["compute", *args], env={"COLUMNS": "300"})
    return result.exit_code, " ".join(_ANSI.sub("", result.output).split())


def test_a_day_after_the_data_scores_nothing_and_says_which_day_would(cli_db: Database) -> None:
    code, output = compute("--as-of", "2030-06-01")
    assert code == 0, output
    assert "0 technologies scored as of 2030-06-01" in output
    assert "the latest data is for 2025-08" in output and "'--as-of 2025-09-01'" in output

    code, output = compute("--as-of", "2025-09-01")
    assert code == 0, output
    scored = int(output.split(" technologies scored")[0])
    assert scored > 50


def test_the_demo_is_scored_as_of_the_day_after_its_data_ends(db: Database) -> None:
    with db.session() as session:
        report = score_demo_trends(session)
        assert report is not None and report.as_of == date(2025, 9, 1)
        stored = session.execute(
            text("SELECT count(*) FROM technology_trends WHERE scores_as_of = '2025-09-01'")
        ).scalar_one()
    assert report.scored > 50 and stored == report.scored


def test_without_as_of_the_latest_complete_data_is_scored(cli_db: Database) -> None:
    code, output = compute()
    assert code == 0, output
    assert "the latest complete data is for 2025-08: scoring as of 2025-09-01" in output
    assert int(output.split(" technologies scored")[0].split()[-1]) > 50


def run_list(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(trends.app, ["list", *args], env={"COLUMNS": "300"})
    return result.exit_code, _ANSI.sub("", result.output)


def test_trends_list_shows_the_scored_technologies_best_first(cli_db: Database) -> None:
    code, output = run_list()
    assert code == 0 and "no scored technology" in output  # nothing computed yet: says what to run
    assert "frontier trends compute" in output
    compute()
    code, output = run_list("--json", "--limit", "100")
    assert code == 0, output
    items = json.loads(output)
    momentum = [float(item["momentum_score"]) for item in items]
    assert len(items) > 50 and momentum == sorted(momentum, reverse=True)
    code, output = run_list("--status", "declining", "--limit", "100")
    assert code == 0 and "declining" in output and "rising" not in output.replace("declining", "")
    code, output = run_list("--status", "growing")
    assert code == 2 and "--status: 'growing' is not one of emerging, rising, mainstream, declining" in output
