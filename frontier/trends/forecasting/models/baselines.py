"""The benchmarks every forecaster must beat: naive and random walk with drift (Hyndman & Athanasopoulos,
*Forecasting: Principles and Practice*, section 5.5, for their prediction intervals)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from frontier.trends.forecasting.models.base import (
    DEFAULT_LEVEL,
    Forecast,
    Forecaster,
    make_forecast,
    z_score,
)
from frontier.trends.forecasting.series import FloatArray, MonthlySeries


def _steps(horizon: int) -> FloatArray:
    return np.arange(1, horizon + 1, dtype=np.float64)


def _residual_sd(residuals: FloatArray) -> float:
    return float(np.sqrt(np.mean(residuals**2))) if len(residuals) else 0.0


def _random_walks(
    series: Sequence[MonthlySeries], horizon: int, level: float, with_drift: bool
) -> list[Forecast]:
    """Random walk forecasts (with drift: plus the mean monthly change so far) and their normal intervals
    from the one-step changes' residuals, widening with sqrt(h) (with drift, also for the slope's error)."""
    z, steps = z_score(level), _steps(horizon)
    forecasts = []
    for one in series:
        changes = np.diff(one.values)
        slope = float(np.mean(changes)) if with_drift and len(changes) else 0.0
        mean = one.values[-1] + slope * steps
        growth = steps * (1.0 + steps / max(len(one.values) - 1, 1)) if with_drift else steps
        spread = z * _residual_sd(changes - slope) * np.sqrt(growth)
        forecasts.append(make_forecast(one, mean, mean - spread, mean + spread, level))
    return forecasts


class NaiveForecaster(Forecaster):
    """Every future month equals the last one."""

    name = "naive"
    description = "last value carried forward; interval from one-step changes, widening with sqrt(h)"

    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        """Flat forecasts at each series' last value."""
        return _random_walks(series, horizon, level, with_drift=False)


class DriftForecaster(Forecaster):
    """Random walk with drift: the line from the first to the last value, extended."""

    name = "drift"
    description = "last value plus the mean monthly change so far"

    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        """Forecasts continuing each series' average monthly change."""
        return _random_walks(series, horizon, level, with_drift=True)
