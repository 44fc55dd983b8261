"""Schema migrations (Alembic) run from Frontier's own commands: upgrade, downgrade, status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision shipped with this release."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _run(engine: Engine, action: Callable[[Config, str], None], revision: str) -> None:
    # A plain connection (not engine.begin()): Alembic owns the transactions, one per migration, and can
    # step out of them for CREATE INDEX CONCURRENTLY.
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        action(config, revision)
        connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Revert migrations down to ``revision`` (``base`` removes every Frontier table)."""
    _run(engine, command.downgrade, revision)


@dataclass(frozen=True)
class MigrationStatus:
    """Where the database stands against this release's migrations."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first upgrade."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def status(engine: Engine) -> MigrationStatus:
    """Current and head revisions."""
    return MigrationStatus(current=current_revision(engine), head=head_revision())
