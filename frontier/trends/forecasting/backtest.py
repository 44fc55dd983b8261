"""Rolling-origin backtest: which forecaster to trust, measured on several origins.

Origins are calendar months shared by all series (the latest month in the data minus ``horizon``, then
``step`` months further back each time), so a model trained across series never sees any series' data from
after the origin. At each origin every model trains on the series cut at the origin that have at least
``min_train`` months by then, forecasts ``horizon`` months, and is scored on the months of that window the
input actually observed (interpolated months are never scored). A series too short at an origin, or with no
observed month in its window, is skipped there, for every model alike.

The default model is the one with the lowest mean MASE across origins: MASE is scale-free and symmetric,
and it is what the forecasts are judged by; sMAPE is bounded and penalises over- and under-forecasts
unequally, so on these fast-growing series it mostly adds noise. OWA is reported beside it.

Every scored month's scaled error is kept (calibration.py): the errors of all origins calibrate the model's
80% intervals, and coverage per horizon step is measured leave-one-origin-out. With ``own_intervals`` the
models also build their own intervals and their coverage is reported beside (the global model then trains
a second, calibration model at every origin, doubling its cost).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from frontier.trends.forecasting.calibration import (
    IntervalCalibration,
    ScaledError,
    calibrate,
    interval_scale,
    leave_one_origin_out_coverage,
)
from frontier.trends.forecasting.errors import SeriesTooShort
from frontier.trends.forecasting.metrics import RiseCallStats, mase, owa, rise_call_stats, smape
from frontier.trends.forecasting.models import (
    BENCHMARKS,
    DEFAULT_LEVEL,
    FORECASTERS,
    Forecast,
    make_forecaster,
)
from frontier.trends.forecasting.models.base import check_finite, check_horizon
from frontier.trends.forecasting.series import MonthlySeries, format_month

ORIGINS = 5
ORIGIN_STEP = 6
MIN_TRAIN_MONTHS = 24  # months of history a series needs at an origin to be scored there
RISE_THRESHOLD = 0.05

Progress = Callable[[str], None]


@dataclass(frozen=True)
class OriginScore:
    """One model's mean scores at one origin."""

    origin: str  # last training month, YYYY-MM
    series: int
    mase: float
    smape: float
    owa: float


@dataclass(frozen=True)
class ModelScore:
    """One model's backtest record."""

    name: str
    mase: float  # mean over origins of the mean over series
    smape: float
    owa: float
    origins: tuple[OriginScore, ...]
    rise: RiseCallStats
    seconds: float  # fit + forecast wall time summed over origins
    cpu_seconds: float  # the same in CPU time of this process (steadier on a shared machine)
    errors: tuple[ScaledError, ...] = ()  # every scored month's scaled error, for calibration
    coverage: tuple[float | None, ...] = ()  # calibrated intervals, per step, leave-one-origin-out
    coverage_overall: float | None = None
    own_coverage: float | None = None  # the model's own intervals (measured with own_intervals only)

    def calibration(
        self, horizon: int, level: float = DEFAULT_LEVEL, known_by: int | None = None
    ) -> IntervalCalibration | None:
        """Interval offsets for ``horizon`` steps from this model's errors (only those observed by
        ``known_by``, a month ordinal, when given); None when there are too few to calibrate on."""
        return calibrate(self.errors, horizon, level, known_by)


@dataclass(frozen=True)
class BacktestReport:
    """Every model's scores and the model chosen as default."""

    horizon: int
    origins: tuple[str, ...]
    default: str
    models: dict[str, ModelScore]

    def summary(self) -> dict[str, Any]:
        """``{"default": name, "models": {name: {"mase", "smape", "owa", "coverage",
        "coverage_by_horizon"}}}`` (rounded to 6 places; coverage is of the calibrated 80% intervals,
        leave-one-origin-out)."""
        return {
            "default": self.default,
            "models": {
                name: {
                    "mase": _round(s.mase),
                    "smape": _round(s.smape),
                    "owa": _round(s.owa),
                    "coverage": _round_optional(s.coverage_overall),
                    "coverage_by_horizon": [_round_optional(c) for c in s.coverage],
                }
                for name, s in self.models.items()
            },
        }

    def benchmark_ratio(self, name: str | None = None) -> float:
        """MASE of ``name`` (default: the default model) over the best MASE of naive, drift and damped."""
        best = min(self.models[b].mase for b in BENCHMARKS if b in self.models)
        return self.models[name or self.default].mase / best


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def _round_optional(value: float | None) -> float | None:
    return None if value is None else _round(value)


def origin_months(series: Sequence[MonthlySeries], horizon: int, origins: int, step: int) -> list[int]:
    """Origins (last training months), latest first."""
    last = max(one.end for one in series)
    return [last - horizon - k * step for k in range(origins)]


@dataclass
class _Scores:
    mase: list[float] = field(default_factory=list)
    smape: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    predicted: list[float] = field(default_factory=list)
    actual: list[float] = field(default_factory=list)
    errors: list[ScaledError] = field(default_factory=list)
    own_hits: list[bool] = field(default_factory=list)


def _score(full: MonthlySeries, train: MonthlySeries, forecast: Forecast, into: _Scores) -> None:
    offset = train.end + 1 - full.start
    window = slice(offset, min(offset + forecast.horizon, len(full)))
    seen = full.observed[window]
    actual = full.values[window][seen]
    predicted = forecast.mean[: len(seen)][seen]
    scale = interval_scale(train)
    steps = np.flatnonzero(seen) + 1
    into.errors.extend(
        ScaledError(train.end, int(step), float((a - p) / scale))
        for step, a, p in zip(steps, actual, predicted, strict=True)
    )
    lo, hi = forecast.lo[: len(seen)][seen], forecast.hi[: len(seen)][seen]
    into.own_hits.extend(bool(h) for h in (lo <= actual) & (actual <= hi))
    into.mase.append(mase(actual, predicted, train.values))
    into.smape.append(smape(actual, predicted))
    into.last.append(float(train.values[-1]))
    into.predicted.append(float(predicted[-1]))
    into.actual.append(float(actual[-1]))


def _origin_sets(
    series: Sequence[MonthlySeries], origin: int, horizon: int, min_train: int
) -> tuple[list[MonthlySeries], list[tuple[MonthlySeries, MonthlySeries]]]:
    """Training series at the origin, and the (full, train) pairs with observed months to score."""
    train = [cut for one in series if (cut := one.until(origin)) is not None and len(cut) >= min_train]
    full_by_id = {one.series_id: one for one in series}
    scored = []
    for cut in train:
        full = full_by_id[cut.series_id]
        window = full.observed[len(cut) : len(cut) + horizon]
        if window.any():
            scored.append((full, cut))
    return train, scored


def _mean(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan


def run_backtest(
    series: Sequence[MonthlySeries],
    horizon: int,
    models: Sequence[str] = tuple(FORECASTERS),
    *,
    origins: int = ORIGINS,
    step: int = ORIGIN_STEP,
    min_train: int = MIN_TRAIN_MONTHS,
    progress: Progress | None = None,
    own_intervals: bool = False,
) -> BacktestReport:
    """Rolling-origin backtest of ``models`` (naive always included, as OWA's reference).

    ``progress`` is called once per (origin, model) fitted. Raises SeriesTooShort (a ValueError) when no
    series is long enough to be scored at any origin, ForecastNotFinite when a model forecasts NaN or
    infinity, and ValueError for a horizon outside 1..12.
    """
    check_horizon(horizon)
    names = list(dict.fromkeys(["naive", *models]))
    scores: dict[str, list[tuple[int, _Scores]]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    cpu_seconds = dict.fromkeys(names, 0.0)
    for origin in origin_months(series, horizon, origins, step):
        train, scored = _origin_sets(series, origin, horizon, min_train)
        if not scored:
            continue
        targets = [cut for _, cut in scored]
        for name in names:
            started, cpu_started = time.perf_counter(), time.process_time()
            model = make_forecaster(name, own_intervals=own_intervals)
            forecasts = model.fit(train, horizon).predict(targets, horizon, DEFAULT_LEVEL)
            seconds[name] += time.perf_counter() - started
            cpu_seconds[name] += time.process_time() - cpu_started
            # A NaN forecast would only drop out of the means below, flattering the model that made it.
            check_finite(name, forecasts, f" at backtest origin {format_month(origin)}")
            record = _Scores()
            for (full, cut), forecast in zip(scored, forecasts, strict=True):
                _score(full, cut, forecast, record)
            scores[name].append((origin, record))
            if progress is not None:
                progress(f"{format_month(origin)} {name}")
    if not scores["naive"]:
        raise SeriesTooShort(
            f"no series has {min_train} months before any backtest origin and observed months after it"
        )
    return _report(horizon, scores, seconds, cpu_seconds, own_intervals)


def _model_score(
    name: str,
    records: list[tuple[int, _Scores]],
    naive: dict[int, tuple[float, float]],
    seconds: float,
    cpu: float,
    horizon: int,
    own_intervals: bool,
) -> ModelScore:
    per_origin = tuple(
        OriginScore(
            format_month(origin),
            len(r.mase),
            _mean(r.mase),
            _mean(r.smape),
            owa(_mean(r.mase), _mean(r.smape), *naive[origin]),
        )
        for origin, r in records
    )
    last = [v for _, r in records for v in r.last]
    predicted = [v for _, r in records for v in r.predicted]
    actual = [v for _, r in records for v in r.actual]
    errors = tuple(e for _, r in records for e in r.errors)
    coverage, overall = leave_one_origin_out_coverage(errors, horizon, DEFAULT_LEVEL)
    hits = [h for _, r in records for h in r.own_hits]
    return ModelScore(
        name=name,
        mase=_mean([o.mase for o in per_origin]),
        smape=_mean([o.smape for o in per_origin]),
        owa=_mean([o.owa for o in per_origin]),
        origins=per_origin,
        rise=rise_call_stats(last, predicted, actual, RISE_THRESHOLD),
        seconds=seconds,
        cpu_seconds=cpu,
        errors=errors,
        coverage=tuple(coverage),
        coverage_overall=overall,
        own_coverage=float(np.mean(hits)) if own_intervals and hits else None,
    )


def _report(
    horizon: int,
    scores: dict[str, list[tuple[int, _Scores]]],
    seconds: dict[str, float],
    cpu_seconds: dict[str, float],
    own_intervals: bool,
) -> BacktestReport:
    naive = {origin: (_mean(r.mase), _mean(r.smape)) for origin, r in scores["naive"]}
    models = {
        name: _model_score(name, records, naive, seconds[name], cpu_seconds[name], horizon, own_intervals)
        for name, records in scores.items()
    }
    origins = tuple(format_month(origin) for origin, _ in scores["naive"])
    return BacktestReport(horizon, origins, choose_default(models), models)


def choose_default(models: dict[str, ModelScore]) -> str:
    """The model with the lowest mean MASE across origins (earlier-listed model on a tie)."""
    ranked = [m for m in models.values() if not math.isnan(m.mase)]
    if not ranked:
        return "naive"
    return min(ranked, key=lambda m: m.mase).name
