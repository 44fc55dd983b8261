"""Exploration tables for frontier fields: quantum computing, immersive (VR/AR) learning, sustainable tech."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from frontier.db.base import Base, created_at, non_negative, one_of, scale_1_10, uuid_pk

PLATFORM_TYPES = ("vr", "ar", "mixed_reality")


def _flag(default: bool) -> Mapped[bool]:
    """A seed ``BOOLEAN DEFAULT ...`` flag, made NOT NULL."""
    return mapped_column(Boolean, nullable=False, server_default=text("true" if default else "false"))


class QuantumExploration(Base):
    """A person's hands-on look at a quantum platform or algorithm and what they understood."""

    __tablename__ = "quantum_computing_explorations"
    __table_args__ = (
        CheckConstraint("circuit_complexity >= 1", name="circuit_complexity_positive"),
        *scale_1_10("quantum_advantage_comprehension", "real_world_relevance", "quantum_career_interest"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    exploration_id: Mapped[uuid.UUID] = uuid_pk()

    # Free-form: 'qiskit', 'cirq', 'braket', ...
    quantum_platform: Mapped[str | None] = mapped_column(String(100))
    quantum_algorithm: Mapped[str | None] = mapped_column(String(200))
    circuit_complexity: Mapped[int | None] = mapped_column(Integer)  # qubits used

    quantum_concepts_learned: Mapped[list[Any] | None] = mapped_column(JSONB)
    classical_parallel_understanding: Mapped[bool] = _flag(default=False)
    quantum_advantage_comprehension: Mapped[int | None] = mapped_column(Integer)

    use_case_explored: Mapped[str | None] = mapped_column(String(200))
    real_world_relevance: Mapped[int | None] = mapped_column(Integer)
    implementation_success: Mapped[bool] = _flag(default=False)

    quantum_career_interest: Mapped[int | None] = mapped_column(Integer)
    quantum_skill_development_plan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    created_at: Mapped[datetime] = created_at()


class ImmersiveLearningSession(Base):
    """A VR, AR or mixed-reality learning session: the experience, the content and how it landed."""

    __tablename__ = "immersive_learning_sessions"
    __table_args__ = (
        one_of("platform_type", PLATFORM_TYPES),
        *scale_1_10(
            "experience_quality",
            "presence_level",
            "motion_sickness_level",
            "learning_retention_prediction",
            "technology_enthusiasm",
            "continued_use_likelihood",
        ),
        *non_negative("session_duration_minutes"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[uuid.UUID] = uuid_pk()

    platform_type: Mapped[str | None] = mapped_column(String(50))
    device_used: Mapped[str | None] = mapped_column(String(100))
    experience_quality: Mapped[int | None] = mapped_column(Integer)

    # Free-form: '3d_visualization', 'virtual_lab', 'collaborative_space', ...
    immersive_content_type: Mapped[str | None] = mapped_column(String(100))
    concepts_explored: Mapped[list[Any] | None] = mapped_column(JSONB)
    interactive_elements_used: Mapped[list[Any] | None] = mapped_column(JSONB)

    presence_level: Mapped[int | None] = mapped_column(Integer)
    motion_sickness_level: Mapped[int | None] = mapped_column(Integer)
    learning_retention_prediction: Mapped[int | None] = mapped_column(Integer)

    technology_enthusiasm: Mapped[int | None] = mapped_column(Integer)
    continued_use_likelihood: Mapped[int | None] = mapped_column(Integer)

    session_duration_minutes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at()


class SustainableTechInitiative(Base):
    """A person's work on greener technology: what it changes, by how much, and whether it is shared."""

    __tablename__ = "sustainable_tech_initiatives"
    __table_args__ = (*scale_1_10("sustainability_score", "scalability_potential"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    initiative_id: Mapped[uuid.UUID] = uuid_pk()

    # Free-form: 'energy_efficiency', 'carbon_reduction', 'green_computing', ...
    sustainability_category: Mapped[str | None] = mapped_column(String(100))
    environmental_impact_measurement: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    sustainability_score: Mapped[int | None] = mapped_column(Integer)

    technologies_used: Mapped[list[Any] | None] = mapped_column(JSONB)
    green_alternatives_explored: Mapped[list[Any] | None] = mapped_column(JSONB)
    # Estimated reduction; no sign CHECK, an initiative may turn out to increase the footprint.
    carbon_footprint_reduction: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))

    novel_approaches: Mapped[list[Any] | None] = mapped_column(JSONB)
    scalability_potential: Mapped[int | None] = mapped_column(Integer)
    real_world_application: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    open_source_components: Mapped[bool] = _flag(default=True)
    knowledge_sharing_commitment: Mapped[bool] = _flag(default=True)
    collaboration_opportunities: Mapped[list[Any] | None] = mapped_column(JSONB)

    created_at: Mapped[datetime] = created_at()
