"""Settings from FRONTIER_* variables, the data folder, the secret key and masking."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs
import pytest
from pydantic import SecretStr, ValidationError

from frontier.config import (
    SECRET_KEY_FILE,
    Settings,
    default_data_dir,
    get_settings,
    masked,
    masked_url,
    resolve_secret_key,
)
from frontier.errors import ConfigurationError


def test_settings_read_frontier_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", "postgresql://u:p@db.example:5432/frontier")
    monkeypatch.setenv("FRONTIER_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("FRONTIER_REDIS_URL", "redis://localhost:6379/0")
    monkeypatch.setenv("FRONTIER_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("FRONTIER_BASE_URL", "https://frontier.example/")

    settings = Settings()

    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://u:p@db.example:5432/frontier"
    assert settings.data_dir == tmp_path / "elsewhere"
    assert settings.redis_url is not None
    assert settings.redis_url.get_secret_value() == "redis://localhost:6379/0"
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "k" * 40
    assert settings.base_url == "https://frontier.example"
    assert settings.embedded is False


def test_settings_defaults_run_the_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()

    assert settings.database_url is None
    assert settings.embedded is True
    assert settings.redis_url is None
    assert settings.secret_key is None
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.trusted_proxies == []
    assert settings.log_level == "INFO"


def test_settings_ignore_unknown_frontier_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_NO_SUCH_SETTING", "1")

    assert not hasattr(Settings(), "no_such_setting")


def test_get_settings_is_read_once_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("FRONTIER_LOG_LEVEL", "ERROR")

    assert get_settings() is first
    assert get_settings().log_level == "INFO"


def test_default_data_dir_as_root_is_var_lib_frontier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)

    assert default_data_dir() == Path("/var/lib/frontier")


def test_default_data_dir_as_a_user_is_the_platform_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)

    assert default_data_dir() == Path(platformdirs.user_data_dir("frontier", appauthor=False))
    assert default_data_dir() != Path("/var/lib/frontier")


def test_data_dir_defaults_to_default_data_dir_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTIER_DATA_DIR")
    monkeypatch.setattr(os, "geteuid", lambda: 0)

    assert Settings().data_dir == Path("/var/lib/frontier")


@pytest.mark.parametrize(
    "url", ["mysql://u:p@h/db", "sqlite:///frontier.db", "redis://h/0", "db.example:5432/frontier", ""]
)
def test_a_database_url_that_is_not_postgresql_is_rejected(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", url)

    with pytest.raises(ValidationError, match="database_url"):
        Settings()


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"])
def test_postgresql_url_schemes_are_accepted(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", url)

    assert Settings().database_url == SecretStr(url)


def test_a_database_url_error_does_not_echo_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", "mysql://u:hunter2@h/db")

    with pytest.raises(ValidationError) as error:
        Settings()

    assert "hunter2" not in str(error.value)


def test_trusted_proxies_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")

    assert Settings().trusted_proxies == ["10.0.0.0/8", "192.168.1.1"]


def test_trusted_proxies_accept_ipv6_and_skip_empty_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_TRUSTED_PROXIES", "::1,, fd00::/8 ,")

    assert Settings().trusted_proxies == ["::1", "fd00::/8"]


@pytest.mark.parametrize("value", ["not-an-ip", "10.0.0.0/8, not-an-ip", "10.0.0.0/33", "300.1.1.1"])
def test_trusted_proxies_reject_what_is_not_an_address(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("FRONTIER_TRUSTED_PROXIES", value)

    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings()


@pytest.mark.parametrize(
    ("value", "expected"), [("debug", "DEBUG"), ("Warning", "WARNING"), ("ERROR", "ERROR")]
)
def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch, value: str, expected: str) -> None:
    monkeypatch.setenv("FRONTIER_LOG_LEVEL", value)

    assert Settings().log_level == expected


def test_an_unknown_log_level_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_LOG_LEVEL", "LOUD")

    with pytest.raises(ValidationError, match="log_level"):
        Settings()


@pytest.mark.parametrize("value", ["frontier.example", "ftp://frontier.example"])
def test_a_base_url_without_http_scheme_is_rejected(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("FRONTIER_BASE_URL", value)

    with pytest.raises(ValidationError, match="base_url"):
        Settings()


def test_secret_key_from_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_SECRET_KEY", "from-the-environment-0123456789")
    settings = Settings()

    assert resolve_secret_key(settings) == "from-the-environment-0123456789"
    assert not (settings.data_dir / SECRET_KEY_FILE).exists()


def test_embedded_secret_key_is_created_in_the_data_dir_readable_by_owner_only() -> None:
    settings = Settings()

    key = resolve_secret_key(settings)

    path = settings.data_dir / SECRET_KEY_FILE
    assert path.read_text(encoding="utf-8").strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 32


def test_embedded_secret_key_is_the_same_on_the_next_call() -> None:
    settings = Settings()
    first = resolve_secret_key(settings)
    written = (settings.data_dir / SECRET_KEY_FILE).stat()

    assert resolve_secret_key(settings) == first
    assert (settings.data_dir / SECRET_KEY_FILE).stat().st_mtime_ns == written.st_mtime_ns


def test_embedded_secret_key_is_shared_by_every_settings_instance() -> None:
    first = resolve_secret_key(Settings())

    assert resolve_secret_key(Settings()) == first


def test_embedded_secret_keys_differ_between_data_dirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = resolve_secret_key(Settings())
    monkeypatch.setenv("FRONTIER_DATA_DIR", str(tmp_path / "other"))

    assert resolve_secret_key(Settings()) != first


def test_an_empty_secret_key_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / SECRET_KEY_FILE).write_text("\n", encoding="utf-8")

    with pytest.raises(ConfigurationError, match=SECRET_KEY_FILE):
        resolve_secret_key(settings)


def test_external_database_without_secret_key_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", "postgresql://u@db.example/frontier")
    settings = Settings()

    with pytest.raises(ConfigurationError, match="FRONTIER_SECRET_KEY"):
        resolve_secret_key(settings)
    assert not (settings.data_dir / SECRET_KEY_FILE).exists()


def test_external_database_uses_the_secret_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTIER_DATABASE_URL", "postgresql://u@db.example/frontier")
    monkeypatch.setenv("FRONTIER_SECRET_KEY", "shared-by-every-process-0123456789")

    assert resolve_secret_key(Settings()) == "shared-by-every-process-0123456789"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:hunter2@h/db",
        "postgresql://u:hunter2@h:5432/db?sslmode=require",
        "postgresql://u:p@ss:hunter2@h/db",
        "redis://:hunter2@localhost:6379/0",
    ],
)
def test_masked_url_never_shows_the_password(url: str) -> None:
    shown = masked(SecretStr(url))

    assert "hunter2" not in shown
    assert shown.startswith(url.split("://")[0] + "://***@")


def test_masked_url_keeps_the_host_and_database() -> None:
    assert masked("postgresql://u:hunter2@h/db") == "postgresql://***@h/db"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("postgresql://frontier:hunter2@db:5432/frontier", "postgresql://frontier:***@db:5432/frontier"),
        ("postgres://u:hun@ter/2@h/db?sslmode=require", "postgres://u:***@h/db?sslmode=require"),
        (
            "postgresql://u@h/db?sslmode=require&password=hunter2",
            "postgresql://u@h/db?sslmode=require&password=***",
        ),
        ("postgresql://u@/db?host=/run/postgresql", "postgresql://u@/db?host=/run/postgresql"),
    ],
)
def test_masked_url_keeps_what_was_typed_but_the_password(typed: str, shown: str) -> None:
    assert masked_url(typed) == shown


@pytest.mark.parametrize("secret", ["supersecretvalue123", "x" * 64, "a"])
def test_masked_secret_key_never_shows_the_value(secret: str) -> None:
    shown = masked(SecretStr(secret))

    assert secret not in shown
    assert shown == "********"


def test_masked_unset_and_empty_values_say_so() -> None:
    assert masked(None) == "(unset)"
    assert masked(SecretStr("")) == "(empty)"
