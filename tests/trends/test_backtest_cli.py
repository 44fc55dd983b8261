"""``frontier trends backtest|forecast`` on a CSV: the JSON shapes promised, exit 2 on bad input, determinism.

Run through the main command, as a user types it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from frontier.cli.main import app
from frontier.trends.forecasting import FORECASTERS, format_month, parse_month

pytestmark = pytest.mark.slow  # minutes of fuzzing, backtests or whole-database copies: not in make test-fast

SAMPLE = Path(__file__).parent.parent / "data" / "forecast_sample.csv"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["trends", *args], env={"COLUMNS": "200"})


def error_lines(result: Result) -> list[str]:
    return [line for line in _ANSI.sub("", result.stderr).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def backtest_result() -> Result:
    return run("backtest", "--input", str(SAMPLE), "--horizon", "12", "--json")


@pytest.fixture(scope="module")
def forecast_results() -> tuple[Result, Result]:
    args = ("forecast", "--input", str(SAMPLE), "--horizon", "4", "--json")
    return run(*args), run(*args)


def last_months() -> dict[str, str]:
    ends: dict[str, str] = {}
    for line in SAMPLE.read_text().splitlines()[1:]:
        series_id, month, _ = line.split(",")
        ends[series_id] = max(ends.get(series_id, month), month)
    return ends


def test_backtest_json_has_exactly_the_promised_shape(backtest_result: Result) -> None:
    assert backtest_result.exit_code == 0, backtest_result.stderr
    document = json.loads(backtest_result.stdout)
    assert set(document) == {"default", "models"}
    assert set(document["models"]) == set(FORECASTERS)
    assert document["default"] in document["models"]
    for scores in document["models"].values():
        assert set(scores) == {"mase", "smape", "owa", "coverage", "coverage_by_horizon"}
        assert all(isinstance(scores[key], float) for key in ("mase", "smape", "owa", "coverage"))
        assert 0 < scores["coverage"] < 1 and len(scores["coverage_by_horizon"]) == 12
    assert document["models"]["naive"]["owa"] == 1.0


def test_forecast_json_covers_the_months_after_each_series_last_month(
    forecast_results: tuple[Result, Result],
) -> None:
    result, _ = forecast_results
    assert result.exit_code == 0, result.stderr
    document: list[dict[str, Any]] = json.loads(result.stdout)
    ends = last_months()
    assert [item["series_id"] for item in document] == list(ends)
    for item in document:
        assert set(item) == {"series_id", "forecasts", "interval"}
        assert item["interval"] == "calibrated"  # the backtest chose the model and calibrated it
        expected = [format_month(parse_month(ends[item["series_id"]]) + step) for step in range(1, 5)]
        assert [row["month"] for row in item["forecasts"]] == expected
        for row in item["forecasts"]:
            assert set(row) == {"month", "value", "lo", "hi"}
            assert row["lo"] <= row["value"] <= row["hi"]


def test_forecast_is_deterministic(forecast_results: tuple[Result, Result]) -> None:
    first, second = forecast_results
    assert first.stdout == second.stdout


def test_backtest_without_json_prints_a_table() -> None:
    result = run("backtest", "--input", str(SAMPLE), "--horizon", "3")
    assert result.exit_code == 0, result.stderr
    assert "default:" in result.stdout
    assert "global_gbm" in result.stdout


@pytest.mark.parametrize("horizon", ["0", "13"])
@pytest.mark.parametrize("command", ["backtest", "forecast"])
def test_horizon_outside_1_to_12_exits_2_naming_it(command: str, horizon: str) -> None:
    result = run(command, "--input", str(SAMPLE), "--horizon", horizon, "--json")
    assert result.exit_code == 2
    assert error_lines(result) == [f"error: --horizon must be 1..12, got {horizon}"]
    assert result.stdout == ""


def test_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    result = run("backtest", "--input", str(missing), "--json")
    assert result.exit_code == 2
    assert error_lines(result) == [f"error: --input {missing}: no such file"]


def test_malformed_csv_exits_2_naming_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("series_id,month,value\na,2024-01,1\na,Jan 2024,2\n")
    result = run("forecast", "--input", str(path), "--json")
    assert result.exit_code == 2
    assert error_lines(result) == [f"error: {path}: line 3: month 'Jan 2024' is not YYYY-MM"]


def test_too_short_to_backtest_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("series_id,month,value\na,2024-01,1\na,2024-02,2\n")
    result = run("backtest", "--input", str(path), "--json")
    assert result.exit_code == 2
    assert len(error_lines(result)) == 1


def test_forecast_of_a_csv_too_short_to_backtest_uses_the_fallback_model(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("series_id,month,value\na,2024-01,10\na,2024-02,12\na,2024-04,16\n")
    result = run("forecast", "--input", str(path), "--horizon", "2", "--json")
    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert [row["month"] for row in item["forecasts"]] == ["2024-05", "2024-06"]
