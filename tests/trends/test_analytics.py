"""Trend analytics on synthetic series with exact dates: ranking, robustness, status, significance, alerts."""

from __future__ import annotations

import math
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from frontier.db.session import Database
from frontier.trends.analytics import compute_scores
from frontier.trends.models import TechnologyScoreSnapshot, TrendNotification
from frontier.trends.scores_sql import RISING_ENTER, RISING_STAY

AS_OF = date(2030, 1, 1)  # the demo's series end in 2025: they are stale here and don't take part
MONTHS = [date(2028 + (m // 12), m % 12 + 1, 1) for m in range(24)]  # 2028-01 .. 2029-12


def add_technology(session: Session, slug: str, values: list[float], metric: str = "stars") -> uuid.UUID:
    tech_id = uuid.uuid4()
    session.execute(
        text("INSERT INTO technologies (id, slug, name, ecosystem) VALUES (:i, :s, :s, 'ai_ml')"),
        {"i": tech_id, "s": slug},
    )
    session.execute(text("SELECT ensure_observation_partitions('2027-01-01', '2031-12-01')"))
    session.execute(
        text(
            "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value) "
            "SELECT :i, 'github', :m, 'month', p, v FROM unnest(CAST(:p AS date[]), CAST(:v AS float8[])) AS x(p, v)"
        ),
        {"i": tech_id, "m": metric, "p": MONTHS[: len(values)], "v": values},
    )
    return tech_id


def growth_series(start: float, rate: float) -> list[float]:
    return [start * math.exp(rate * m) for m in range(24)]


@pytest.fixture
def population(db: Database) -> dict[str, uuid.UUID]:
    """Twenty technologies whose stars grow at monthly rates from -3% to +6.5%."""
    with db.session() as session:
        return {
            f"syn-{k:02d}": add_technology(
                session, f"syn-{k:02d}", growth_series(1000 * (k + 1), -0.03 + 0.005 * k)
            )
            for k in range(20)
        }


def scores(db: Database) -> dict[str, tuple[float, str, float]]:
    with db.session() as session:
        rows = session.execute(
            text(
                "SELECT t.slug, tt.momentum_score, tt.trend_status, tt.significance_p_value FROM technology_trends tt "
                "JOIN technologies t ON t.id = tt.trend_id WHERE t.slug LIKE 'syn-%'"
            )
        ).all()
    return {slug: (float(m), str(status), float(p)) for slug, m, status, p in rows}


def test_momentum_ranks_technologies_by_recent_growth(db: Database, population: dict[str, uuid.UUID]) -> None:
    with db.session() as session:
        report = compute_scores(session, AS_OF)
    result = scores(db)
    assert report.scored == 20
    ordered = [slug for slug, _ in sorted(result.items(), key=lambda item: item[1][0])]
    assert ordered == sorted(population)  # growth rises with k, so does momentum
    assert all(1 <= m <= 10 for m, _, _ in result.values())


def test_one_extreme_outlier_barely_moves_everyone_else(
    db: Database, population: dict[str, uuid.UUID]
) -> None:
    with db.session() as session:
        compute_scores(session, AS_OF)
    before = scores(db)
    with db.session() as session:
        add_technology(session, "syn-zz-outlier", growth_series(50, 0.6))
        compute_scores(session, AS_OF)
    after = scores(db)
    assert after["syn-zz-outlier"][0] == max(m for m, _, _ in after.values())
    assert max(abs(after[slug][0] - before[slug][0]) for slug in before) < 0.5


def test_observations_after_as_of_are_ignored(db: Database, population: dict[str, uuid.UUID]) -> None:
    with db.session() as session:
        compute_scores(session, AS_OF)
    before = scores(db)
    with db.session() as session:
        session.execute(
            text(
                "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value) "
                "VALUES (:i, 'github', 'stars', 'month', '2030-01-01', 1e12)"
            ),
            {"i": population["syn-00"]},
        )
        compute_scores(session, AS_OF)
    assert scores(db) == before


def test_shrinking_technologies_are_declining(db: Database, population: dict[str, uuid.UUID]) -> None:
    with db.session() as session:
        compute_scores(session, AS_OF)
    result = scores(db)
    assert result["syn-00"][1] == "declining"
    assert result["syn-19"][1] != "declining"


def test_accelerating_adoption_is_significant_and_steady_adoption_is_not(db: Database) -> None:
    with db.session() as session:
        # increments grow month after month vs the same increment every month
        add_technology(session, "syn-accelerating", [1000 + 5 * m * m for m in range(24)])
        add_technology(session, "syn-steady", [1000 + 50 * m for m in range(24)])
        compute_scores(session, AS_OF)
    result = scores(db)
    assert result["syn-accelerating"][2] < 0.05
    assert result["syn-steady"][2] >= 0.5


def test_a_rerun_for_the_same_day_rewrites_nothing_and_keeps_one_snapshot(
    db: Database, population: dict[str, uuid.UUID]
) -> None:
    with db.session() as session:
        compute_scores(session, AS_OF)
        again = compute_scores(session, AS_OF)
        snapshots = session.scalar(
            select(func.count())
            .select_from(TechnologyScoreSnapshot)
            .where(TechnologyScoreSnapshot.computed_on == AS_OF)
        )
    assert again.rows_written == 0
    assert snapshots == 20


def _remember(session: Session, tech: uuid.UUID, status: str) -> None:
    session.execute(
        text(
            "INSERT INTO technology_score_history (technology_id, computed_on, trend_status) "
            "VALUES (:i, '2029-12-01', CAST(:s AS trend_status))"
        ),
        {"i": tech, "s": status},
    )


def momentum_at(z: float) -> float:
    """The momentum of a combined growth z (the computation's curve)."""
    return 1 + 9 / (1 + math.exp(-math.asinh(z)))


def test_a_status_holds_between_its_entry_and_exit_thresholds(
    db: Database, population: dict[str, uuid.UUID]
) -> None:
    with db.session() as session:
        compute_scores(session, AS_OF)
    fresh = scores(db)
    stay, enter = momentum_at(RISING_STAY), momentum_at(RISING_ENTER)
    between = [s for s, (m, _, _) in fresh.items() if stay + 0.01 <= m < enter - 0.01]
    below = [s for s, (m, _, _) in fresh.items() if 5.5 < m < stay - 0.01]
    assert between and below and all(fresh[s][1] == "mainstream" for s in between)  # entry needs z >= 1
    assert all(fresh[s][1] == "rising" for s, (m, _, _) in fresh.items() if m >= enter + 0.01)
    with db.session() as session:
        for slug in between + below:
            _remember(session, population[slug], "rising")
        compute_scores(session, AS_OF)
    held = scores(db)
    assert all(held[s][1] == "rising" for s in between)  # exit only below z = 0.5
    assert all(held[s][1] != "rising" for s in below)


def test_fast_steady_growth_is_rising_without_acceleration(
    db: Database, population: dict[str, uuid.UUID]
) -> None:
    # a year of the same number of new stars every month: fast against the population, not accelerating
    with db.session() as session:
        add_technology(session, "syn-steady-fast", [0.0] * 12 + [1000.0 * (m + 1) for m in range(12)])
        compute_scores(session, AS_OF)
    _, status, p_value = scores(db)["syn-steady-fast"]
    assert status == "rising" and p_value > 0.05
    assert 0 < p_value < 1  # the p of a real test, not a placeholder


def follow_a_riser(session: Session) -> tuple[uuid.UUID, uuid.UUID]:
    """A user following a technology that is flat for a year (scored as of 2029-01-01), then takes off (its
    data up to AS_OF added, not yet scored): the user and the technology."""
    user: uuid.UUID = session.execute(
        text("INSERT INTO users (email, display_name) VALUES ('f@example.org', 'F') RETURNING id")
    ).scalar_one()
    for k in range(12):
        add_technology(session, f"syn-flat-{k:02d}", growth_series(500 * (k + 1), 0.002 * k))
    tech = add_technology(session, "syn-riser", [1000.0] * 12)
    session.execute(
        text("INSERT INTO technology_follows (user_id, technology_id) VALUES (:u, :t)"),
        {"u": user, "t": tech},
    )
    compute_scores(session, date(2029, 1, 1))
    session.execute(  # then it takes off
        text(
            "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value) "
            "SELECT :i, 'github', 'stars', 'month', p, 1000 + 400 * (extract(month FROM p) ^ 2) "
            "FROM unnest(CAST(:p AS date[])) p"
        ),
        {"i": tech, "p": MONTHS[12:]},
    )
    return user, tech


def test_status_changes_alert_followers_exactly_once(db: Database) -> None:
    with db.session() as session:
        user, tech = follow_a_riser(session)
        for _ in range(2):  # a re-run must not alert again
            compute_scores(session, AS_OF)
        notes = session.scalars(select(TrendNotification).where(TrendNotification.user_id == user)).all()
    kinds = sorted(n.notification_type for n in notes)
    assert kinds.count("emerging_trend") + kinds.count("status_change") == 1
    assert all(n.trend_id == tech and n.subject_id == tech for n in notes)
    assert any(n.title.startswith("syn-riser moved from ") for n in notes)


def test_seed_method_applies_the_seed_formula_to_emerging_and_rising_rows(db: Database) -> None:
    with db.session() as session:
        tech = add_technology(session, "syn-seed", [1.0] * 24)
        session.execute(
            text(
                "INSERT INTO technology_trends (trend_id, trend_name, ecosystem_id, trend_status, github_stars, "
                "stackoverflow_questions, job_postings_count, first_detected_date) "
                "SELECT id, name, ecosystem, 'rising', 5000, 200, 20, '2029-10-15' FROM technologies WHERE id = :i"
            ),
            {"i": tech},
        )
        compute_scores(session, AS_OF, method="seed")
        row = session.execute(
            text("SELECT momentum_score, learning_priority_score FROM technology_trends WHERE trend_id = :i"),
            {"i": tech},
        ).one()
    momentum = round(min(10, max(1, 5000 / 1000 * 0.4 + 200 / 100 * 0.3 + 20 / 50 * 0.3)))
    assert float(row.momentum_score) == momentum
    assert float(row.learning_priority_score) == pytest.approx(min(10, momentum + 0.9 * 3))
