"""Backups round-trip through the wheel's pg_dump / pg_restore (partitions and job queue included), and a failed
restore changes nothing and says why in one line."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

from frontier.cli.main import app
from frontier.db import migrate
from frontier.db.backup import backup, restore
from frontier.db.embedded import EmbeddedPostgres
from frontier.db.session import Database
from frontier.errors import FrontierError, InvalidInput
from frontier.jobs.app import bound_app

pytestmark = pytest.mark.slow  # minutes of fuzzing, backtests or whole-database copies: not in make test-fast

# What a round trip must keep: the demo's series, catalogue, content and embeddings, accounts and the job queue.
COUNTED = ("observations", "technologies", "exploration_content", "content_embeddings", "users")
COUNTED += ("procrastinate_jobs",)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        counts = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in COUNTED
        }
        counts["partitions"] = conn.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'observations'::regclass")
        ).scalar_one()
    return counts


def _emails(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT email FROM users ORDER BY email")).scalars())


def _add_user(engine: Engine, email: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (email, display_name) VALUES (:e, 'x')"), {"e": email})


def _cli(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "FRONTIER_SECRET_KEY": "x" * 32, **env})


@pytest.fixture(scope="module")
def demo_backup(
    migrated_engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, int]]:
    """A backup of the session's demo database and its counts (pg_dump sees no test's rolled-back rows)."""
    target = tmp_path_factory.mktemp("backups") / "demo.dump"
    backup(_url(migrated_engine), target)
    return target, _counts(migrated_engine)


@pytest.fixture
def partitioned_database(empty_database: Engine) -> Engine:
    """A migrated database of the test's own with ten years of monthly partitions, one row in each."""
    migrate.upgrade(empty_database)
    with empty_database.begin() as conn:
        conn.execute(text("SELECT ensure_observation_partitions('2016-01-01', '2025-12-01')"))
        conn.execute(
            text("INSERT INTO technologies (name, slug, ecosystem) VALUES ('T', 't', 'developer_tools')")
        )
        conn.execute(
            text(
                "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value) "
                "SELECT t.id, 'github', 'stars', 'month', m::date, 1 FROM technologies t, "
                "generate_series('2016-01-01'::date, '2025-12-01', '1 month') AS m"
            )
        )
    _add_user(empty_database, "still@example.org")
    return empty_database


def test_demo_round_trips_into_the_same_database_with_its_job_queue(
    empty_database: Engine, demo_backup: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    restore(_url(empty_database), demo_backup[0])  # restoring into an empty database works too
    _add_user(empty_database, "kept@example.org")
    with bound_app(Database(url=_url(empty_database), engine=empty_database)) as jobs, jobs.open():
        jobs.configure_task("system:heartbeat").defer(timestamp=1_790_000_000)
    before = _counts(empty_database)
    assert before["observations"] > 1000 and before["partitions"] > 12 and before["procrastinate_jobs"] == 1
    backup(_url(empty_database), tmp_path / "frontier.dump")
    with empty_database.begin() as conn:
        conn.execute(text("DELETE FROM observations WHERE period_start < '2020-01-01'"))
        conn.execute(text("SELECT ensure_observation_partitions('1990-01-01', '1990-03-01')"))
        conn.execute(text("DELETE FROM procrastinate_jobs"))
        conn.execute(text("CREATE TABLE not_in_the_backup (id int)"))
    _add_user(empty_database, "added-after@example.org")

    restore(_url(empty_database), tmp_path / "frontier.dump")

    assert _counts(empty_database) == before
    assert _emails(empty_database) == ["kept@example.org"]
    assert migrate.status(empty_database).up_to_date
    with empty_database.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('not_in_the_backup')")).scalar() is None


def test_a_database_with_ten_years_of_partitions_round_trips(
    partitioned_database: Engine, tmp_path: Path
) -> None:
    before = _counts(partitioned_database)
    assert before["partitions"] == 120 and before["observations"] == 120
    backup(_url(partitioned_database), tmp_path / "frontier.dump")
    with partitioned_database.begin() as conn:
        conn.execute(text("DELETE FROM observations"))

    restore(_url(partitioned_database), tmp_path / "frontier.dump")

    assert _counts(partitioned_database) == before


@pytest.mark.slow
def test_frontier_db_restore_into_an_empty_data_folder_brings_the_demo_back(
    demo_backup: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    folder = tmp_path / "fresh"

    result = _cli("db", "restore", str(demo_backup[0]), env={"FRONTIER_DATA_DIR": str(folder)})

    assert result.exit_code == 0, result.output
    server = EmbeddedPostgres(folder)
    engine = create_engine(server.start())
    try:
        assert _counts(engine) == demo_backup[1]
        assert migrate.status(engine).up_to_date
    finally:
        engine.dispose()
        server.force_stop()


def test_restore_of_a_truncated_file_changes_nothing_and_exits_2_naming_the_cause(
    partitioned_database: Engine, demo_backup: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    before = _counts(partitioned_database)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(demo_backup[0].read_bytes()[: demo_backup[0].stat().st_size // 2])  # cut in the data

    result = _cli("db", "restore", str(broken), env={"FRONTIER_DATABASE_URL": _url(partitioned_database)})

    assert result.exit_code == 2, result.output
    lines = [line for line in _ANSI.sub("", result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(broken) in lines[0] and "end of file" in lines[0] and "nothing was changed" in lines[0]
    assert _counts(partitioned_database) == before
    assert _emails(partitioned_database) == ["still@example.org"]


def test_restore_of_a_file_that_is_no_backup_is_bad_input(
    partitioned_database: Engine, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup\n")

    with pytest.raises(InvalidInput, match="not a complete backup made by 'frontier db backup'"):
        restore(_url(partitioned_database), notes)
    with pytest.raises(InvalidInput, match="is not a file"):
        restore(_url(partitioned_database), tmp_path / "missing.dump")
    assert _emails(partitioned_database) == ["still@example.org"]


def test_a_restore_the_server_refuses_changes_nothing_and_names_the_servers_error(
    partitioned_database: Engine, tmp_path: Path
) -> None:
    # A backup granting to a role this server lacks (as when restoring on another server) fails on the server.
    role = f"reader_{uuid.uuid4().hex[:8]}"
    with partitioned_database.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role}"))
        conn.execute(text(f"GRANT SELECT ON users TO {role}"))
    backup(_url(partitioned_database), tmp_path / "frontier.dump")
    with partitioned_database.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))
    before = _counts(partitioned_database)

    with pytest.raises(FrontierError) as raised:
        restore(_url(partitioned_database), tmp_path / "frontier.dump")

    message = str(raised.value)
    assert f'role "{role}" does not exist' in message and "nothing was changed" in message
    assert "\n" not in message and not isinstance(raised.value, InvalidInput)
    assert _counts(partitioned_database) == before
    assert _emails(partitioned_database) == ["still@example.org"]


def test_backup_into_a_missing_folder_is_bad_input(empty_database: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        backup(_url(empty_database), tmp_path / "no" / "such.dump")
