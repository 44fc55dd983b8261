"""Stored forecasts on the demo series: stored once per origin, scored when their month comes, reported."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from frontier.app import create_app
from frontier.db.session import Database
from frontier.trends import forecast_store
from frontier.trends.analytics import compute_scores
from frontier.trends.forecasting import ForecastNotFinite
from frontier.trends.forecasting.models import DEFAULT_LEVEL, FORECASTERS, Forecast
from frontier.trends.forecasting.models.baselines import NaiveForecaster
from frontier.trends.forecasting.series import MonthlySeries
from frontier.trends.models import TrendPrediction

ORIGIN = date(2024, 9, 1)  # the demo's series run to 2025-08: a year of them is left to score against


def _count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(TrendPrediction)) or 0)


def test_forecasts_are_stored_once_per_origin_with_ordered_intervals(db: Database) -> None:
    with db.session() as session:
        compute_scores(session, ORIGIN)
        run = forecast_store.store_forecasts(session, ORIGIN, model="naive")
        again = forecast_store.store_forecasts(session, ORIGIN, model="naive")
        rows = session.scalars(select(TrendPrediction).limit(50)).all()
    assert run.series > 50 and run.stored == run.series * forecast_store.HORIZON == again.stored
    assert _count(db) == run.stored  # the re-run replaced, never duplicated
    assert all(r.lower_bound <= r.predicted_value <= r.upper_bound for r in rows)
    assert all(0 <= float(r.prediction_confidence) <= 1 for r in rows)
    assert all(r.contributing_factors and r.contributing_factors["months_of_history"] >= 12 for r in rows)
    assert {r.horizon_months for r in rows} <= set(range(1, 13))


def test_forecasts_are_scored_when_their_month_is_observed(db: Database) -> None:
    with db.session() as session:
        compute_scores(session, ORIGIN)
        forecast_store.store_forecasts(session, ORIGIN, model="naive")
        early = forecast_store.score_due(session, ORIGIN)
        later = forecast_store.score_due(session, date(2025, 9, 1))
        scored = session.scalars(
            select(TrendPrediction).where(TrendPrediction.prediction_accuracy.is_not(None))
        ).all()
        record = {r["model"]: r for r in forecast_store.track_record(session)}
    assert early == 0 and later == len(scored) > 0
    assert all(0 <= float(r.prediction_accuracy) <= 1 and "value" in r.actual_outcome for r in scored)
    naive = record["naive"]
    assert (
        naive["scored"] == later and 0 < naive["mean_accuracy"] <= 1 and 0 <= naive["interval_coverage"] <= 1
    )


def test_forecast_route_shows_the_latest_forecast_of_each_signal(db: Database) -> None:
    with db.session() as session:
        compute_scores(session, ORIGIN)
        forecast_store.store_forecasts(session, ORIGIN, model="naive")
    client = TestClient(create_app(db))
    body = client.get("/api/v1/trends/python/forecast").json()
    points = body["series"]["github.top100_stars"]
    assert body["model"] == "naive" and body["made_from"] == "2024-08-01" and len(points) == 12
    assert points[0]["month"] == "2024-09" and all(p["lo"] <= p["value"] <= p["hi"] for p in points)
    models = client.get("/api/v1/forecast-models").json()
    assert any(m["model"] == "naive" and m["stored"] > 0 for m in models)


class AllNaN(NaiveForecaster):
    """The naive forecaster, except that every forecast's last month is NaN."""

    name = "all-nan"

    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        forecasts = super().predict(series, horizon, level)
        for forecast in forecasts:
            forecast.mean[-1] = float("nan")
        return forecasts


def test_a_model_forecasting_nan_stores_nothing_and_names_itself(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(FORECASTERS, "all-nan", AllNaN)
    before = _count(db)
    with db.session() as session:
        compute_scores(session, ORIGIN)  # series are those of scored technologies
    with pytest.raises(ForecastNotFinite, match="model 'all-nan' forecast nan"), db.session() as session:
        forecast_store.store_forecasts(session, ORIGIN, model="all-nan")
    assert _count(db) == before
