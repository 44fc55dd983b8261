"""Ingestion runs an operator can stop and resume: each run records the process that runs it (so a run whose
process died is recognised at once, not after hours) and its import report; each source records the day up
to which every one of its items is complete (``synced_until``), which only a full, successful run moves, so a
partial run's failed items are fetched again from the same day by the next run.

``synced_until`` starts at the day of the last successful fetch, the window start the runs used until now.

Revision ID: 0012_ingest_runs
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_ingest_runs"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("data_sync_runs", sa.Column("worker_host", sa.String(255)))
    op.add_column("data_sync_runs", sa.Column("worker_pid", sa.Integer()))
    op.add_column("data_sync_runs", sa.Column("report", postgresql.JSONB()))
    op.add_column("external_data_sources", sa.Column("synced_until", sa.Date()))
    op.execute(
        "UPDATE external_data_sources SET synced_until = (last_successful_fetch AT TIME ZONE 'UTC')::date "
        "WHERE last_successful_fetch IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("external_data_sources", "synced_until")
    op.drop_column("data_sync_runs", "report")
    op.drop_column("data_sync_runs", "worker_pid")
    op.drop_column("data_sync_runs", "worker_host")
