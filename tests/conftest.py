"""Shared fixtures: one real embedded PostgreSQL per test session, migrated once; each test in a rolled-back
transaction (or, for migration and backup tests, a database of its own)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import sessionmaker

import frontier.app  # noqa: F401  every table mapped and every task registered, as the entry points do
from frontier.config import get_settings
from frontier.db import migrate
from frontier.db.embedded import DATABASE, EmbeddedPostgres
from frontier.db.session import Database
from frontier.demo.loader import load_demo

TESTS = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist's workers inherit COLUMNS=80, and Rich fixes a console's width to COLUMNS when it is
    created: CLI tests set COLUMNS per invocation, so no console may be created with it already set."""
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the developer's FRONTIER_* variables or writes to their data folder."""
    for name in list(os.environ):
        if name.startswith("FRONTIER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("FRONTIER_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _worker_index() -> int:
    """0 without pytest-xdist, else the worker's number (gw0 -> 0, gw1 -> 1, ...)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def _run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder, shared by every xdist worker (each worker's basetemp is inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if "PYTEST_XDIST_WORKER" in os.environ else base


def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stopped PostgreSQL data folder holding the migrated demo database: built once per run by the first
    worker that asks (the others wait for it), then copied by every worker instead of migrating and loading."""
    root = _run_root(tmp_path_factory)
    template = root / "demo-template"
    with (root / "demo-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "built").exists():
            building = root / "demo-template-building"
            shutil.rmtree(building, ignore_errors=True)
            server = EmbeddedPostgres(building)
            server.start()
            engine = create_engine(server.url())
            migrate.upgrade(engine)
            with sessionmaker(engine).begin() as session:
                load_demo(session)
            engine.dispose()
            server.stop()  # a clean shutdown: the copies start without crash recovery
            building.rename(template)
            (template / "built").touch()
    return template / "postgres"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """The session's embedded PostgreSQL server (in the project's .pytest-tmp, see pyproject), started on a
    copy of the run's demo template."""
    template = _demo_template(tmp_path_factory)
    folder = tmp_path_factory.mktemp("pg")
    subprocess.run(["cp", "-a", str(template), str(folder / "postgres")], check=True)  # -a keeps owners
    server = EmbeddedPostgres(folder)
    server.start()
    # A pristine copy nobody connects to, for tests that need a demo database of their own (demo_database).
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{DEMO_TEMPLATE}" TEMPLATE "{DATABASE}" STRATEGY FILE_COPY'))
    admin.dispose()
    yield server
    server.force_stop()


DEMO_TEMPLATE = "demo_template"


def create_database(server: EmbeddedPostgres, name: str) -> Engine:
    """A new empty database on the session's server."""
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return create_engine(server.url(name))


def drop_database(server: EmbeddedPostgres, engine: Engine) -> None:
    """Drop a database made by create_database."""
    name = engine.url.database
    engine.dispose()
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_engine(pg_server: EmbeddedPostgres) -> Iterator[Engine]:
    """The session's database, migrated to head and holding the demo data (from the template)."""
    engine = create_engine(pg_server.url(), pool_size=10)
    yield engine
    engine.dispose()


@pytest.fixture
def db(migrated_engine: Engine, pg_server: EmbeddedPostgres) -> Iterator[Database]:
    """A Database whose every session joins one outer transaction that is rolled back after the test."""
    connection = migrated_engine.connect()
    outer = connection.begin()
    database = Database(url=pg_server.url(), engine=migrated_engine)
    database.sessions = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield database
    outer.rollback()
    connection.close()


@pytest.fixture
def demo_database(pg_server: EmbeddedPostgres) -> Iterator[Engine]:
    """A database of the test's own holding the migrated demo (copied from the server's template in about a
    second, instead of migrating and loading); dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{DEMO_TEMPLATE}" STRATEGY FILE_COPY'))
    admin.dispose()
    engine = create_engine(pg_server.url(name))
    yield engine
    drop_database(pg_server, engine)


@pytest.fixture
def empty_database(pg_server: EmbeddedPostgres) -> Iterator[Engine]:
    """A database of the test's own, with nothing in it; dropped afterwards."""
    engine = create_database(pg_server, f"t_{uuid.uuid4().hex[:12]}")
    yield engine
    drop_database(pg_server, engine)


# Read at import: the autouse _isolated_environment fixture removes every FRONTIER_* variable before a test
# body first asks for the (lazily created) session fixture below.
TEST_REDIS_URL = os.environ.get("FRONTIER_TEST_REDIS_URL")
if TEST_REDIS_URL is not None and _worker_index():  # each xdist worker flushes a database of its own
    TEST_REDIS_URL = urlsplit(TEST_REDIS_URL)._replace(path=f"/{15 - _worker_index()}").geturl()
# The only database the fixtures ever flush (never a developer's DB 0): 15, then one lower per xdist worker.
_TEST_REDIS_DB = 15 - _worker_index()


def _redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture(scope="session")
def _private_redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of the session's own on a free local port, without persistence; yields its URL."""
    import socket
    import subprocess
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/{_TEST_REDIS_DB}"
    try:
        deadline = time.monotonic() + 10
        while not _redis_answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not answer on port {port}")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> str:
    """A reachable Redis URL: FRONTIER_TEST_REDIS_URL, else local DB 15, else a redis-server of our own.

    Without any, the Redis tests fail when CI=true and are skipped elsewhere.
    """
    import shutil

    import redis

    url = TEST_REDIS_URL or f"redis://127.0.0.1:6379/{_TEST_REDIS_DB}"
    if not _redis_answers(url):
        if TEST_REDIS_URL is not None:
            pytest.fail(f"FRONTIER_TEST_REDIS_URL is set but Redis does not answer at {url}")
        if shutil.which("redis-server") is not None:
            url = request.getfixturevalue("_private_redis_server")
        elif os.environ.get("CI") == "true":
            pytest.fail(
                "no Redis at 127.0.0.1:6379 and no redis-server on PATH; Redis tests are mandatory in CI"
            )
        else:
            pytest.skip(
                "no Redis at 127.0.0.1:6379 and no redis-server on PATH (set FRONTIER_TEST_REDIS_URL)"
            )
    client = redis.Redis.from_url(url)
    if client.connection_pool.connection_kwargs.get("db") == _TEST_REDIS_DB:
        client.flushdb()
    client.close()
    return url


def use_test_database(monkeypatch: pytest.MonkeyPatch, cli_module: ModuleType, db: Database) -> Database:
    """A CLI module works on the test's rolled-back database instead of starting the embedded server."""

    @contextmanager
    def test_database(*, check: bool = True) -> Iterator[Database]:
        yield db

    monkeypatch.setattr(cli_module, "database", test_database)
    return db
