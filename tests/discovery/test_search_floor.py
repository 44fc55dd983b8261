"""The relevance floor (search.py, step 6): calibrated on the labelled queries against nonsense and off-topic
queries; below it search answers no items and says nothing matched well, in the service, the API and the CLI."""

from __future__ import annotations

import random
import statistics
import string
from collections.abc import Iterator

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from frontier.app import create_app
from frontier.cli import search as search_cli
from frontier.db.session import Database
from frontier.discovery.search.service import DEFAULT_RANKING, NOTHING_MATCHED, Ranking, run_search
from tests.api.conftest import AllowAll
from tests.conftest import use_test_database
from tests.discovery.test_search import LABELLED, quality

FLOOR = DEFAULT_RANKING.relevance_floor
NONSENSE = ["qwzx flurbl grommet", "blorft zanquiv", "xkcdq wumbo frazzle", "glibber snorf", "zzyzx plonk"]
OFF_TOPIC = [
    "recipe for banana bread",
    "weather in paris tomorrow",
    "how to knit a scarf",
    "football world cup results",
    "symptoms of the flu",
]


def random_strings(count: int) -> list[str]:
    """Letter strings of one to four 'words', as someone mashing the keyboard types them."""
    rng = random.Random(11)
    return [
        " ".join(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 8)))
            for _ in range(rng.randint(1, 4))
        )
        for _ in range(count)
    ]


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as opened:
        yield opened


def best_similarity(session: Session, query: str) -> float:
    outcome = run_search(session, query, limit=10, ranking=Ranking(relevance_floor=0.0))
    assert outcome.best_similarity is not None
    return outcome.best_similarity


def test_the_floor_separates_labelled_queries_from_nonsense(session: Session) -> None:
    labelled = [best_similarity(session, label["query"]) for label in LABELLED]
    nonsense = [best_similarity(session, q) for q in random_strings(40)]
    off_topic = [best_similarity(session, q) for q in OFF_TOPIC]

    print(f"labelled min {min(labelled):.3f}, nonsense median {statistics.median(nonsense):.3f}")
    assert min(labelled) >= FLOOR + 0.02  # every labelled query clears it, with a margin
    assert statistics.median(nonsense) <= FLOOR - 0.05
    assert sum(s < FLOOR for s in nonsense) >= 0.85 * len(nonsense)
    assert max(off_topic) < FLOOR


def test_labelled_queries_lose_nothing_to_the_floor(session: Session) -> None:
    with_floor = quality(session)
    without = quality(session, Ranking(relevance_floor=0.0))

    assert with_floor == without


@pytest.mark.parametrize("query", NONSENSE + OFF_TOPIC)
def test_nonsense_answers_no_items_and_says_so(session: Session, query: str) -> None:
    outcome = run_search(session, query)

    assert outcome.results == [] and outcome.notice == NOTHING_MATCHED


def test_a_real_query_still_answers(session: Session) -> None:
    outcome = run_search(session, "learn react hooks")

    assert outcome.results and outcome.notice is None


def test_api_answers_no_items_and_a_notice(db: Database) -> None:
    with TestClient(create_app(db, rate_limiter=AllowAll())) as client:
        nonsense = client.get("/api/v1/search", params={"q": "qwzx flurbl grommet"})
        again = client.get("/api/v1/search", params={"q": "qwzx flurbl grommet"})  # from the cache
        real = client.get("/api/v1/search", params={"q": "learn react hooks"})

    assert nonsense.status_code == 200
    assert nonsense.json() == again.json() == {"items": [], "notice": NOTHING_MATCHED}
    assert real.json()["items"] and real.json()["notice"] is None


def test_cli_says_nothing_matched(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    use_test_database(monkeypatch, search_cli, db)
    app = typer.Typer()
    app.command()(search_cli.search)

    result = CliRunner().invoke(app, ["qwzx flurbl grommet"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "nothing matched well" in result.stdout
