"""Section centroids: the mean vector of each content section per embedding model.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "section_centroids",
        sa.Column("model_id", sa.UUID(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("embedding", Vector(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("items > 0", name=op.f("ck_section_centroids_items_positive")),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["exploration_embedding_models.model_id"],
            name=op.f("fk_section_centroids_model_id_exploration_embedding_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("model_id", "section", name=op.f("pk_section_centroids")),
    )


def downgrade() -> None:
    op.drop_table("section_centroids")
