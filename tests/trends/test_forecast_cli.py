"""`frontier trends backtest` and `frontier trends forecast --input`: JSON shapes, real models, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontier.cli.main import app
from tests.conftest import TESTS

pytestmark = pytest.mark.slow  # minutes of fuzzing, backtests or whole-database copies: not in make test-fast

SAMPLE = TESTS / "data" / "forecast_sample.csv"
runner = CliRunner()


def test_backtest_prints_every_model_with_mase_smape_owa() -> None:
    result = runner.invoke(app, ["trends", "backtest", "--input", str(SAMPLE), "--horizon", "6", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"default", "models"}
    assert {"naive", "drift", "damped", "seed", "global_gbm"} <= set(report["models"])
    assert report["default"] in report["models"]
    assert all(set(m) >= {"mase", "smape", "owa", "coverage"} for m in report["models"].values())
    assert report["models"]["naive"]["owa"] == 1.0  # naive is OWA's reference


def test_forecast_prints_the_months_after_each_series_last_month(tmp_path: Path) -> None:
    result = runner.invoke(app, ["trends", "forecast", "--input", str(SAMPLE), "--horizon", "3", "--json"])
    assert result.exit_code == 0, result.output
    forecasts = json.loads(result.stdout)
    last: dict[str, str] = {}
    for row in csv.DictReader(SAMPLE.open()):
        last[row["series_id"]] = max(last.get(row["series_id"], ""), row["month"])
    assert {f["series_id"] for f in forecasts} == set(last)
    for item in forecasts:
        year, month = map(int, last[item["series_id"]].split("-"))
        expected = [f"{year + (month + k - 1) // 12:04d}-{(month + k - 1) % 12 + 1:02d}" for k in (1, 2, 3)]
        assert [p["month"] for p in item["forecasts"]] == expected
        assert all(p["lo"] <= p["value"] <= p["hi"] for p in item["forecasts"])


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("series_id,month,value\na,2024-13,5\n")
    for args in (
        ["--input", str(bad)],
        ["--input", str(tmp_path / "missing.csv")],
        ["--input", str(SAMPLE), "--horizon", "13"],
    ):
        result = runner.invoke(app, ["trends", "backtest", *args, "--json"])
        assert result.exit_code == 2, (args, result.output)
        assert result.stdout == ""
