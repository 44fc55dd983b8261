"""Catalogue tables: technologies and the other names they go by."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    TECH_ECOSYSTEM,
    Base,
    TechEcosystem,
    created_at,
    updated_at,
    uuid_pk,
)


class Technology(Base):
    """The one identity of a technology: slug, display name, ecosystem and its keys in each source."""

    __tablename__ = "technologies"
    __table_args__ = (
        CheckConstraint(r"slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name="slug_format"),
        # Targets of the composite foreign keys that keep the seed's denormalised name columns in step.
        UniqueConstraint("id", "slug", name="uq_technologies_id_slug"),
        UniqueConstraint("id", "name", "ecosystem", name="uq_technologies_id_name_ecosystem"),
        Index(
            "ix_technologies_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    slug: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    ecosystem: Mapped[TechEcosystem] = mapped_column(TECH_ECOSYSTEM, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    github_language: Mapped[str | None] = mapped_column(String(100))
    github_topics: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    github_repositories: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    stackoverflow_tag: Mapped[str | None] = mapped_column(String(100))
    pypi_packages: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    npm_packages: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    search_terms: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class TechnologyAlias(Base):
    """A spelling a source uses for a technology (``CPP``, ``C++``, ``cpp``), lower-cased and unique."""

    __tablename__ = "technology_aliases"
    __table_args__ = (
        CheckConstraint("alias = lower(btrim(alias)) AND alias <> ''", name="alias_normalised"),
        Index("ix_technology_aliases_technology_id", "technology_id"),
    )

    alias: Mapped[str] = mapped_column(String(200), primary_key=True)
    technology_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technologies.id", ondelete="CASCADE"), nullable=False
    )
    source: Mapped[str | None] = mapped_column(String(32))
