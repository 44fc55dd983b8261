"""Community tables: what people publish for others and how it was received.

The seed never defines ``community_contributions``; its impact view and leadership score read the columns
kept here under the seed's names.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ARRAY, Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import Base, non_negative, one_of, scale_1_10, updated_at, uuid_pk

CONTRIBUTION_TYPES = (
    "article",
    "tutorial",
    "talk",
    "video",
    "podcast",
    "library",
    "tool",
    "answer",
    "project",
    "dataset",
    "other",
)
VISIBILITIES = ("public", "private")

# Reach and impact counters the impact view sums; always present so SUM never meets NULL.
_COUNTERS = (
    "views_or_downloads",
    "likes_or_stars",
    "comments_or_feedback",
    "helped_users_count",
    "spawned_discussions_count",
    "follow_up_contributions_count",
    "job_opportunities_generated",
)


def _counter() -> Mapped[int]:
    """``integer NOT NULL DEFAULT 0`` (kept non-negative by a CHECK)."""
    return mapped_column(Integer, nullable=False, server_default=text("0"))


class CommunityContribution(Base):
    """One article, talk, library, answer... a person shared, with its reach, reception and effort."""

    __tablename__ = "community_contributions"
    __table_args__ = (
        one_of("contribution_type", CONTRIBUTION_TYPES),
        one_of("visibility", VISIBILITIES),
        *scale_1_10("community_rating", "originality_rating"),
        *non_negative(*_COUNTERS, "time_invested_hours"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    contribution_id: Mapped[uuid.UUID] = uuid_pk()
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), nullable=False, server_default="public")
    contribution_type: Mapped[str] = mapped_column(String(50), nullable=False)

    views_or_downloads: Mapped[int] = _counter()
    likes_or_stars: Mapped[int] = _counter()
    comments_or_feedback: Mapped[int] = _counter()
    community_rating: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    originality_rating: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    featured_or_highlighted: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )

    helped_users_count: Mapped[int] = _counter()
    spawned_discussions_count: Mapped[int] = _counter()
    follow_up_contributions_count: Mapped[int] = _counter()

    # Ids from ``technologies``, never names: a renamed technology keeps its contributions.
    technology_focus: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")
    )
    created_date: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    time_invested_hours: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    conference_acceptance: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    job_opportunities_generated: Mapped[int] = _counter()
    updated_at: Mapped[datetime] = updated_at()
