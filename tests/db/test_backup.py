"""Backups round-trip through the wheel's pg_dump / pg_restore, and a failed restore changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from frontier.db import migrate
from frontier.db.backup import backup, restore
from frontier.errors import FrontierError, InvalidInput


def _emails(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT email FROM users ORDER BY email")).scalars())


def _add_user(engine: Engine, email: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (email, display_name) VALUES (:e, 'x')"), {"e": email})


def test_backup_then_restore_round_trips(empty_database: Engine, tmp_path: Path) -> None:
    migrate.upgrade(empty_database)
    _add_user(empty_database, "kept@example.org")
    url = empty_database.url.render_as_string(hide_password=False)
    backup(url, tmp_path / "frontier.dump")

    _add_user(empty_database, "added-after@example.org")
    with empty_database.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE email = 'kept@example.org'"))
    restore(url, tmp_path / "frontier.dump")

    assert _emails(empty_database) == ["kept@example.org"]
    assert migrate.status(empty_database).up_to_date


def test_restore_of_a_broken_file_changes_nothing(empty_database: Engine, tmp_path: Path) -> None:
    migrate.upgrade(empty_database)
    _add_user(empty_database, "still@example.org")
    url = empty_database.url.render_as_string(hide_password=False)
    good = tmp_path / "good.dump"
    backup(url, good)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])

    with pytest.raises(FrontierError, match="pg_restore failed"):
        restore(url, broken)
    assert _emails(empty_database) == ["still@example.org"]


def test_backup_into_a_missing_folder_is_bad_input(empty_database: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        backup(empty_database.url.render_as_string(hide_password=False), tmp_path / "no" / "such.dump")
