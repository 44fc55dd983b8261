"""Stored forecasts: every technology's monthly signals forecast 12 months ahead with intervals, stored in
``trend_predictions``, scored against what happened once their month is observed, and the models' backtest
and running track record kept on ``trend_prediction_models``.

Intervals are calibrated (forecasting/calibration.py): the monthly backtest keeps, on each model's row, the
interval offsets its errors give, keyed by the last month whose errors they use; a forecast made from month
M takes the latest calibration known by M, so a forecast never rests on outcomes after its own origin. With
no backtest yet, a forecast keeps the model's own interval and says so in its factors.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from frontier.cache.notify import announce
from frontier.db.system_logs import record
from frontier.trends.forecasting.backtest import BacktestReport, run_backtest
from frontier.trends.forecasting.calibration import IntervalCalibration
from frontier.trends.forecasting.models import DEFAULT_LEVEL, FORECASTERS, Forecast, make_forecaster
from frontier.trends.forecasting.models.base import check_finite
from frontier.trends.forecasting.series import MonthlySeries, format_month, series_from_points
from frontier.trends.models import TrendPrediction, TrendPredictionModel

DEFAULT_MODEL = "global_gbm"  # chosen by backtest (README, "Forecasts")
MODEL_VERSION = "1"
HORIZON = 12
MIN_MONTHS = 12
CALIBRATIONS_KEPT = 24  # per model: two years of monthly backtests
SIGNALS = (
    ("github", "stars"),
    ("github", "top100_stars"),
    ("stackoverflow", "questions"),
    ("hn_jobs", "job_mentions"),
)

SERIES = """
SELECT o.technology_id, o.source, o.metric, o.period_start, o.value
FROM observations o JOIN technology_trends tt ON tt.trend_id = o.technology_id
WHERE o.granularity = 'month' AND o.period_start < date_trunc('month', CAST(:as_of AS date))::date
  AND (o.source, o.metric) IN (
      SELECT s, m FROM unnest(CAST(:sources AS text[]), CAST(:metrics AS text[])) AS x(s, m))
ORDER BY o.technology_id, o.source, o.metric, o.period_start
"""

SCORE_DUE = """
UPDATE trend_predictions p
SET actual_outcome = jsonb_build_object(
        'value', o.value, 'error', o.value - p.predicted_value,
        'within_interval', o.value BETWEEN p.lower_bound AND p.upper_bound),
    prediction_accuracy = greatest(
        0, 1 - least(1, abs(o.value - p.predicted_value) / greatest(abs(o.value), 1)))
FROM observations o
WHERE p.actual_outcome IS NULL AND p.validation_date <= CAST(:as_of AS date)
  AND o.technology_id = p.trend_id AND o.source = p.source AND o.metric = p.metric
  AND o.granularity = 'month' AND o.period_start = p.target_period
"""


@dataclass(frozen=True)
class ForecastRun:
    """What one stored-forecast run did."""

    model: str
    series: int
    stored: int
    scored: int
    calibrated: bool = False  # intervals calibrated on backtest errors (False: the model's own)


def _month_ordinal(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(ordinal: int) -> date:
    year, month0 = divmod(ordinal, 12)
    return date(year, month0 + 1, 1)


def load_series(session: Session, as_of: date) -> dict[str, MonthlySeries]:
    """Complete months before ``as_of`` of every scored technology's signals, keyed ``id|source|metric``."""
    points: dict[str, dict[int, float]] = defaultdict(dict)
    rows = session.execute(
        text(SERIES), {"as_of": as_of, "sources": [s for s, _ in SIGNALS], "metrics": [m for _, m in SIGNALS]}
    )
    for technology_id, source, metric, period, value in rows:
        points[f"{technology_id}|{source}|{metric}"][_month_ordinal(period)] = float(value)
    return {key: series_from_points(key, p) for key, p in points.items() if len(p) >= MIN_MONTHS}


def model_row(session: Session, name: str) -> TrendPredictionModel:
    """The registry row of a forecaster (created on first use)."""
    statement = (
        insert(TrendPredictionModel)
        .values(
            model_name=name,
            model_version=MODEL_VERSION,
            prediction_horizon_months=HORIZON,
            features_used={"signals": [f"{s}.{m}" for s, m in SIGNALS], "level": DEFAULT_LEVEL},
        )
        .on_conflict_do_nothing(index_elements=["model_name", "model_version"])
    )
    session.execute(statement)
    return session.scalars(
        select(TrendPredictionModel).where(
            TrendPredictionModel.model_name == name, TrendPredictionModel.model_version == MODEL_VERSION
        )
    ).one()


def confidence(forecast: Forecast, step: int) -> float:
    """Confidence in [0, 1] from how wide the interval is relative to the value: exp(-half-width/|value|)."""
    half = (float(forecast.hi[step]) - float(forecast.lo[step])) / 2
    return round(math.exp(-half / max(abs(float(forecast.mean[step])), 1.0)), 4)


def factors(series: MonthlySeries, model: str) -> dict[str, Any]:
    """What the forecast rests on, computed from the series itself."""
    logs = np.log(np.maximum(series.values[-13:], 1.0))
    diffs = np.diff(logs)
    return {
        "model": model,
        "months_of_history": len(series),
        "growth_3m_per_month": round(float((logs[-1] - logs[-4]) / 3), 5) if len(logs) >= 4 else None,
        "volatility_12m": round(float(np.std(diffs)), 5) if len(diffs) > 1 else None,
        "observed_share": round(float(np.mean(series.observed)), 3),
        "last_value": float(series.values[-1]),
    }


def calibration_for(row: TrendPredictionModel, origin_month: int) -> IntervalCalibration | None:
    """The model's latest stored calibration whose errors were all observed by ``origin_month``."""
    stored = (row.backtest_metrics or {}).get("calibrations") or {}
    usable = [key for key in stored if key <= format_month(origin_month)]
    return IntervalCalibration.from_json(stored[max(usable)]) if usable else None


def store_forecasts(session: Session, as_of: date, model: str = DEFAULT_MODEL) -> ForecastRun:
    """Forecast every series HORIZON months after its last complete month and store each month (idempotent
    per origin: a re-run for the same day replaces, never duplicates)."""
    series = load_series(session, as_of)
    row = model_row(session, model)
    announce(session, "forecasts")  # cached forecasts and track records are dropped as this commits
    if not series:
        return ForecastRun(model, 0, 0, score_due(session, as_of))
    ordered = [series[key] for key in sorted(series)]
    calibration = calibration_for(row, _month_ordinal(as_of) - 1)
    forecaster = make_forecaster(model, own_intervals=calibration is None)
    forecasts = forecaster.fit(ordered, HORIZON).predict(ordered, HORIZON, DEFAULT_LEVEL)
    if calibration is not None:
        forecasts = calibration.apply(ordered, forecasts)
    check_finite(model, forecasts, " (stored forecasts)")  # NaN would be stored as a prediction otherwise
    interval = (
        {"interval": "calibrated", "interval_calibrated_on": calibration.known_by_text}
        if calibration is not None
        else {"interval": "model's own (no backtest yet to calibrate on)"}
    )
    values = []
    for one, forecast in zip(ordered, forecasts, strict=True):
        technology_id, source, metric = one.series_id.split("|")
        context = factors(one, model) | interval
        for step in range(forecast.horizon):
            target = _first_of(forecast.first_month + step)
            values.append(
                {
                    "model_id": row.model_id,
                    "trend_id": uuid.UUID(technology_id),
                    "source": source,
                    "metric": metric,
                    "origin_period": _first_of(one.end),
                    "target_period": target,
                    "horizon_months": step + 1,
                    "predicted_value": float(forecast.mean[step]),
                    "lower_bound": float(forecast.lo[step]),
                    "upper_bound": float(forecast.hi[step]),
                    "interval_level": round(forecast.level * 100),
                    "prediction_confidence": confidence(forecast, step),
                    "contributing_factors": context,
                    "validation_date": _first_of(forecast.first_month + step + 1),
                }
            )
    stored = _upsert(session, values)
    scored = score_due(session, as_of)
    record(
        session,
        "forecast",
        "forecasts stored",
        model=model,
        series=len(ordered),
        stored=stored,
        scored=scored,
        calibrated=calibration is not None,
    )
    return ForecastRun(model, len(ordered), stored, scored, calibration is not None)


def store_all_forecasts(session: Session, as_of: date) -> list[ForecastRun]:
    """``store_forecasts`` for every model (each keeps its own track record)."""
    return [store_forecasts(session, as_of, name) for name in FORECASTERS]


def _upsert(session: Session, values: list[dict[str, Any]], batch: int = 2000) -> int:
    for start in range(0, len(values), batch):
        statement = insert(TrendPrediction).values(values[start : start + batch])
        changed = {
            k: statement.excluded[k]
            for k in (
                "predicted_value",
                "lower_bound",
                "upper_bound",
                "prediction_confidence",
                "contributing_factors",
            )
        }
        session.execute(
            statement.on_conflict_do_update(constraint="uq_trend_predictions_forecast", set_=changed)
        )
    return len(values)


def score_due(session: Session, as_of: date) -> int:
    """Score every stored forecast whose month has been observed by ``as_of``; refresh models' accuracy."""
    scored = int(getattr(session.execute(text(SCORE_DUE), {"as_of": as_of}), "rowcount", 0) or 0)
    if scored:
        announce(session, "forecasts")
    session.execute(
        text(
            "UPDATE trend_prediction_models m SET accuracy_percentage = s.accuracy FROM ("
            " SELECT model_id, round(100 * avg(prediction_accuracy), 2) AS accuracy FROM trend_predictions"
            " WHERE prediction_accuracy IS NOT NULL GROUP BY model_id) s WHERE s.model_id = m.model_id"
        )
    )
    return scored


TRACK_RECORD = """
SELECT m.model_id, m.model_name, m.model_version, m.backtest_metrics, m.is_production_ready,
       count(p.prediction_id) AS stored, count(p.prediction_accuracy) AS scored,
       avg(p.prediction_accuracy) AS mean_accuracy,
       avg(CASE WHEN (p.actual_outcome ->> 'within_interval')::boolean THEN 1.0 ELSE 0.0 END)
           FILTER (WHERE p.actual_outcome IS NOT NULL) AS interval_coverage
FROM trend_prediction_models m LEFT JOIN trend_predictions p ON p.model_id = m.model_id
WHERE CAST(:model AS text) IS NULL OR m.model_name = CAST(:model AS text)
GROUP BY m.model_id ORDER BY m.model_name
"""

COVERAGE_BY_HORIZON = """
SELECT p.model_id, p.horizon_months, count(*) AS scored,
       avg(CASE WHEN (p.actual_outcome ->> 'within_interval')::boolean THEN 1.0 ELSE 0.0 END) AS coverage
FROM trend_predictions p JOIN trend_prediction_models m ON m.model_id = p.model_id
WHERE p.actual_outcome IS NOT NULL AND (CAST(:model AS text) IS NULL OR m.model_name = CAST(:model AS text))
GROUP BY p.model_id, p.horizon_months ORDER BY p.model_id, p.horizon_months
"""


def track_record(session: Session, model: str | None = None) -> list[dict[str, Any]]:
    """Per model (or the one named): forecasts stored and scored, mean accuracy, interval coverage overall
    and per horizon (months ahead) of the scored ones, and the backtest's metrics and coverage."""
    by_horizon: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in session.execute(text(COVERAGE_BY_HORIZON), {"model": model}):  # one model's rows, when named
        by_horizon[row.model_id].append(
            {"horizon": int(row.horizon_months), "scored": int(row.scored), "coverage": float(row.coverage)}
        )
    return [
        {
            "model": row.model_name,
            "version": row.model_version,
            "stored": int(row.stored),
            "scored": int(row.scored),
            "mean_accuracy": float(row.mean_accuracy) if row.mean_accuracy is not None else None,
            "interval_coverage": float(row.interval_coverage) if row.interval_coverage is not None else None,
            "coverage_by_horizon": by_horizon.get(row.model_id, []),
            "backtest": _public_metrics(row.backtest_metrics),
            "production": bool(row.is_production_ready),
        }
        for row in session.execute(text(TRACK_RECORD), {"model": model})
    ]


def _public_metrics(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
    """The backtest's metrics without the calibration tables (kept for the forecasts, not for reading)."""
    if metrics is None:
        return None
    return {key: value for key, value in metrics.items() if key != "calibrations"}


def production_model(session: Session) -> str:
    """The model the latest backtest chose (DEFAULT_MODEL before any backtest)."""
    chosen = session.scalars(
        select(TrendPredictionModel.model_name)
        .where(TrendPredictionModel.is_production_ready.is_(True))
        .order_by(TrendPredictionModel.model_name)
    ).first()
    return chosen or DEFAULT_MODEL


def store_backtest(session: Session, as_of: date, also_known_by: Sequence[date] = ()) -> BacktestReport:
    """Backtest every model on the stored series and keep the metrics on each model's row, with the
    interval calibration its errors give as of the last complete month, and as of the months before each
    of ``also_known_by`` (for forecasts made from then: only errors observed by then)."""
    report = run_backtest(list(load_series(session, as_of).values()), HORIZON)
    months = sorted({_month_ordinal(day) - 1 for day in (as_of, *also_known_by)})
    for name, score in report.models.items():
        row = model_row(session, name)
        row.mase, row.smape, row.owa = (_decimal(score.mase), _decimal(score.smape), _decimal(score.owa))
        rise = score.rise
        row.precision_score, row.recall_score = _rate(rise.precision), _rate(rise.recall)
        row.false_positive_rate, row.false_negative_rate = (
            _rate(rise.false_positive_rate),
            _rate(rise.false_negative_rate),
        )
        calibrations = dict((row.backtest_metrics or {}).get("calibrations") or {})
        for month in months:
            calibration = score.calibration(HORIZON, DEFAULT_LEVEL, known_by=month)
            if calibration is not None:
                calibrations[format_month(month)] = calibration.to_json()
        row.backtest_metrics = {
            "origins": list(report.origins),
            "horizon": report.horizon,
            "as_of": str(as_of),
            "mase": _finite(score.mase),
            "smape": _finite(score.smape),
            "owa": _finite(score.owa),
            "coverage": score.coverage_overall,
            "coverage_by_horizon": list(score.coverage),
            "calibrations": dict(sorted(calibrations.items())[-CALIBRATIONS_KEPT:]),
        }
        row.is_production_ready = name == report.default
    announce(session, "forecasts")
    record(session, "forecast", "models backtested", default=report.default, origins=list(report.origins))
    return report


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _decimal(value: float) -> Decimal | None:
    return None if math.isnan(value) else Decimal(str(round(value, 4)))


def _rate(value: float | None) -> Decimal | None:
    return None if value is None else _decimal(value)
