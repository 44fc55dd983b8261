"""Open-source tables: tracked projects (a shared catalogue) and each person's contributions to them."""

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
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    EXPLORATION_DEPTH,
    TECH_ECOSYSTEM,
    Base,
    ExplorationDepth,
    TechEcosystem,
    created_at,
    non_negative,
    one_of,
    rating_1_5,
    scale_1_10,
    uuid_pk,
)

CONTRIBUTION_TYPES = (
    "code",
    "documentation",
    "issue_reporting",
    "design",
    "translation",
    "review",
    "testing",
)


def _counter() -> Mapped[int]:
    """A seed ``INTEGER DEFAULT 0`` counter, made NOT NULL."""
    return mapped_column(Integer, nullable=False, server_default=text("0"))


class OpenSourceProject(Base):
    """A public repository with its activity, community health and learning value."""

    __tablename__ = "open_source_projects"
    __table_args__ = (
        *scale_1_10(
            "contribution_friendly_score",
            "commit_frequency_score",
            "documentation_quality_score",
            "learning_value_rating",
            "innovation_potential",
            "career_relevance_score",
            "trend_alignment_score",
            "future_potential_rating",
            "data_freshness_score",
        ),
        *non_negative(
            "stars_count",
            "forks_count",
            "contributors_count",
            "issue_response_time_hours",
            "pr_review_time_hours",
            "beginner_friendly_issues_count",
        ),
    )

    project_id: Mapped[uuid.UUID] = uuid_pk()
    repository_url: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    repository_name: Mapped[str] = mapped_column(String(200), nullable=False)
    owner_username: Mapped[str | None] = mapped_column(String(100))
    primary_language: Mapped[str | None] = mapped_column(String(50))
    # The project's primary technology in the catalogue; the rest of its stack stays in technology_stack.
    technology_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("technologies.id", ondelete="SET NULL"), index=True
    )

    technology_stack: Mapped[list[Any] | None] = mapped_column(JSONB)
    project_category: Mapped[TechEcosystem | None] = mapped_column(TECH_ECOSYSTEM)
    difficulty_level: Mapped[ExplorationDepth | None] = mapped_column(EXPLORATION_DEPTH)
    contribution_friendly_score: Mapped[int | None] = mapped_column(Integer)

    stars_count: Mapped[int] = _counter()
    forks_count: Mapped[int] = _counter()
    contributors_count: Mapped[int] = _counter()
    commit_frequency_score: Mapped[int | None] = mapped_column(Integer)

    issue_response_time_hours: Mapped[int | None] = mapped_column(Integer)
    pr_review_time_hours: Mapped[int | None] = mapped_column(Integer)
    documentation_quality_score: Mapped[int | None] = mapped_column(Integer)
    beginner_friendly_issues_count: Mapped[int] = _counter()

    learning_value_rating: Mapped[int | None] = mapped_column(Integer)
    innovation_potential: Mapped[int | None] = mapped_column(Integer)
    career_relevance_score: Mapped[int | None] = mapped_column(Integer)

    trend_alignment_score: Mapped[int | None] = mapped_column(Integer)
    future_potential_rating: Mapped[int | None] = mapped_column(Integer)

    # When the repository data was last refreshed from its source (set by sync, not on every ORM update).
    last_updated: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    data_freshness_score: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime] = created_at()


class OpenSourceContribution(Base):
    """One pull request, issue, review or other contribution a person made to a tracked project."""

    __tablename__ = "user_open_source_contributions"
    __table_args__ = (
        one_of("contribution_type", CONTRIBUTION_TYPES),
        *scale_1_10("complexity_score"),
        *rating_1_5("community_feedback_score"),
        *non_negative("lines_of_code_added", "lines_of_code_removed", "files_changed", "effort_hours"),
        CheckConstraint("completed_at >= started_at", name="completed_after_started"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    contribution_id: Mapped[uuid.UUID] = uuid_pk()
    project_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey(
            "open_source_projects.project_id",
            ondelete="CASCADE",
            name="fk_user_open_source_contributions_project",
        ),
        nullable=False,
        index=True,
    )

    contribution_type: Mapped[str | None] = mapped_column(String(50))
    pull_request_url: Mapped[str | None] = mapped_column(Text)
    issue_url: Mapped[str | None] = mapped_column(Text)
    commit_hash: Mapped[str | None] = mapped_column(String(100))

    lines_of_code_added: Mapped[int] = _counter()
    lines_of_code_removed: Mapped[int] = _counter()
    files_changed: Mapped[int] = _counter()
    complexity_score: Mapped[int | None] = mapped_column(Integer)

    merged_successfully: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    community_feedback_score: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    maintainer_recognition: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    impact_on_project: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    skills_developed: Mapped[list[Any] | None] = mapped_column(JSONB)
    technologies_learned: Mapped[list[Any] | None] = mapped_column(JSONB)
    collaboration_experience: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    effort_hours: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime] = created_at()
