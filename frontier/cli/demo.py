"""``frontier demo``: load the bundled real data; with no sub-command, upgrade + load + serve."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from frontier.cli.common import console, database, handle_errors

# The loader (SQLAlchemy, the embedding model) is imported by the commands: see cli/common.py.
if TYPE_CHECKING:
    from frontier.demo.loader import LoadReport

app = typer.Typer(help="The demo: real data shipped with Frontier.", invoke_without_command=True)


def load_with_progress() -> LoadReport:
    """Load the demo into the configured database, showing a progress bar."""
    from frontier.demo import loader

    with (
        database() as db,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar,
    ):
        task = bar.add_task("loading demo data (embedding takes about 30 s)", total=loader.demo_size())

        def advance(_: str, count: int) -> None:
            bar.advance(task, count)

        with db.session() as session:
            report = loader.load_demo(session, progress=advance)
        bar.update(task, completed=loader.demo_size())  # unchanged rows are skipped, not counted
    with database() as db, db.session() as session, console.status("computing trend scores"):
        scores = loader.score_demo_trends(session)
    if scores is not None:
        console.print(
            f"trends: {scores.scored} technologies scored as of {scores.as_of}, "
            "the day after the demo's data ends"
        )
    with database() as db, db.session() as session, console.status("forecasting") as status:
        forecasts = loader.forecast_demo(session, progress=status.update)
    if forecasts is not None:
        console.print(
            f"forecasts: {forecasts.stored} stored by every model from "
            f"{', '.join(f'{d:%Y-%m-%d}' for d in forecasts.origins)}; {forecasts.scored} scored so far; "
            f"the backtest chose {forecasts.default_model}"
        )
    return report


@app.command()
@handle_errors
def load() -> None:
    """Import the bundled technologies and their monthly GitHub series (running it twice = once)."""
    report = load_with_progress()
    console.print(
        f"demo loaded: {report.technologies} technologies, {report.aliases} aliases, "
        f"{report.observations} observations and {report.content} content items written, "
        f"{report.embedded} items embedded (unchanged rows are skipped)"
    )


@app.callback()
def demo(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port", min=1, max=65535)] = 8000,
) -> None:
    """With no sub-command: migrate, load the demo, then serve (one command for a first look)."""
    if ctx.invoked_subcommand is not None:
        return
    from frontier.cli.serve import run_server

    @handle_errors
    def _run() -> None:
        from frontier.db import migrate

        with database() as db:
            migrate.upgrade(db.engine)
        load_with_progress()
        run_server(host, port)

    _run()
