"""``frontier config``: the effective settings and where each comes from."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from frontier.cli.common import cell, console, handle_errors, settings

app = typer.Typer(help="Show Frontier's configuration.", no_args_is_help=True)


@app.command()
@handle_errors
def show() -> None:
    """Print the effective settings (secrets masked) and where each comes from."""
    from frontier.config import SECRET_KEY_FILE, Settings, masked, setting_sources

    current = settings()
    sources = setting_sources()
    key_file = current.data_dir / SECRET_KEY_FILE
    # Nothing is cut short: a narrow terminal folds values and sources (URLs, paths) rather than ending them
    # with an ellipsis, and each description goes under its setting's name.
    table = Table(show_lines=True)
    for column in ("setting", "value", "source"):
        table.add_column(column, overflow="fold")
    for name, field in Settings.model_fields.items():
        value = getattr(current, name)
        source = sources[name]
        if name in ("database_url", "redis_url", "secret_key"):
            shown = masked(value)
            if name == "database_url" and value is None:
                shown = f"(unset: embedded PostgreSQL in {current.data_dir / 'postgres'})"
            if name == "secret_key" and value is None:
                shown = "(from data dir)" if current.embedded else "(unset: required with DATABASE_URL)"
                if current.embedded:
                    made = "file" if key_file.exists() else "file made at the first start:"
                    source = f"{made} {key_file}"
        elif isinstance(value, list):
            shown = ", ".join(value) or "(none)"
        else:
            shown = str(value)
        about = Text.assemble(f"FRONTIER_{name.upper()}\n", (field.description or "", "dim"))
        table.add_row(about, cell(shown), cell(source))
    console.print(table)
