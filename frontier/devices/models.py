"""Device tables: how people explore on each device and which progressive-web-app features they use."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ARRAY, Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    LEARNING_MODE,
    Base,
    LearningMode,
    created_at,
    non_negative,
    one_of,
    unit_interval,
    updated_at,
    uuid_pk,
)

DEVICE_TYPES = ("mobile", "tablet", "desktop")
SCREEN_SIZES = ("small", "medium", "large")
CONNECTION_TYPES = ("wifi", "5g", "4g", "3g", "limited", "offline")


def _flag(default: bool) -> Mapped[bool]:
    """A seed ``BOOLEAN DEFAULT ...`` feature flag, made NOT NULL."""
    return mapped_column(Boolean, nullable=False, server_default=text("true" if default else "false"))


def _counter() -> Mapped[int]:
    """A seed ``INTEGER DEFAULT 0`` count, made NOT NULL."""
    return mapped_column(Integer, nullable=False, server_default=text("0"))


class MobileExplorationSession(Base):
    """One exploration session on a device: its context, consumption pattern and engagement."""

    __tablename__ = "mobile_exploration_sessions"
    __table_args__ = (
        one_of("device_type", DEVICE_TYPES),
        one_of("screen_size", SCREEN_SIZES),
        one_of("connection_type", CONNECTION_TYPES),
        CheckConstraint("attention_span_minutes > 0", name="attention_span_minutes_positive"),
        CheckConstraint("scroll_depth_percentage BETWEEN 0 AND 100", name="scroll_depth_percentage_0_100"),
        *non_negative(
            "session_duration_minutes", "interruption_frequency", "interaction_count", "content_bookmarked"
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    mobile_session_id: Mapped[uuid.UUID] = uuid_pk()

    device_type: Mapped[str | None] = mapped_column(String(50))
    operating_system: Mapped[str | None] = mapped_column(String(50))
    screen_size: Mapped[str | None] = mapped_column(String(20))
    connection_type: Mapped[str | None] = mapped_column(String(20))

    session_duration_minutes: Mapped[int | None] = mapped_column(Integer)
    exploration_mode: Mapped[LearningMode | None] = mapped_column(LEARNING_MODE)
    micro_learning_preferred: Mapped[bool] = _flag(default=True)

    # Free-form labels such as 'summary', 'visual', 'interactive', 'video'.
    preferred_content_types: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    attention_span_minutes: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("5"))
    interruption_frequency: Mapped[int | None] = mapped_column(Integer)

    voice_search_used: Mapped[bool] = _flag(default=False)
    offline_mode_used: Mapped[bool] = _flag(default=False)
    push_notifications_enabled: Mapped[bool] = _flag(default=True)

    scroll_depth_percentage: Mapped[int | None] = mapped_column(Integer)
    interaction_count: Mapped[int] = _counter()
    content_bookmarked: Mapped[int] = _counter()

    created_at: Mapped[datetime] = created_at()


class PwaFeatureUsage(Base):
    """Which progressive-web-app features a person uses, and how the app performs for them."""

    __tablename__ = "pwa_features_usage"
    __table_args__ = (
        *unit_interval("cache_hit_rate"),
        *non_negative(
            "offline_content_sync_mb", "sync_frequency_minutes", "load_time_ms", "offline_sessions_count"
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    usage_id: Mapped[uuid.UUID] = uuid_pk()

    installed_as_app: Mapped[bool] = _flag(default=False)
    offline_functionality_used: Mapped[bool] = _flag(default=False)
    push_notifications_enabled: Mapped[bool] = _flag(default=False)

    background_sync_enabled: Mapped[bool] = _flag(default=False)
    offline_content_sync_mb: Mapped[int] = _counter()
    sync_frequency_minutes: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("60"))

    load_time_ms: Mapped[int | None] = mapped_column(Integer)
    cache_hit_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    offline_sessions_count: Mapped[int] = _counter()

    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
