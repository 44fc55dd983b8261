"""Frontier's settings: one pydantic-settings class, read from ``FRONTIER_*`` environment variables."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from frontier.errors import ConfigurationError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
_URL_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
_PASSWORD_PARAMETER = re.compile(r"(^|&)password=[^&]*", re.IGNORECASE)


def default_data_dir() -> Path:
    """The data folder used when ``FRONTIER_DATA_DIR`` is unset.

    As root the embedded server opens every parent folder of its data directory to everyone (ARCHITECTURE.md),
    so root gets ``/var/lib/frontier`` rather than a folder under a home directory.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/frontier")
    return Path(platformdirs.user_data_dir("frontier", appauthor=False))


class Settings(BaseSettings):
    """Effective configuration. Every field maps to ``FRONTIER_<NAME>``."""

    # hide_input_in_errors: a rejected FRONTIER_DATABASE_URL must not print its password in the error.
    model_config = SettingsConfigDict(
        env_prefix="FRONTIER_", extra="ignore", validate_default=True, hide_input_in_errors=True
    )

    database_url: SecretStr | None = Field(
        default=None, description="PostgreSQL URL; unset runs the embedded server in DATA_DIR"
    )
    data_dir: Path = Field(default_factory=default_data_dir, description="Embedded database, secret key")
    redis_url: SecretStr | None = Field(default=None, description="Redis URL; unset uses an in-process cache")
    secret_key: SecretStr | None = Field(
        default=None, description="Key for signing and encryption; generated in DATA_DIR for the embedded DB"
    )
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL for absolute links")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated proxy addresses/networks whose X-Forwarded-For counts",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Log level")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the API from a browser (none)",
    )
    allow_private_sources: bool = Field(
        default=False,
        description="Let admins point data sources at private, loopback or link-local addresses",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, le=1_073_741_824, description="Largest request body"
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        url = value.get_secret_value()
        # The URL is named in the message with its password masked (the input itself is hidden from errors).
        shown = f" (got {masked_url(url)})" if "://" in url else ""
        if not url.startswith(_URL_SCHEMES):
            raise ValueError(f"must be a PostgreSQL URL starting with postgresql://{shown}")
        try:
            urlsplit(url).port  # noqa: B018 - parsing the port is the check: a non-number raises
        except ValueError:
            raise ValueError(
                f"is not a URL like postgresql://user:password@host:5432/database{shown}"
            ) from None
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        for origin in value:
            if not str(origin).startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not an origin like https://app.example.org")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for item in value:
            ipaddress.ip_network(item, strict=False)  # raises ValueError naming the bad address
        return value

    @property
    def embedded(self) -> bool:
        """True when Frontier runs its own PostgreSQL server in ``data_dir``."""
        return self.database_url is None


def setting_sources() -> dict[str, str]:
    """Where each setting's value comes from, by field name, in pydantic-settings' order of precedence:
    ``environment variable FRONTIER_X``, ``.env file NAME`` (when Settings reads one) or ``default``."""
    from pydantic_settings import DotEnvSettingsSource, EnvSettingsSource

    prefix = Settings.model_config.get("env_prefix", "")
    found = {name: f"environment variable {prefix}{name.upper()}" for name in EnvSettingsSource(Settings)()}
    env_file = Settings.model_config.get("env_file")
    if env_file:
        for name in DotEnvSettingsSource(Settings)():
            found.setdefault(name, f".env file {env_file}")
    return {name: found.get(name, "default") for name in Settings.model_fields}


def resolve_secret_key(settings: Settings) -> str:
    """The secret key: from the environment, else (embedded database only) from a 0600 file in the data dir.

    Raises ConfigurationError with an external database and no key: workers on other machines must share it.
    """
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    if not settings.embedded:
        raise ConfigurationError(
            "FRONTIER_SECRET_KEY is required with FRONTIER_DATABASE_URL: every process sharing the database "
            "must use the same key (generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    path = settings.data_dir / SECRET_KEY_FILE
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole to a private temporary file, then linked into place: a process racing us either
        # wins (and we read its key) or loses, and nobody ever reads a half-written key.
        tmp = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ConfigurationError(
            f"{path} is empty: delete it to generate a new key, or set FRONTIER_SECRET_KEY"
        )
    return key


def masked(value: SecretStr | str | None) -> str:
    """A secret shown as its first characters only, or '(unset)'."""
    if value is None:
        return "(unset)"
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if "://" in text and "@" in text:
        scheme, rest = text.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return "*" * 8 if text else "(empty)"


def masked_url(url: str) -> str:
    """``url`` as it was typed, with its password shown as ``***`` (after the user name, or as a
    ``password=`` parameter): ``postgresql://frontier:***@db.example:5432/frontier``."""
    scheme, sep, rest = url.partition("://")
    rest, question, query = rest.partition("?")
    # The last '@' before the query ends the user part: a password may hold an unescaped '@' or '/'.
    userinfo, at, location = rest.rpartition("@")
    if sep and at and ":" in userinfo:
        rest = f"{userinfo.split(':', 1)[0]}:***@{location}"
    query = _PASSWORD_PARAMETER.sub(r"\1password=***", query)
    return f"{scheme}{sep}{rest}{question}{query}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
