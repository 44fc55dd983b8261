"""Monthly forecasts of technology series: models, M4 metrics, a rolling-origin backtest (no database).

Entry points: ``read_series_csv`` (or ``series_from_points``) to build series, ``run_backtest`` to score
every model, ``forecast_series`` to forecast with the backtest's choice, ``forecast_confidence`` and
``contributing_factors`` for what a stored prediction carries, and ``rise_call_stats`` to score the call
"this technology will rise".
"""

from __future__ import annotations

from frontier.trends.forecasting.backtest import BacktestReport, ModelScore, OriginScore, run_backtest
from frontier.trends.forecasting.confidence import contributing_factors, forecast_confidence
from frontier.trends.forecasting.errors import ForecastNotFinite, SeriesTooShort
from frontier.trends.forecasting.forecasts import FALLBACK_MODEL, ForecastRun, choose_model, forecast_series
from frontier.trends.forecasting.metrics import RiseCallStats, mase, owa, rise_call_stats, smape
from frontier.trends.forecasting.models import (
    BENCHMARKS,
    DEFAULT_LEVEL,
    FORECASTERS,
    MAX_HORIZON,
    Forecast,
    Forecaster,
    make_forecaster,
)
from frontier.trends.forecasting.series import (
    MonthlySeries,
    format_month,
    parse_month,
    read_series_csv,
    series_from_points,
)

__all__ = [
    "BENCHMARKS",
    "DEFAULT_LEVEL",
    "FALLBACK_MODEL",
    "FORECASTERS",
    "MAX_HORIZON",
    "BacktestReport",
    "Forecast",
    "ForecastNotFinite",
    "ForecastRun",
    "Forecaster",
    "ModelScore",
    "MonthlySeries",
    "OriginScore",
    "RiseCallStats",
    "SeriesTooShort",
    "choose_model",
    "contributing_factors",
    "forecast_confidence",
    "forecast_series",
    "format_month",
    "make_forecaster",
    "mase",
    "owa",
    "parse_month",
    "read_series_csv",
    "rise_call_stats",
    "run_backtest",
    "series_from_points",
    "smape",
]
