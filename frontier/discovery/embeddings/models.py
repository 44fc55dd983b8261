"""Embedding tables: models, stored content vectors (one partial HNSW index per model and ecosystem),
section centroids."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    TECH_ECOSYSTEM,
    Base,
    TechEcosystem,
    created_at,
    one_of,
    updated_at,
    uuid_pk,
)

MODEL_STATUSES = ("building", "active", "retired")


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
