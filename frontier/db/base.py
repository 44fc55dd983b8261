"""Declarative base, naming conventions, enums and column helpers shared by every domain's models.

Conventions (README, "Data model"):
- entity ids are UUIDs from ``gen_random_uuid()``;
- user-scoped tables have the primary key ``(user_id, <id>)`` so they can be distributed by user later;
- times are ``timestamptz`` (stored UTC); 1-10 scales and 0-1 confidences are CHECK constraints.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Enum, MetaData, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every Frontier table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TechEcosystem(enum.StrEnum):
    """The one area a technology belongs to (README, "Enums")."""

    programming_languages = "programming_languages"
    web_frontend = "web_frontend"
    web_backend = "web_backend"
    mobile = "mobile"
    data_engineering = "data_engineering"
    databases = "databases"
    ai_ml = "ai_ml"
    cloud_devops = "cloud_devops"
    systems = "systems"
    security = "security"
    blockchain = "blockchain"
    quantum = "quantum"
    immersive = "immersive"
    iot_embedded = "iot_embedded"
    game_dev = "game_dev"
    sustainable_tech = "sustainable_tech"
    developer_tools = "developer_tools"


class ExplorationDepth(enum.StrEnum):
    """How deep a piece of content, project or event goes (the seed's four levels)."""

    surface = "surface"
    moderate = "moderate"
    deep = "deep"
    expert = "expert"


class LearningMode(enum.StrEnum):
    """How a person takes in material."""

    reading = "reading"
    watching = "watching"
    listening = "listening"
    interactive = "interactive"
    hands_on = "hands_on"
    discussion = "discussion"


class TrendStatus(enum.StrEnum):
    """Lifecycle stage of a technology trend."""

    emerging = "emerging"
    rising = "rising"
    mainstream = "mainstream"
    declining = "declining"


class InnovationStage(enum.StrEnum):
    """Where a person's innovation project stands."""

    idea = "idea"
    research = "research"
    prototype = "prototype"
    building = "building"
    showcase = "showcase"
    open_source = "open_source"
    archived = "archived"


class UserRole(enum.StrEnum):
    """What an account may do: members manage their own data; admins also manage sources, models, roles."""

    member = "member"
    admin = "admin"


def pg_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A PostgreSQL enum type whose labels are the Python enum's values."""
    return Enum(enum_cls, name=name, values_callable=lambda cls: [m.value for m in cls], create_type=False)


TECH_ECOSYSTEM = pg_enum(TechEcosystem, "tech_ecosystem")
EXPLORATION_DEPTH = pg_enum(ExplorationDepth, "exploration_depth")
LEARNING_MODE = pg_enum(LearningMode, "learning_mode")
TREND_STATUS = pg_enum(TrendStatus, "trend_status")
INNOVATION_STAGE = pg_enum(InnovationStage, "innovation_stage")
USER_ROLE = pg_enum(UserRole, "user_role")
ALL_ENUMS = (TECH_ECOSYSTEM, EXPLORATION_DEPTH, LEARNING_MODE, TREND_STATUS, INNOVATION_STAGE, USER_ROLE)


def uuid_pk(**kwargs: Any) -> Mapped[uuid.UUID]:
    """A UUID primary-key column defaulting to ``gen_random_uuid()``."""
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()"), **kwargs
    )


def created_at() -> Mapped[datetime]:
    """``created_at timestamptz NOT NULL DEFAULT now()``."""
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


def updated_at() -> Mapped[datetime]:
    """``updated_at`` kept current by the ORM on every update."""
    return mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )


def scale_1_10(*columns: str) -> list[CheckConstraint]:
    """CHECK constraints: each column is NULL or between 1 and 10."""
    return [CheckConstraint(f"{c} BETWEEN 1 AND 10", name=f"{c}_1_10") for c in columns]


def unit_interval(*columns: str) -> list[CheckConstraint]:
    """CHECK constraints: each column (a confidence, rate or probability) is NULL or between 0 and 1."""
    return [CheckConstraint(f"{c} BETWEEN 0 AND 1", name=f"{c}_0_1") for c in columns]


def rating_1_5(*columns: str) -> list[CheckConstraint]:
    """CHECK constraints for the seed's DECIMAL(3,2) star ratings: NULL or between 1 and 5."""
    return [CheckConstraint(f"{c} BETWEEN 1 AND 5", name=f"{c}_1_5") for c in columns]


def non_negative(*columns: str) -> list[CheckConstraint]:
    """CHECK constraints: counts, durations and sizes are NULL or >= 0."""
    return [CheckConstraint(f"{c} >= 0", name=f"{c}_non_negative") for c in columns]


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """CHECK constraint: the column is NULL or one of the listed values (for the seed's VARCHAR codes)."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"{column}_allowed")
