"""``frontier trends``: compute scores, show a technology's trend, backtest and forecast."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontier.cli.common import (
    EXIT_USAGE,
    console,
    database,
    err_console,
    fail,
    handle_errors,
    unknown_technology,
)

# The domain (SQLAlchemy, numpy, the forecasters) is imported inside each command: see cli/common.py.
if TYPE_CHECKING:
    from frontier.trends.forecasting import MonthlySeries
    from frontier.trends.trend_schemas import TrendDetail

# forecasting.MAX_HORIZON, which imports numpy; tests/test_cli_imports.py checks they agree.
MAX_HORIZON = 12

app = typer.Typer(
    help="Technology trends: compute scores, show one technology, forecast.", no_args_is_help=True
)

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """A one-line chart of the values."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(BLOCKS[min(len(BLOCKS) - 1, int((v - low) / span * len(BLOCKS)))] for v in values)


@app.command()
@handle_errors
def compute(
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day to compute for (default today)"),
    ] = None,
    method: Annotated[
        str, typer.Option(help="'default' or 'seed' (the design's formula, for comparison)")
    ] = "default",
) -> None:
    """Compute momentum, adoption, priority and status for every technology, and alert followers."""
    from frontier.trends import analytics

    if method not in ("default", "seed"):
        raise fail(f"--method: '{method}' is not one of default, seed", 2)
    day = as_of.date() if as_of else datetime.now(UTC).date()
    with database() as db, db.session() as session, console.status(f"computing trend scores as of {day}"):
        report = analytics.compute_scores(session, day, method="seed" if method == "seed" else "default")
        latest = analytics.latest_data_month(session) if report.scored == 0 else None
    console.print(
        f"{report.scored} technologies scored as of {report.as_of} ({report.method}); "
        f"{report.rows_written} changed, {report.notifications} alerts"
    )
    if report.scored == 0 and method == "default":
        err_console.print(
            "nothing scores: a technology needs data in one of the 3 complete months before the day"
            + (
                f" and the latest data is for {latest:%Y-%m}: compute for a day within it with "
                f"'--as-of {analytics.day_after_month(latest)}', "
                "or fetch fresh data with 'frontier ingest run'"
                if latest
                else " and there is none: load the demo ('frontier demo load') or run 'frontier ingest run'"
            )
        )


@app.command()
@handle_errors
def show(
    name: Annotated[str, typer.Argument(help="Technology slug, name or alias (e.g. python, C++, k8s)")],
    months: Annotated[int, typer.Option(min=3, max=120, help="Months of history to chart")] = 24,
) -> None:
    """A technology's scores, status, history (sparklines) and latest forecast."""
    from frontier.errors import NotFound
    from frontier.trends import insights
    from frontier.trends.repository import resolve_names

    with database() as db, db.session() as session:
        technology_id = resolve_names(session, [name])[name]
        slug = insights.slug_of(session, technology_id) if technology_id else None
        if slug is None:
            raise unknown_technology(session, name)
        try:
            trend = insights.get_trend(session, slug, None)
        except NotFound:
            trend = None
        history = insights.get_history(session, slug, None, None)
        forecast = insights.get_forecast(session, slug)
    if trend is not None:
        table = Table(title=f"{trend.name} ({trend.slug}) — {trend.trend_status.value}", show_header=False)
        for label, value in (
            ("momentum (1-10)", trend.momentum_score),
            ("learning priority (1-10)", trend.learning_priority_score),
            ("adoption rate / month", trend.adoption_rate),
            ("significance p", trend.significance_p_value),
            ("momentum change, 30 days", trend.momentum_change_30d),
            ("first detected", trend.first_detected_date),
            ("status since", trend.status_changed_on),
            ("as of", trend.scores_as_of),
        ):
            table.add_row(label, "—" if value is None else str(value))
        console.print(table)
        _explain(trend)
    else:
        console.print(f"[yellow]{slug} has no scores yet: run 'frontier trends compute'[/yellow]")
    for series, points in history.series.items():
        recent = points[-months:]
        console.print(
            f"{series:<28} {sparkline([p.value for p in recent])}  "
            f"{recent[0].period:%Y-%m}..{recent[-1].period:%Y-%m}  last {recent[-1].value:,.0f}"
        )
        ahead = forecast.series.get(series, [])
        if ahead:
            end = ahead[-1]
            console.print(
                f"{'':<28} forecast {end.month}: {end.value:,.0f} ({end.lo:,.0f}..{end.hi:,.0f}, "
                f"{forecast.interval_level}% interval, {forecast.model})"
            )


STATUS_MEANING = {
    "rising": "growing clearly faster than most technologies (by 1 MAD or more)",
    "emerging": "young or small, and growing clearly faster than most technologies",
    "mainstream": "growing about as fast as most technologies",
    "declining": "growing clearly slower than most technologies (by 1 MAD or more), or shrinking",
}


def _explain(trend: TrendDetail) -> None:
    """What the status and the significance mean, and what the scores rest on."""
    console.print(f"status {trend.trend_status.value}: {STATUS_MEANING[trend.trend_status.value]}")
    if trend.significance_p_value is not None:
        p = trend.significance_p_value
        verdict = "accelerating" if p < 0.05 else "slowing down" if p > 0.95 else "no clear change of pace"
        console.print(
            f"significance p {p}: one-sided Mann-Kendall test on the last 12 monthly increments — the chance "
            f"of increments trending upwards this clearly if adoption were merely steady ({verdict}; "
            "below 0.05 means accelerating)"
        )
    for item in trend.basis:
        console.print(f"rests on {item.signal}: {item.measures}, {item.months} months")


InputOption = Annotated[
    Path | None, typer.Option("--input", help="CSV with columns series_id,month,value (month YYYY-MM)")
]
HorizonOption = Annotated[int, typer.Option(help=f"Months ahead, 1..{MAX_HORIZON}")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only (no table, no progress bar)")]


def _load(path: Path, horizon: int) -> list[MonthlySeries]:
    """The CSV's series, or exit 2 naming what is wrong with the arguments or the file."""
    from frontier.trends.forecasting import read_series_csv

    if not 1 <= horizon <= MAX_HORIZON:
        raise fail(f"--horizon must be 1..{MAX_HORIZON}, got {horizon}", EXIT_USAGE)
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
    """A progress callback drawing a bar on stderr (stdout stays pure JSON), or None with ``--json``."""
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


@app.command()
@handle_errors
def backtest(
    input_path: Annotated[
        Path, typer.Option("--input", help="CSV with columns series_id,month,value (month YYYY-MM)")
    ],
    horizon: HorizonOption = MAX_HORIZON,
    as_json: JsonOption = False,
) -> None:
    """Rolling-origin backtest of every forecaster on a CSV of monthly series: MASE, sMAPE and OWA.

    The forecasters: naive, drift, damped trend, the seed's heuristic and global gradient boosting; the
    default has the lowest mean MASE."""
    from frontier.trends.forecasting import FORECASTERS, SeriesTooShort
    from frontier.trends.forecasting.backtest import ORIGINS, run_backtest

    series = _load(input_path, horizon)
    with _progress(not as_json, ORIGINS * len(FORECASTERS), "backtest") as progress:
        try:
            report = run_backtest(series, horizon, progress=progress)
        except SeriesTooShort as error:  # the input's fault; any other error is a fault of a model
            raise fail(f"{input_path}: {error}", EXIT_USAGE) from error
    if as_json:
        _print_json(report.summary())
        return
    table = Table(title=f"Rolling-origin backtest, horizon {horizon}, origins {', '.join(report.origins)}")
    for column in ("model", "MASE", "sMAPE", "OWA", "series scored"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for name, score in report.models.items():
        label = f"{name} (default)" if name == report.default else name
        scored = sum(o.series for o in score.origins)
        table.add_row(label, f"{score.mase:.3f}", f"{score.smape:.2f}", f"{score.owa:.3f}", str(scored))
    console.print(table)
    ratio = report.benchmark_ratio()
    console.print(f"default: {report.default}; its MASE / best of naive, drift and damped: {ratio:.3f}")


@app.command()
@handle_errors
def forecast(
    input_path: Annotated[
        Path | None, typer.Option("--input", help="CSV of monthly series; without it, forecast the database")
    ] = None,
    horizon: HorizonOption = MAX_HORIZON,
    as_json: JsonOption = False,
) -> None:
    """Forecast a CSV's series (no database), or store forecasts for every technology in the database.

    With --input, every series of the CSV is forecast by the default model, chosen by backtest; without it,
    forecasts are stored for every technology in the database and the ones that came due are scored."""
    from frontier.trends import forecast_store
    from frontier.trends.forecasting import FORECASTERS, forecast_series
    from frontier.trends.forecasting.backtest import ORIGINS

    if input_path is None:
        with database() as db, db.session() as session, err_console.status("forecasting stored series"):
            stored = forecast_store.store_forecasts(session, datetime.now(UTC).date())
        console.print(
            f"{stored.series} series forecast with {stored.model}: {stored.stored} forecasts stored, "
            f"{stored.scored} earlier ones scored"
        )
        return
    series = _load(input_path, horizon)
    with _progress(not as_json, ORIGINS * len(FORECASTERS) + 1, "forecast") as progress:
        run = forecast_series(series, horizon, progress=progress)
    if as_json:
        _print_json(
            [
                {
                    "series_id": f.series_id,
                    "forecasts": [
                        {"month": m, "value": round(v, 4), "lo": round(lo, 4), "hi": round(hi, 4)}
                        for m, v, lo, hi in f.rows()
                    ],
                }
                for f in run.forecasts
            ]
        )
        return
    level = round(run.forecasts[0].level * 100) if run.forecasts else 0
    table = Table(title=f"Forecasts by {run.model} ({level}% intervals)")
    for column in ("series", "month", "value", "lo", "hi"):
        table.add_column(column, justify="left" if column in ("series", "month") else "right")
    for f in run.forecasts:
        for month, value, lo, hi in f.rows():
            table.add_row(f.series_id, month, f"{value:,.1f}", f"{lo:,.1f}", f"{hi:,.1f}")
    console.print(table)


@app.command()
@handle_errors
def accuracy() -> None:
    """Each forecaster's track record: stored and scored forecasts, accuracy, interval coverage, backtest."""
    from frontier.trends import forecast_store

    with database() as db, db.session() as session:
        records = forecast_store.track_record(session)
    table = Table(
        "model", "stored", "scored", "mean accuracy", "interval coverage", "backtest MASE", "production"
    )
    for r in records:
        mase = (r["backtest"] or {}).get("mase")
        table.add_row(
            r["model"],
            str(r["stored"]),
            str(r["scored"]),
            "—" if r["mean_accuracy"] is None else f"{r['mean_accuracy']:.3f}",
            "—" if r["interval_coverage"] is None else f"{r['interval_coverage']:.2f}",
            "—" if mase is None else f"{mase:.3f}",
            "yes" if r["production"] else "",
        )
    console.print(table)
