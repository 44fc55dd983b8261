"""One way to reach the database: an engine from the settings (embedded or external) and its sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from frontier.config import Settings
from frontier.db import registry
from frontier.db.embedded import EmbeddedPostgres
from frontier.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

MIN_SERVER_VERSION = 150000
REQUIRED_EXTENSIONS = {"vector": (0, 8), "pg_trgm": (0, 0), "unaccent": (0, 0)}


def sqlalchemy_url(url: str) -> str:
    """The URL with the psycopg 3 driver that SQLAlchemy needs."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise DatabaseUnavailable(f"not a PostgreSQL URL: {make_url(url).render_as_string(hide_password=True)}")


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
        registry.metadata()  # every domain's models are mapped before any session flushes
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
            check_server(engine)
    except Exception:
        database.close()
        raise
    return database


def check_server(engine: Engine) -> None:
    """Raise DatabaseUnavailable, in one line, when the server lacks what Frontier needs."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
            rows = conn.execute(
                text("SELECT name, default_version FROM pg_available_extensions WHERE name = ANY(:names)"),
                {"names": list(REQUIRED_EXTENSIONS)},
            ).all()
    except OperationalError as error:
        reason = " ".join(str(error.orig).split())  # libpq's message spans lines; keep the error to one
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {where}: {reason}") from error
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


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())
