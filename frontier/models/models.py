"""AI model registry tables: the models Frontier runs and a log of every request they served."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import Base, created_at, non_negative, one_of, rating_1_5, unit_interval, uuid_pk

MODEL_TYPES = (
    "recommendation",
    "trend_analysis",
    "content_generation",
    "personalization",
    "embedding",
    "forecasting",
)


def _flag(default: bool) -> Mapped[bool]:
    """A seed ``BOOLEAN DEFAULT ...`` switch, made NOT NULL."""
    return mapped_column(Boolean, nullable=False, server_default=text("true" if default else "false"))


class AiModel(Base):
    """One version of a model: what it does, where it is served and how well it scored."""

    __tablename__ = "ai_model_registry"
    __table_args__ = (
        UniqueConstraint("model_name", "version"),
        one_of("model_type", MODEL_TYPES),
        *unit_interval("accuracy_score", "precision_score", "recall_score"),
        CheckConstraint("max_requests_per_minute > 0", name="max_requests_per_minute_positive"),
    )

    model_id: Mapped[uuid.UUID] = uuid_pk()
    model_name: Mapped[str] = mapped_column(String(200), nullable=False)
    model_type: Mapped[str | None] = mapped_column(String(100))

    # Free-form: 'transformer', 'lstm', 'ensemble', ...
    model_architecture: Mapped[str | None] = mapped_column(String(100))
    input_features: Mapped[list[Any] | None] = mapped_column(JSONB)
    output_schema: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    performance_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    inference_endpoint: Mapped[str | None] = mapped_column(Text)
    batch_processing_capability: Mapped[bool] = _flag(default=False)
    real_time_processing: Mapped[bool] = _flag(default=True)
    max_requests_per_minute: Mapped[int | None] = mapped_column(Integer)

    version: Mapped[str] = mapped_column(String(50), nullable=False)
    training_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deployment_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retirement_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    accuracy_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    precision_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    recall_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    drift_detection_enabled: Mapped[bool] = _flag(default=True)

    is_active: Mapped[bool] = _flag(default=True)
    created_at: Mapped[datetime] = created_at()


class AiModelPerformance(Base):
    """One request a model served: payloads, latency, confidence and, once known, how right it was."""

    __tablename__ = "ai_model_performance_log"
    __table_args__ = (
        # Per-model history in time order (drift, latency percentiles); also serves the model_id foreign key.
        Index("ix_ai_model_performance_log_model_id_request_timestamp", "model_id", "request_timestamp"),
        *unit_interval("prediction_confidence", "prediction_accuracy"),
        *rating_1_5("user_feedback_score"),
        *non_negative("processing_time_ms"),
    )

    log_id: Mapped[uuid.UUID] = uuid_pk()
    model_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("ai_model_registry.model_id", ondelete="CASCADE"), nullable=False
    )

    request_timestamp: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    request_payload: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    response_payload: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    processing_time_ms: Mapped[int | None] = mapped_column(Integer)

    prediction_confidence: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    user_feedback_score: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    actual_outcome: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    prediction_accuracy: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))

    error_occurred: Mapped[bool] = _flag(default=False)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_category: Mapped[str | None] = mapped_column(String(100))

    created_at: Mapped[datetime] = created_at()
