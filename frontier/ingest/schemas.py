"""API shapes of data sources (admin). An API key can be written, never read back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictBool, StrictInt, StringConstraints

from frontier.inputs import Input

SourceType = Literal["github_api", "stackoverflow_api", "pypi_api", "npm_api", "job_board_api", "rss_feed"]
AuthType = Literal["none", "api_key", "oauth", "bearer_token"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*$", max_length=2000)]


class SourceIn(Input):
    """A new data source."""

    model_config = ConfigDict(extra="forbid")

    source_name: Name
    source_type: SourceType
    base_url: HttpUrl
    authentication_type: AuthType = "none"
    api_key: SecretStr | None = Field(
        default=None, max_length=4000, description="Stored encrypted; never returned"
    )
    rate_limit_per_hour: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    is_active: StrictBool = True
    options: dict[str, Any] | None = Field(
        default=None, description="Per source type, e.g. rss_feed: {'feeds': [url, ...]}"
    )


class SourceUpdate(Input):
    """Changes to a data source; ``api_key: null`` removes the stored key."""

    model_config = ConfigDict(extra="forbid")

    base_url: HttpUrl | None = None
    authentication_type: AuthType | None = None
    api_key: SecretStr | None = Field(default=None, max_length=4000)
    rate_limit_per_hour: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    is_active: StrictBool | None = None
    options: dict[str, Any] | None = None


class SourceOut(BaseModel):
    """A data source as admins see it: whether a key is stored, never the key."""

    id: uuid.UUID
    source_name: str
    source_type: str
    base_url: str
    authentication_type: str | None
    has_api_key: bool
    rate_limit_per_hour: int | None
    consecutive_failures: int | None
    last_successful_fetch: datetime | None
    paused_at: datetime | None
    is_active: bool | None
    created_at: datetime
    options: dict[str, Any]


Cron = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ScheduleIn(Input):
    """When and how a source is synced: a cron expression (UTC), else every ``sync_frequency_minutes``."""

    sync_schedule_cron: Cron | None = None
    sync_frequency_minutes: StrictInt = Field(default=1440, ge=1, le=527_040)
    data_types_to_sync: list[Name] | None = Field(default=None, max_length=20)
    batch_size: StrictInt = Field(default=100, ge=1, le=10_000)
    parallel_workers: StrictInt = Field(default=2, ge=1, le=32)
    retry_attempts: StrictInt = Field(default=3, ge=0, le=10)
    critical_failure_threshold: StrictInt = Field(default=5, ge=1, le=1000)
    max_data_age_hours: StrictInt = Field(default=24, ge=1, le=8784)
    is_active: StrictBool = True


class ScheduleOut(BaseModel):
    """A sync schedule (data_sync_jobs row) with its last run."""

    id: uuid.UUID
    source_id: uuid.UUID
    source_name: str
    sync_schedule_cron: str | None
    sync_frequency_minutes: int
    data_types_to_sync: list[str] | None
    batch_size: int | None
    parallel_workers: int | None
    retry_attempts: int | None
    critical_failure_threshold: int | None
    max_data_age_hours: int | None
    is_active: bool | None
    last_run_at: datetime | None
    last_run_status: str | None


class RunOut(BaseModel):
    """One sync run: how it ended, its errors, and a feed run's import report."""

    id: uuid.UUID
    source_name: str
    job_id: uuid.UUID | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    records_processed: int
    errors: list[dict[str, str]]
    unmatched_names: list[str]
    report: dict[str, int] | None
    worker_host: str | None
    worker_pid: int | None
