"""``frontier trends backtest|forecast``: score the forecasters on a CSV of monthly series, or forecast it.

The CSV has the columns ``series_id,month,value`` (month ``YYYY-MM``; months may be missing). Neither
command touches the database. Bad input (a missing file, a malformed CSV, a horizon outside 1..12) exits 2
with one line on stderr naming the problem. With ``--json`` stdout holds the JSON document and nothing
else; without it, a table, and a progress bar on stderr while models are fitted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontier.cli.common import EXIT_USAGE, console, err_console, fail
from frontier.trends.forecasting import (
    FORECASTERS,
    MAX_HORIZON,
    BacktestReport,
    Forecast,
    MonthlySeries,
    forecast_series,
    read_series_csv,
    run_backtest,
)
from frontier.trends.forecasting.backtest import ORIGINS

app = typer.Typer(help="Forecast monthly series and backtest the forecasters.", no_args_is_help=True)

STORED_SERIES_MESSAGE = (
    "forecasting stored series needs the database job: see frontier trends forecast --help"
)

InputOption = Annotated[
    Path | None, typer.Option("--input", help="CSV with columns series_id,month,value (month YYYY-MM)")
]
HorizonOption = Annotated[int, typer.Option(help=f"Months to forecast, 1..{MAX_HORIZON}")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only (no table, no progress bar)")]


def _load(path: Path | None, horizon: int) -> list[MonthlySeries]:
    """The CSV's series, or exit 2 naming what is wrong with the arguments or the file."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise fail(f"--horizon must be 1..{MAX_HORIZON}, got {horizon}", EXIT_USAGE)
    if path is None:
        raise fail("--input is required", EXIT_USAGE)
    if not path.is_file():
        raise fail(f"--input {path}: no such file", EXIT_USAGE)
    try:
        return list(read_series_csv(path).values())
    except (ValueError, UnicodeDecodeError) as error:
        raise fail(f"{path}: {error}", EXIT_USAGE) from error
    except OSError as error:
        raise fail(f"{path}: {error.strerror or error}", EXIT_USAGE) from error


@contextmanager
def _progress(enabled: bool, total: int, what: str) -> Iterator[Callable[[str], None] | None]:
    """A progress callback drawing a bar on stderr, or None when disabled (``--json``)."""
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(what, total=total)

        def advance(step: str) -> None:
            bar.update(task, advance=1, description=f"{what}: {step}")

        yield advance


def _print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, allow_nan=False))


def _backtest_table(report: BacktestReport) -> Table:
    table = Table(
        title=f"Rolling-origin backtest, horizon {report.horizon}, origins {', '.join(report.origins)}"
    )
    for column in ("model", "MASE", "sMAPE", "OWA", "series scored"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for name, score in report.models.items():
        label = f"{name} (default)" if name == report.default else name
        scored = sum(o.series for o in score.origins)
        table.add_row(label, f"{score.mase:.3f}", f"{score.smape:.2f}", f"{score.owa:.3f}", str(scored))
    return table


@app.command()
def backtest(
    input_path: InputOption = None,
    horizon: HorizonOption = MAX_HORIZON,
    as_json: JsonOption = False,
) -> None:
    """Score every forecaster by a rolling-origin backtest; the default is the lowest mean MASE."""
    series = _load(input_path, horizon)
    with _progress(not as_json, ORIGINS * len(FORECASTERS), "backtest") as progress:
        try:
            report = run_backtest(series, horizon, progress=progress)
        except ValueError as error:
            raise fail(f"{input_path}: {error}", EXIT_USAGE) from error
    if as_json:
        _print_json(report.summary())
        return
    console.print(_backtest_table(report))
    ratio = report.benchmark_ratio()
    console.print(f"default: {report.default}; its MASE / best of naive, drift and damped: {ratio:.3f}")


def _forecast_document(forecasts: list[Forecast]) -> list[dict[str, Any]]:
    return [
        {
            "series_id": forecast.series_id,
            "forecasts": [
                {"month": month, "value": round(value, 4), "lo": round(lo, 4), "hi": round(hi, 4)}
                for month, value, lo, hi in forecast.rows()
            ],
        }
        for forecast in forecasts
    ]


def _forecast_table(model: str, forecasts: list[Forecast]) -> Table:
    level = round(forecasts[0].level * 100) if forecasts else 0
    table = Table(title=f"Forecasts by {model} ({level}% intervals)")
    for column in ("series", "month", "value", "lo", "hi"):
        table.add_column(column, justify="left" if column in ("series", "month") else "right")
    for forecast in forecasts:
        for month, value, lo, hi in forecast.rows():
            table.add_row(forecast.series_id, month, f"{value:,.1f}", f"{lo:,.1f}", f"{hi:,.1f}")
    return table


@app.command()
def forecast(
    input_path: InputOption = None,
    horizon: HorizonOption = MAX_HORIZON,
    as_json: JsonOption = False,
) -> None:
    """Forecast the months after each series' last month with the default model (chosen by backtest).

    Without --input, forecasting the stored series is the database job's work.
    """
    if input_path is None:
        raise fail(STORED_SERIES_MESSAGE, EXIT_USAGE)
    series = _load(input_path, horizon)
    with _progress(not as_json, ORIGINS * len(FORECASTERS) + 1, "forecast") as progress:
        run = forecast_series(series, horizon, progress=progress)
    if as_json:
        _print_json(_forecast_document(run.forecasts))
        return
    console.print(_forecast_table(run.model, run.forecasts))
