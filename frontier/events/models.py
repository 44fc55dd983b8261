"""Events tables: technology conferences (a shared catalogue) and each person's participation."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
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
    updated_at,
    uuid_pk,
)

EVENT_TYPES = ("conference", "workshop", "meetup", "webinar", "hackathon")
PARTICIPATION_TYPES = ("attendee", "speaker", "organizer", "sponsor", "volunteer")


class ConferenceEvent(Base):
    """A conference, workshop, meetup, webinar or hackathon, with its focus, quality and opportunities."""

    __tablename__ = "tech_conferences_events"
    __table_args__ = (
        # Natural key: re-importing the same event updates it instead of duplicating it.
        UniqueConstraint("event_name", "start_date"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        one_of("event_type", EVENT_TYPES),
        *scale_1_10("relevance_to_trends", "networking_potential", "career_impact_potential"),
        *rating_1_5("speaker_quality_rating", "community_rating"),
        *non_negative("expected_attendees"),
    )

    event_id: Mapped[uuid.UUID] = uuid_pk()
    event_name: Mapped[str] = mapped_column(String(300), nullable=False)
    event_type: Mapped[str | None] = mapped_column(String(50))
    organizer: Mapped[str | None] = mapped_column(String(200))

    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    location: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    timezone: Mapped[str | None] = mapped_column(String(50))
    online: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))

    technology_focus: Mapped[list[TechEcosystem] | None] = mapped_column(ARRAY(TECH_ECOSYSTEM))
    skill_levels: Mapped[list[ExplorationDepth] | None] = mapped_column(ARRAY(EXPLORATION_DEPTH))
    session_topics: Mapped[list[Any] | None] = mapped_column(JSONB)

    relevance_to_trends: Mapped[int | None] = mapped_column(Integer)
    speaker_quality_rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    community_rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    expected_attendees: Mapped[int | None] = mapped_column(Integer)

    call_for_papers_deadline: Mapped[date | None] = mapped_column(Date)
    presentation_opportunities: Mapped[list[Any] | None] = mapped_column(JSONB)
    networking_potential: Mapped[int | None] = mapped_column(Integer)
    career_impact_potential: Mapped[int | None] = mapped_column(Integer)

    website_url: Mapped[str | None] = mapped_column(Text)
    registration_url: Mapped[str | None] = mapped_column(Text)
    cost_information: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    scholarship_availability: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )

    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class ConferenceParticipation(Base):
    """A person's part in one event (attending, speaking, organising...) and what came of it."""

    __tablename__ = "user_conference_participation"
    __table_args__ = (
        UniqueConstraint(
            "user_id",
            "event_id",
            "participation_type",
            name="uq_user_conference_participation_user_event_type",
        ),
        one_of("participation_type", PARTICIPATION_TYPES),
        *scale_1_10("inspiration_gained"),
        *rating_1_5("presentation_rating"),
        *non_negative("connections_made", "preparation_time_hours"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    participation_id: Mapped[uuid.UUID] = uuid_pk()
    event_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey(
            "tech_conferences_events.event_id",
            ondelete="CASCADE",
            name="fk_user_conference_participation_event",
        ),
        nullable=False,
        index=True,
    )

    # NOT NULL so the (user, event, type) uniqueness holds: NULLs would never collide.
    participation_type: Mapped[str] = mapped_column(String(50), nullable=False, server_default="attendee")
    presentation_title: Mapped[str | None] = mapped_column(String(300))
    presentation_abstract: Mapped[str | None] = mapped_column(Text)

    connections_made: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    learning_outcomes: Mapped[list[Any] | None] = mapped_column(JSONB)
    inspiration_gained: Mapped[int | None] = mapped_column(Integer)
    follow_up_projects: Mapped[list[Any] | None] = mapped_column(JSONB)

    presentation_rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    audience_feedback: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    media_coverage: Mapped[list[Any] | None] = mapped_column(JSONB)
    social_media_impact: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    preparation_time_hours: Mapped[int | None] = mapped_column(Integer)
    materials_created: Mapped[list[Any] | None] = mapped_column(JSONB)
    collaboration_partners: Mapped[list[Any] | None] = mapped_column(JSONB)

    created_at: Mapped[datetime] = created_at()
