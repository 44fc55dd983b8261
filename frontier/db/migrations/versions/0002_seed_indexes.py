"""The seed's four indexes, corrected, built CONCURRENTLY outside the migration transaction.

The seed wrote ``CREATE INDEX CONCURRENTLY`` (impossible inside a transaction) and put array columns in btree
indexes (which cannot serve ``&&`` / ``@>``). Arrays get GIN indexes; the scalar columns keep a btree in the
seed's order. Built concurrently so that running this on a populated database never blocks writers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: tuple[tuple[str, str], ...] = (
    # idx_trend_content_discovery: ecosystem overlap (GIN) + trend-aligned ranking (partial btree).
    ("idx_trend_content_discovery_ecosystems", "ON exploration_content USING gin (ecosystem_tags)"),
    (
        "idx_trend_content_discovery",
        "ON exploration_content (trend_alignment DESC, innovation_potential DESC) WHERE trend_alignment >= 6",
    ),
    # idx_ecosystem_health_metrics: all scalar, kept as the seed wrote it.
    (
        "idx_ecosystem_health_metrics",
        "ON technology_trends (ecosystem_id, trend_status, momentum_score DESC, learning_priority_score DESC)",
    ),
    # idx_community_impact_analysis: technology_focus is an array.
    ("idx_community_impact_technologies", "ON community_contributions USING gin (technology_focus)"),
    (
        "idx_community_impact_analysis",
        "ON community_contributions (contribution_type, community_rating DESC, views_or_downloads DESC)",
    ),
    # idx_innovation_success_analysis: technologies_chosen is an array.
    (
        "idx_innovation_success_technologies",
        "ON user_innovation_projects USING gin (technologies_chosen) "
        "WHERE innovation_stage IN ('showcase', 'open_source')",
    ),
    (
        "idx_innovation_success_analysis",
        "ON user_innovation_projects (innovation_stage, innovation_impact_rating DESC) "
        "WHERE innovation_stage IN ('showcase', 'open_source')",
    ),
)


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, definition in INDEXES:
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {definition}")


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, _ in reversed(INDEXES):
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
