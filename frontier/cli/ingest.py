"""``frontier ingest``: register sources, run syncs now (with progress bars; Ctrl-C or SIGTERM ends the run
as interrupted), pause and resume sources, see their state and runs, add feeds and sync schedules."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontier.cli.common import (
    EXIT_USAGE,
    console,
    database,
    fail,
    handle_errors,
    named_as,
    settings,
    unknown_technology,
)
from frontier.clock import SystemClock

# The ingest domain (SQLAlchemy, httpx, the connectors) is imported by each command: see cli/common.py.
if TYPE_CHECKING:
    from frontier.db.session import Database
    from frontier.ingest.outcome import RunReport
    from frontier.ingest.schemas import ScheduleIn, ScheduleOut

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


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While the block runs, SIGTERM stops it like Ctrl-C, so the run in progress is marked interrupted on
    the way out instead of being killed where it stands."""

    def stop(signum: int, frame: FrameType | None) -> None:
        # As SIGINT: inside asyncio.run its handler cancels the fetch cleanly, then raises KeyboardInterrupt
        signal.raise_signal(signal.SIGINT)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_with_progress(db: Database, names: list[str], technologies: list[str] | None) -> list[RunReport]:
    """Run each source in turn, one progress bar per source."""
    from frontier.ingest.sync import run_source

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
    item_errors = [e for e in report.errors if e["item"] != "run"]  # a run's own error is its message
    for error in item_errors[:10]:
        console.print(f"  [red]✗[/red] {error['item']}: {error['error']}", highlight=False, soft_wrap=True)
    if len(item_errors) > 10:
        console.print(f"  … and {len(item_errors) - 10} more (see 'frontier ingest runs')")
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
    """Sync now: every active source, or the one named. Exits 1 when a run failed.

    Ctrl-C or SIGTERM stops it: the run in progress is recorded as interrupted, and the source can run again
    at once."""
    from frontier.catalog.repository import get_by_slug
    from frontier.ingest.runs import runnable_source_names, source_count

    with database() as db:
        with db.session() as session:
            if source_count(session) == 0:
                raise fail("no data sources yet: run 'frontier ingest setup' first", EXIT_USAGE)
            for slug in technology or ():
                if get_by_slug(session, slug) is None:
                    raise unknown_technology(session, slug, "--technology")
            names = [source] if source else runnable_source_names(session)
        if not names:
            console.print("no active data sources")
            return
        with sigterm_interrupts():
            reports = run_with_progress(db, names, technology)
    for report in reports:
        _print_report(report)
    if any(r.status == "failed" for r in reports):
        raise typer.Exit(1)


@app.command()
@handle_errors
def unpause(name: Annotated[str, typer.Argument(help="The source's name")]) -> None:
    """Resume a source: lift its pause and clear its failure count.

    Also releases a run left 'running' by a process that is gone. Says what it changed."""
    from frontier.ingest.runs import Worker, resume_source

    with database() as db, db.session() as session:
        resumed = resume_source(session, name, SystemClock().now(), Worker.current())
    console.print(resumed.message, highlight=False)


@app.command()
@handle_errors
def pause(name: Annotated[str, typer.Argument(help="The source's name")]) -> None:
    """Pause a source: neither the schedule nor 'ingest run' syncs it until 'ingest unpause'."""
    from frontier.ingest.runs import pause_source

    with database() as db, db.session() as session:
        changed = pause_source(session, name, SystemClock().now())
    console.print(f"source '{name}' paused" if changed else f"source '{name}' was already paused")


@app.command()
@handle_errors
def runs(
    source: Annotated[str | None, typer.Option("--source", help="Only this source")] = None,
    limit: Annotated[int, typer.Option(help="How many runs", min=1, max=500)] = 20,
) -> None:
    """The latest sync runs, newest first."""
    from frontier.ingest.runs import recent_runs

    table = Table("started (UTC)", "source", "status", "records", "errors", "unmatched", "imported")
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
                import_summary(run_row.report),
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
    from frontier.ingest.service import register_default_sources
    from frontier.security.secrets import box_from_settings

    keys = {
        name: key for name, key in (("github", github_token), ("stackoverflow", stackexchange_key)) if key
    }
    with database() as db, db.session() as session:
        created = register_default_sources(session, box_from_settings(settings()), keys)
    console.print(f"registered: {', '.join(created)}" if created else "all default sources already exist")


def import_summary(report: dict[str, int] | None) -> str:
    """A feed run's import report in a few words ('' for other runs)."""
    if report is None:
        return ""
    return ", ".join(f"{count} {what}" for what, count in report.items())


@app.command()
@handle_errors
def status() -> None:
    """Every source: active or paused, failures, last success, the day it is complete to, its latest run."""
    from frontier.ingest.runs import Worker, source_statuses

    table = Table("source", "type", "state", "failures", "last success (UTC)", "complete to", "latest run")
    with database() as db, db.session() as session:
        for row in source_statuses(session, SystemClock().now(), Worker.current()):
            source, last = row.source, row.last_run
            state = "inactive" if source.is_active is False else "active"
            if source.paused_at is not None:
                state = f"[red]paused[/red] since {source.paused_at:%Y-%m-%d %H:%M}"
            if row.running:
                state += f", running in {row.running}"
            table.add_row(
                source.source_name,
                source.source_type,
                state,
                str(source.consecutive_failures or 0),
                f"{source.last_successful_fetch:%Y-%m-%d %H:%M}" if source.last_successful_fetch else "never",
                str(source.synced_until or "-"),
                f"{last.status} {last.started_at:%Y-%m-%d %H:%M}" if last else "none",
            )
    console.print(table)


# The command-line option of each schedule field, so an error names what the operator typed.
SCHEDULE_OPTIONS = {
    "sync_schedule_cron": "--cron",
    "sync_frequency_minutes": "--every",
    "data_types_to_sync": "--data-type",
    "retry_attempts": "--retries",
    "parallel_workers": "--workers",
}
Cron = Annotated[str | None, typer.Option("--cron", help="Cron expression (UTC), e.g. '20 2 * * *'")]
Every = Annotated[int | None, typer.Option("--every", help="Minutes between runs (when no --cron)")]
DataTypes = Annotated[
    list[str] | None, typer.Option("--data-type", help="Only this data type of the connector; repeatable")
]
Retries = Annotated[int | None, typer.Option("--retries", help="Retries of a failed request")]
Workers = Annotated[int | None, typer.Option("--workers", help="Items fetched at once")]


def schedule_input(
    cron: str | None,
    every: int | None,
    data_types: list[str] | None,
    retries: int | None,
    workers: int | None,
) -> ScheduleIn:
    """The schedule the options describe; InvalidInput naming the option that is wrong."""
    from pydantic import ValidationError

    from frontier.ingest.options import invalid_input
    from frontier.ingest.schemas import ScheduleIn

    given = {
        "sync_schedule_cron": cron,
        "sync_frequency_minutes": every,
        "data_types_to_sync": data_types or None,
        "retry_attempts": retries,
        "parallel_workers": workers,
    }
    try:
        return ScheduleIn(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as error:
        raise invalid_input(error, names=SCHEDULE_OPTIONS) from None


def _when(row: ScheduleOut | ScheduleIn) -> str:
    return (
        f"cron '{row.sync_schedule_cron}'"
        if row.sync_schedule_cron
        else f"every {row.sync_frequency_minutes} min"
    )


@app.command()
@handle_errors
def schedule(
    source: Annotated[str, typer.Argument(help="The source's name")],
    cron: Cron = None,
    every: Every = None,
    data_type: DataTypes = None,
    retries: Retries = None,
    workers: Workers = None,
) -> None:
    """Add a sync schedule to a source of any type, feeds included (daily when neither --cron nor --every)."""
    from frontier.ingest.schedules import create_schedule, source_named

    data = schedule_input(cron, every, data_type, retries, workers)
    # the same checks run for the API, where fields have their JSON names: say the option instead
    with database() as db, db.session() as session, named_as(SCHEDULE_OPTIONS):
        created = create_schedule(session, source_named(session, source).source_id, data, None)
    console.print(f"schedule added to '{source}': {_when(created)}", highlight=False)


@app.command()
@handle_errors
def schedules(
    source: Annotated[str | None, typer.Option("--source", help="Only this source")] = None,
) -> None:
    """The sync schedules, with their last run."""
    from frontier.ingest.schedules import list_schedules, source_named

    table = Table("source", "when", "data types", "active", "last run (UTC)", "last status")
    with database() as db, db.session() as session:
        source_id = source_named(session, source).source_id if source else None
        for row in list_schedules(session, source_id):
            table.add_row(
                row.source_name,
                _when(row),
                ", ".join(row.data_types_to_sync or ["all"]),
                "no" if row.is_active is False else "yes",
                f"{row.last_run_at:%Y-%m-%d %H:%M}" if row.last_run_at else "never",
                row.last_run_status or "-",
            )
    console.print(table)


@app.command("add-feed")
@handle_errors
def add_feed(
    name: Annotated[str, typer.Argument(help="A name for the source")],
    url: Annotated[str, typer.Argument(help="The RSS or Atom feed's URL")],
    feed: Annotated[list[str] | None, typer.Option("--feed", help="Another feed of it; repeatable")] = None,
    cron: Cron = None,
    every: Every = None,
) -> None:
    """Register an RSS/Atom feed (or several) as a source, with its sync schedule (daily by default)."""
    from pydantic import ValidationError

    from frontier.ingest.options import invalid_input
    from frontier.ingest.schedules import create_schedule
    from frontier.ingest.schemas import SourceIn
    from frontier.ingest.service import create_source
    from frontier.security.secrets import box_from_settings

    data = schedule_input(cron, every, None, None, None)
    try:
        source = SourceIn(
            source_name=name, source_type="rss_feed", base_url=url, options={"feeds": feed} if feed else None
        )
    except ValidationError as error:
        raise invalid_input(error, names={"source_name": "NAME", "base_url": "URL"}) from None
    with database() as db, db.session() as session:  # the source and its schedule, or neither
        created = create_source(
            session,
            box_from_settings(settings()),
            source,
            None,
            allow_private=settings().allow_private_sources,
        )
        create_schedule(session, created.id, data, None)
    console.print(f"feed source '{name}' added, synced by {_when(data)}", highlight=False)
