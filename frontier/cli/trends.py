"""``frontier trends``: compute scores, show a technology's trend, backtest and forecast."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from frontier.cli.common import console, database, err_console, fail, handle_errors
from frontier.errors import NotFound
from frontier.trends import analytics, forecast_store, insights
from frontier.trends.forecasting.backtest import run_backtest
from frontier.trends.forecasting.forecasts import forecast_series
from frontier.trends.forecasting.series import MonthlySeries, read_series_csv
from frontier.trends.repository import resolve_names

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
    if method not in ("default", "seed"):
        raise fail(f"--method: '{method}' is not one of default, seed", 2)
    day = as_of.date() if as_of else datetime.now(UTC).date()
    with database() as db, db.session() as session, console.status(f"computing trend scores as of {day}"):
        report = analytics.compute_scores(session, day, method="seed" if method == "seed" else "default")
    console.print(
        f"{report.scored} technologies scored as of {report.as_of} ({report.method}); "
        f"{report.rows_written} changed, {report.notifications} alerts"
    )


@app.command()
@handle_errors
def show(
    name: Annotated[str, typer.Argument(help="Technology slug, name or alias (e.g. python, C++, k8s)")],
    months: Annotated[int, typer.Option(min=3, max=120, help="Months of history to chart")] = 24,
) -> None:
    """A technology's scores, status, history (sparklines) and latest forecast."""
    with database() as db, db.session() as session:
        technology_id = resolve_names(session, [name])[name]
        slug = insights.slug_of(session, technology_id) if technology_id else None
        if slug is None:
            raise NotFound(f"no technology called '{name}'; see 'curl /api/v1/technologies?name=...'")
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


def _read_csv(path: Path) -> list[MonthlySeries]:
    try:
        return list(read_series_csv(path).values())
    except FileNotFoundError as error:
        raise fail(f"--input: {path} does not exist", 2) from error
    except (OSError, UnicodeDecodeError) as error:
        raise fail(f"--input: cannot read {path}: {error}", 2) from error
    except ValueError as error:
        raise fail(f"--input {path}: {error}", 2) from error


Horizon = Annotated[int, typer.Option(min=1, max=12, help="Months ahead, 1-12")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON only")]


@app.command()
@handle_errors
def backtest(
    input_csv: Annotated[
        Path, typer.Option("--input", help="CSV with columns series_id,month (YYYY-MM),value")
    ],
    horizon: Horizon = 12,
    as_json: AsJson = False,
) -> None:
    """Rolling-origin backtest of every forecaster (naive, drift, damped trend, the seed's heuristic, global
    gradient boosting) on a CSV of monthly series: MASE, sMAPE and OWA, and the default it picks."""
    series = _read_csv(input_csv)
    # The spinner goes to stderr, so stdout stays pure JSON with --json.
    with err_console.status("backtesting") as status:
        try:
            report = run_backtest(series, horizon, progress=lambda step: status.update(f"backtesting {step}"))
        except ValueError as error:
            raise fail(f"--input {input_csv}: {error}", 2) from error
    if as_json:
        typer.echo(json.dumps(report.summary()))
        return
    table = Table(
        "model",
        "MASE",
        "sMAPE",
        "OWA",
        title=f"{horizon}-month backtest, origins {', '.join(report.origins)}",
    )
    for name, score in report.models.items():
        table.add_row(
            name + (" (default)" if name == report.default else ""),
            f"{score.mase:.3f}",
            f"{score.smape:.2f}",
            f"{score.owa:.3f}",
        )
    console.print(table)


@app.command()
@handle_errors
def forecast(
    input_csv: Annotated[
        Path | None, typer.Option("--input", help="CSV of monthly series; without it, forecast the database")
    ] = None,
    horizon: Horizon = 12,
    as_json: AsJson = False,
) -> None:
    """Forecast every series of a CSV with the default model (no database), or store forecasts for every
    technology in the database and score the ones that came due."""
    if input_csv is None:
        with database() as db, db.session() as session, err_console.status("forecasting stored series"):
            run = forecast_store.store_forecasts(session, datetime.now(UTC).date())
        console.print(
            f"{run.series} series forecast with {run.model}: {run.stored} forecasts stored, "
            f"{run.scored} earlier ones scored"
        )
        return
    series = _read_csv(input_csv)
    # The default model is the one the rolling-origin backtest picks on these series (as `backtest` reports).
    with err_console.status("choosing the model by backtest, then forecasting"):
        results = forecast_series(series, horizon).forecasts
    out: list[dict[str, Any]] = [
        {
            "series_id": f.series_id,
            "forecasts": [{"month": m, "value": v, "lo": lo, "hi": hi} for m, v, lo, hi in f.rows()],
        }
        for f in results
    ]
    if as_json:
        typer.echo(json.dumps(out))
        return
    for item in out:
        last = item["forecasts"][-1]
        interval = f"{last['lo']:,.0f}..{last['hi']:,.0f}"
        console.print(f"{item['series_id']}: {last['month']} {last['value']:,.0f} ({interval})")


@app.command()
@handle_errors
def accuracy() -> None:
    """Each forecaster's track record: stored and scored forecasts, accuracy, interval coverage, backtest."""
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
