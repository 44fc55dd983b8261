"""The ``frontier`` command."""

from __future__ import annotations

import typer

from frontier.cli import config, db, demo, serve

app = typer.Typer(
    name="frontier",
    help="Frontier: technology trends, discovery and exploration planning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(config.app, name="config")
app.add_typer(demo.app, name="demo")
app.command()(serve.serve)
app.command()(serve.worker)
