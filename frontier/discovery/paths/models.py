"""Path tables: a person's progress through units, and the scoring classes paths are planned from."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    TECH_ECOSYSTEM,
    Base,
    TechEcosystem,
    created_at,
    non_negative,
    one_of,
)

PROGRESS_STATUSES = ("started", "completed", "skipped")


class ExplorationProgress(Base):
    """What a person did with one unit."""

    __tablename__ = "exploration_progress"
    __table_args__ = (
        one_of("status", PROGRESS_STATUSES),
        CheckConstraint("completed_at IS NULL OR completed_at >= started_at", name="completed_after_start"),
        *non_negative("minutes_spent"),
        Index("ix_exploration_progress_unit_id", "unit_id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("exploration_units.unit_id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(12), nullable=False, server_default="completed")
    minutes_spent: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = created_at()
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PathItemClass(Base):
    """An item's exploration-path scoring class (its first unit's length, technology, mode, depth and
    ecosystems). Derived: triggers keep it equal to the item and its first unit (migration 0009)."""

    __tablename__ = "path_item_classes"
    __table_args__ = (
        Index(
            "ix_path_item_classes_class",
            "technology_key",
            "first_minutes",
            "exploration_mode",
            "depth_rank",
            "ecosystem_tags",
            "content_id",
            postgresql_include=["unit_id"],
        ),
    )

    content_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("exploration_content.content_id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)  # its first unit
    technology_key: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)  # nil: none
    first_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    exploration_mode: Mapped[str] = mapped_column(Text, nullable=False)  # '': none
    depth_rank: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    ecosystem_tags: Mapped[list[TechEcosystem]] = mapped_column(ARRAY(TECH_ECOSYSTEM), nullable=False)


class PathClass(Base):
    """How many items share a path scoring class; triggers keep it (migration 0009)."""

    __tablename__ = "path_classes"
    __table_args__ = (CheckConstraint("items >= 0", name="items_non_negative"),)

    technology_key: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    first_minutes: Mapped[int] = mapped_column(Integer, primary_key=True)
    exploration_mode: Mapped[str] = mapped_column(Text, primary_key=True)
    depth_rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    ecosystem_tags: Mapped[list[TechEcosystem]] = mapped_column(ARRAY(TECH_ECOSYSTEM), primary_key=True)
    items: Mapped[int] = mapped_column(Integer, nullable=False)
