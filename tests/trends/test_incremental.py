"""The monthly rollup kept by triggers on observations, and incremental computations that read it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from frontier.db.session import Database
from frontier.trends.analytics import compute_scores
from tests.trends.test_analytics import AS_OF, add_technology, growth_series


def months(session: Session, tech: uuid.UUID) -> dict[tuple[str, date], tuple[float, float]]:
    rows = session.execute(
        text("SELECT metric, month, total, last FROM signal_months WHERE technology_id = :t"), {"t": tech}
    )
    return {(r.metric, r.month): (r.total, r.last) for r in rows}


def observe(session: Session, tech: uuid.UUID, day: str, value: float, granularity: str = "day") -> None:
    session.execute(
        text(
            "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value, collected_at) "
            "VALUES (:t, 'github', 'stars', :g, CAST(:d AS date), :v, clock_timestamp()) "
            "ON CONFLICT (technology_id, source, metric, granularity, period_start) "
            "DO UPDATE SET value = EXCLUDED.value, collected_at = EXCLUDED.collected_at"
        ),
        {"t": tech, "d": day, "v": value, "g": granularity},
    )


def test_a_month_rolls_up_its_daily_and_monthly_rows_as_they_change(db: Database) -> None:
    with db.session() as session:
        tech = add_technology(session, "syn-rollup", [100.0, 200.0])  # monthly rows: 2028-01, 2028-02
        assert months(session, tech) == {
            ("stars", date(2028, 1, 1)): (100.0, 100.0),
            ("stars", date(2028, 2, 1)): (200.0, 200.0),
        }
        observe(session, tech, "2028-02-10", 230.0)
        observe(session, tech, "2028-02-20", 260.0)
        assert months(session, tech)[("stars", date(2028, 2, 1))] == (690.0, 260.0)
        observe(session, tech, "2028-02-20", 250.0)  # a corrected value (the upsert's update path)
        assert months(session, tech)[("stars", date(2028, 2, 1))] == (680.0, 250.0)
        session.execute(
            text("DELETE FROM observations WHERE technology_id = :t AND period_start >= '2028-02-15'"),
            {"t": tech},
        )
        assert months(session, tech)[("stars", date(2028, 2, 1))] == (430.0, 230.0)
        session.execute(
            text("DELETE FROM observations WHERE technology_id = :t AND period_start < '2028-02-01'"),
            {"t": tech},
        )
        assert ("stars", date(2028, 1, 1)) not in months(session, tech)  # a month with no rows left is gone


def scores_of(session: Session, techs: list[uuid.UUID]) -> dict[uuid.UUID, tuple[object, ...]]:
    rows = session.execute(
        text(
            "SELECT trend_id, momentum_score, learning_priority_score, adoption_rate, significance_p_value, "
            "trend_status FROM technology_trends WHERE trend_id = ANY(:ids)"
        ),
        {"ids": techs},
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def test_an_incremental_computation_scores_only_what_changed_exactly_as_the_full_one(db: Database) -> None:
    with db.session() as session:
        techs = [
            add_technology(session, f"syn-inc-{k:02d}", growth_series(1000 * (k + 1), -0.02 + 0.004 * k))
            for k in range(12)
        ]
        compute_scores(session, AS_OF)
        full = scores_of(session, techs)
        # unchanged data: the incremental path reads the same months and writes nothing
        unchanged = compute_scores(session, AS_OF, only=techs)
        assert (unchanged.scored, unchanged.rows_written) == (12, 0)
        assert scores_of(session, techs) == full

        since = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        observe(session, techs[0], "2029-12-31", 40_000.0)  # late data: the slowest one jumps in December
        report = compute_scores(session, AS_OF, since=since)  # the hourly cycle finds what arrived itself
        after = scores_of(session, techs)
    assert (report.scored, report.rows_written) == (1, 1)
    assert after[techs[0]][0] > full[techs[0]][0]  # its momentum rose
    assert {t: after[t] for t in techs[1:]} == {t: full[t] for t in techs[1:]}  # nobody else was touched


def test_data_of_the_current_month_counts_once_the_month_is_complete(db: Database) -> None:
    with db.session() as session:
        tech = add_technology(session, "syn-current", growth_series(1000, 0.01))
        for k in range(1, 6):
            add_technology(session, f"syn-cur-{k}", growth_series(500 * k, 0.005 * k))
        compute_scores(session, AS_OF)
        before = scores_of(session, [tech])[tech]
        since = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        observe(session, tech, "2030-01-05", 90_000.0)  # January 2030: not complete as of 2030-01-01
        assert (
            compute_scores(session, AS_OF, since=since).scored == 0
        )  # the hourly cycle doesn't even read it
        assert compute_scores(session, AS_OF, only=[tech]).rows_written == 0  # asked for: read, nothing moved
        assert scores_of(session, [tech])[tech] == before
        compute_scores(session, date(2030, 2, 1), only=[tech])
        after = scores_of(session, [tech])[tech]
    assert after[0] > before[0]  # as of February, January is complete and its jump counts


def test_changes_are_found_by_arrival_time_within_the_window(db: Database) -> None:
    with db.session() as session:
        tech = add_technology(session, "syn-arrival", growth_series(300, 0.02))
        compute_scores(session, AS_OF)
        assert compute_scores(session, AS_OF, since=datetime(2000, 1, 1, tzinfo=UTC)).scored == 1
        assert compute_scores(session, AS_OF, since=datetime(2100, 1, 1, tzinfo=UTC)).scored == 0
        # months older than the 24 the computation reads don't make a technology changed
        assert compute_scores(session, date(2033, 1, 1), since=datetime(2000, 1, 1, tzinfo=UTC)).scored == 0
        with pytest.raises(ValueError, match="not both"):
            compute_scores(session, AS_OF, only=[tech], since=datetime(2000, 1, 1, tzinfo=UTC))
