"""The ``frontier`` command: help, config show, db tune, and one-line errors with exit codes."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import psycopg
import pytest
from click.testing import Result
from sqlalchemy import create_engine
from typer.testing import CliRunner

from frontier.cli.main import app
from frontier.config import Settings, setting_sources
from frontier.db.embedded import EmbeddedPostgres
from frontier.db.session import check_server, sqlalchemy_url
from frontier.errors import ConfigurationError, DatabaseUnavailable

# A system PostgreSQL 15 without pgvector (trust auth) that the test machine runs beside the embedded one.
PLAIN_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """Invoke ``frontier ARGS`` with a wide terminal, so that rich wraps nothing."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})


def plain(text: str) -> str:
    return _ANSI.sub("", text)


def error_lines(result: Result) -> list[str]:
    return [line for line in plain(result.stderr).splitlines() if line.strip()]


@pytest.fixture
def plain_postgres() -> str:
    """The URL of the system PostgreSQL without pgvector; skipped where it isn't running (failed on CI)."""
    try:
        psycopg.connect(PLAIN_POSTGRES, connect_timeout=2).close()
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must provide PostgreSQL without pgvector at {PLAIN_POSTGRES}: {error}")
        pytest.skip(f"no PostgreSQL at {PLAIN_POSTGRES}: {error}")
    return PLAIN_POSTGRES


def test_help_lists_every_command() -> None:
    result = run("--help")

    assert result.exit_code == 0
    for command in ("serve", "worker", "db", "demo", "config"):
        assert re.search(rf"^\W*{command}\b", plain(result.stdout), re.MULTILINE), command


def test_db_help_lists_its_subcommands() -> None:
    result = run("db", "--help")

    assert result.exit_code == 0
    for command in ("upgrade", "downgrade", "status", "tune", "backup", "restore"):
        assert command in plain(result.stdout)


def test_config_show_lists_every_setting() -> None:
    result = run("config", "show")

    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    for name in (
        "FRONTIER_DATABASE_URL",
        "FRONTIER_DATA_DIR",
        "FRONTIER_REDIS_URL",
        "FRONTIER_SECRET_KEY",
        "FRONTIER_BASE_URL",
        "FRONTIER_TRUSTED_PROXIES",
        "FRONTIER_LOG_LEVEL",
    ):
        assert name in out


def test_config_show_says_the_embedded_database_is_used_when_no_url_is_set() -> None:
    result = run("config", "show")

    assert result.exit_code == 0, result.output
    assert "embedded PostgreSQL" in plain(result.stdout)


def config_rows() -> dict[str, str]:
    """Each setting's first table line (its name, value and source, unwrapped), by setting."""
    result = run("config", "show", env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    rows = {}
    for line in plain(result.stdout).splitlines():
        name = re.match(r"│ (FRONTIER_\w+) ", line)
        if name:
            rows[name.group(1)] = " ".join(line.split())
    return rows


def test_config_show_says_where_each_value_comes_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_LOG_LEVEL", "debug")

    rows = config_rows()
    assert "│ DEBUG │ environment variable FRONTIER_LOG_LEVEL │" in rows["FRONTIER_LOG_LEVEL"]
    assert "│ http://127.0.0.1:8000 │ default │" in rows["FRONTIER_BASE_URL"]
    assert len(rows) == 10 and all(
        re.search(r"│ (default|environment variable|file) ", r) for r in rows.values()
    )


def test_config_show_says_which_file_holds_the_generated_secret_key(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "secret_key"  # the test's FRONTIER_DATA_DIR (conftest)

    before = config_rows()["FRONTIER_SECRET_KEY"]
    key_file.parent.mkdir(parents=True)
    key_file.write_text("k" * 40)
    after = config_rows()["FRONTIER_SECRET_KEY"]

    assert f"│ file made at the first start: {key_file} │" in before
    assert f"│ file {key_file} │" in after


def test_setting_sources_name_the_environment_variable_or_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FRONTIER_MAX_BODY_BYTES", "2048")

    sources = setting_sources()

    assert sources["max_body_bytes"] == "environment variable FRONTIER_MAX_BODY_BYTES"
    assert sources["cors_origins"] == "default"
    assert set(sources) == set(Settings.model_fields)


def test_config_show_never_prints_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_SECRET_KEY", "supersecretvalue123")
    monkeypatch.setenv("FRONTIER_REDIS_URL", "redis://:pw123@localhost:6379/0")
    monkeypatch.setenv("FRONTIER_DATABASE_URL", "postgresql://frontier:dbpass456@db.example:5432/frontier")

    result = run("config", "show")

    assert result.exit_code == 0, result.output
    for secret in ("supersecretvalue123", "pw123", "dbpass456"):
        assert secret not in result.output
    out = plain(result.stdout)
    assert "redis://***@localhost:6379/0" in out
    assert "postgresql://***@db.example:5432/frontier" in out


def test_config_show_with_an_invalid_variable_exits_2_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_TRUSTED_PROXIES", "not-an-ip")

    result = run("config", "show")

    assert result.exit_code == 2
    assert len(error_lines(result)) == 1
    assert "FRONTIER_TRUSTED_PROXIES" in result.stderr
    assert "not-an-ip" in result.stderr


def test_db_tune_prints_postgresql_conf_with_the_seeds_differences() -> None:
    result = run("db", "tune", "--ram", "16GB", "--cores", "4", "--connections", "300")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# frontier db tune: RAM 16GB, 4 cores, 300 connections")
    assert re.search(r"^work_mem = \d+[kMG]B  # ", out, re.MULTILINE)
    assert re.search(r"^max_connections = 300  # ", out, re.MULTILINE)
    assert "# seed: 512MB" in out


def test_db_tune_with_an_unparsable_ram_exits_2_with_one_line_naming_ram() -> None:
    result = run("db", "tune", "--ram", "12XB")

    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith("error: --ram: ")  # the option typed, not the function's argument
    assert "12XB" in lines[0]
    assert "Traceback" not in result.output


def test_db_tune_with_zero_connections_exits_2_naming_connections() -> None:
    result = run("db", "tune", "--ram", "16GB", "--cores", "4", "--connections", "0")

    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith("error: --connections: ")


def test_users_create_admin_names_the_option_that_is_wrong() -> None:
    result = run(
        "users", "create-admin", "--email", "no-at-sign", "--display-name", "Ada", "--password", "x" * 16
    )

    assert result.exit_code == 2
    assert error_lines(result)[0].startswith("error: --email: ")


def test_db_tune_with_a_ram_below_the_supported_minimum_exits_2() -> None:
    result = run("db", "tune", "--ram", "16", "--cores", "4")

    assert result.exit_code == 2
    assert "did you mean GB" in plain(result.stderr)


def test_db_tune_with_a_non_integer_option_is_a_usage_error() -> None:
    result = run("db", "tune", "--cores", "four")

    assert result.exit_code == 2
    assert "cores" in plain(result.stderr)


def test_an_invalid_environment_variable_exits_2_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FRONTIER_LOG_LEVEL", "LOUD")

    result = run("db", "status")

    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1
    assert "FRONTIER_LOG_LEVEL" in lines[0]
    assert "Traceback" not in result.output


def test_a_settings_validator_message_is_shown_without_pydantics_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FRONTIER_BASE_URL", "ftp://frontier.example")

    result = run("db", "status")

    assert result.exit_code == 2
    assert error_lines(result) == ["error: FRONTIER_BASE_URL: must start with http:// or https://"]


def test_a_non_postgresql_database_url_exits_2_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", "mysql://u:hunter2@h/db")

    result = run("db", "status")

    assert result.exit_code == 2
    assert "FRONTIER_DATABASE_URL" in result.stderr
    assert "hunter2" not in result.output


def test_an_unreachable_database_exits_1_without_a_traceback_or_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Port 1 on the loopback: nothing listens, the connection is refused at once.
    monkeypatch.setenv("FRONTIER_DATABASE_URL", "postgresql://postgres:pw-789@127.0.0.1:1/test")
    monkeypatch.setenv("FRONTIER_SECRET_KEY", "x" * 32)

    result = run("db", "status")

    assert result.exit_code == 1
    err = plain(result.stderr)
    assert err.startswith("error: cannot connect to PostgreSQL at")
    assert "127.0.0.1:1" in err
    assert "pw-789" not in result.output
    assert "Traceback" not in result.output


def free_port() -> int:
    """A loopback TCP port nothing listens on (bound by the system, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def db_status_with(monkeypatch: pytest.MonkeyPatch, url: str) -> Result:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", url)
    monkeypatch.setenv("FRONTIER_SECRET_KEY", "x" * 32)
    return run("db", "status")


def test_a_refused_connection_shows_the_url_as_typed_and_says_to_check_server_host_and_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()

    result = db_status_with(monkeypatch, f"postgresql://frontier:pw-789@127.0.0.1:{port}/frontier")

    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert line.startswith(
        f"error: cannot connect to PostgreSQL at postgresql://frontier:***@127.0.0.1:{port}/frontier: "
    )
    assert "Connection refused" in line
    assert line.endswith(
        "check that the server is running and that FRONTIER_DATABASE_URL names its host and port"
    )
    assert "pw-789" not in result.output


def test_a_user_the_server_refuses_says_to_check_the_user_name_and_password(
    monkeypatch: pytest.MonkeyPatch, pg_server: EmbeddedPostgres
) -> None:
    typed = f"postgres://nobody:pw-789@/frontier?host={pg_server.socket_dir()}"

    result = db_status_with(monkeypatch, typed)

    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert line.startswith(f"error: cannot connect to PostgreSQL at {typed.replace('pw-789', '***')}: ")
    assert 'role "nobody" does not exist' in line
    assert line.endswith("check the user name and password in FRONTIER_DATABASE_URL")
    assert "pw-789" not in result.output


def test_a_database_that_does_not_exist_says_to_check_its_name(
    monkeypatch: pytest.MonkeyPatch, pg_server: EmbeddedPostgres
) -> None:
    result = db_status_with(monkeypatch, f"postgresql://postgres@/no_such_db?host={pg_server.socket_dir()}")

    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert 'database "no_such_db" does not exist' in line
    assert line.endswith("check that the database named in FRONTIER_DATABASE_URL exists")


def test_a_non_postgresql_url_exits_2_showing_it_as_typed_with_the_password_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = db_status_with(monkeypatch, "mysql://frontier:hunter2@db.example:3306/frontier")

    assert result.exit_code == 2
    assert error_lines(result) == [
        "error: FRONTIER_DATABASE_URL: must be a PostgreSQL URL starting with postgresql:// "
        "(got mysql://frontier:***@db.example:3306/frontier)"
    ]


def test_a_url_whose_port_is_not_a_number_exits_2_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    result = db_status_with(monkeypatch, "postgresql://frontier:hunter2@db.example:54x2/frontier")

    assert result.exit_code == 2
    assert error_lines(result) == [
        "error: FRONTIER_DATABASE_URL: is not a URL like postgresql://user:password@host:5432/database "
        "(got postgresql://frontier:***@db.example:54x2/frontier)"
    ]


def test_a_non_postgresql_url_is_a_configuration_error_wherever_it_is_caught() -> None:
    """Exit 2 like the settings' own refusal, not 1 like a server that can't be reached."""
    with pytest.raises(ConfigurationError, match=r"\(got mysql://u:\*\*\*@h/db\)"):
        sqlalchemy_url("mysql://u:hunter2@h/db")


def test_check_server_without_a_configured_url_shows_the_engines_url_without_the_driver(
    pg_server: EmbeddedPostgres,
) -> None:
    engine = create_engine(pg_server.url("no_such_db"))
    try:
        with pytest.raises(DatabaseUnavailable) as error:
            check_server(engine)
    finally:
        engine.dispose()

    assert str(error.value).startswith(
        "cannot connect to PostgreSQL at postgresql://postgres@/no_such_db?host="
    )
    assert str(error.value).endswith(
        "check the embedded server's log (postgres/server.log in FRONTIER_DATA_DIR)"
    )


def test_db_upgrade_on_postgresql_without_pgvector_exits_1_with_one_line_naming_vector(
    monkeypatch: pytest.MonkeyPatch, plain_postgres: str
) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", plain_postgres)
    monkeypatch.setenv("FRONTIER_SECRET_KEY", "x" * 32)

    result = run("db", "upgrade")

    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 1
    assert "'vector'" in lines[0]
    assert "Traceback" not in result.output
    assert "schema at" not in result.output


def test_check_server_refuses_postgresql_without_pgvector(plain_postgres: str) -> None:
    engine = create_engine(plain_postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with pytest.raises(DatabaseUnavailable, match="vector") as error:
            check_server(engine)
    finally:
        engine.dispose()

    assert "\n" not in str(error.value)
