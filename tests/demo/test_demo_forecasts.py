"""After ``frontier demo load`` the demo is complete: stored forecasts with calibrated intervals, a scored
track record for every model, and a backtest whose calibrated 80% intervals hold 78-82% of outcomes."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontier.app import create_app
from frontier.db.session import Database
from frontier.demo.loader import forecast_demo, score_demo_trends
from frontier.trends import forecast_store
from frontier.trends.forecasting import FORECASTERS
from frontier.trends.forecasting.series import parse_month
from frontier.trends.models import TrendPrediction, TrendPredictionModel

pytestmark = pytest.mark.slow  # minutes of fuzzing, backtests or whole-database copies: not in make test-fast


def test_the_demo_has_forecasts_a_track_record_and_calibrated_intervals(db: Database) -> None:
    with db.session() as session:
        score_demo_trends(session)
        done = forecast_demo(session)
    assert done is not None
    assert done.origins == (date(2024, 9, 1), date(2025, 3, 1), date(2025, 9, 1))
    assert done.stored > 0 and done.scored > 0

    client = TestClient(create_app(db))
    forecast = client.get("/api/v1/trends/python/forecast").json()
    assert forecast["model"] == done.default_model and forecast["made_from"] == "2025-08-01"
    points = forecast["series"]["github.top100_stars"]
    assert len(points) == 12 and all(p["lo"] <= p["value"] <= p["hi"] and p["lo"] < p["hi"] for p in points)
    assert forecast["track_record"]["model"] == done.default_model and forecast["track_record"]["scored"] > 0

    models = {m["model"]: m for m in client.get("/api/v1/forecast-models").json()}
    assert set(models) == set(FORECASTERS)
    for record in models.values():
        assert record["scored"] > 0 and [c["horizon"] for c in record["coverage_by_horizon"]] == list(
            range(1, 13)
        )
        assert "calibrations" not in record["backtest"]
    chosen = models[done.default_model]
    assert chosen["production"] and 0.78 <= chosen["backtest"]["coverage"] <= 0.82
    assert all(0.7 <= c <= 0.9 for c in chosen["backtest"]["coverage_by_horizon"])
    # the track record is out of sample: scored forecasts were calibrated on errors seen before their origin
    assert 0.7 <= chosen["interval_coverage"] <= 0.9

    with db.session() as session:
        row = session.scalars(
            select(TrendPredictionModel).where(TrendPredictionModel.model_name == done.default_model)
        ).one()
        kept = row.backtest_metrics["calibrations"]  # type: ignore[index]
        assert set(kept) == {"2024-08", "2025-02", "2025-08"}
        assert kept["2024-08"]["errors"][0] < kept["2025-08"]["errors"][0]  # fewer known then
        assert forecast_store.calibration_for(row, parse_month("2023-01")) is None
        early = session.scalars(
            select(TrendPrediction).where(
                TrendPrediction.model_id == row.model_id, TrendPrediction.origin_period == date(2024, 8, 1)
            )
        ).first()
    assert early is not None and early.contributing_factors["interval_calibrated_on"] == "2024-08"
