"""Forecast a set of series with the model the backtest chooses: the entry point for the CLI and jobs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontier.trends.forecasting.backtest import BacktestReport, Progress, run_backtest
from frontier.trends.forecasting.errors import SeriesTooShort
from frontier.trends.forecasting.models import DEFAULT_LEVEL, Forecast, make_forecaster
from frontier.trends.forecasting.models.base import check_finite, check_horizon
from frontier.trends.forecasting.models.boosting import GlobalBoostingForecaster
from frontier.trends.forecasting.series import MonthlySeries

# Used when the input is too short to backtest: the model the backtest chose on the shared GitHub series.
FALLBACK_MODEL = GlobalBoostingForecaster.name


@dataclass(frozen=True)
class ForecastRun:
    """Forecasts for every input series, the model that made them, and the backtest that chose it
    (None when the model was given or the series were too short to backtest)."""

    model: str
    forecasts: list[Forecast]
    backtest: BacktestReport | None


def choose_model(
    series: Sequence[MonthlySeries], horizon: int, progress: Progress | None = None
) -> BacktestReport | None:
    """The rolling-origin backtest of every model on ``series`` (None if no series is long enough; any
    other error, a bad horizon or a failing model, propagates)."""
    try:
        return run_backtest(series, horizon, progress=progress)
    except SeriesTooShort:
        return None


def forecast_series(
    series: Sequence[MonthlySeries],
    horizon: int,
    model: str | None = None,
    level: float = DEFAULT_LEVEL,
    progress: Progress | None = None,
) -> ForecastRun:
    """Forecast ``horizon`` months after each series' own last month.

    With ``model`` None the backtest chooses it (``FALLBACK_MODEL`` when the series are too short to
    backtest); the chosen model is then fitted on all of every series. Raises ValueError for an unknown
    model or a horizon outside 1..12, ForecastNotFinite when the model forecasts NaN or infinity.
    """
    check_horizon(horizon)
    report = choose_model(series, horizon, progress) if model is None else None
    name = model or (report.default if report is not None else FALLBACK_MODEL)
    forecasts = make_forecaster(name).fit(series, horizon).predict(series, horizon, level)
    check_finite(name, forecasts)
    return ForecastRun(name, forecasts, report)
