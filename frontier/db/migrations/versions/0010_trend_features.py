"""Monthly signal rollups kept as observations arrive: trend computations read a series, not its raw rows.

``signal_months`` holds, per technology, source, metric and month, the month's total (flows such as downloads
add up) and its last value (levels such as stars keep the latest). Statement-level triggers on
``observations`` (transition tables, so a bulk insert is one set-based statement, not a row loop) recompute
exactly the months the statement touched, from every observation of that month, daily and monthly rows
alike; a month whose observations are all deleted loses its row. The backfill does the same for every
observation already stored. A series' months sit together in the primary key, so an incremental
computation reads a changed technology's 24 months from a handful of index pages instead of probing 24
partitions of observations.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The months touched by the rows in {rows}, recomputed from observations. Ties within a month's last value
# (a daily and a monthly row on the same first day) go to the daily row, so the choice is reproducible.
_REFRESH = """
WITH touched AS (
    SELECT DISTINCT technology_id, source, metric, date_trunc('month', period_start)::date AS month
    FROM {rows}
),
rolled AS (  -- a join, not a lateral probe per month: the planner picks index probes or one scan by size
    SELECT t.technology_id, t.source, t.metric, t.month, sum(o.value) AS total,
           (array_agg(o.value ORDER BY o.period_start DESC, o.granularity))[1] AS last, count(o.value) AS n
    FROM touched t
    LEFT JOIN observations o
      ON o.technology_id = t.technology_id AND o.source = t.source AND o.metric = t.metric
     AND o.period_start >= t.month AND o.period_start < (t.month + interval '1 month')::date
    GROUP BY t.technology_id, t.source, t.metric, t.month
),
emptied AS (
    DELETE FROM signal_months s USING rolled r
    WHERE r.n = 0 AND s.technology_id = r.technology_id AND s.source = r.source AND s.metric = r.metric
      AND s.month = r.month
)
INSERT INTO signal_months AS s (technology_id, source, metric, month, total, last)
SELECT technology_id, source, metric, month, total, last FROM rolled WHERE n > 0
ON CONFLICT (technology_id, source, metric, month) DO UPDATE
SET total = EXCLUDED.total, last = EXCLUDED.last
WHERE (s.total, s.last) IS DISTINCT FROM (EXCLUDED.total, EXCLUDED.last)
"""

_TRIGGER_FUNCTION = f"""
CREATE FUNCTION signal_months_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_REFRESH.format(rows="inserted_rows")};
    ELSIF TG_OP = 'UPDATE' THEN
        {_REFRESH.format(rows="(SELECT * FROM updated_old UNION ALL SELECT * FROM updated_new) changed")};
    ELSE
        {_REFRESH.format(rows="deleted_rows")};
    END IF;
    RETURN NULL;
END
$$
"""

_BACKFILL = """
INSERT INTO signal_months (technology_id, source, metric, month, total, last)
SELECT technology_id, source, metric, date_trunc('month', period_start)::date,
       sum(value), (array_agg(value ORDER BY period_start DESC, granularity))[1]
FROM observations
GROUP BY technology_id, source, metric, date_trunc('month', period_start)
"""


def upgrade() -> None:
    op.create_table(
        "signal_months",
        sa.Column("technology_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("metric", sa.String(length=48), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("last", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "month = date_trunc('month', month)::date", name=op.f("ck_signal_months_month_starts_on_first")
        ),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["technologies.id"],
            name=op.f("fk_signal_months_technology_id_technologies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technology_id", "source", "metric", "month", name=op.f("pk_signal_months")),
    )
    op.execute(_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER observations_signal_months_insert AFTER INSERT ON observations "
        "REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_months_refresh()"
    )
    op.execute(
        "CREATE TRIGGER observations_signal_months_update AFTER UPDATE ON observations "
        "REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new "
        "FOR EACH STATEMENT EXECUTE FUNCTION signal_months_refresh()"
    )
    op.execute(
        "CREATE TRIGGER observations_signal_months_delete AFTER DELETE ON observations "
        "REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_months_refresh()"
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS observations_signal_months_{event} ON observations")
    op.execute("DROP FUNCTION IF EXISTS signal_months_refresh()")
    op.drop_table("signal_months")
