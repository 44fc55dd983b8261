"""``frontier users``: accounts from the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from frontier.cli.common import EXIT_USAGE, console, database, fail, handle_errors
from frontier.errors import validation_problem

app = typer.Typer(help="Manage accounts.", no_args_is_help=True)


@app.command("create-admin")
@handle_errors
def create_admin(
    email: Annotated[str, typer.Option(prompt=True, help="Email of the admin account")],
    display_name: Annotated[str, typer.Option(prompt=True, help="Name shown in the app")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="FRONTIER_ADMIN_PASSWORD",
            help="At least 12 characters (or set FRONTIER_ADMIN_PASSWORD)",
        ),
    ],
) -> None:
    """Create an admin account, or make an existing account an admin."""
    from pydantic import ValidationError

    from frontier.accounts import service
    from frontier.accounts.schemas import SignUp
    from frontier.db.base import UserRole
    from frontier.db.system_logs import record

    try:
        data = SignUp(email=email, password=password, display_name=display_name)
    except ValidationError as error:
        first = error.errors()[0]
        option = "--" + str(first["loc"][0]).replace("_", "-")  # the option the person typed
        raise fail(f"{option}: {validation_problem(first)}", EXIT_USAGE) from error
    with database() as db, db.session() as session:
        existing = service.find_by_email(session, data.email)
        if existing is not None:
            existing.role = UserRole.admin
            record(session, "role_changed", "made admin from the command line", user_id=existing.id)
            console.print(f"{existing.email} is now an admin")
            return
        user = service.sign_up(session, data, role=UserRole.admin)
        console.print(f"admin {user.email} created")
