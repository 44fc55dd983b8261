"""The database that tasks use, bound once by the process that runs them (a worker or a test)."""

from __future__ import annotations

from frontier.db.session import Database
from frontier.errors import ConfigurationError

_database: Database | None = None


def bind(database: Database) -> None:
    """Give tasks in this process their database."""
    global _database
    _database = database


def unbind() -> None:
    """Forget the bound database."""
    global _database
    _database = None


def database() -> Database:
    """The database bound for tasks; raises if the process did not bind one."""
    if _database is None:
        raise ConfigurationError("no database bound for jobs: run tasks through 'frontier worker'")
    return _database
