"""Content tables: learning material and its session-sized units (with the full-text document)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    EXPLORATION_DEPTH,
    LEARNING_MODE,
    TECH_ECOSYSTEM,
    Base,
    ExplorationDepth,
    LearningMode,
    TechEcosystem,
    created_at,
    scale_1_10,
    updated_at,
    uuid_pk,
)

# Weighted full-text document of a content item: section A, title B, technology keywords C, description D.
SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(section, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, title), 'B') || "
    "setweight(to_tsvector('english'::regconfig, content_keywords_text(technology_keywords)), 'C') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'D')"
)


class ExplorationContent(Base):
    """A piece of learning material (book, course, tutorial, podcast, article).

    ``unit_id`` is the item's first unit (position 1 in ``exploration_units``): the unit a newcomer starts
    with, and what the seed's queries join progress on. Longer items have more units after it.
    """

    __tablename__ = "exploration_content"
    __table_args__ = (
        *scale_1_10("trend_alignment", "innovation_potential"),
        CheckConstraint("estimated_time_minutes > 0", name="estimated_time_positive"),
        Index("ix_exploration_content_technology_ids", "technology_ids", postgresql_using="gin"),
        Index("ix_exploration_content_search_document", "search_document", postgresql_using="gin"),
    )

    content_id: Mapped[uuid.UUID] = uuid_pk()
    unit_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        # Deferred: an item and its first unit are inserted in one transaction, each naming the other.
        ForeignKey(
            "exploration_units.unit_id",
            use_alter=True,
            deferrable=True,
            initially="DEFERRED",
            name="fk_exploration_content_unit_id_exploration_units",
        ),
        nullable=False,
        unique=True,
        server_default=text("gen_random_uuid()"),
    )
    external_key: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    format: Mapped[str | None] = mapped_column(String(30))
    source: Mapped[str | None] = mapped_column(String(50))
    technology_keywords: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    technology_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, server_default="{}"
    )
    ecosystem_tags: Mapped[list[TechEcosystem]] = mapped_column(
        ARRAY(TECH_ECOSYSTEM), nullable=False, server_default="{}"
    )
    trend_alignment: Mapped[int | None] = mapped_column(Integer)
    innovation_potential: Mapped[int | None] = mapped_column(Integer)
    exploration_mode: Mapped[LearningMode | None] = mapped_column(LEARNING_MODE)
    depth: Mapped[ExplorationDepth | None] = mapped_column(EXPLORATION_DEPTH)
    estimated_time_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    # Full-text search document kept by PostgreSQL (migration 0007); deferred: only search reads it.
    search_document: Mapped[Any] = mapped_column(
        TSVECTOR, Computed(SEARCH_DOCUMENT, persisted=True), deferred=True
    )


class ExplorationUnit(Base):
    """A session-sized part of a content item, taken in ``position`` order."""

    __tablename__ = "exploration_units"
    __table_args__ = (
        UniqueConstraint("content_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("estimated_minutes > 0", name="estimated_minutes_positive"),
    )

    unit_id: Mapped[uuid.UUID] = uuid_pk()
    content_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("exploration_content.content_id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str | None] = mapped_column(String(500))
    estimated_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
