"""The one interface every forecaster implements, and the forecast it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import ClassVar, Self

import numpy as np

from frontier.trends.forecasting.errors import ForecastNotFinite
from frontier.trends.forecasting.series import FloatArray, MonthlySeries, format_month

DEFAULT_LEVEL = 0.8  # 80% prediction intervals: wide enough to mean something, narrow enough to use
MAX_HORIZON = 12


@dataclass(frozen=True)
class Forecast:
    """Point forecasts and a central prediction interval for the months after a series' last month."""

    series_id: str
    first_month: int  # month ordinal of mean[0]: the month after the series' last month
    mean: FloatArray
    lo: FloatArray
    hi: FloatArray
    level: float  # coverage the interval aims at, e.g. 0.8

    @property
    def horizon(self) -> int:
        """Number of months forecast."""
        return len(self.mean)

    def months(self) -> list[str]:
        """The forecast months as ``YYYY-MM``."""
        return [format_month(self.first_month + step) for step in range(self.horizon)]

    def rows(self) -> list[tuple[str, float, float, float]]:
        """One ``(month, value, lo, hi)`` per forecast month."""
        return [
            (month, float(v), float(lo), float(hi))
            for month, v, lo, hi in zip(self.months(), self.mean, self.lo, self.hi, strict=True)
        ]


class Forecaster(ABC):
    """Fit on a set of series (learning what is shared), then forecast any series from its own history."""

    name: ClassVar[str]
    description: ClassVar[str]
    own_intervals: bool = True  # False: intervals will be calibrated elsewhere; a costly model may skip them

    def fit(self, series: Sequence[MonthlySeries], horizon: int) -> Self:
        """Learn what the model shares across series (nothing, for local models); returns self."""
        check_horizon(horizon)
        return self

    @abstractmethod
    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        """Forecast ``horizon`` months after each series' last month, with a central ``level`` interval."""


def check_horizon(horizon: int) -> None:
    """ValueError unless 1 <= horizon <= MAX_HORIZON."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon must be 1..{MAX_HORIZON}, got {horizon}")


def check_finite(model: str, forecasts: Sequence[Forecast], context: str = "") -> None:
    """ForecastNotFinite naming ``model`` and the first series whose forecast holds NaN or infinity
    (``context``, e.g. the backtest origin, is added to the message)."""
    for forecast in forecasts:
        for part, values in (
            ("value", forecast.mean),
            ("lower bound", forecast.lo),
            ("upper bound", forecast.hi),
        ):
            bad = values[~np.isfinite(values)]
            if len(bad):
                raise ForecastNotFinite(
                    f"model {model!r} forecast {bad[0]} as a {part} for series {forecast.series_id!r}"
                    f"{context}: a forecast must be finite"
                )


def z_score(level: float) -> float:
    """The standard normal quantile bounding a central interval of coverage ``level``."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def make_forecast(
    series: MonthlySeries, mean: FloatArray, lo: FloatArray, hi: FloatArray, level: float
) -> Forecast:
    """A forecast with the invariants every model keeps: counts never go below 0, ``lo <= mean <= hi``,
    and the interval never narrows as the horizon grows."""
    mean = np.maximum(np.asarray(mean, dtype=np.float64), 0.0)
    lower_gap = np.maximum.accumulate(np.maximum(mean - np.asarray(lo, dtype=np.float64), 0.0))
    upper_gap = np.maximum.accumulate(np.maximum(np.asarray(hi, dtype=np.float64) - mean, 0.0))
    lo_out = np.maximum(mean - lower_gap, 0.0)
    return Forecast(series.series_id, series.end + 1, mean, lo_out, mean + upper_gap, level)
