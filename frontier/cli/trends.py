"""``frontier trends``: compute scores, show a technology's trend, backtest and forecast."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

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
    from sqlalchemy.orm import Session

    from frontier.trends.forecasting import MonthlySeries
    from frontier.trends.forecasting.backtest import BacktestReport
    from frontier.trends.schemas import TrendDetail, TrendSort

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
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Day to compute for (default: today, or the day after the latest data when it is older)",
        ),
    ] = None,
    method: Annotated[
        str, typer.Option(help="'default' or 'seed' (the design's formula, for comparison)")
    ] = "default",
) -> None:
    """Compute momentum, adoption, priority and status for every technology, and alert followers."""
    from frontier.trends import analytics

    if method not in ("default", "seed"):
        raise fail(f"--method: '{method}' is not one of default, seed", 2)
    with database() as db, db.session() as session:
        if as_of is not None:
            day = as_of.date()
        else:
            day = analytics.default_as_of(session, datetime.now(UTC).date())
            if day != datetime.now(UTC).date():
                err_console.print(
                    f"the latest complete data is for {analytics.month_before(day):%Y-%m}: "
                    f"scoring as of {day} (pass --as-of to choose the day)"
                )
        with console.status(f"computing trend scores as of {day}"):
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


@app.command(name="list")
@handle_errors
def list_(
    status: Annotated[
        str | None, typer.Option(help="Only this status: emerging, rising, mainstream or declining")
    ] = None,
    ecosystem: Annotated[
        str | None, typer.Option(help="Only this ecosystem, e.g. ai_ml, web_frontend")
    ] = None,
    sort: Annotated[str, typer.Option(help="momentum, priority, adoption or name")] = "momentum",
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many to show")] = 25,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only")] = False,
) -> None:
    """Scored technologies, best first: status, momentum, priority, growth and what each rests on."""
    from frontier.db.base import TechEcosystem, TrendStatus
    from frontier.db.pagination import PageParams
    from frontier.trends import service as trends

    statuses = [s.value for s in TrendStatus]
    if status is not None and status not in statuses:
        raise fail(f"--status: '{status}' is not one of {', '.join(statuses)}", EXIT_USAGE)
    ecosystems = [e.value for e in TechEcosystem]
    if ecosystem is not None and ecosystem not in ecosystems:
        raise fail(f"--ecosystem: '{ecosystem}' is not one of {', '.join(ecosystems)}", EXIT_USAGE)
    if sort not in SORTS:
        raise fail(f"--sort: '{sort}' is not one of {', '.join(SORTS)}", EXIT_USAGE)
    with database() as db, db.session() as session:
        page = trends.list_trends(
            session,
            PageParams(limit=limit, after=None),
            sort=cast("TrendSort", sort),
            status=TrendStatus(status) if status else None,
            ecosystem=TechEcosystem(ecosystem) if ecosystem else None,
        )
    if as_json:
        _print_json([item.model_dump(mode="json") for item in page.items])
        return
    if not page.items:
        console.print(
            "no scored technology matches"
            + ("" if status or ecosystem else ": run 'frontier trends compute' (or 'frontier demo load')")
        )
        return
    table = Table(title=f"Technologies by {sort}, as of {page.items[0].scores_as_of}")
    for column in ("technology", "status", "momentum", "priority", "growth / month", "rests on"):
        numeric = column in ("momentum", "priority", "growth / month")
        table.add_column(column, justify="right" if numeric else "left", no_wrap=column != "rests on")
    for item in page.items:
        table.add_row(
            f"{item.name} ({item.slug})",
            item.trend_status.value,
            "—" if item.momentum_score is None else f"{item.momentum_score:.2f}",
            "—" if item.learning_priority_score is None else f"{item.learning_priority_score:.2f}",
            "—" if item.adoption_rate is None else f"{float(item.adoption_rate):+.1%}",
            "; ".join(f"{b.signal} ({b.months} mo)" for b in item.basis),
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"showing {limit}; more with --limit (up to 200) or the API's cursor")


SORTS = ("momentum", "priority", "adoption", "name")


@app.command()
@handle_errors
def show(
    name: Annotated[str, typer.Argument(help="Technology slug, name or alias (e.g. python, C++, k8s)")],
    months: Annotated[int, typer.Option(min=3, max=120, help="Months of history to chart")] = 24,
) -> None:
    """A technology's scores, status, history (sparklines) and latest forecast."""
    from frontier.catalog.repository import resolve_names
    from frontier.errors import NotFound
    from frontier.trends import service as trends

    with database() as db, db.session() as session:
        technology_id = resolve_names(session, [name])[name]
        slug = trends.slug_of(session, technology_id) if technology_id else None
        if slug is None:
            raise unknown_technology(session, name)
        try:
            trend = trends.get_trend(session, slug, None)
        except NotFound:
            trend = None
        history = trends.get_history(session, slug, None, None)
        forecast = trends.get_forecast(session, slug)
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
    "emerging": "first seen less than two years ago, and growing clearly faster than most technologies",
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
        Path | None,
        typer.Option(
            "--input",
            help="CSV with columns series_id,month,value (month YYYY-MM); without it, the database's series "
            "(the results are kept as each model's backtest and interval calibration)",
        ),
    ] = None,
    horizon: HorizonOption = MAX_HORIZON,
    as_json: JsonOption = False,
) -> None:
    """Rolling-origin backtest of every forecaster: MASE, sMAPE, OWA and 80% interval coverage per horizon.

    The forecasters: naive, drift, damped trend, the seed's heuristic and global gradient boosting; the
    default has the lowest mean MASE."""
    from frontier.trends import analytics, forecast_store
    from frontier.trends.forecasting import FORECASTERS, SeriesTooShort
    from frontier.trends.forecasting.backtest import ORIGINS, run_backtest

    if input_path is None:
        with database() as db, db.session() as session, err_console.status("backtesting the stored series"):
            latest = _latest_data_month(session, "backtest")
            try:
                report = forecast_store.store_backtest(session, analytics.day_after_month(latest))
            except SeriesTooShort as error:
                raise fail(f"stored series: {error}", EXIT_USAGE) from error
    else:
        series = _load(input_path, horizon)
        with _progress(not as_json, ORIGINS * len(FORECASTERS), "backtest") as progress:
            try:
                report = run_backtest(series, horizon, progress=progress)
            except SeriesTooShort as error:  # the input's fault; any other error is a fault of a model
                raise fail(f"{input_path}: {error}", EXIT_USAGE) from error
    if as_json:
        _print_json(report.summary())
        return
    _print_backtest(report)


def _print_backtest(report: BacktestReport) -> None:
    table = Table(
        title=f"Rolling-origin backtest, horizon {report.horizon}, origins {', '.join(report.origins)}"
    )
    for column in ("model", "MASE", "sMAPE", "OWA", "80% interval coverage", "series scored"):
        table.add_column(column, justify="left" if column == "model" else "right", no_wrap=True)
    for name, score in report.models.items():
        label = f"{name} (default)" if name == report.default else name
        scored = sum(o.series for o in score.origins)
        table.add_row(
            label,
            f"{score.mase:.3f}",
            f"{score.smape:.2f}",
            f"{score.owa:.3f}",
            _share(score.coverage_overall),
            str(scored),
        )
    console.print(table)
    by_horizon = Table(
        title="Calibrated 80% intervals: share of outcomes inside, by months ahead "
        "(each origin judged by the other origins' errors)"
    )
    by_horizon.add_column("months ahead", justify="right")
    for name in report.models:
        by_horizon.add_column(name, justify="right", no_wrap=True)
    for step in range(report.horizon):
        by_horizon.add_row(
            str(step + 1),
            *(
                _share(score.coverage[step] if step < len(score.coverage) else None)
                for score in report.models.values()
            ),
        )
    console.print(by_horizon)
    ratio = report.benchmark_ratio()
    console.print(f"default: {report.default}; its MASE / best of naive, drift and damped: {ratio:.3f}")


def _latest_data_month(session: Session, what: str) -> date:
    """The latest month with data, or exit 2 saying how to get some."""
    from frontier.trends import analytics

    latest = analytics.latest_data_month(session)
    if latest is None:
        raise fail(
            f"no series to {what}: load the demo ('frontier demo load'), run 'frontier ingest run', "
            "or give --input",
            EXIT_USAGE,
        )
    return latest


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


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

    With --input, every series of the CSV is forecast by the default model, chosen by backtest, with
    intervals calibrated on its errors; without it, every model forecasts every technology in the database
    and the forecasts that came due are scored."""
    from frontier.trends import analytics, forecast_store
    from frontier.trends.forecasting import FORECASTERS, SeriesTooShort, forecast_series
    from frontier.trends.forecasting.backtest import ORIGINS

    if input_path is None:
        with database() as db, db.session() as session, err_console.status("forecasting stored series"):
            latest = _latest_data_month(session, "forecast")
            runs = forecast_store.store_all_forecasts(session, analytics.day_after_month(latest))
        for one in runs:
            console.print(
                f"{one.model}: {one.series} series forecast from {latest:%Y-%m}, "
                f"{one.stored} forecasts stored ("
                f"{'calibrated' if one.calibrated else 'uncalibrated: run frontier trends backtest first'} "
                f"intervals), {one.scored} earlier ones scored"
            )
        return
    series = _load(input_path, horizon)
    with _progress(not as_json, ORIGINS * len(FORECASTERS) + 1, "forecast") as progress:
        try:
            run = forecast_series(series, horizon, progress=progress)
        except SeriesTooShort as error:
            raise fail(f"{input_path}: {error}", EXIT_USAGE) from error
    if as_json:
        _print_json(
            [
                *(
                    {
                        "series_id": f.series_id,
                        "forecasts": [
                            {"month": m, "value": round(v, 4), "lo": round(lo, 4), "hi": round(hi, 4)}
                            for m, v, lo, hi in f.rows()
                        ],
                        "interval": "calibrated" if run.calibration is not None else "model's own",
                    }
                    for f in run.forecasts
                ),
                *(
                    {"series_id": series_id, "forecasts": [], "not_forecast": "one month shows no change"}
                    for series_id in run.too_short
                ),
            ]
        )
        return
    level = round(run.forecasts[0].level * 100) if run.forecasts else 0
    how = (
        "calibrated on the backtest's errors"
        if run.calibration is not None
        else "the model's own: too short to backtest and calibrate"
    )
    table = Table(title=f"Forecasts by {run.model} ({level}% intervals, {how})")
    for column in ("series", "month", "value", "lo", "hi"):
        table.add_column(column, justify="left" if column in ("series", "month") else "right")
    for f in run.forecasts:
        for month, value, lo, hi in f.rows():
            table.add_row(f.series_id, month, f"{value:,.1f}", f"{lo:,.1f}", f"{hi:,.1f}")
    console.print(table)
    for series_id in run.too_short:
        err_console.print(f"{series_id}: not forecast, one month shows no change to forecast from")


@app.command()
@handle_errors
def accuracy() -> None:
    """Each forecaster's track record: forecasts stored and scored, accuracy, interval coverage, backtest."""
    from frontier.trends import forecast_store

    with database() as db, db.session() as session:
        records = forecast_store.track_record(session)
    table = Table(
        "model", "stored", "scored", "mean accuracy", "interval coverage", "backtest MASE", "production"
    )
    for column in table.columns:
        column.no_wrap = True
    for r in records:
        mase = (r["backtest"] or {}).get("mase")
        table.add_row(
            r["model"],
            str(r["stored"]),
            str(r["scored"]),
            "—" if r["mean_accuracy"] is None else f"{r['mean_accuracy']:.3f}",
            _share(r["interval_coverage"]),
            "—" if mase is None else f"{mase:.3f}",
            "yes" if r["production"] else "",
        )
    console.print(table)
    scored = [r for r in records if r["coverage_by_horizon"]]
    if not scored:
        console.print("no stored forecast has come due yet: coverage shows once their months are observed")
        return
    by_horizon = Table(title="Stored forecasts: share inside their 80% interval, by months ahead (scored)")
    by_horizon.add_column("months ahead", justify="right")
    for r in scored:
        by_horizon.add_column(r["model"], justify="right", no_wrap=True)
    cells = {(r["model"], c["horizon"]): c for r in scored for c in r["coverage_by_horizon"]}
    for step in sorted({c["horizon"] for r in scored for c in r["coverage_by_horizon"]}):
        row = [str(step)]
        for r in scored:
            cell = cells.get((r["model"], step))
            row.append("—" if cell is None else f"{cell['coverage']:.2f} of {cell['scored']}")
        by_horizon.add_row(*row)
    console.print(by_horizon)
