"""Ecosystem-filtered vector search: each vector row carries its item's ecosystems, and every embedding model
gets one partial HNSW index per ecosystem, so a filtered search walks that ecosystem's small graph instead of
filtering the whole model's (at 100,000 items an ecosystem of 7% made the filtered scan read its whole tuple
budget and then search exactly).

``content_embeddings.ecosystem_tags`` is derived, never written by the application: a BEFORE trigger copies
the item's tags into every inserted row (and into any row whose tags a statement tries to set), and an AFTER
trigger on ``exploration_content`` rewrites them when the item's tags change. The BEFORE trigger reads the item
FOR SHARE, so a concurrent change of its tags waits for the insert's transaction and then updates the new row
too (without the lock, each would miss the other's uncommitted row).

The existing vectors are backfilled in this migration's transaction (each changed row is a new version, so
this costs about as much as re-inserting them into the model's HNSW index); the ecosystem indexes are then
built CONCURRENTLY, outside it, for every model that is not retired (``ensure_index`` builds them for models
made later). Downgrade drops the column, which drops those indexes with it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPY_TAGS = """
CREATE FUNCTION content_embeddings_copy_ecosystem_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- an unknown item gets '{}' here and is then refused by the foreign key, with the usual message
    NEW.ecosystem_tags := coalesce(
        (SELECT c.ecosystem_tags FROM exploration_content c WHERE c.content_id = NEW.content_id FOR SHARE),
        '{}');
    RETURN NEW;
END $$
"""
PROPAGATE_TAGS = """
CREATE FUNCTION exploration_content_propagate_ecosystem_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_embeddings SET ecosystem_tags = NEW.ecosystem_tags WHERE content_id = NEW.content_id;
    RETURN NULL;
END $$
"""
TRIGGERS = (
    "CREATE TRIGGER content_embeddings_ecosystem_tags BEFORE INSERT OR UPDATE OF content_id, ecosystem_tags "
    "ON content_embeddings FOR EACH ROW EXECUTE FUNCTION content_embeddings_copy_ecosystem_tags()",
    "CREATE TRIGGER exploration_content_ecosystem_tags AFTER UPDATE OF ecosystem_tags ON exploration_content "
    "FOR EACH ROW WHEN (OLD.ecosystem_tags IS DISTINCT FROM NEW.ecosystem_tags) "
    "EXECUTE FUNCTION exploration_content_propagate_ecosystem_tags()",
)
BACKFILL = """
UPDATE content_embeddings e SET ecosystem_tags = c.ecosystem_tags
FROM exploration_content c WHERE c.content_id = e.content_id AND c.ecosystem_tags <> '{}'
"""
# One row per (serving or building model, ecosystem): the index's name and DDL, as hnsw_index_ddl writes them.
ECOSYSTEM_INDEXES = """
SELECT format('ix_content_embeddings_hnsw_%s_%s', left(replace(m.model_id::text, '-', ''), 12), eco),
       format('USING hnsw ((embedding::vector(%s)) vector_cosine_ops) WITH (m = 32, ef_construction = 200) '
              'WHERE model_id = %L AND ecosystem_tags @> ARRAY[%L::tech_ecosystem]',
              m.embedding_dimensions, m.model_id, eco)
FROM exploration_embedding_models m CROSS JOIN unnest(enum_range(NULL::tech_ecosystem)::text[]) AS eco
WHERE m.status <> 'retired'
ORDER BY m.model_id, eco
"""


def upgrade() -> None:
    op.add_column(
        "content_embeddings",
        sa.Column(
            "ecosystem_tags",
            sa.ARRAY(postgresql.ENUM(name="tech_ecosystem", create_type=False)),
            server_default="{}",
            nullable=False,
        ),
    )
    op.execute(COPY_TAGS)
    op.execute(PROPAGATE_TAGS)
    for trigger in TRIGGERS:  # before the backfill: from here on no change of tags is missed
        op.execute(trigger)
    op.execute(BACKFILL)
    indexes = op.get_bind().execute(sa.text(ECOSYSTEM_INDEXES)).all()
    with op.get_context().autocommit_block():
        for name, definition in indexes:
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON content_embeddings {definition}")


def downgrade() -> None:
    op.execute("DROP TRIGGER exploration_content_ecosystem_tags ON exploration_content")
    op.execute("DROP TRIGGER content_embeddings_ecosystem_tags ON content_embeddings")
    op.execute("DROP FUNCTION exploration_content_propagate_ecosystem_tags()")
    op.execute("DROP FUNCTION content_embeddings_copy_ecosystem_tags()")
    op.drop_column("content_embeddings", "ecosystem_tags")  # and the ecosystem HNSW indexes on it
