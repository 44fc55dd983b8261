"""Calibrated 80% intervals: split conformal per horizon step on the backtest's errors, honest in time, and
holding 80% of outcomes on the demo's real series and on series they were not calibrated on."""

from __future__ import annotations

import numpy as np
import pytest

from frontier.trends.forecasting import SeriesTooShort, forecast_series, run_backtest
from frontier.trends.forecasting.calibration import (
    IntervalCalibration,
    ScaledError,
    calibrate,
    conformal_bounds,
)
from frontier.trends.forecasting.series import MonthlySeries, parse_month

LEVEL = 0.8


def test_conformal_bounds_are_the_finite_sample_quantiles() -> None:
    # n = 100, tail 0.1: the ceil(101 * 0.9) = 91st smallest above, its mirror (the 10th) below
    assert conformal_bounds(np.arange(1.0, 101.0), LEVEL) == (10.0, 91.0)
    with pytest.raises(ValueError, match="no errors"):
        conformal_bounds([], LEVEL)


def test_calibration_uses_only_errors_observed_by_its_month() -> None:
    early = [ScaledError(origin=100, step=1, error=float(e)) for e in range(-10, 30)]  # month 101
    late = [ScaledError(origin=110, step=1, error=float(e)) for e in range(-100, 300, 10)]  # month 111
    now = calibrate([*early, *late], 1, LEVEL)
    then = calibrate([*early, *late], 1, LEVEL, known_by=105)
    assert now is not None and then is not None
    assert then.errors == (40,) and now.errors == (80,)
    assert then.upper[0] < 30 < now.upper[0]  # the later, wilder errors widen only the later calibration
    assert calibrate(late, 1, LEVEL, known_by=105) is None  # nothing was known then


def test_offsets_widen_with_the_horizon_and_hold_the_point() -> None:
    rng = np.random.default_rng(3)
    errors = [
        ScaledError(origin=o, step=h, error=float(rng.normal(0.5, h)))
        for o in range(5)
        for h in range(1, 7)
        for _ in range(40)
    ]
    calibration = calibrate(errors, 8, LEVEL)  # steps 7 and 8 have no errors: borrowed from step 6
    assert calibration is not None and calibration.errors[-2:] == (0, 0)
    assert all(lo <= 0 <= hi for lo, hi in zip(calibration.lower, calibration.upper, strict=True))
    assert list(calibration.upper) == sorted(calibration.upper)
    assert list(calibration.lower) == sorted(calibration.lower, reverse=True)
    assert IntervalCalibration.from_json(calibration.to_json()).upper == pytest.approx(calibration.upper)


def _random_walks(count: int, months: int, seed: int) -> list[MonthlySeries]:
    """Counts growing by a drift of their own with noise of their own (each series its scale)."""
    rng = np.random.default_rng(seed)
    out = []
    for index in range(count):
        drift, noise = rng.uniform(5, 50), rng.uniform(5, 60)
        values = np.maximum(1000 + np.cumsum(drift + noise * rng.standard_normal(months)), 0.0)
        out.append(MonthlySeries(f"s{index}", parse_month("2019-01"), values, np.ones(months, dtype=bool)))
    return out


def test_calibrated_intervals_hold_their_level_on_series_they_never_saw() -> None:
    calibrating, fresh = _random_walks(150, 60, seed=1), _random_walks(150, 60, seed=2)
    report = run_backtest(calibrating, 6, ["naive"], origins=4, step=6)
    calibration = report.models["naive"].calibration(6, LEVEL)
    assert calibration is not None
    # the fresh series' last 6 months, forecast from the months before them
    cut = [one.until(one.end - 6) for one in fresh]
    train = [one for one in cut if one is not None]
    run = forecast_series(train, 6, model="naive")  # the model's own intervals
    calibrated = calibration.apply(train, run.forecasts)
    inside = [
        float(f.lo[step] <= one.values[-6 + step] <= f.hi[step])
        for one, f in zip(fresh, calibrated, strict=True)
        for step in range(6)
    ]
    assert 0.74 <= np.mean(inside) <= 0.86
    assert 0.74 <= report.models["naive"].coverage_overall <= 0.86  # type: ignore[operator]


def test_a_one_month_series_gets_no_forecast_and_says_so() -> None:
    long = _random_walks(3, 30, seed=4)
    one_month = MonthlySeries("new", parse_month("2025-01"), np.array([10.0]), np.array([True]))
    run = forecast_series([*long, one_month], 3, model="naive")
    assert run.too_short == ("new",) and [f.series_id for f in run.forecasts] == ["s0", "s1", "s2"]
    with pytest.raises(SeriesTooShort, match="at least one observed change"):
        forecast_series([one_month], 3)
