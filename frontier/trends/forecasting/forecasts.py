"""Forecast a set of series with the model the backtest chooses: the entry point for the CLI and jobs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontier.trends.forecasting.backtest import BacktestReport, Progress, run_backtest
from frontier.trends.forecasting.calibration import IntervalCalibration
from frontier.trends.forecasting.errors import SeriesTooShort
from frontier.trends.forecasting.models import DEFAULT_LEVEL, Forecast, make_forecaster
from frontier.trends.forecasting.models.base import check_finite, check_horizon
from frontier.trends.forecasting.models.boosting import GlobalBoostingForecaster
from frontier.trends.forecasting.series import MonthlySeries

# Used when the input is too short to backtest: the model the backtest chose on the shared GitHub series.
FALLBACK_MODEL = GlobalBoostingForecaster.name
# A series of one month shows no change at all: no model can say how far it may move, so none forecasts it.
MIN_FORECAST_MONTHS = 2


@dataclass(frozen=True)
class ForecastRun:
    """Forecasts for every input series, the model that made them, and the backtest that chose it
    (None when the model was given or the series were too short to backtest)."""

    model: str
    forecasts: list[Forecast]
    backtest: BacktestReport | None
    calibration: IntervalCalibration | None = None  # None: the model's own intervals (not calibrated)
    too_short: tuple[str, ...] = ()  # series left out: fewer than MIN_FORECAST_MONTHS months


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
    backtest); the chosen model is then fitted on all of every series, and its intervals are calibrated on
    the backtest's errors (calibration.py) — without a backtest they are the model's own. Series shorter
    than MIN_FORECAST_MONTHS are left out and named in ``too_short``. Raises SeriesTooShort when every
    series is that short, ValueError for an unknown model or a horizon outside 1..12, ForecastNotFinite
    when the model forecasts NaN or infinity.
    """
    check_horizon(horizon)
    usable = [one for one in series if len(one) >= MIN_FORECAST_MONTHS]
    too_short = tuple(one.series_id for one in series if len(one) < MIN_FORECAST_MONTHS)
    if not usable:
        raise SeriesTooShort(
            f"every series has fewer than {MIN_FORECAST_MONTHS} months: a forecast needs at least one "
            "observed change"
        )
    report = choose_model(usable, horizon, progress) if model is None else None
    name = model or (report.default if report is not None else FALLBACK_MODEL)
    calibration = report.models[name].calibration(horizon, level) if report is not None else None
    forecaster = make_forecaster(name, own_intervals=calibration is None)
    forecasts = forecaster.fit(usable, horizon).predict(usable, horizon, level)
    if calibration is not None:
        forecasts = calibration.apply(usable, forecasts)
    check_finite(name, forecasts)
    return ForecastRun(name, forecasts, report, calibration, too_short)
