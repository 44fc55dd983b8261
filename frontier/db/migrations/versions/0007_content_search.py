"""Full-text search over learning content: a weighted tsvector kept by PostgreSQL, and its GIN index.

Weights: section A (it names the subject: "Python > Django"), title B, technology keywords C, description D.
``content_keywords_text`` joins the keywords for ``to_tsvector``: ``array_to_string`` is only STABLE (arrays
of any type go through their output functions), which a generated column refuses; for ``text[]`` the result
never changes, so the wrapper is declared IMMUTABLE.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(section, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, title), 'B') || "
    "setweight(to_tsvector('english'::regconfig, content_keywords_text(technology_keywords)), 'C') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'D')"
)


def upgrade() -> None:
    op.execute(
        "CREATE FUNCTION content_keywords_text(keywords text[]) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(array_to_string(keywords, ' '), '') $$"
    )
    op.add_column(
        "exploration_content",
        sa.Column(
            "search_document",
            postgresql.TSVECTOR(),
            sa.Computed(SEARCH_DOCUMENT, persisted=True),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_exploration_content_search_document",
        "exploration_content",
        ["search_document"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_exploration_content_search_document", table_name="exploration_content")
    op.drop_column("exploration_content", "search_document")
    op.execute("DROP FUNCTION content_keywords_text(text[])")
