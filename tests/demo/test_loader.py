"""The demo loads real data idempotently and resolves source spellings through aliases."""

from __future__ import annotations

import csv
import io
from collections import Counter

from sqlalchemy import func, select, text

from frontier.catalog.models import Technology, TechnologyAlias
from frontier.catalog.repository import resolve_names
from frontier.db.session import Database
from frontier.demo.loader import DATA, load_demo, read_catalogue
from frontier.trends.models import Observation


def _counts(db: Database) -> tuple[int, int, int, float]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Technology)) or 0,
            session.scalar(select(func.count()).select_from(TechnologyAlias)) or 0,
            session.scalar(select(func.count()).select_from(Observation)) or 0,
            float(session.scalar(select(func.sum(Observation.value))) or 0),
        )


def test_loading_twice_equals_loading_once(db: Database) -> None:
    before = _counts(db)  # the session fixture loaded the demo once already
    with db.session() as session:
        report = load_demo(session)
    assert _counts(db) == before
    assert report.observations == 0  # nothing changed, nothing rewritten
    assert before[0] == len(read_catalogue())


def test_reload_repairs_a_changed_value(db: Database) -> None:
    with db.session() as session:
        session.execute(
            text(
                "UPDATE observations SET value = -1 WHERE metric = 'top100_stars' AND period_start = '2020-01-01'"
            )
        )
    with db.session() as session:
        report = load_demo(session)
        negative = session.scalar(select(func.count()).select_from(Observation).where(Observation.value < 0))
    assert report.observations > 0 and negative == 0


def test_source_spellings_resolve_to_one_technology(db: Database) -> None:
    with db.session() as session:
        resolved = resolve_names(session, ["CPP", "C++", "cpp", " Cpp ", "CSharp", "c#", "no-such-tech"])
    assert resolved["CPP"] == resolved["C++"] == resolved["cpp"] == resolved[" Cpp "] is not None
    assert resolved["CSharp"] == resolved["c#"] is not None
    assert resolved["no-such-tech"] is None


def test_every_language_in_the_series_has_monthly_observations(db: Database) -> None:
    with db.session() as session:
        rows = session.execute(
            select(Technology.slug, func.count())
            .join(Observation, Observation.technology_id == Technology.id)
            .where(Observation.metric == "top100_stars", Observation.granularity == "month")
            .group_by(Technology.slug)
        ).all()
    slug_of = {e["github_language"]: e["slug"] for e in read_catalogue() if e["github_language"]}
    expected = Counter(
        slug_of[row["language"]]
        for row in csv.DictReader(io.StringIO((DATA / "language_monthly.csv").read_text(encoding="utf-8")))
    )
    assert dict(rows) == dict(expected)  # one observation per language per month in the source
