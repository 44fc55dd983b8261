"""``frontier ingest``: run source syncs now (with progress bars), resume paused sources, list recent runs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontier.cli.common import console, database, handle_errors, settings
from frontier.db.session import Database
from frontier.ingest.service import register_default_sources
from frontier.ingest.sync import RunReport, recent_runs, run_source, runnable_source_names, unpause_source
from frontier.security.secrets import box_from_settings

app = typer.Typer(help="Ingestion: fetch signals from external sources.", no_args_is_help=True)

STATUS_STYLE = {"success": "green", "partial_success": "yellow", "failed": "red", "skipped": "dim"}


class _BarProgress:
    """A connector's progress shown on one rich task."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar = bar
        self._task = task
        self._total = 0

    def planned(self, items: int) -> None:
        self._total += items
        self._bar.update(self._task, total=self._total)

    def done(self, items: int = 1) -> None:
        self._bar.advance(self._task, items)


def run_with_progress(db: Database, names: list[str], technologies: list[str] | None) -> list[RunReport]:
    """Run each source in turn, one progress bar per source."""
    reports = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        for name in names:
            task = bar.add_task(name, total=None)
            reports.append(run_source(db, name, progress=_BarProgress(bar, task), technologies=technologies))
    return reports


def _print_report(report: RunReport) -> None:
    style = STATUS_STYLE.get(report.status, "")
    console.print(f"[{style}]{report.source_name}[/{style}]: {report.message}", highlight=False)
    for error in report.errors[:10]:
        console.print(f"  [red]✗[/red] {error['item']}: {error['error']}", highlight=False, soft_wrap=True)
    if len(report.errors) > 10:
        console.print(f"  … and {len(report.errors) - 10} more (see 'frontier ingest runs')")
    if report.unmatched_names:
        shown = ", ".join(report.unmatched_names[:20])
        console.print(f"  unmatched names (not in the catalogue): {shown}", highlight=False)
    if report.paused and report.status != "skipped":
        console.print(
            f"  [red]the source is now paused[/red]: 'frontier ingest unpause {report.source_name}'"
        )


@app.command()
@handle_errors
def run(
    source: Annotated[str | None, typer.Option("--source", help="Only this source (by name)")] = None,
    technology: Annotated[
        list[str] | None, typer.Option("--technology", help="Only this technology (slug); repeatable")
    ] = None,
) -> None:
    """Sync now: every active source, or the one named. Exits 1 when a run failed."""
    with database() as db:
        with db.session() as session:
            names = [source] if source else runnable_source_names(session)
        if not names:
            console.print("no active data sources")
            return
        reports = run_with_progress(db, names, technology)
    for report in reports:
        _print_report(report)
    if any(r.status == "failed" for r in reports):
        raise typer.Exit(1)


@app.command()
@handle_errors
def unpause(name: Annotated[str, typer.Argument(help="The source's name")]) -> None:
    """Resume a source paused after repeated failures (its failure count starts again from 0)."""
    with database() as db, db.session() as session:
        unpause_source(session, name)
    console.print(f"source '{name}' resumed")


@app.command()
@handle_errors
def runs(
    source: Annotated[str | None, typer.Option("--source", help="Only this source")] = None,
    limit: Annotated[int, typer.Option(help="How many runs", min=1, max=500)] = 20,
) -> None:
    """The latest sync runs, newest first."""
    table = Table("started (UTC)", "source", "status", "records", "errors", "unmatched")
    with database() as db, db.session() as session:
        for name, run_row in recent_runs(session, source, limit):
            style = STATUS_STYLE.get(run_row.status, "")
            table.add_row(
                f"{run_row.started_at:%Y-%m-%d %H:%M:%S}",
                name,
                f"[{style}]{run_row.status}[/{style}]" if style else run_row.status,
                str(run_row.records_processed),
                str(len(run_row.errors)),
                str(len(run_row.unmatched_names)),
            )
    console.print(table)


@app.command()
@handle_errors
def setup(
    github_token: Annotated[
        str | None,
        typer.Option(envvar="FRONTIER_GITHUB_TOKEN", help="GitHub token (raises the limit to 5000/h)"),
    ] = None,
    stackexchange_key: Annotated[
        str | None, typer.Option(envvar="FRONTIER_STACKEXCHANGE_KEY", help="Stack Exchange API key")
    ] = None,
) -> None:
    """Register GitHub, Stack Overflow, PyPI, npm and Hacker News jobs as sources, each synced daily."""
    keys = {
        name: key for name, key in (("github", github_token), ("stackoverflow", stackexchange_key)) if key
    }
    with database() as db, db.session() as session:
        created = register_default_sources(session, box_from_settings(settings()), keys)
    console.print(f"registered: {', '.join(created)}" if created else "all default sources already exist")
