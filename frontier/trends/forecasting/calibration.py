"""Prediction intervals calibrated on the backtest's own errors (split conformal, per horizon step).

A model's own intervals rest on its assumptions (a random walk's sqrt(h) widening, one held-out window):
on a year of real GitHub series the default model's "80%" intervals held about 70% of outcomes. Here the
interval comes from what the model's forecasts actually missed by: at every backtest origin, each scored
month's error ``(actual - forecast) / scale`` is kept with its horizon step and the month it fell in. The
scale is the series' mean absolute monthly change over the last 12 months before the origin (at least 1),
so a volatile series gets a wider interval than a steady one. Per step, the interval's offsets are the
errors' lower and upper quantiles at ``(1 - level) / 2`` with the split-conformal finite-sample correction,
and a forecast's interval is ``value + offset * scale``.

Calibration is honest in time: ``calibrate(errors, known_by=month)`` uses only the errors whose month had
been observed by then, which are exactly the errors a backtest run at that month would have had. The
backtest reports coverage leave-one-origin-out: each origin's months are judged by offsets calibrated on
the other origins' errors, never on their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from frontier.trends.forecasting.models.base import Forecast, make_forecast
from frontier.trends.forecasting.series import MonthlySeries, format_month, parse_month

MIN_ERRORS = 20  # per horizon step: fewer and the quantile is the sample's extreme, not an estimate
SCALE_MONTHS = 12


@dataclass(frozen=True)
class ScaledError:
    """One scored month of one backtest forecast."""

    origin: int  # last training month (ordinal)
    step: int  # 1-based horizon step
    error: float  # (actual - forecast) / scale


@dataclass(frozen=True)
class IntervalCalibration:
    """Interval offsets per horizon step, in scale units, and how many errors each rests on."""

    level: float
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    errors: tuple[int, ...]
    known_by: int | None = None  # latest month whose errors were used (ordinal); None: every error

    @property
    def known_by_text(self) -> str | None:
        """``known_by`` as ``YYYY-MM``."""
        return None if self.known_by is None else format_month(self.known_by)

    @property
    def horizon(self) -> int:
        """Steps the calibration covers."""
        return len(self.lower)

    def apply(self, series: Sequence[MonthlySeries], forecasts: Sequence[Forecast]) -> list[Forecast]:
        """The forecasts with their intervals replaced by calibrated ones (the points are unchanged)."""
        out = []
        for one, forecast in zip(series, forecasts, strict=True):
            steps = min(forecast.horizon, self.horizon)
            if steps < forecast.horizon:
                raise ValueError(
                    f"calibration covers {self.horizon} months, the forecast {forecast.horizon}: "
                    "backtest with the same horizon"
                )
            scale = interval_scale(one)
            lower = forecast.mean + np.asarray(self.lower[:steps]) * scale
            upper = forecast.mean + np.asarray(self.upper[:steps]) * scale
            out.append(make_forecast(one, forecast.mean, lower, upper, self.level))
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``from_json`` reads it back)."""
        return {
            "level": self.level,
            "lower": [round(v, 6) for v in self.lower],
            "upper": [round(v, 6) for v in self.upper],
            "errors": list(self.errors),
            "known_by": self.known_by_text,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IntervalCalibration:
        """The calibration ``to_json`` wrote."""
        known_by = data.get("known_by")
        return cls(
            level=float(data["level"]),
            lower=tuple(float(v) for v in data["lower"]),
            upper=tuple(float(v) for v in data["upper"]),
            errors=tuple(int(v) for v in data["errors"]),
            known_by=None if known_by is None else parse_month(known_by),
        )


def interval_scale(series: MonthlySeries) -> float:
    """Mean absolute monthly change over the series' last 12 months (at least 1.0, a count's unit)."""
    recent = series.values[-(SCALE_MONTHS + 1) :]
    changes = np.abs(np.diff(recent))
    return max(float(np.mean(changes)) if len(changes) else 0.0, 1.0)


def conformal_bounds(errors: Sequence[float] | np.ndarray[Any, Any], level: float) -> tuple[float, float]:
    """Lower and upper offsets holding ``level`` of future errors exchangeable with ``errors``: the
    ``ceil((n + 1) * (1 - tail)) / n`` empirical quantile above and its mirror below
    (tail = (1 - level) / 2)."""
    sample = np.sort(np.asarray(errors, dtype=np.float64))
    n = len(sample)
    if n == 0:
        raise ValueError("no errors to calibrate on")
    tail = (1.0 - level) / 2.0
    rank = min(math.ceil((n + 1) * (1.0 - tail)), n)  # 1-based
    low_rank = max(n + 1 - rank, 1)
    return float(sample[low_rank - 1]), float(sample[rank - 1])


def calibrate(
    errors: Iterable[ScaledError], horizon: int, level: float, known_by: int | None = None
) -> IntervalCalibration | None:
    """Offsets per step from the errors (only those whose month is at or before ``known_by``, when given).

    A step with fewer than MIN_ERRORS errors borrows the nearest earlier step's offsets widened by
    sqrt(h / h0); None when even step 1 has too few (there is nothing to calibrate on yet)."""
    by_step: list[list[float]] = [[] for _ in range(horizon)]
    for e in errors:
        if e.step <= horizon and (known_by is None or e.origin + e.step <= known_by):
            by_step[e.step - 1].append(e.error)
    lower, upper = [], []
    last: tuple[int, float, float] | None = None
    for step, sample in enumerate(by_step, start=1):
        if len(sample) >= MIN_ERRORS:
            low, high = conformal_bounds(sample, level)
            last = (step, low, high)
        elif last is not None:
            widen = math.sqrt(step / last[0])
            low, high = last[1] * widen, last[2] * widen
        else:
            return None
        lower.append(min(low, 0.0))  # the interval always holds the point forecast
        upper.append(max(high, 0.0))
    # never narrower further ahead (as make_forecast keeps every interval), so what coverage judges is what
    # a stored forecast shows
    return IntervalCalibration(
        level,
        tuple(float(v) for v in np.minimum.accumulate(lower)),
        tuple(float(v) for v in np.maximum.accumulate(upper)),
        tuple(len(s) for s in by_step),
        known_by,
    )


def leave_one_origin_out_coverage(
    errors: Sequence[ScaledError], horizon: int, level: float
) -> tuple[list[float | None], float | None]:
    """Coverage per step and overall when each origin's errors are judged by offsets calibrated on every
    other origin's errors (None where a step had nothing to judge or nothing to calibrate on)."""
    origins = sorted({e.origin for e in errors})
    hits = np.zeros(horizon)
    totals = np.zeros(horizon)
    for origin in origins:
        others = [e for e in errors if e.origin != origin]
        calibration = calibrate(others, horizon, level)
        if calibration is None:
            continue
        for e in errors:
            if e.origin == origin and e.step <= horizon:
                index = e.step - 1
                totals[index] += 1
                hits[index] += calibration.lower[index] <= e.error <= calibration.upper[index]
    per_step = [float(h / t) if t else None for h, t in zip(hits, totals, strict=True)]
    overall = float(hits.sum() / totals.sum()) if totals.sum() else None
    return per_step, overall
