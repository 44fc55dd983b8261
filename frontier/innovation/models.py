"""Innovation tables: detected opportunities (a shared catalogue) and each person's innovation projects."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import (
    EXPLORATION_DEPTH,
    INNOVATION_STAGE,
    Base,
    ExplorationDepth,
    InnovationStage,
    created_at,
    non_negative,
    one_of,
    scale_1_10,
    unit_interval,
    updated_at,
    uuid_pk,
)

MARKET_OPPORTUNITY_SIZES = ("niche", "moderate", "large", "massive")
VALIDATION_STATUSES = ("pending", "validated", "rejected")


class InnovationOpportunity(Base):
    """A technology combination worth building on, with its feasibility, uniqueness and market size."""

    __tablename__ = "innovation_opportunities"
    __table_args__ = (
        *scale_1_10(
            "technical_feasibility_score", "innovation_uniqueness_score", "community_interest_prediction"
        ),
        *unit_interval("confidence_score"),
        one_of("market_opportunity_size", MARKET_OPPORTUNITY_SIZES),
        one_of("validation_status", VALIDATION_STATUSES),
        CheckConstraint("estimated_timeline_weeks > 0", name="estimated_timeline_weeks_positive"),
        *non_negative("projects_spawned"),
        CheckConstraint("expires_at > created_at", name="expires_after_created"),
        # The seed's predict_project_success() broke on a non-array here; only arrays are accepted.
        CheckConstraint("jsonb_typeof(primary_technologies) = 'array'", name="primary_technologies_array"),
        CheckConstraint(
            "jsonb_typeof(secondary_technologies) = 'array'", name="secondary_technologies_array"
        ),
    )

    opportunity_id: Mapped[uuid.UUID] = uuid_pk()
    opportunity_title: Mapped[str] = mapped_column(String(300), nullable=False)
    opportunity_description: Mapped[str | None] = mapped_column(Text)
    detected_via: Mapped[str | None] = mapped_column(String(100))

    # JSON arrays of technology ids (as strings), never names.
    primary_technologies: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    secondary_technologies: Mapped[list[str] | None] = mapped_column(JSONB)
    novel_combinations: Mapped[list[Any] | None] = mapped_column(JSONB)

    market_opportunity_size: Mapped[str | None] = mapped_column(String(20))
    technical_feasibility_score: Mapped[int | None] = mapped_column(Integer)
    innovation_uniqueness_score: Mapped[int | None] = mapped_column(Integer)
    community_interest_prediction: Mapped[int | None] = mapped_column(Integer)

    estimated_complexity: Mapped[ExplorationDepth | None] = mapped_column(EXPLORATION_DEPTH)
    estimated_timeline_weeks: Mapped[int | None] = mapped_column(Integer)
    required_expertise_areas: Mapped[list[Any] | None] = mapped_column(JSONB)
    collaboration_potential: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )

    confidence_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    generated_by_model: Mapped[str | None] = mapped_column(String(100))
    validation_status: Mapped[str] = mapped_column(String(20), nullable=False, server_default="pending")
    community_feedback: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    projects_spawned: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    success_stories: Mapped[list[Any] | None] = mapped_column(JSONB)

    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=text("now() + interval '90 days'")
    )


class UserInnovationProject(Base):
    """Something a person is building, from idea to showcase, and the technologies it uses."""

    __tablename__ = "user_innovation_projects"
    __table_args__ = (*scale_1_10("innovation_impact_rating"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[uuid.UUID] = uuid_pk()
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    innovation_stage: Mapped[InnovationStage] = mapped_column(
        INNOVATION_STAGE, nullable=False, server_default=InnovationStage.idea.value
    )
    # Ids from ``technologies``, never names.
    technologies_chosen: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")
    )
    complexity: Mapped[ExplorationDepth | None] = mapped_column(EXPLORATION_DEPTH)
    innovation_impact_rating: Mapped[int | None] = mapped_column(Integer)
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey(
            "innovation_opportunities.opportunity_id",
            ondelete="SET NULL",
            name="fk_user_innovation_projects_opportunity",
        ),
        index=True,
    )
    repository_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
