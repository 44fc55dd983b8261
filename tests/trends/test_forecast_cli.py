"""`frontier trends backtest` and `frontier trends forecast --input`: JSON shapes, real models, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from frontier.cli.main import app
from tests.conftest import TESTS

SAMPLE = TESTS / "data" / "forecast_sample.csv"
runner = CliRunner()


def test_backtest_prints_every_model_with_mase_smape_owa() -> None:
    result = runner.invoke(app, ["trends", "backtest", "--input", str(SAMPLE), "--horizon", "6", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"default", "models"}
    assert {"naive", "drift", "damped", "seed", "global_gbm"} <= set(report["models"])
    assert report["default"] in report["models"]
    assert all(set(m) == {"mase", "smape", "owa"} for m in report["models"].values())
    assert report["models"]["naive"]["owa"] == 1.0  # naive is OWA's reference


def test_forecast_prints_the_months_after_each_series_last_month(tmp_path: Path) -> None:
    result = runner.invoke(app, ["trends", "forecast", "--input", str(SAMPLE), "--horizon", "3", "--json"])
    assert result.exit_code == 0, result.output
    forecasts = json.loads(result.stdout)
    assert {f["series_id"] for f in forecasts} == {
        "python",
        "rust",
        "go",
        "java",
        "javascript",
        "typescript",
        "kotlin",
        "swift",
    }
    python = next(f for f in forecasts if f["series_id"] == "python")["forecasts"]
    assert [p["month"] for p in python] == ["2025-09", "2025-10", "2025-11"]
    assert all(p["lo"] <= p["value"] <= p["hi"] for p in python)


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
