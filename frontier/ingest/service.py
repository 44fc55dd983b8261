"""Data sources: created and changed by admins; API keys encrypted at rest."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.db.system_logs import record
from frontier.errors import Conflict, FieldProblem, InvalidInput, NotFound
from frontier.ingest.models import DataSyncJob, ExternalDataSource
from frontier.ingest.options import validate_options
from frontier.ingest.schemas import SourceIn, SourceOut, SourceUpdate
from frontier.security.addresses import private_address_problem
from frontier.security.secrets import SecretBox


def _out(row: ExternalDataSource) -> SourceOut:
    return SourceOut(
        id=row.source_id,
        source_name=row.source_name,
        source_type=row.source_type,
        base_url=row.base_url,
        authentication_type=row.authentication_type,
        has_api_key=row.api_key_encrypted is not None,
        rate_limit_per_hour=row.rate_limit_per_hour,
        consecutive_failures=row.consecutive_failures,
        last_successful_fetch=row.last_successful_fetch,
        paused_at=row.paused_at,
        is_active=row.is_active,
        created_at=row.created_at,
        options=dict(row.data_mapping_schema or {}),
    )


def list_sources(session: Session) -> list[SourceOut]:
    """Every data source, by name."""
    return [
        _out(r) for r in session.scalars(select(ExternalDataSource).order_by(ExternalDataSource.source_name))
    ]


def _get(session: Session, source_id: uuid.UUID) -> ExternalDataSource:
    row = session.get(ExternalDataSource, source_id)
    if row is None:
        raise NotFound(f"no data source with id {source_id}")
    return row


def get_source(session: Session, source_id: uuid.UUID) -> SourceOut:
    """One data source."""
    return _out(_get(session, source_id))


def _check_address(base_url: str | None, options: dict[str, Any] | None, allow_private: bool) -> None:
    """Every URL the source would fetch (its base URL, and URLs among its options such as extra feeds)."""
    if allow_private:
        return
    urls = [("base_url", base_url)] if base_url else []
    for key, value in (options or {}).items():
        values = value if isinstance(value, list) else [value]
        urls += [
            (f"options.{key}", v) for v in values if isinstance(v, str) and v.startswith(("http:", "https:"))
        ]
    problems = [
        FieldProblem(field, f"{problem}; an operator can allow it with FRONTIER_ALLOW_PRIVATE_SOURCES=1")
        for field, url in urls
        if (problem := private_address_problem(url)) is not None
    ]
    if problems:
        raise InvalidInput(problems)


def create_source(
    session: Session,
    box: SecretBox,
    data: SourceIn,
    admin_id: uuid.UUID | None,
    *,
    allow_private: bool = False,
) -> SourceOut:
    """Add a data source (its options validated for its type: InvalidInput naming ``options.<key>``; a
    private, loopback or link-local address refused unless ``allow_private``); Conflict when the name is
    taken. ``admin_id`` is None when an operator adds it from the command line."""
    _check_address(data.base_url, data.options, allow_private)
    options = validate_options(data.source_type, data.options)
    taken = session.scalars(
        select(ExternalDataSource).where(ExternalDataSource.source_name == data.source_name)
    )
    if taken.first() is not None:
        raise Conflict(f"a data source named '{data.source_name}' already exists")
    row = ExternalDataSource(
        source_name=data.source_name,
        source_type=data.source_type,
        base_url=data.base_url,
        authentication_type=data.authentication_type,
        rate_limit_per_hour=data.rate_limit_per_hour,
        is_active=data.is_active,
        data_mapping_schema=options,
        api_key_encrypted=box.encrypt(data.api_key.get_secret_value()) if data.api_key else None,
    )
    session.add(row)
    session.flush()
    session.refresh(row)
    record(session, "admin_action", "data source created", user_id=admin_id, source=data.source_name)
    return _out(row)


def update_source(
    session: Session,
    box: SecretBox,
    source_id: uuid.UUID,
    data: SourceUpdate,
    admin_id: uuid.UUID,
    *,
    allow_private: bool = False,
) -> SourceOut:
    """Change a data source (a new API key is encrypted; null removes it)."""
    row = _get(session, source_id)
    _check_address(data.base_url, data.options, allow_private)
    changes = data.model_dump(exclude_unset=True)
    if "api_key" in changes:
        key = data.api_key
        row.api_key_encrypted = box.encrypt(key.get_secret_value()) if key is not None else None
    for field in ("base_url", "authentication_type", "rate_limit_per_hour", "is_active"):
        if field in changes and changes[field] is not None:
            setattr(row, field, changes[field])
    if "options" in changes:  # replaces the options whole; null removes them
        row.data_mapping_schema = validate_options(row.source_type, data.options)
    session.flush()
    record(
        session,
        "admin_action",
        "data source changed",
        user_id=admin_id,
        source=row.source_name,
        fields=sorted(k for k in changes if k != "api_key") + (["api_key"] if "api_key" in changes else []),
    )
    return _out(row)


def delete_source(session: Session, source_id: uuid.UUID, admin_id: uuid.UUID) -> None:
    """Remove a data source and its schedules."""
    row = _get(session, source_id)
    record(session, "admin_action", "data source deleted", user_id=admin_id, source=row.source_name)
    session.delete(row)
    session.flush()


# The public providers Frontier knows, with their documented base URLs and hourly limits (unauthenticated
# where a key is optional). A key, when given, is stored encrypted.
DEFAULT_SOURCES: tuple[dict[str, object], ...] = (
    {
        "source_name": "github",
        "source_type": "github_api",
        "base_url": "https://api.github.com",
        "authentication_type": "bearer_token",
        "rate_limit_per_hour": 5000,
    },
    {
        "source_name": "stackoverflow",
        "source_type": "stackoverflow_api",
        "base_url": "https://api.stackexchange.com",
        "authentication_type": "api_key",
        "rate_limit_per_hour": 300,
    },
    {
        "source_name": "pypi",
        "source_type": "pypi_api",
        "base_url": "https://pypistats.org",
        "authentication_type": "none",
        "rate_limit_per_hour": 1800,
        "options": {"pypi_url": "https://pypi.org"},
    },
    {
        "source_name": "npm",
        "source_type": "npm_api",
        "base_url": "https://api.npmjs.org",
        "authentication_type": "none",
        "rate_limit_per_hour": 1800,
    },
    {
        "source_name": "hn-jobs",
        "source_type": "job_board_api",
        "base_url": "https://hn.algolia.com",
        "authentication_type": "none",
        "rate_limit_per_hour": 3600,
    },
)
DAILY = "20 2 * * *"


def register_default_sources(session: Session, box: SecretBox, keys: dict[str, str]) -> list[str]:
    """Create the known providers and a daily sync schedule for each, skipping those that exist; returns the
    names created. ``keys`` maps a source name to its API key (optional)."""
    existing = set(session.scalars(select(ExternalDataSource.source_name)))
    created = []
    for spec in DEFAULT_SOURCES:
        name = str(spec["source_name"])
        if name in existing:
            continue
        options = spec.get("options")
        row = ExternalDataSource(
            source_name=name,
            source_type=spec["source_type"],
            base_url=spec["base_url"],
            authentication_type=spec["authentication_type"],
            rate_limit_per_hour=spec["rate_limit_per_hour"],
            data_mapping_schema=options if isinstance(options, dict) else None,
            api_key_encrypted=box.encrypt(keys[name]) if keys.get(name) else None,
        )
        session.add(row)
        session.flush()
        session.add(
            DataSyncJob(source_id=row.source_id, sync_frequency_minutes=1440, sync_schedule_cron=DAILY)
        )
        created.append(name)
    if created:
        record(session, "admin_action", "default data sources registered", sources=created)
    session.flush()
    return created
