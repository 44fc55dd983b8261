"""``frontier explore EMAIL --minutes N``: a person's exploration path from the terminal."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from frontier.cli.common import (
    add_link_column,
    cell,
    console,
    database,
    handle_errors,
    named_as,
    print_links,
)
from frontier.errors import NotFound


@handle_errors
@named_as({"minutes": "--minutes"})
def explore(
    email: Annotated[str, typer.Argument(help="The person's account email")],
    minutes: Annotated[int, typer.Option(min=1, max=480, help="Time available, in minutes")] = 25,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The best units for a person within MINUTES, foundations first, each with why it was chosen."""
    from frontier.accounts.service import find_by_email
    from frontier.discovery.paths.service import plan_exploration

    with database() as db, db.session() as session:
        user = find_by_email(session, email)
        if user is None:
            raise NotFound(f"no account with email '{email}'")
        path = plan_exploration(session, user.id, minutes)
    if as_json:
        typer.echo(json.dumps(path.model_dump(mode="json"), indent=2))
        return
    if path.notice:
        hint = f" Try --minutes {path.minutes_needed}." if path.minutes_needed else ""
        typer.echo(path.notice + hint)
        return
    title = (
        f"{path.total_minutes} of {path.budget_minutes} minutes for {email}, "
        f"{path.technologies} technolog{'y' if path.technologies == 1 else 'ies'}, foundations first"
    )
    table = Table(title=title)
    for column in ("#", "minutes", "item (part)", "depth"):
        table.add_column(column, overflow="fold")
    # links are shown whole, to be copied: in the table when it has room, else listed below it by step
    in_table = add_link_column(table, "link", [item.url for item in path.items if item.url])
    table.add_column("why", overflow="fold")
    for item in path.items:
        table.add_row(
            str(item.sequence),
            str(item.minutes),
            cell(f"{item.title} ({item.part}/{item.parts})"),
            item.depth or "",
            *([cell(item.url)] if in_table else []),
            cell("; ".join(item.why)),
        )
    console.print(table)
    if not in_table:
        print_links([(str(item.sequence), item.url) for item in path.items])
