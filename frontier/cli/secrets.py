"""``frontier secrets``: rotate the key that encrypts stored secrets (API keys of external sources)."""

from __future__ import annotations

from typing import Annotated

import typer

from frontier.cli.common import EXIT_USAGE, console, database, fail, handle_errors, settings

app = typer.Typer(help="Manage the key that encrypts stored secrets.", no_args_is_help=True)


@app.callback()
def _secrets() -> None:
    """Manage the key that encrypts stored secrets."""
    # A callback keeps this a command group even with one command: 'frontier secrets rotate' stays stable.


@app.command()
@handle_errors
def rotate(
    old_key: Annotated[
        str,
        typer.Option(
            "--old-key",
            envvar="FRONTIER_OLD_SECRET_KEY",
            prompt="Old secret key",
            hide_input=True,
            help="The key the secrets are encrypted with now (prompted for when unset)",
        ),
    ],
    new_key: Annotated[
        str,
        typer.Option(
            "--new-key",
            envvar="FRONTIER_NEW_SECRET_KEY",
            prompt="New secret key",
            hide_input=True,
            confirmation_prompt=True,
            help="The key to re-encrypt them with (prompted for, twice, when unset)",
        ),
    ],
) -> None:
    """Re-encrypt every stored secret from the old key to the new one, in one transaction."""
    from frontier.config import SECRET_KEY_FILE
    from frontier.db import migrate
    from frontier.security.secrets import SecretBox, rotate_source_keys

    if not old_key.strip() or not new_key.strip():
        raise fail("the old and the new key must both be non-empty", EXIT_USAGE)
    if old_key == new_key:
        raise fail("the old and the new key are the same: nothing to rotate", EXIT_USAGE)
    old, new = SecretBox(old_key), SecretBox(new_key)
    with database() as db:
        # An older schema may lack secret columns this release encrypts: rotating it would leave them behind.
        if not migrate.status(db.engine).up_to_date:
            raise fail("the database schema is not up to date; run 'frontier db upgrade' first")
        with db.session() as session:
            count = rotate_source_keys(session, old, new)
    current = settings()
    if current.secret_key is None and current.embedded:
        where = f"replace the contents of {current.data_dir / SECRET_KEY_FILE} with the new key"
    else:
        where = "set FRONTIER_SECRET_KEY to the new key"
    console.print(
        f"re-encrypted {count} secret{'' if count == 1 else 's'}; now {where} and restart every process",
        highlight=False,
        soft_wrap=True,
    )
