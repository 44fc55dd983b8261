"""Accounts tables: users, their enthusiast profile and their expertise per technology."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    EXPLORATION_DEPTH,
    LEARNING_MODE,
    TECH_ECOSYSTEM,
    USER_ROLE,
    Base,
    ExplorationDepth,
    LearningMode,
    TechEcosystem,
    UserRole,
    created_at,
    non_negative,
    scale_1_10,
    unit_interval,
    updated_at,
    uuid_pk,
)


class User(Base):
    """A person with an account. Email is unique case-insensitively."""

    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        CheckConstraint("position('@' in email) > 1", name="email_has_at"),
        CheckConstraint("length(display_name) BETWEEN 1 AND 100", name="display_name_length"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, server_default="UTC")
    role: Mapped[UserRole] = mapped_column(USER_ROLE, nullable=False, server_default=UserRole.member.value)
    password_hash: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EnthusiastProfile(Base):
    """What a person explores and how: read by exploration paths and project-success prediction."""

    __tablename__ = "enthusiast_profiles"
    __table_args__ = (
        *scale_1_10("experimental_risk_tolerance"),
        *non_negative("weekly_exploration_minutes"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    primary_focus_areas: Mapped[list[TechEcosystem]] = mapped_column(
        ARRAY(TECH_ECOSYSTEM), nullable=False, server_default="{}"
    )
    exploration_style: Mapped[list[LearningMode]] = mapped_column(
        ARRAY(LEARNING_MODE), nullable=False, server_default="{}"
    )
    curiosity_drivers: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    current_expertise_level: Mapped[ExplorationDepth] = mapped_column(
        EXPLORATION_DEPTH, nullable=False, server_default=ExplorationDepth.surface.value
    )
    experimental_risk_tolerance: Mapped[int] = mapped_column(Integer, nullable=False, server_default="5")
    weekly_exploration_minutes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class TechnologyExpertise(Base):
    """A person's self-assessed expertise in one technology.

    ``technology_name`` is the technology's slug, kept equal to the catalogue's by a composite foreign key
    with ON UPDATE CASCADE: the seed matches expertise by name, the identity stays ``technology_id``.
    """

    __tablename__ = "technology_expertise"
    __table_args__ = (
        UniqueConstraint("user_id", "technology_id"),
        ForeignKeyConstraint(
            ["technology_id", "technology_name"],
            ["technologies.id", "technologies.slug"],
            onupdate="CASCADE",
            ondelete="CASCADE",
            name="fk_technology_expertise_technology",
        ),
        Index("ix_technology_expertise_technology_id", "technology_id"),
        *unit_interval("confidence_rating"),
        *non_negative("hours_of_experience"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    technology_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    technology_name: Mapped[str] = mapped_column(String(100), nullable=False)
    current_expertise_level: Mapped[ExplorationDepth] = mapped_column(EXPLORATION_DEPTH, nullable=False)
    confidence_rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    hours_of_experience: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class UserSession(Base):
    """A signed-in browser. The cookie holds the token; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"
    __table_args__ = (
        UniqueConstraint("user_id", "token_hash"),
        Index("ix_user_sessions_expires_at", "expires_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[uuid.UUID] = uuid_pk()
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    last_seen_at: Mapped[datetime] = created_at()
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AccessToken(Base):
    """A personal API token (``kind='api'``, sent as Bearer) or a read-only feed token (``kind='feed'``, in a
    feed URL). Shown once at creation; only its SHA-256 is stored."""

    __tablename__ = "access_tokens"
    __table_args__ = (
        UniqueConstraint("user_id", "token_hash"),
        CheckConstraint("kind IN ('api', 'feed')", name="kind_allowed"),
        CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
        CheckConstraint("expires_at IS NULL OR expires_at > created_at", name="expires_after_creation"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    token_hint: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
