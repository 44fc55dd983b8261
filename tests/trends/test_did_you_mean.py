"""A technology name nobody knows: the CLI exits 2 with one line suggesting the closest known slugs."""

from __future__ import annotations

import re

import pytest
from click.testing import Result
from sqlalchemy import text
from typer.testing import CliRunner

from frontier.catalog.repository import similar_slugs
from frontier.cli import ingest, trends
from frontier.cli.common import either
from frontier.db.session import Database
from tests.conftest import use_test_database
from tests.ingest.conftest import add_source

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_lines(result: Result) -> list[str]:
    return [line for line in _ANSI.sub("", result.stderr).splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("pyton", "python"), ("Pyhton", "python"), ("javascrpt", "javascript"), ("postgress", "postgresql")],
)
def test_a_misspelt_name_suggests_the_technology_first(db: Database, typed: str, meant: str) -> None:
    with db.session() as session:
        assert similar_slugs(session, typed)[0] == meant


def test_a_misspelt_alias_suggests_its_technology(db: Database) -> None:
    with db.session() as session:
        # an alias spelt unlike its technology's slug and name, typed without its last letter
        alias, slug = session.execute(
            text(
                "SELECT a.alias, t.slug FROM technology_aliases a JOIN technologies t ON t.id = a.technology_id "
                "WHERE length(a.alias) >= 8 AND a.alias <> t.slug AND a.alias <> lower(t.name) "
                "ORDER BY a.alias LIMIT 1"
            )
        ).one()

        assert slug in similar_slugs(session, alias[:-1])


def test_nonsense_suggests_nothing(db: Database) -> None:
    with db.session() as session:
        assert similar_slugs(session, "qwzx flurbl grommet") == []


def test_suggestions_are_at_most_the_limit(db: Database) -> None:
    with db.session() as session:
        assert len(similar_slugs(session, "java", limit=2)) <= 2


@pytest.mark.parametrize(
    ("words", "said"), [([], ""), (["a"], "a"), (["a", "b"], "a or b"), (["a", "b", "c"], "a, b or c")]
)
def test_either_lists_alternatives_as_a_person_would(words: list[str], said: str) -> None:
    assert either(words) == said


def test_trends_show_with_a_typo_exits_2_suggesting_the_technology(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_test_database(monkeypatch, trends, db)

    result = CliRunner().invoke(trends.app, ["show", "pyton"], env={"COLUMNS": "300"})

    assert result.exit_code == 2
    assert len(error_lines(result)) == 1
    assert "no technology called 'pyton'; did you mean python" in error_lines(result)[0]


def test_trends_show_with_nonsense_exits_2_saying_where_the_names_are(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_test_database(monkeypatch, trends, db)

    result = CliRunner().invoke(trends.app, ["show", "qwzxflurbl"], env={"COLUMNS": "300"})

    assert result.exit_code == 2
    assert error_lines(result) == [
        "error: no technology called 'qwzxflurbl'; 'frontier trends list' lists them"
    ]


def test_ingest_run_with_a_misspelt_technology_exits_2_before_running(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_test_database(monkeypatch, ingest, db)
    add_source(db, "gh", "github_api", "http://127.0.0.1:9", data_types_to_sync=["repositories"])

    result = CliRunner().invoke(
        ingest.app, ["run", "--source", "gh", "--technology", "pyton"], env={"COLUMNS": "300"}
    )

    assert result.exit_code == 2
    assert len(error_lines(result)) == 1
    assert "--technology: no technology called 'pyton'; did you mean python" in error_lines(result)[0]
