"""Backups with the wheel's own pg_dump / pg_restore (custom format: restore runs in one transaction)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from frontier.db.embedded import bin_dir
from frontier.db.session import libpq_url
from frontier.errors import FieldProblem, FrontierError, InvalidInput


def backup(url: str, target: Path) -> None:
    """Write the whole database to ``target`` (pg_dump custom format), replacing it only on success."""
    target = target.expanduser().resolve()
    if not target.parent.is_dir():
        raise InvalidInput([FieldProblem("FILE", f"folder {target.parent} does not exist")])
    partial = target.with_name(target.name + ".partial")
    _run("pg_dump", ["--format=custom", "--no-owner", f"--file={partial}", f"--dbname={libpq_url(url)}"])
    partial.replace(target)


def restore(url: str, source: Path) -> None:
    """Replace the database's contents with a backup, in a single transaction (all or nothing)."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise InvalidInput([FieldProblem("FILE", f"{source} is not a file")])
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={libpq_url(url)}",
            str(source),
        ],
    )


def _run(program: str, args: list[str]) -> None:
    result = subprocess.run(
        [str(bin_dir() / program), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        # libpq connection strings may carry a password; report the tool's own message only.
        message = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise FrontierError(f"{program} failed: {message}")
