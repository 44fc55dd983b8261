"""Discovery tables: content, its session-sized units, progress, embedding models and stored vectors."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
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
    non_negative,
    one_of,
    scale_1_10,
    updated_at,
    uuid_pk,
)

PROGRESS_STATUSES = ("started", "completed", "skipped")
# Weighted full-text document of a content item: section A, title B, technology keywords C, description D.
SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(section, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, title), 'B') || "
    "setweight(to_tsvector('english'::regconfig, content_keywords_text(technology_keywords)), 'C') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'D')"
)
MODEL_STATUSES = ("building", "active", "retired")


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


class ExplorationEmbeddingModel(Base):
    """A text-embedding model; at most one is ``active`` (serving queries) at a time."""

    __tablename__ = "exploration_embedding_models"
    __table_args__ = (
        UniqueConstraint("model_name", "model_version"),
        one_of("status", MODEL_STATUSES),
        CheckConstraint("embedding_dimensions BETWEEN 1 AND 16000", name="dimensions_range"),
        Index(
            "uq_exploration_embedding_models_active",
            "status",
            unique=True,
            postgresql_where=text("status = 'active'"),
        ),
    )

    model_id: Mapped[uuid.UUID] = uuid_pk()
    model_name: Mapped[str] = mapped_column(String(200), nullable=False)
    model_version: Mapped[str] = mapped_column(String(50), nullable=False)
    provider: Mapped[str] = mapped_column(String(100), nullable=False)
    embedding_dimensions: Mapped[int] = mapped_column(Integer, nullable=False)
    trend_analysis_optimized: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    technology_comparison_trained: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    innovation_pattern_recognition: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    community_content_aligned: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    status: Mapped[str] = mapped_column(String(10), nullable=False, server_default="building")
    artifact_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at()
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContentEmbedding(Base):
    """A content item's vector under one model, so two models can coexist while content is re-embedded.

    The column has no fixed dimension; each model gets its own partial HNSW index over
    ``embedding::vector(<dims>)``, which also rejects vectors of the wrong size, and one more per ecosystem
    over its items' vectors (``hnsw_index_ddls``). ``ecosystem_tags`` copies the item's, for those indexes'
    predicates: triggers keep it equal to ``exploration_content.ecosystem_tags`` (migration 0008).
    """

    __tablename__ = "content_embeddings"
    __table_args__ = (Index("ix_content_embeddings_model_id", "model_id"),)

    content_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("exploration_content.content_id", ondelete="CASCADE"), primary_key=True
    )
    model_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("exploration_embedding_models.model_id", ondelete="CASCADE"),
        primary_key=True,
    )
    embedding: Mapped[Any] = mapped_column(Vector(), nullable=False)
    text_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    embedded_at: Mapped[datetime] = created_at()
    # Written by the triggers only: whatever a statement sets here is replaced by the item's own tags.
    ecosystem_tags: Mapped[list[TechEcosystem]] = mapped_column(
        ARRAY(TECH_ECOSYSTEM), nullable=False, server_default="{}"
    )


# How the HNSW graphs are built (migration 0011). pgvector's defaults (m 16, ef_construction 64) gave
# recall@10 0.94-0.965 at ef_search 200 at 100,000 items depending on the build (bench/search_bench.py),
# under the 0.95 target on some builds, and 0.69 for ecosystem queries far from that ecosystem's clusters;
# with ef_construction 200 the model's graph gives 0.97 at ef_search 100 and 0.98 at 200, an ecosystem's
# 0.99 at 200. The ecosystems' graphs had m 32 before: twice the planner's cost estimate, so filtered searches
# of a large ecosystem (40% of the items) filtered the model's graph instead of walking their own (p95 14 ms
# against 9 ms).
HNSW_OPTIONS = "m = 16, ef_construction = 200"


def hnsw_index_name(model_id: uuid.UUID, ecosystem: TechEcosystem | None = None) -> str:
    """Name of the HNSW index over one model's vectors, or over those of one ecosystem's items."""
    suffix = f"_{TechEcosystem(ecosystem).value}" if ecosystem is not None else ""
    return f"ix_content_embeddings_hnsw_{model_id.hex[:12]}{suffix}"


def hnsw_index_ddl(model_id: uuid.UUID, dimensions: int, ecosystem: TechEcosystem | None = None) -> str:
    """DDL of the HNSW cosine index over one model's vectors or, with ``ecosystem``, over the vectors of that
    ecosystem's items: an ecosystem-filtered search walks that small graph instead of filtering the big one.
    Its predicate is the filter as ``ContentFilters.vector_clause`` writes it, so PostgreSQL matches them."""
    where = f"model_id = '{model_id}'"
    if ecosystem is not None:
        where += f" AND {ecosystem_condition('ecosystem_tags', ecosystem)}"
    return (
        f"CREATE INDEX IF NOT EXISTS {hnsw_index_name(model_id, ecosystem)} ON content_embeddings "
        f"USING hnsw ((embedding::vector({int(dimensions)})) vector_cosine_ops) WITH ({HNSW_OPTIONS}) "
        f"WHERE {where}"
    )


def hnsw_index_ddls(model_id: uuid.UUID, dimensions: int) -> list[str]:
    """DDL of every HNSW index serving one model: all its vectors, then one per ecosystem."""
    ecosystems: list[TechEcosystem | None] = [None, *TechEcosystem]
    return [hnsw_index_ddl(model_id, dimensions, ecosystem) for ecosystem in ecosystems]


def ecosystem_condition(column: str, ecosystem: TechEcosystem) -> str:
    """SQL condition "``column`` (an ecosystem array) holds ``ecosystem``", the value as a constant."""
    return f"{column} @> ARRAY['{TechEcosystem(ecosystem).value}'::tech_ecosystem]"


class SectionCentroid(Base):
    """The mean vector of a content section under one model, kept by the embedding job: search scores an item
    partly by the query's similarity to its whole section."""

    __tablename__ = "section_centroids"
    __table_args__ = (CheckConstraint("items > 0", name="items_positive"),)

    model_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("exploration_embedding_models.model_id", ondelete="CASCADE"),
        primary_key=True,
    )
    section: Mapped[str] = mapped_column(Text, primary_key=True)
    embedding: Mapped[Any] = mapped_column(Vector(), nullable=False)
    items: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = updated_at()


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
