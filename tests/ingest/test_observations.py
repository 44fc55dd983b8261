"""The observations writer: idempotent bulk upserts, day and month side by side, names matched or reported."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from frontier.catalog.models import Technology
from frontier.db.session import Database
from frontier.ingest.observations import ObservationRecord, match_records, upsert_observations
from frontier.trends.models import Observation
from tests.ingest.conftest import observation_count


def technology_id(db: Database, slug: str) -> uuid.UUID:
    with db.session() as session:
        found = session.scalar(select(Technology.id).where(Technology.slug == slug))
        assert found is not None
        return found


def record(
    technology: uuid.UUID | None,
    metric: str,
    period: date,
    value: float,
    *,
    name: str | None = None,
    granularity: str = "day",
) -> ObservationRecord:
    return ObservationRecord(
        source="testsrc",
        metric=metric,
        granularity="day" if granularity == "day" else "month",
        period_start=period,
        value=value,
        technology_id=technology,
        name=name,
    )


def test_rerunning_an_upsert_never_duplicates_and_changes_nothing(db: Database) -> None:
    rust = technology_id(db, "rust")
    rows = [record(rust, "downloads", date(2026, 10, d), 100.0 + d) for d in range(1, 11)]

    with db.session() as session:
        first = upsert_observations(session, rows)
    with db.session() as session:
        second = upsert_observations(session, rows)

    assert (first, second) == (10, 0)
    assert observation_count(db, "testsrc") == 10


def test_a_changed_value_is_updated_in_place(db: Database) -> None:
    rust = technology_id(db, "rust")
    with db.session() as session:
        upsert_observations(session, [record(rust, "downloads", date(2026, 10, 1), 1.0)])
    with db.session() as session:
        assert upsert_observations(session, [record(rust, "downloads", date(2026, 10, 1), 2.0)]) == 1
        value = session.scalar(select(Observation.value).where(Observation.source == "testsrc"))

    assert value == 2.0 and observation_count(db, "testsrc") == 1


def test_day_and_month_rows_of_one_metric_live_side_by_side(db: Database) -> None:
    rust = technology_id(db, "rust")
    rows = [
        record(rust, "downloads", date(2026, 10, 1), 5.0),
        record(rust, "downloads", date(2026, 10, 1), 150.0, granularity="month"),
    ]

    with db.session() as session:
        assert upsert_observations(session, rows) == 2


def test_partitions_are_made_for_periods_far_from_the_demo(db: Database) -> None:
    rust = technology_id(db, "rust")
    with db.session() as session:
        assert upsert_observations(session, [record(rust, "downloads", date(2031, 2, 3), 1.0)]) == 1


def test_duplicate_keys_in_one_batch_keep_the_last(db: Database) -> None:
    rust = technology_id(db, "rust")
    rows = [record(rust, "stars", date(2026, 10, 1), 1.0), record(rust, "stars", date(2026, 10, 1), 3.0)]

    with db.session() as session:
        upsert_observations(session, rows)
        assert session.scalar(select(Observation.value).where(Observation.source == "testsrc")) == 3.0


def test_names_match_through_aliases_and_slugs_and_the_rest_is_reported(db: Database) -> None:
    rust, cpp = technology_id(db, "rust"), technology_id(db, "cpp")
    rows = [
        record(None, "questions_total", date(2026, 11, 15), 1.0, name="rust"),  # a slug
        record(None, "questions_total", date(2026, 11, 15), 2.0, name="C++"),  # an alias, any case
        record(None, "questions_total", date(2026, 11, 15), 3.0, name="htmx-brand-new"),
        record(None, "questions_total", date(2026, 11, 15), 4.0, name="rustacean-tools"),  # never guessed
    ]

    with db.session() as session:
        matched = match_records(session, rows)

    assert {(r.technology_id, r.value) for r in matched.records} == {(rust, 1.0), (cpp, 2.0)}
    assert matched.unmatched_names == ["htmx-brand-new", "rustacean-tools"]


def test_a_record_asked_for_by_id_wins_over_a_name_on_the_same_key(db: Database) -> None:
    rust = technology_id(db, "rust")
    rows = [
        record(None, "questions_total", date(2026, 11, 15), 9.0, name="rust-lang"),
        record(rust, "questions_total", date(2026, 11, 15), 1.0),
    ]

    with db.session() as session:
        matched = match_records(session, rows)

    assert [(r.technology_id, r.value) for r in matched.records] == [(rust, 1.0)]


def test_a_monthly_record_must_start_on_the_first() -> None:
    with pytest.raises(ValueError, match="starts on the 1st"):
        record(uuid.uuid4(), "questions", date(2026, 10, 2), 1.0, granularity="month")


def test_a_record_names_its_technology_exactly_once() -> None:
    with pytest.raises(ValueError, match="by id or by name"):
        record(uuid.uuid4(), "questions", date(2026, 10, 1), 1.0, name="rust")
