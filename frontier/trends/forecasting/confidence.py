"""How sure a forecast is, and the facts from the data that shaped it (stored with each prediction).

Confidence comes from the prediction interval alone: ``w = (hi - lo) / (2 * |value|)``, the interval's
half-width relative to the forecast level, mapped to ``1 / (1 + 2.5 * w)``. A forecast known to within
+-10% scores 0.8, +-40% scores 0.5, +-100% scores 0.29; a zero-width interval scores 1. It is a monotone
summary of the interval, not a probability.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontier.trends.forecasting.models.base import Forecast
from frontier.trends.forecasting.series import MonthlySeries

WIDTH_WEIGHT = 2.5  # +-10% relative half-width -> confidence 0.8
RECENT_MONTHS = 12


def forecast_confidence(forecast: Forecast, step: int | None = None) -> float:
    """Confidence in [0, 1] of the forecast at ``step`` (0-based; default the last month)."""
    index = forecast.horizon - 1 if step is None else step
    value = abs(float(forecast.mean[index]))
    half_width = (float(forecast.hi[index]) - float(forecast.lo[index])) / 2.0
    if half_width <= 0.0:
        return 1.0
    if value == 0.0:
        return 0.0
    return 1.0 / (1.0 + WIDTH_WEIGHT * half_width / value)


def _log_changes(series: MonthlySeries) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.diff(np.log1p(series.values[-(RECENT_MONTHS + 1) :]))


def contributing_factors(series: MonthlySeries, forecast: Forecast, model: str) -> dict[str, Any]:
    """The data behind a forecast, as a JSON-ready dict.

    Keys: ``model``; ``recent_monthly_growth`` (mean monthly log growth over the last 12 months, ~ the
    monthly growth rate); ``growth_last_12_months`` (relative change over them); ``volatility`` (sd of those
    monthly log changes); ``history_months`` and ``observed_months`` (months spanned and months the input
    really had; the rest were interpolated); ``forecast_growth`` (relative change from the last value to
    the forecast's last month); ``relative_interval_width`` (``(hi - lo) / |value|`` there);
    ``interval_level``; ``horizon_months``.
    """
    changes = _log_changes(series)
    last = float(series.values[-1])
    back = float(series.values[max(0, len(series) - 1 - RECENT_MONTHS)])
    final, lo, hi = float(forecast.mean[-1]), float(forecast.lo[-1]), float(forecast.hi[-1])
    return {
        "model": model,
        "recent_monthly_growth": _rounded(float(np.mean(changes)) if len(changes) else 0.0),
        "growth_last_12_months": _rounded(_relative(back, last)),
        "volatility": _rounded(float(np.std(changes)) if len(changes) else 0.0),
        "history_months": len(series),
        "observed_months": int(series.observed.sum()),
        "forecast_growth": _rounded(_relative(last, final)),
        "relative_interval_width": _rounded((hi - lo) / abs(final) if final else math.inf),
        "interval_level": forecast.level,
        "horizon_months": forecast.horizon,
    }


def _relative(before: float, after: float) -> float:
    return (after - before) / before if before else (0.0 if after == before else math.inf)


def _rounded(value: float) -> float | None:
    """Six decimals; None for a value JSON can't hold (an infinite ratio from a zero base)."""
    return round(value, 6) if math.isfinite(value) else None
