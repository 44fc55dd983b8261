"""The embedded server's lifecycle: crash recovery, orphaned servers, stale handles, foreign data dirs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import psycopg
import pytest

from frontier.db import tuning
from frontier.db.embedded import DataDirVersionError, EmbeddedPostgres

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import psycopg
    from frontier.db.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(Path(sys.argv[1]))
    url = server.start().replace("+psycopg", "")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS committed (n integer PRIMARY KEY)")
        print("ready", flush=True)
        n = 0
        while True:
            n += 1
            conn.execute("INSERT INTO committed VALUES (%s)", (n,))
            print(n, flush=True)  # printed only after the commit returned
    """
)


def _start_writer(data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir)], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )


def _read_until(writer: subprocess.Popen[str], rows: int) -> int:
    assert writer.stdout is not None
    last = 0
    for line in writer.stdout:
        if line.strip().isdigit():
            last = int(line)
            if last >= rows:
                return last
    raise AssertionError("writer stopped early")


def _count(server: EmbeddedPostgres) -> tuple[int, int]:
    with psycopg.connect(server.url().replace("+psycopg", "")) as conn:
        row = conn.execute("SELECT count(*), coalesce(max(n), 0) FROM committed").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


@pytest.mark.slow
def test_kill_9_of_app_and_postmaster_mid_write_keeps_every_committed_row(tmp_path: Path) -> None:
    data = tmp_path / "crash"
    writer = _start_writer(data)
    last_committed = _read_until(writer, 300)
    server = EmbeddedPostgres(data)
    postmaster = server.postmaster_pid()
    assert postmaster is not None
    os.kill(writer.pid, signal.SIGKILL)
    os.kill(postmaster, signal.SIGKILL)
    writer.wait()

    server.start()  # must detect the dead postmaster, wait out its children and run crash recovery
    try:
        count, highest = _count(server)
        assert count == highest  # no holes: rows 1..highest are all there
        assert highest >= last_committed
    finally:
        server.stop()


@pytest.mark.slow
def test_server_orphaned_by_killed_app_is_adopted_and_stopped(tmp_path: Path) -> None:
    data = tmp_path / "orphan"
    writer = _start_writer(data)
    _read_until(writer, 10)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    server = EmbeddedPostgres(data)
    orphan = server.postmaster_pid()
    assert orphan is not None  # the killed app left its server running

    server.start()
    assert server.postmaster_pid() == orphan  # adopted, not restarted
    assert _count(server)[0] >= 10
    server.stop()  # the killed app's stale handle must not keep the server alive
    assert not psutil.pid_exists(orphan) or psutil.Process(orphan).status() == psutil.STATUS_ZOMBIE


def test_server_stops_only_when_the_last_live_holder_releases_it(tmp_path: Path) -> None:
    first = EmbeddedPostgres(tmp_path / "shared")
    first.start()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from frontier.db.embedded import EmbeddedPostgres; "
            "s = EmbeddedPostgres(Path(sys.argv[1])); s.start(); print('held', flush=True); sys.stdin.read(); s.stop()",
            str(tmp_path / "shared"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "held"
    first.stop()
    assert first.postmaster_pid() is not None  # still held by the other process
    holder.stdin.close()
    holder.wait(timeout=60)
    assert first.postmaster_pid() is None


def test_data_dir_of_another_major_version_is_refused_with_upgrade_advice(tmp_path: Path) -> None:
    pgdata = tmp_path / "old" / "postgres"
    pgdata.mkdir(parents=True)
    (pgdata / "PG_VERSION").write_text("16\n")
    with pytest.raises(DataDirVersionError) as raised:
        EmbeddedPostgres(tmp_path / "old").start()
    message = str(raised.value)
    assert "PostgreSQL 16" in message and "frontier db backup" in message and "pg_upgrade" in message


def test_server_runs_in_utc_with_pg_stat_statements_and_no_tcp(pg_server: EmbeddedPostgres) -> None:
    with psycopg.connect(pg_server.url().replace("+psycopg", "")) as conn:
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('TimeZone', 'shared_preload_libraries', 'listen_addresses', 'server_encoding')"
            ).fetchall()
        )
    assert settings["TimeZone"] == "UTC"
    assert "pg_stat_statements" in settings["shared_preload_libraries"]
    assert settings["listen_addresses"] == ""
    assert settings["server_encoding"] == "UTF8"


def test_server_is_sized_for_the_machine(pg_server: EmbeddedPostgres) -> None:
    expected = tuning.embedded_settings(*tuning.detect_machine())
    with psycopg.connect(pg_server.url().replace("+psycopg", "")) as conn:
        shown = {name: str(conn.execute(f"SHOW {name}").fetchall()[0][0]) for name in expected}
    sizes = ("shared_buffers", "effective_cache_size", "maintenance_work_mem", "work_mem")
    assert {name: tuning.parse_size(shown[name]) for name in sizes} == {
        name: tuning.parse_size(expected[name]) for name in sizes
    }
    assert (shown["random_page_cost"], shown["effective_io_concurrency"]) == ("1.1", "200")
