"""Forecasting errors are not hidden: only a series too short to backtest falls back to the default model,
and a model that forecasts NaN or infinity fails loudly, naming itself and the series.

The forecasters below are test doubles of a *model* (a buggy one), registered under a name for one test.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from frontier.cli.main import app
from frontier.trends.forecasting import (
    DEFAULT_LEVEL,
    FORECASTERS,
    Forecast,
    Forecaster,
    ForecastNotFinite,
    MonthlySeries,
    SeriesTooShort,
    choose_model,
    forecast_series,
    format_month,
    parse_month,
    run_backtest,
    series_from_points,
)
from frontier.trends.forecasting.models import NaiveForecaster


def growing(series_id: str, months: int = 48, slope: float = 10.0) -> MonthlySeries:
    start = parse_month("2020-01")
    return series_from_points(series_id, {start + m: 100.0 + slope * m + (m % 3) for m in range(months)})


SERIES = [growing("a"), growing("b", slope=4.0)]


class Broken(Forecaster):
    """A model whose library rejects its own parameters: a ValueError that is not about the input."""

    name = "broken"
    description = "raises"

    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        raise ValueError("num_leaves must be greater than 1")


def poisoned(bad: float) -> type[Forecaster]:
    """A naive forecaster whose forecast for series 'b' holds ``bad`` (NaN or infinity) in its last month."""

    class Poisoned(Forecaster):
        name = "poisoned"
        description = "naive, but 'b' goes bad"

        def predict(
            self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
        ) -> list[Forecast]:
            forecasts = NaiveForecaster().predict(series, horizon, level)
            return [self._spoil(f) if f.series_id == "b" else f for f in forecasts]

        @staticmethod
        def _spoil(forecast: Forecast) -> Forecast:
            mean = forecast.mean.copy()
            mean[-1] = bad
            return Forecast(forecast.series_id, forecast.first_month, mean, forecast.lo, forecast.hi, 0.8)

    return Poisoned


def test_a_model_failing_for_another_reason_than_short_series_is_not_replaced_by_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(FORECASTERS, "seed", Broken)  # every backtest includes "seed"

    with pytest.raises(ValueError, match="num_leaves"):
        forecast_series(SERIES, 3)


def test_choosing_a_model_with_a_bad_horizon_is_an_error_not_the_fallback() -> None:
    with pytest.raises(ValueError, match=r"horizon must be 1\.\.12, got 13"):
        choose_model(SERIES, 13)


def test_series_too_short_to_backtest_still_choose_the_fallback() -> None:
    short = [growing("a", months=10)]

    with pytest.raises(SeriesTooShort, match="no series has 24 months"):
        run_backtest(short, 3)
    assert choose_model(short, 3) is None


@pytest.mark.parametrize(("bad", "shown"), [(np.nan, "nan"), (np.inf, "inf")])
def test_a_model_forecasting_a_non_finite_value_fails_the_backtest_naming_model_and_series(
    monkeypatch: pytest.MonkeyPatch, bad: float, shown: str
) -> None:
    monkeypatch.setitem(FORECASTERS, "poisoned", poisoned(bad))

    with pytest.raises(ForecastNotFinite) as error:
        run_backtest(SERIES, 12, ["poisoned"], origins=1)

    assert str(error.value) == (
        f"model 'poisoned' forecast {shown} as a value for series 'b' at backtest origin 2022-12: "
        "a forecast must be finite"
    )


def test_a_forecast_of_nan_is_refused_naming_model_and_series(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FORECASTERS, "poisoned", poisoned(np.nan))

    with pytest.raises(ForecastNotFinite, match="model 'poisoned' forecast nan as a value for series 'b'"):
        forecast_series(SERIES, 3, model="poisoned")


def test_the_backtest_command_reports_a_nan_forecast_in_one_line_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(FORECASTERS, "seed", poisoned(np.nan))
    path = tmp_path / "series.csv"
    rows = [
        f"{one.series_id},{format_month(one.start + i)},{value}"
        for one in SERIES
        for i, value in enumerate(one.values)
    ]
    path.write_text("series_id,month,value\n" + "\n".join(rows) + "\n")

    result = CliRunner().invoke(app, ["trends", "backtest", "--input", str(path), "--json"])

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: model 'seed' forecast nan as a value for series 'b' at backtest origin 2022-12: "
        "a forecast must be finite"
    ]
