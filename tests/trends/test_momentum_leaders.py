"""Momentum orders the leaders (no shared clipped maximum), a top-100 list's membership changes are not
growth, and every score says which signals and how much data it rests on (API and ``trends show``)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from frontier.app import create_app
from frontier.cli import trends
from frontier.db.session import Database
from frontier.trends.analytics import compute_scores
from tests.conftest import use_test_database
from tests.trends.test_analytics import AS_OF, add_technology, growth_series, population, scores

__all__ = ["population"]  # the fixture, imported for the tests below

DEMO_DAY = date(2025, 9, 1)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def demo_scored(db: Database) -> Database:
    """The demo scored as of the day after its data, as ``frontier demo load`` leaves it."""
    with db.session() as session:
        compute_scores(session, DEMO_DAY)
    return db


def test_fast_growers_keep_their_order_at_the_top(db: Database, population: dict[str, object]) -> None:
    with db.session() as session:
        for k, rate in enumerate((0.2, 0.3, 0.45, 0.6, 0.8)):
            add_technology(session, f"syn-leader-{k}", growth_series(100, rate))
        compute_scores(session, AS_OF)
    result = scores(db)
    leaders = [result[f"syn-leader-{k}"][0] for k in range(5)]
    assert leaders == sorted(leaders) and len(set(leaders)) == 5, leaders  # faster growth, higher momentum
    assert all(m < 10 for m in leaders)


def test_a_top100_membership_change_is_not_growth(db: Database, population: dict[str, object]) -> None:
    steady = growth_series(50000, 0.01)
    # the same list, except that two months ago a repository with 30% of the list's stars replaced a small one
    jumped = [v * (1.3 if m >= 22 else 1.0) for m, v in enumerate(steady)]
    with db.session() as session:
        for k in range(10):  # other languages' lists, for the normalisation
            add_technology(session, f"syn-list-{k}", growth_series(9000, -0.01 + 0.004 * k), "top100_stars")
        add_technology(session, "syn-list-steady", steady, metric="top100_stars")
        add_technology(session, "syn-list-jumped", jumped, metric="top100_stars")
        compute_scores(session, AS_OF)
    result = scores(db)
    assert abs(result["syn-list-jumped"][0] - result["syn-list-steady"][0]) < 0.1


def test_the_demo_leaders_do_not_share_a_maximum(demo_scored: Database) -> None:
    with demo_scored.session() as session:
        top = (
            session.execute(
                text("SELECT momentum_score FROM technology_trends ORDER BY momentum_score DESC LIMIT 10")
            )
            .scalars()
            .all()
        )
    assert top[0] > top[1] and len(set(top)) >= 8, top


def test_scores_say_what_they_rest_on(demo_scored: Database) -> None:
    client = TestClient(create_app(demo_scored))
    ollama = client.get("/api/v1/trends/ollama").json()
    # its repository, listed under its old name too (jmorganca/ollama), is one repository
    [basis] = ollama["basis"]
    assert basis["signal"] == "github.stars" and 4 <= basis["months"] <= 20
    assert basis["measures"] == "stars of 1 repository (ollama/ollama)"
    clojure = client.get("/api/v1/trends/clojure").json()  # a language without a repository of its own
    assert clojure["basis"][0]["signal"] == "github.top100_stars"
    assert "100 most-starred Clojure repositories" in clojure["basis"][0]["measures"]
    listed = client.get("/api/v1/trends", params={"limit": 100}).json()["items"]
    assert listed and all(item["basis"] and item["basis"][0]["months"] >= 4 for item in listed)


def test_trends_show_explains_the_significance_and_the_basis(
    demo_scored: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_test_database(monkeypatch, trends, demo_scored)
    result = CliRunner().invoke(trends.app, ["show", "clojure"], env={"COLUMNS": "300"})
    output = " ".join(_ANSI.sub("", result.output).split())
    assert result.exit_code == 0, output
    assert "one-sided Mann-Kendall test on the last 12 monthly increments" in output
    assert "if adoption were merely steady" in output
    assert "rests on github.top100_stars: stars summed over the 100 most-starred Clojure" in output, output
