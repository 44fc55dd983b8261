"""Alembic environment: runs on the connection that ``frontier.db.migrate`` hands over."""

from __future__ import annotations

from alembic import context

from frontier.db.base import Base

connection = context.config.attributes["connection"]

# Objects made outside the models: procrastinate's queue, the seed indexes built concurrently (0002), the
# materialized view's index and per-model HNSW indexes. Autogenerate must not propose dropping them.
UNMODELLED_PREFIXES = ("procrastinate", "idx_", "uq_mv_", "ix_content_embeddings_hnsw_")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (reflected and compare_to is None and (name or "").startswith(UNMODELLED_PREFIXES))


context.configure(
    connection=connection,
    # every table, once frontier.app has been imported (the CLI and the tests do; so must an autogenerate run)
    target_metadata=Base.metadata,
    transaction_per_migration=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
