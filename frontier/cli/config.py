"""``frontier config``: the effective settings."""

from __future__ import annotations

import typer
from rich.table import Table

from frontier.cli.common import console, handle_errors, settings

app = typer.Typer(help="Show Frontier's configuration.", no_args_is_help=True)


@app.command()
@handle_errors
def show() -> None:
    """Print the effective settings (secrets masked) and where each comes from."""
    from frontier.config import Settings, masked

    current = settings()
    table = Table("setting", "value", "description")
    for name, field in Settings.model_fields.items():
        value = getattr(current, name)
        if name in ("database_url", "redis_url", "secret_key"):
            shown = masked(value)
            if name == "database_url" and value is None:
                shown = f"(unset: embedded PostgreSQL in {current.data_dir / 'postgres'})"
            if name == "secret_key" and value is None:
                shown = "(from data dir)" if current.embedded else "(unset: required with DATABASE_URL)"
        elif isinstance(value, list):
            shown = ", ".join(value) or "(none)"
        else:
            shown = str(value)
        table.add_row(f"FRONTIER_{name.upper()}", shown, field.description or "")
    console.print(table)
