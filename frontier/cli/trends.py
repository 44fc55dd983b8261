"""``frontier trends``: compute scores, show a technology's trend, backtest and forecast."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from frontier.cli.common import console, database, fail, handle_errors
from frontier.errors import NotFound
from frontier.trends import analytics, insights
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
