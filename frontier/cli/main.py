"""The ``frontier`` command."""

from __future__ import annotations

from typing import Annotated

import typer

import frontier
from frontier.cli import config, db, demo, explore, ingest, search, secrets, serve, trends, users

app = typer.Typer(
    name="frontier",
    help="Frontier: technology trends, discovery and exploration planning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"frontier {frontier.__version__}")
        raise typer.Exit()


@app.callback()
def _frontier(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print Frontier's version and exit."
        ),
    ] = False,
) -> None:
    # Options of 'frontier' itself; the app's help text above describes it.
    pass


app.add_typer(db.app, name="db")
app.add_typer(config.app, name="config")
app.add_typer(demo.app, name="demo")
app.add_typer(secrets.app, name="secrets")
app.add_typer(users.app, name="users")
app.add_typer(trends.app, name="trends")
app.add_typer(ingest.app, name="ingest")
app.command()(serve.serve)
app.command()(serve.worker)
app.command()(explore.explore)
app.command()(search.search)
