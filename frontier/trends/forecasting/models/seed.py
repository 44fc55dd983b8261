"""The seed's momentum heuristic, turned into a forecaster so it can be scored like the others.

The seed computes ``momentum = clamp(1..10, stars/1000*0.4 + so_questions/100*0.3 + jobs/50*0.3)``: a
score, not a forecast. Its only claim about the future is that a higher score means faster growth, so the
fairest forecaster it supports is "grow at a monthly rate proportional to momentum":
``log1p(y[T+h]) = log1p(y[T]) + c * momentum * h``. The series' value is read as its star count (the CSV
carries one metric; questions and job postings are absent and count 0). The one constant ``c`` is the
median over the training series of (mean monthly log growth over the last 12 months / momentum): the
heuristic gets its best single calibration from the same data the other models see, and no per-series
tuning, which would make it a different model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np

from frontier.trends.forecasting.models.base import (
    DEFAULT_LEVEL,
    Forecast,
    Forecaster,
    check_horizon,
    make_forecast,
    z_score,
)
from frontier.trends.forecasting.series import MonthlySeries

RECENT_MONTHS = 12


def seed_momentum(stars: float, so_questions: float = 0.0, job_postings: float = 0.0) -> float:
    """The seed's momentum score, clamped to 1..10."""
    raw = stars / 1000 * 0.4 + so_questions / 100 * 0.3 + job_postings / 50 * 0.3
    return float(min(10.0, max(1.0, raw)))


def _recent_log_growth(series: MonthlySeries) -> float:
    logs = np.log1p(series.values[-(RECENT_MONTHS + 1) :])
    return float(np.mean(np.diff(logs))) if len(logs) > 1 else 0.0


class SeedMomentumForecaster(Forecaster):
    """Growth at ``c * momentum`` a month in log space, ``c`` fitted once across the training series."""

    name = "seed"
    description = "seed momentum score as a monthly log-growth rate (one constant fitted across series)"

    def __init__(self) -> None:
        self.rate_per_point = 0.0

    def fit(self, series: Sequence[MonthlySeries], horizon: int) -> Self:
        """Fit the one constant: median recent log growth per momentum point."""
        check_horizon(horizon)
        ratios = [_recent_log_growth(one) / seed_momentum(float(one.values[-1])) for one in series]
        self.rate_per_point = float(np.median(ratios)) if ratios else 0.0
        return self

    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        """Each series' last value grown at its momentum's rate; interval from its log-growth noise."""
        z, steps = z_score(level), np.arange(1, horizon + 1, dtype=np.float64)
        forecasts = []
        for one in series:
            rate = self.rate_per_point * seed_momentum(float(one.values[-1]))
            logs = np.log1p(one.values)
            noise = np.diff(logs) - rate
            sd = float(np.sqrt(np.mean(noise**2))) if len(noise) else 0.0
            centre = logs[-1] + rate * steps
            spread = z * sd * np.sqrt(steps)
            forecasts.append(
                make_forecast(
                    one, np.expm1(centre), np.expm1(centre - spread), np.expm1(centre + spread), level
                )
            )
        return forecasts
