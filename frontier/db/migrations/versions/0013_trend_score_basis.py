"""Each technology's scores say what they rest on: ``technology_trends.score_basis`` lists the signals the
last computation used and how many months of each (the API and ``trends show`` describe them: one repository's
stars, a language's top-100 list, ...).

Revision ID: 0013_trend_score_basis
Revises: 0012_ingest_runs
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_trend_score_basis"
down_revision: str | None = "0012_ingest_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("technology_trends", sa.Column("score_basis", postgresql.JSONB()))


def downgrade() -> None:
    op.drop_column("technology_trends", "score_basis")
