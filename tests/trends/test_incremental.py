"""The monthly rollup kept by triggers on observations, and incremental computations that read it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from frontier.db.session import Database
from frontier.jobs import runtime
from frontier.trends import tasks
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


def test_the_hourly_task_rescores_what_arrived_within_the_hour(db: Database) -> None:
    now = datetime.now(UTC)
    complete = [(now.year * 12 + now.month - 1 - k) for k in range(24, 0, -1)]  # the last 24 complete months
    window = [date(m // 12, m % 12 + 1, 1) for m in complete]
    runtime.bind(db)
    try:
        with db.session() as session:
            session.execute(
                text("SELECT ensure_observation_partitions(:first, :last)"),
                {"first": window[0], "last": date(now.year, now.month, 1)},
            )
            techs = []
            for k, rate in enumerate((0.01, 0.03, -0.02, 0.0)):
                tech = add_technology(session, f"syn-hourly-{k}", [])
                session.execute(
                    text(
                        "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value, "
                        "collected_at) SELECT :t, 'github', 'stars', 'month', p, v, now() - interval '3 hours' "
                        "FROM unnest(CAST(:p AS date[]), CAST(:v AS float8[])) AS x(p, v)"
                    ),
                    {"t": tech, "p": window, "v": growth_series(800, rate)},
                )
                techs.append(tech)
        tasks.compute_trends(int(now.timestamp()))
        with db.session() as session:
            before = scores_of(session, techs)
            observe(session, techs[2], str(window[-1]), 5_000.0)  # late data for the last complete month
            observe(session, techs[3], str(date(now.year, now.month, 1)), 9_000.0)  # this month: not yet
        tasks.compute_changed_trends(int(now.timestamp()))
        with db.session() as session:
            after = scores_of(session, techs)
            logged = session.execute(
                text(
                    "SELECT metadata FROM system_logs WHERE log_type = 'trend_calculation' "
                    "ORDER BY created_at DESC, log_id DESC LIMIT 1"
                )
            ).scalar_one()
    finally:
        runtime.unbind()
    assert after[techs[2]][0] > before[techs[2]][0]  # its December jump counts
    assert {t: after[t] for t in techs if t != techs[2]} == {t: before[t] for t in techs if t != techs[2]}
    assert (logged["incremental"], logged["scored"], logged["rows_written"]) == (True, 1, 1)
