"""Trends tables: observations, current scores and their history, forecasts, alerts, follows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    TECH_ECOSYSTEM,
    TREND_STATUS,
    Base,
    TechEcosystem,
    TrendStatus,
    created_at,
    non_negative,
    one_of,
    scale_1_10,
    unit_interval,
    updated_at,
    uuid_pk,
)

OBSERVATION_GRANULARITIES = ("day", "month")


class TechnologyTrend(Base):
    """The current scores of a technology (the seed's ``technology_trends``), one row per technology.

    ``trend_id`` is the technology's id; ``trend_name`` and ``ecosystem_id`` mirror the catalogue through a
    composite foreign key with ON UPDATE CASCADE, so they can never disagree with it.
    """

    __tablename__ = "technology_trends"
    __table_args__ = (
        ForeignKeyConstraint(
            ["trend_id", "trend_name", "ecosystem_id"],
            ["technologies.id", "technologies.name", "technologies.ecosystem"],
            onupdate="CASCADE",
            ondelete="CASCADE",
            name="fk_technology_trends_technology",
        ),
        *scale_1_10("momentum_score", "learning_priority_score"),
        *unit_interval("significance_p_value"),
        *non_negative("github_stars", "stackoverflow_questions", "job_postings_count"),
        # Scores are rewritten often: leave room on each page for HOT updates.
        {"postgresql_with": {"fillfactor": "80"}},
    )

    trend_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    trend_name: Mapped[str] = mapped_column(String(200), nullable=False)
    ecosystem_id: Mapped[TechEcosystem] = mapped_column(TECH_ECOSYSTEM, nullable=False)
    trend_status: Mapped[TrendStatus] = mapped_column(
        TREND_STATUS, nullable=False, server_default=TrendStatus.emerging.value
    )
    github_stars: Mapped[int | None] = mapped_column(BigInteger)
    stackoverflow_questions: Mapped[int | None] = mapped_column(BigInteger)
    job_postings_count: Mapped[int | None] = mapped_column(Integer)
    first_detected_date: Mapped[date | None] = mapped_column(Date)
    momentum_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    learning_priority_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    adoption_rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    significance_p_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 5))
    # the signals the scores rest on: [{"signal": "github.stars", "months": 24}, ...]
    score_basis: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    status_changed_on: Mapped[date | None] = mapped_column(Date)
    scores_as_of: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = updated_at()


class Observation(Base):
    """One value of one metric of one technology from one source for one period (day or month).

    Range-partitioned by month on ``period_start``; partitions are made by ``ensure_observation_partitions``.
    """

    __tablename__ = "observations"
    __table_args__ = (
        one_of("granularity", OBSERVATION_GRANULARITIES),
        CheckConstraint(
            "granularity <> 'month' OR period_start = date_trunc('month', period_start)::date",
            name="month_starts_on_first",
        ),
        CheckConstraint(
            r"source ~ '^[a-z][a-z0-9_]*$' AND metric ~ '^[a-z][a-z0-9_]*$'", name="source_metric_codes"
        ),
        # Rows arrive in collected_at order, so a BRIN index finds "what arrived since" almost for free.
        Index("ix_observations_collected_at", "collected_at", postgresql_using="brin"),
        {"postgresql_partition_by": "RANGE (period_start)"},
    )

    technology_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(48), primary_key=True)
    granularity: Mapped[str] = mapped_column(String(5), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    collected_at: Mapped[datetime] = created_at()


class SignalMonth(Base):
    """One month of one metric of one technology, rolled up from its observations (migration 0010).

    ``total`` adds the month's values up (flows: downloads, questions), ``last`` is its latest value (levels:
    stars). Kept by statement-level triggers on ``observations``: never written by the application.
    """

    __tablename__ = "signal_months"
    __table_args__ = (
        CheckConstraint("month = date_trunc('month', month)::date", name="month_starts_on_first"),
    )

    technology_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(48), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    total: Mapped[float] = mapped_column(Float, nullable=False)
    last: Mapped[float] = mapped_column(Float, nullable=False)


class TechnologyScoreSnapshot(Base):
    """A technology's scores as computed on one day: what 'moved since last month' and hysteresis read."""

    __tablename__ = "technology_score_history"
    __table_args__ = (
        *scale_1_10("momentum_score", "learning_priority_score"),
        *unit_interval("significance_p_value"),
        Index("ix_technology_score_history_computed_on", "computed_on"),
    )

    technology_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True
    )
    computed_on: Mapped[date] = mapped_column(Date, primary_key=True)
    method: Mapped[str] = mapped_column(String(32), nullable=False, server_default="default")
    trend_status: Mapped[TrendStatus] = mapped_column(TREND_STATUS, nullable=False)
    momentum_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    learning_priority_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    adoption_rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    significance_p_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 5))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    created_at: Mapped[datetime] = created_at()


class TrendMonitoringPipeline(Base):
    """The seed's per-source analytics parameters (detection algorithm, momentum weights, significance)."""

    __tablename__ = "trend_monitoring_pipeline"
    __table_args__ = (
        UniqueConstraint("data_source"),
        CheckConstraint("significance_threshold > 0 AND significance_threshold < 1", name="significance_0_1"),
        CheckConstraint("collection_frequency_minutes > 0", name="collection_frequency_positive"),
        CheckConstraint("rate_limit_per_hour > 0", name="rate_limit_positive"),
        *non_negative("consecutive_failures"),
    )

    pipeline_id: Mapped[uuid.UUID] = uuid_pk()
    data_source: Mapped[str] = mapped_column(String(100), nullable=False)
    api_endpoint: Mapped[str] = mapped_column(Text, nullable=False)
    collection_frequency_minutes: Mapped[int | None] = mapped_column(Integer, server_default="60")
    rate_limit_per_hour: Mapped[int | None] = mapped_column(Integer, server_default="5000")
    trend_detection_algorithm: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    momentum_calculation_weights: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    significance_threshold: Mapped[Decimal | None] = mapped_column(Numeric(5, 4), server_default="0.0500")
    last_successful_run: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consecutive_failures: Mapped[int | None] = mapped_column(Integer, server_default="0")
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = created_at()


NOTIFICATION_KINDS = (
    "emerging_trend",
    "momentum_spike",
    "status_change",
    "opportunity_alert",
    "cfp_deadline",
    "model_drift",
)


SUBJECT_TYPES = ("technology", "opportunity", "event", "model")


class TrendNotification(Base):
    """An alert to one person: a kind (``notification_type``) about a subject (a technology, an opportunity,
    an event, a model). ``dedupe_key`` names the change it reports: re-running detection never repeats it."""

    __tablename__ = "trend_notifications"
    __table_args__ = (
        one_of("notification_type", NOTIFICATION_KINDS),
        one_of("subject_type", SUBJECT_TYPES),
        CheckConstraint("subject_type <> 'technology' OR trend_id = subject_id", name="technology_subject"),
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_trend_notifications_trend_id", "trend_id"),
        Index("ix_trend_notifications_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    notification_id: Mapped[uuid.UUID] = uuid_pk()
    trend_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technology_trends.trend_id", ondelete="CASCADE")
    )
    subject_type: Mapped[str] = mapped_column(String(20), nullable=False, server_default="technology")
    subject_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    notification_type: Mapped[str] = mapped_column(String(50), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    dedupe_key: Mapped[str] = mapped_column(String(200), nullable=False)
    trend_change_details: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    notification_sent_at: Mapped[datetime | None] = created_at()
    user_acknowledged: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    user_response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = created_at()


class TechnologyFollow(Base):
    """A person follows a technology: its changes become their alerts."""

    __tablename__ = "technology_follows"
    __table_args__ = (Index("ix_technology_follows_technology_id", "technology_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    technology_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = created_at()


class TrendPredictionModel(Base):
    """A forecasting model and its backtest record."""

    __tablename__ = "trend_prediction_models"
    __table_args__ = (
        UniqueConstraint("model_name", "model_version"),
        CheckConstraint("prediction_horizon_months BETWEEN 1 AND 36", name="horizon_range"),
        CheckConstraint("accuracy_percentage BETWEEN 0 AND 100", name="accuracy_percentage_range"),
        CheckConstraint("training_data_period_months > 0", name="training_period_positive"),
        *unit_interval(
            "confidence_threshold",
            "false_positive_rate",
            "false_negative_rate",
            "precision_score",
            "recall_score",
        ),
    )

    model_id: Mapped[uuid.UUID] = uuid_pk()
    model_name: Mapped[str] = mapped_column(String(200), nullable=False)
    model_version: Mapped[str | None] = mapped_column(String(50))
    prediction_horizon_months: Mapped[int | None] = mapped_column(Integer)
    accuracy_percentage: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    confidence_threshold: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    training_data_period_months: Mapped[int | None] = mapped_column(Integer)
    training_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    features_used: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    false_positive_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    false_negative_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    precision_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    recall_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    backtest_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    mase: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    smape: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    owa: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    is_production_ready: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    deployment_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()


class TrendPrediction(Base):
    """One stored forecast, scored against what happened once its validation date has passed."""

    __tablename__ = "trend_predictions"
    __table_args__ = (
        CheckConstraint("prediction_confidence BETWEEN 0 AND 1", name="chk_prediction_confidence"),
        *scale_1_10("predicted_momentum_score", "predicted_market_impact", "predicted_learning_priority"),
        *unit_interval("prediction_accuracy"),
        *non_negative("predicted_adoption_timeline_months"),
        Index("ix_trend_predictions_model_id", "model_id"),
        Index("ix_trend_predictions_trend_made", "trend_id", "prediction_made_at"),
        Index("ix_trend_predictions_due", "validation_date", postgresql_where=text("actual_outcome IS NULL")),
        UniqueConstraint(
            "model_id",
            "trend_id",
            "source",
            "metric",
            "origin_period",
            "target_period",
            name="uq_trend_predictions_forecast",
        ),
        CheckConstraint("horizon_months BETWEEN 1 AND 12", name="horizon_1_12"),
        CheckConstraint("interval_level BETWEEN 1 AND 99", name="interval_level_range"),
        CheckConstraint(
            "lower_bound <= predicted_value AND predicted_value <= upper_bound", name="interval_order"
        ),
    )

    prediction_id: Mapped[uuid.UUID] = uuid_pk()
    model_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("trend_prediction_models.model_id", ondelete="CASCADE"), nullable=False
    )
    trend_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technology_trends.trend_id", ondelete="CASCADE")
    )
    predicted_technology_name: Mapped[str | None] = mapped_column(String(200))
    predicted_ecosystem: Mapped[TechEcosystem | None] = mapped_column(TECH_ECOSYSTEM)
    prediction_confidence: Mapped[Decimal] = mapped_column(Numeric(5, 4), nullable=False)
    predicted_momentum_score: Mapped[int | None] = mapped_column(Integer)
    predicted_adoption_timeline_months: Mapped[int | None] = mapped_column(Integer)
    predicted_market_impact: Mapped[int | None] = mapped_column(Integer)
    predicted_learning_priority: Mapped[int | None] = mapped_column(Integer)
    contributing_factors: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    similar_historical_patterns: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    risk_factors: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    prediction_made_at: Mapped[datetime | None] = created_at()
    validation_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    actual_outcome: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    prediction_accuracy: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    # The forecast itself: one series (technology, source, metric), one target month, made at one origin.
    source: Mapped[str | None] = mapped_column(String(32))
    metric: Mapped[str | None] = mapped_column(String(48))
    origin_period: Mapped[date | None] = mapped_column(Date)
    target_period: Mapped[date | None] = mapped_column(Date)
    horizon_months: Mapped[int | None] = mapped_column(Integer)
    predicted_value: Mapped[float | None] = mapped_column(Float)
    lower_bound: Mapped[float | None] = mapped_column(Float)
    upper_bound: Mapped[float | None] = mapped_column(Float)
    interval_level: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at()
