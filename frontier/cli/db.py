"""``frontier db``: migrations, tuning advice, backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from frontier.cli.common import EXIT_USAGE, console, database, fail, handle_errors

app = typer.Typer(help="Manage the database: migrations, tuning advice, backups.", no_args_is_help=True)


@app.command()
@handle_errors
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Migrate the schema up to REVISION (default: the newest)."""
    from frontier.db import migrate

    with database() as db:
        migrate.upgrade(db.engine, revision)
        console.print(f"schema at {migrate.current_revision(db.engine)}")


@app.command()
@handle_errors
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; 'base' removes everything")] = "-1",
) -> None:
    """Migrate the schema down to REVISION (default: one step)."""
    from frontier.db import migrate

    with database() as db:
        migrate.downgrade(db.engine, revision)
        console.print(f"schema at {migrate.current_revision(db.engine) or 'base (empty)'}")


@app.command()
@handle_errors
def status() -> None:
    """Show the schema revision against this release's newest."""
    from frontier.db import migrate

    with database() as db:
        state = migrate.status(db.engine)
        where = "embedded" if db.embedded else db.engine.url.render_as_string(hide_password=True)
    console.print(f"database: {where}\ncurrent:  {state.current or 'base (empty)'}\nhead:     {state.head}")
    if not state.up_to_date:
        console.print("[yellow]run 'frontier db upgrade' to migrate[/yellow]")


@app.command()
@handle_errors
def tune(
    ram: Annotated[str | None, typer.Option(help="Server RAM, e.g. 16GB (default: this machine's)")] = None,
    cores: Annotated[int | None, typer.Option(help="CPU cores (default: this machine's)")] = None,
    connections: Annotated[int, typer.Option(help="max_connections to plan for")] = 100,
) -> None:
    """Print postgresql.conf settings for a server, with the seed's values where they differ and why."""
    from frontier.db import tuning

    machine_ram, machine_cores = tuning.detect_machine()
    try:
        ram_bytes = tuning.parse_size(ram, label="ram") if ram else machine_ram
        settings = tuning.recommend(ram_bytes, cores or machine_cores, connections)
    except ValueError as error:
        # tuning names its inputs (ram: ...); the person typed options (--ram)
        name, sep, problem = str(error).partition(": ")
        said = f"--{name}: {problem}" if sep and name in ("ram", "cores", "connections") else str(error)
        raise fail(said, EXIT_USAGE) from error
    typer.echo(tuning.render(settings, ram_bytes, cores or machine_cores, connections))


@app.command()
@handle_errors
def backup(
    file: Annotated[Path, typer.Argument(help="Backup file to write (pg_dump custom format)")],
) -> None:
    """Write a backup of the whole database to FILE."""
    from frontier.db import backup as backups

    with database() as db:
        backups.backup(db.url, file)
    console.print(f"backup written to {file}")


@app.command()
@handle_errors
def restore(file: Annotated[Path, typer.Argument(help="Backup file made by 'frontier db backup'")]) -> None:
    """Replace the database's whole contents with FILE, in one transaction (a broken FILE changes nothing)."""
    from frontier.db import backup as backups

    with database(check=False) as db:
        backups.restore(db.url, file)
    console.print(f"restored from {file}")
