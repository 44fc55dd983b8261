"""The forecasting package: M4 metrics on hand-computed examples, series handling, every model's intervals,
the rolling-origin backtest and what a stored prediction carries.

``tests/data/forecast_sample.csv`` holds the monthly stars of eight languages' top-100 lists, copied from
shared/data/github-ranking/language_monthly.csv (series_id = the language in lower case, value = stars).
Its gaps are the source's (2021-11, 2024-11, 2024-12 have no snapshot); swift is cut after 2024-06 so that
one series ends before the others.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from frontier.trends.forecasting import (
    BENCHMARKS,
    FORECASTERS,
    BacktestReport,
    MonthlySeries,
    contributing_factors,
    forecast_confidence,
    forecast_series,
    format_month,
    make_forecaster,
    mase,
    owa,
    parse_month,
    read_series_csv,
    rise_call_stats,
    run_backtest,
    series_from_points,
    smape,
)
from frontier.trends.forecasting.models import Forecast, seed_momentum

pytestmark = pytest.mark.slow  # builds embedding models / fits every forecaster: not in make test-fast

SAMPLE = Path(__file__).parent.parent / "data" / "forecast_sample.csv"


@pytest.fixture(scope="module")
def sample() -> list[MonthlySeries]:
    return list(read_series_csv(SAMPLE).values())


@pytest.fixture(scope="module")
def sample_backtest(sample: list[MonthlySeries]) -> BacktestReport:
    return run_backtest(sample, 12)


def write_csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "series.csv"
    path.write_text("series_id,month,value\n" + body)
    return path


# --- metrics ---------------------------------------------------------------------------------------------


def test_mase_divides_mae_by_in_sample_naive_mae() -> None:
    # in-sample changes 1 and 2 -> scale 1.5; errors 1 and 3 -> MAE 2
    assert mase(np.array([5.0, 7.0]), np.array([4.0, 4.0]), np.array([1.0, 2.0, 4.0])) == pytest.approx(4 / 3)


def test_mase_is_nan_when_the_training_window_is_flat() -> None:
    assert math.isnan(mase(np.array([3.0]), np.array([2.0]), np.array([2.0, 2.0, 2.0])))


def test_smape_follows_m4_and_counts_zero_over_zero_as_zero() -> None:
    # |100 - 50| / (100 + 50) = 1/3; the 0/0 term counts 0; 200 / 2 * 1/3
    assert smape(np.array([100.0, 0.0]), np.array([50.0, 0.0])) == pytest.approx(100 / 3)
    assert smape(np.array([1.0]), np.array([0.0])) == pytest.approx(200.0)


def test_owa_averages_the_ratios_to_naive() -> None:
    assert owa(1.0, 10.0, 2.0, 20.0) == pytest.approx(0.5)
    assert owa(2.0, 20.0, 2.0, 20.0) == 1.0


def test_rise_call_stats_counts_each_outcome() -> None:
    # series: called+rose, called+fell, not called+rose, not called+flat
    stats = rise_call_stats([100, 100, 100, 100], [120, 120, 101, 100], [110, 90, 130, 100], threshold=0.05)
    assert (stats.true_positives, stats.false_positives, stats.false_negatives, stats.true_negatives) == (
        1,
        1,
        1,
        1,
    )
    assert stats.precision == 0.5
    assert stats.recall == 0.5
    assert stats.false_positive_rate == 0.5
    assert stats.false_negative_rate == 0.5


def test_rise_call_rates_are_none_without_a_denominator() -> None:
    stats = rise_call_stats([100], [100], [100])
    assert stats.precision is None
    assert stats.recall is None
    assert stats.false_positive_rate == 0.0


# --- series ----------------------------------------------------------------------------------------------


def test_months_round_trip() -> None:
    assert format_month(parse_month("2024-01")) == "2024-01"
    assert parse_month("2024-12") + 1 == parse_month("2025-01")


def test_gaps_are_interpolated_in_log_space_and_marked_unobserved() -> None:
    series = series_from_points("a", {parse_month("2024-01"): 99.0, parse_month("2024-03"): 9999.0})
    assert series.values[1] == pytest.approx(999.0)  # log1p midway between log(100) and log(10000)
    assert series.observed.tolist() == [True, False, True]


def test_a_flat_gap_stays_exactly_flat() -> None:
    series = series_from_points("a", {0: 24.0, 5: 24.0})
    assert series.values.tolist() == [24.0] * 6


def test_sample_series_keep_their_own_ends_and_gaps(sample: list[MonthlySeries]) -> None:
    by_id = {one.series_id: one for one in sample}
    assert format_month(by_id["swift"].end) == "2024-06"
    assert format_month(by_id["python"].end) == "2025-08"
    python = by_id["python"]
    assert not python.observed[parse_month("2021-11") - python.start]
    assert len(python) == python.end - python.start + 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a,2024-01,1\na,2024-13,2\n", "line 3: month '2024-13' is not YYYY-MM"),
        ("a,2024-01,1\na,2024-02,many\n", "line 3: value 'many' is not a number"),
        ("a,2024-01,-5\n", "line 2: value '-5' is negative"),
        ("a,2024-01,nan\n", "line 2: value 'nan' is not finite"),
        ("a,2024-01,1\na,2024-01,2\n", "line 3: duplicate month 2024-01 for series 'a' (first at line 2)"),
        (",2024-01,1\n", "line 2: series_id is empty"),
    ],
)
def test_bad_rows_are_named_by_line_and_field(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_series_csv(write_csv(tmp_path, body))


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("series,month,stars\na,2024-01,1\n")
    with pytest.raises(ValueError, match="missing column"):
        read_series_csv(path)


# --- models ----------------------------------------------------------------------------------------------


def test_seed_momentum_is_the_seeds_clamped_score() -> None:
    assert seed_momentum(5000) == pytest.approx(2.0)
    assert seed_momentum(100) == 1.0
    assert seed_momentum(10**7) == 10.0
    assert seed_momentum(0, so_questions=1000, job_postings=500) == pytest.approx(6.0)


@pytest.mark.parametrize("name", list(FORECASTERS))
def test_intervals_contain_the_forecast_and_widen_with_the_horizon(
    name: str, sample: list[MonthlySeries]
) -> None:
    forecasts = make_forecaster(name).fit(sample, 12).predict(sample, 12)
    assert len(forecasts) == len(sample)
    for forecast in forecasts:
        assert np.all(forecast.lo <= forecast.mean)
        assert np.all(forecast.mean <= forecast.hi)
        assert np.all(np.diff(forecast.hi - forecast.lo) >= -1e-9)
        assert np.all(forecast.lo >= 0)


def test_global_model_is_deterministic(sample: list[MonthlySeries]) -> None:
    first = make_forecaster("global_gbm").fit(sample, 6).predict(sample, 6)
    second = make_forecaster("global_gbm").fit(sample, 6).predict(sample, 6)
    for a, b in zip(first, second, strict=True):
        assert a.mean.tolist() == b.mean.tolist()
        assert a.hi.tolist() == b.hi.tolist()


def test_forecast_months_follow_each_series_own_last_month(sample: list[MonthlySeries]) -> None:
    run = forecast_series(sample, 3, model="drift")
    by_id = {forecast.series_id: forecast for forecast in run.forecasts}
    assert by_id["swift"].months() == ["2024-07", "2024-08", "2024-09"]
    assert by_id["python"].months() == ["2025-09", "2025-10", "2025-11"]


def test_a_series_ending_in_a_gap_free_stretch_after_gaps_forecasts_from_its_last_value() -> None:
    series = series_from_points("a", {0: 10.0, 3: 40.0, 4: 50.0})
    (forecast,) = make_forecaster("naive").predict([series], 2)
    assert forecast.mean.tolist() == [50.0, 50.0]
    assert forecast.first_month == 5


def test_a_one_month_series_still_gets_a_forecast() -> None:
    series = series_from_points("a", {0: 10.0})
    (forecast,) = make_forecaster("global_gbm").fit([series], 2).predict([series], 2)
    assert forecast.mean.tolist() == [10.0, 10.0]


# --- backtest --------------------------------------------------------------------------------------------


def test_naive_owa_is_exactly_one(sample_backtest: BacktestReport) -> None:
    assert sample_backtest.models["naive"].owa == 1.0
    assert all(origin.owa == 1.0 for origin in sample_backtest.models["naive"].origins)


def test_backtest_uses_several_origins_stepping_back(sample_backtest: BacktestReport) -> None:
    assert sample_backtest.origins == ("2024-08", "2024-02", "2023-08", "2023-02", "2022-08")


def test_default_is_the_model_with_the_lowest_mean_mase(sample_backtest: BacktestReport) -> None:
    best = min(sample_backtest.models.values(), key=lambda score: score.mase)
    assert sample_backtest.default == best.name


def test_backtest_numbers_on_the_sample(sample_backtest: BacktestReport) -> None:
    """What is true on these eight language series (whose 2022-2024 snapshots are badly glitched): drift is
    best, the global model beats naive, the damped trend and the seed heuristic but not drift."""
    models = sample_backtest.models
    print({name: round(score.mase, 3) for name, score in models.items()})
    print("default / best benchmark:", round(sample_backtest.benchmark_ratio(), 3))
    print("global_gbm / best benchmark:", round(sample_backtest.benchmark_ratio("global_gbm"), 3))
    assert sample_backtest.default == "drift"
    assert sample_backtest.benchmark_ratio() == 1.0
    assert models["global_gbm"].mase < min(models["naive"].mase, models["damped"].mase, models["seed"].mase)
    assert set(BENCHMARKS) <= set(models)


def test_series_too_short_for_every_origin_make_the_backtest_refuse() -> None:
    short = [series_from_points("a", {m: float(m) for m in range(10)})]
    with pytest.raises(ValueError, match="no series has 24 months"):
        run_backtest(short, 12)


def test_backtest_never_scores_interpolated_months() -> None:
    # 40 observed months of steady growth, then only the 12th month after the origin is observed
    points = {m: 100.0 + 10 * m for m in range(40)}
    points[51] = 100.0 + 10 * 51
    report = run_backtest([series_from_points("a", points)], 12, ["naive", "drift"], origins=1)
    assert report.models["drift"].mase == pytest.approx(
        0.0, abs=1e-9
    )  # drift is exact on the one scored month
    assert report.models["naive"].mase == pytest.approx(12.0)


# --- confidence and factors ------------------------------------------------------------------------------


def test_confidence_follows_the_documented_formula() -> None:
    forecast = Forecast("a", 0, np.array([100.0]), np.array([90.0]), np.array([110.0]), 0.8)
    assert forecast_confidence(forecast) == pytest.approx(0.8)  # +-10% -> 1 / (1 + 2.5 * 0.1)
    exact = Forecast("a", 0, np.array([100.0]), np.array([100.0]), np.array([100.0]), 0.8)
    assert forecast_confidence(exact) == 1.0


def test_confidence_is_in_unit_interval_for_real_forecasts(sample: list[MonthlySeries]) -> None:
    for forecast in make_forecaster("drift").predict(sample, 12):
        assert 0.0 <= forecast_confidence(forecast) <= 1.0


def test_contributing_factors_come_from_the_data() -> None:
    series = series_from_points("a", {m: 100.0 * 1.1**m for m in range(13)} | {20: 100.0 * 1.1**20})
    (forecast,) = make_forecaster("drift").predict([series], 3)
    factors = contributing_factors(series, forecast, "drift")
    assert factors["model"] == "drift"
    assert factors["history_months"] == 21
    assert factors["observed_months"] == 14
    assert factors["recent_monthly_growth"] == pytest.approx(math.log(1.1), rel=0.01)
    assert factors["volatility"] == pytest.approx(0.0, abs=0.01)
    assert factors["horizon_months"] == 3
