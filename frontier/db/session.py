"""One way to reach the database: an engine from the settings (embedded or external) and its sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from frontier.config import Settings, masked_url
from frontier.db.embedded import EmbeddedPostgres
from frontier.errors import ConfigurationError, DatabaseUnavailable

log = logging.getLogger(__name__)

MIN_SERVER_VERSION = 150000
REQUIRED_EXTENSIONS = {"vector": (0, 8), "pg_trgm": (0, 0), "unaccent": (0, 0)}


def sqlalchemy_url(url: str) -> str:
    """The URL with the psycopg 3 driver that SQLAlchemy needs; ConfigurationError (a wrong setting, as
    when the settings refuse it) for a URL that isn't PostgreSQL's."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ConfigurationError(
        f"FRONTIER_DATABASE_URL: must be a PostgreSQL URL starting with postgresql:// (got {masked_url(url)})"
    )


def libpq_url(url: str) -> str:
    """The URL as libpq, pg_dump and procrastinate take it (no driver suffix)."""
    return sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


@dataclass
class Database:
    """An open database: its engine, session factory and (when embedded) the server behind it."""

    url: str
    engine: Engine
    embedded: EmbeddedPostgres | None = None
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        # every domain's models must be mapped before a session flushes: importing frontier.app does that
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Dispose of connections and release the embedded server (stopping it if no one else holds it)."""
        self.engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()


def open_database(settings: Settings, *, check: bool = True) -> Database:
    """Connect to the configured database, starting the embedded server when no URL is set."""
    server: EmbeddedPostgres | None = None
    if settings.database_url is None:
        server = EmbeddedPostgres(settings.data_dir)
        url = server.start()
    else:
        url = sqlalchemy_url(settings.database_url.get_secret_value())
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    database = Database(url=url, engine=engine, embedded=server)
    try:
        if check:
            check_server(engine, settings.database_url.get_secret_value() if settings.database_url else None)
    except Exception:
        database.close()
        raise
    return database


def check_server(engine: Engine, configured_url: str | None = None) -> None:
    """Raise DatabaseUnavailable, in one line, when the server can't be reached or lacks what Frontier
    needs. Messages name ``configured_url`` (FRONTIER_DATABASE_URL as the user typed it) with its password
    masked, or without one (the embedded server) the engine's URL without the driver suffix, and say what
    to check."""
    where = masked_url(configured_url) if configured_url else _shown(engine)
    try:
        with engine.connect() as conn:
            version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
            rows = conn.execute(
                text("SELECT name, default_version FROM pg_available_extensions WHERE name = ANY(:names)"),
                {"names": list(REQUIRED_EXTENSIONS)},
            ).all()
    except OperationalError as error:
        reason = " ".join(str(error.orig).split())  # libpq's message spans lines; keep the error to one
        advice = _advice(reason, configured=configured_url is not None)
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {where}: {reason}; {advice}") from error
    if version < MIN_SERVER_VERSION:
        raise DatabaseUnavailable(
            f"PostgreSQL at {where} is version {version // 10000}; Frontier needs 15 or newer"
        )
    available = {name: _version_tuple(ver) for name, ver in rows}
    for name, minimum in REQUIRED_EXTENSIONS.items():
        if name not in available:
            raise DatabaseUnavailable(
                f"PostgreSQL at {where} lacks the extension '{name}'"
                + (" (pgvector >= 0.8; e.g. apt install postgresql-NN-pgvector)" if name == "vector" else "")
                + "; install it or unset FRONTIER_DATABASE_URL to use the embedded server"
            )
        if available[name] < minimum:
            raise DatabaseUnavailable(
                f"PostgreSQL at {where} has extension '{name}' {'.'.join(map(str, available[name]))}; "
                f"Frontier needs {'.'.join(map(str, minimum))} or newer"
            )


def _shown(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=True)


def _advice(reason: str, *, configured: bool) -> str:
    """What to check after a failed connection. psycopg gives no SQLSTATE for one, so this reads libpq's
    message: only a server that was reached answers FATAL."""
    if not configured:
        return "check the embedded server's log (postgres/server.log in FRONTIER_DATA_DIR)"
    if any(word in reason for word in ("password", "authentication", 'role "', "pg_hba.conf")):
        return "check the user name and password in FRONTIER_DATABASE_URL"
    if "FATAL:" not in reason:
        return "check that the server is running and that FRONTIER_DATABASE_URL names its host and port"
    if 'database "' in reason:
        return "check that the database named in FRONTIER_DATABASE_URL exists"
    return "check FRONTIER_DATABASE_URL and the server's log"


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())
