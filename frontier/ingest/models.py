"""Ingestion tables: external data sources (connection, limits, health) and their sync schedules."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import text

from frontier.db.base import Base, created_at, non_negative, one_of, rating_1_5, uuid_pk
from frontier.security.secrets import encrypted_column

SOURCE_TYPES = ("github_api", "stackoverflow_api", "pypi_api", "npm_api", "job_board_api", "rss_feed")
AUTHENTICATION_TYPES = ("none", "api_key", "oauth", "bearer_token")
RUN_STATUSES = ("success", "partial_success", "failed")


class ExternalDataSource(Base):
    """A provider Frontier reads signals from. ``api_key_encrypted`` holds ciphertext only, never a key."""

    __tablename__ = "external_data_sources"
    __table_args__ = (
        one_of("source_type", SOURCE_TYPES),
        one_of("authentication_type", AUTHENTICATION_TYPES),
        CheckConstraint("rate_limit_per_hour > 0", name="rate_limit_positive"),
        CheckConstraint("base_url ~ '^https?://'", name="base_url_http"),
        *rating_1_5("data_quality_score"),
        *non_negative("consecutive_failures", "average_response_time_ms"),
    )

    source_id: Mapped[uuid.UUID] = uuid_pk()
    source_name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    source_type: Mapped[str] = mapped_column(String(50), nullable=False)
    base_url: Mapped[str] = mapped_column(Text, nullable=False)
    api_key_encrypted: Mapped[str | None] = mapped_column(Text)
    authentication_type: Mapped[str | None] = mapped_column(String(50))
    rate_limit_per_hour: Mapped[int | None] = mapped_column(Integer)
    data_mapping_schema: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    trend_detection_rules: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    quality_filters: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    last_successful_fetch: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The day up to which every item is complete: only a full, successful run of all technologies moves it.
    synced_until: Mapped[date | None] = mapped_column(Date)
    consecutive_failures: Mapped[int | None] = mapped_column(Integer, server_default="0")
    average_response_time_ms: Mapped[int | None] = mapped_column(Integer)
    data_quality_score: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = created_at()


encrypted_column(ExternalDataSource, ExternalDataSource.api_key_encrypted, ExternalDataSource.source_name)


class DataSyncJob(Base):
    """When and how a source is synchronised (schedule, batch size, workers, retries)."""

    __tablename__ = "data_sync_jobs"
    __table_args__ = (
        one_of("last_run_status", RUN_STATUSES),
        CheckConstraint(
            "sync_frequency_minutes > 0 AND batch_size > 0 AND parallel_workers > 0 "
            "AND max_data_age_hours > 0 AND critical_failure_threshold > 0",
            name="positive_settings",
        ),
        *non_negative("retry_attempts", "records_processed"),
        Index("ix_data_sync_jobs_source_id", "source_id"),
    )

    job_id: Mapped[uuid.UUID] = uuid_pk()
    source_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("external_data_sources.source_id", ondelete="CASCADE"), nullable=False
    )
    sync_frequency_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    data_types_to_sync: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    sync_schedule_cron: Mapped[str | None] = mapped_column(String(100))
    batch_size: Mapped[int | None] = mapped_column(Integer, server_default="100")
    parallel_workers: Mapped[int | None] = mapped_column(Integer, server_default="2")
    retry_attempts: Mapped[int | None] = mapped_column(Integer, server_default="3")
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_run_status: Mapped[str | None] = mapped_column(String(20))
    records_processed: Mapped[int | None] = mapped_column(Integer, server_default="0")
    errors_encountered: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    max_data_age_hours: Mapped[int | None] = mapped_column(Integer, server_default="24")
    critical_failure_threshold: Mapped[int | None] = mapped_column(Integer, server_default="5")
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = created_at()


class DataSyncRun(Base):
    """One run of a sync job: when, how it ended, how much it wrote, what went wrong, what didn't match."""

    __tablename__ = "data_sync_runs"
    __table_args__ = (
        one_of("status", ("running", *RUN_STATUSES)),
        CheckConstraint("finished_at IS NULL OR finished_at >= started_at", name="finished_after_start"),
        *non_negative("records_processed"),
        Index("ix_data_sync_runs_source_started", "source_id", "started_at"),
    )

    run_id: Mapped[uuid.UUID] = uuid_pk()
    source_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("external_data_sources.source_id", ondelete="CASCADE"), nullable=False
    )
    job_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("data_sync_jobs.job_id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), nullable=False, server_default="running")
    records_processed: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    errors: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, server_default="[]")
    unmatched_names: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    # The process running it: a run whose process is gone no longer blocks its source.
    worker_host: Mapped[str | None] = mapped_column(String(255))
    worker_pid: Mapped[int | None] = mapped_column(Integer)
    # What a feed run imported: imported, unchanged, skipped, duplicates, failed.
    report: Mapped[dict[str, int] | None] = mapped_column(JSONB)
