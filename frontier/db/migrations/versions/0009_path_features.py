"""Exploration path classes: each item's scoring class, and how many items share each class, kept by triggers.

An item's path score depends on the person only through its class: its main technology (whose momentum is
the same for everyone), the length of its first unit, its learning mode, its depth and its ecosystems. So a
path request ranks the few hundred classes (``path_classes``) instead of every item, and reads the items of
the classes it needs through ``ix_path_item_classes_class`` (``frontier.discovery.paths.repository``).

``path_item_classes`` (one row per item that has a first unit) is derived, never written by the application:
statement-level triggers on ``exploration_content`` (insert, update) and ``exploration_units`` (insert,
update, delete of a first unit) recompute the rows of the items a statement touched, and a deleted item's row
goes with it (foreign key). Triggers on ``path_item_classes`` then add and subtract the changed rows in
``path_classes``, so a class's ``items`` is always the count of its rows. Momentum is not copied anywhere:
the path query joins ``technology_trends`` for the classes it ranks, so trend computations need no sync.
Sentinels keep every key column NOT NULL (an index serves equality on them): the nil UUID for "no
technology", '' for "no learning mode", and the depth's rank with a missing depth counted as 'moderate' (1), as
the score counts it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLASS_COLUMNS = ("technology_key", "first_minutes", "exploration_mode", "depth_rank", "ecosystem_tags")
_KEY = ", ".join(CLASS_COLUMNS)
_STORED = ("unit_id", *CLASS_COLUMNS)
_SAME_KEY = " AND ".join(f"k.{c} = r.{c}" for c in CLASS_COLUMNS)

REFRESH = f"""
CREATE FUNCTION path_item_classes_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM path_item_classes p
    WHERE p.content_id = ANY(ids)
      AND NOT EXISTS (SELECT 1 FROM exploration_units u WHERE u.content_id = p.content_id AND u.position = 1);
    INSERT INTO path_item_classes AS p (content_id, unit_id, {_KEY})
    SELECT c.content_id, u.unit_id, coalesce(c.technology_ids[1], '00000000-0000-0000-0000-000000000000'),
           u.estimated_minutes, coalesce(c.exploration_mode::text, ''),
           coalesce(CASE c.depth WHEN 'surface' THEN 0 WHEN 'moderate' THEN 1 WHEN 'deep' THEN 2
                                 WHEN 'expert' THEN 3 END, 1),
           c.ecosystem_tags
    FROM exploration_content c JOIN exploration_units u ON u.content_id = c.content_id AND u.position = 1
    WHERE c.content_id = ANY(ids)
    ON CONFLICT (content_id) DO UPDATE SET (unit_id, {_KEY}) = ROW({", ".join(f"excluded.{c}" for c in _STORED)})
    WHERE ({", ".join(f"p.{c}" for c in _STORED)}) IS DISTINCT FROM ({", ".join(f"excluded.{c}" for c in _STORED)});
$$
"""
# ``changed`` is the statement's transition table; a unit statement matters only through first units.
FROM_CONTENT = """
CREATE FUNCTION path_item_classes_from_content() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM path_item_classes_refresh(ARRAY(SELECT content_id FROM changed));
    RETURN NULL;
END $$
"""
FROM_UNITS = """
CREATE FUNCTION path_item_classes_from_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM path_item_classes_refresh(ARRAY(SELECT DISTINCT content_id FROM changed WHERE position = 1));
    RETURN NULL;
END $$
"""
# ``removed`` / ``added``: the old and new rows of the statement (only those its operation has).
COUNT = f"""
CREATE FUNCTION path_classes_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE path_classes k SET items = k.items - r.items
        FROM (SELECT {_KEY}, count(*) AS items FROM removed GROUP BY {_KEY}) r
        WHERE {_SAME_KEY};
        DELETE FROM path_classes WHERE items = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO path_classes AS k ({_KEY}, items)
        SELECT {_KEY}, count(*) FROM added GROUP BY {_KEY}
        ON CONFLICT ({_KEY}) DO UPDATE SET items = k.items + excluded.items;
    END IF;
    RETURN NULL;
END $$
"""
TRIGGERS = (
    ("exploration_content", "INSERT", "NEW TABLE AS changed", "path_item_classes_from_content"),
    ("exploration_content", "UPDATE", "NEW TABLE AS changed", "path_item_classes_from_content"),
    ("exploration_units", "INSERT", "NEW TABLE AS changed", "path_item_classes_from_units"),
    ("exploration_units", "UPDATE", "NEW TABLE AS changed", "path_item_classes_from_units"),
    ("exploration_units", "DELETE", "OLD TABLE AS changed", "path_item_classes_from_units"),
    ("path_item_classes", "INSERT", "NEW TABLE AS added", "path_classes_count"),
    ("path_item_classes", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added", "path_classes_count"),
    ("path_item_classes", "DELETE", "OLD TABLE AS removed", "path_classes_count"),
)
FUNCTIONS = (
    "path_classes_count()",
    "path_item_classes_from_units()",
    "path_item_classes_from_content()",
    "path_item_classes_refresh(uuid[])",
)


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_path_classes_{event.lower()}"


def _class_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("technology_key", sa.UUID(), nullable=False),
        sa.Column("first_minutes", sa.Integer(), nullable=False),
        sa.Column("exploration_mode", sa.Text(), nullable=False),
        sa.Column("depth_rank", sa.SmallInteger(), nullable=False),
        sa.Column(
            "ecosystem_tags",
            postgresql.ARRAY(postgresql.ENUM(name="tech_ecosystem", create_type=False)),
            nullable=False,
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "path_item_classes",
        sa.Column("content_id", sa.UUID(), nullable=False),
        sa.Column("unit_id", sa.UUID(), nullable=False),
        *_class_columns(),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["exploration_content.content_id"],
            name=op.f("fk_path_item_classes_content_id_exploration_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("content_id", name=op.f("pk_path_item_classes")),
    )
    op.create_index(
        "ix_path_item_classes_class",
        "path_item_classes",
        [*CLASS_COLUMNS, "content_id"],
        postgresql_include=["unit_id"],
    )
    op.create_table(
        "path_classes",
        *_class_columns(),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.CheckConstraint("items >= 0", name=op.f("ck_path_classes_items_non_negative")),
        sa.PrimaryKeyConstraint(*CLASS_COLUMNS, name=op.f("pk_path_classes")),
    )
    for function in (REFRESH, FROM_CONTENT, FROM_UNITS, COUNT):
        op.execute(function)
    for table, event, referencing, function in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    op.execute("SELECT path_item_classes_refresh(ARRAY(SELECT content_id FROM exploration_content))")


def downgrade() -> None:
    for table, event, _, _ in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER {_trigger_name(table, event)} ON {table}")
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    op.drop_table("path_classes")
    op.drop_index("ix_path_item_classes_class", table_name="path_item_classes")
    op.drop_table("path_item_classes")
