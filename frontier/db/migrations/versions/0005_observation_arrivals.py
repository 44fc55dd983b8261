"""A BRIN index on observations.collected_at: incremental trend computations find what arrived since.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_observations_collected_at", "observations", ["collected_at"], postgresql_using="brin")


def downgrade() -> None:
    op.drop_index("ix_observations_collected_at", table_name="observations")
