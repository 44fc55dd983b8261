"""Alembic environment: runs on the connection that ``frontier.db.migrate`` hands over."""

from __future__ import annotations

from alembic import context

from frontier.db.registry import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata(),
    transaction_per_migration=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
