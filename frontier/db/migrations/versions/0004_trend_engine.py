"""Trend engine: sync runs, follows, notifications with a kind and a subject, stored forecasts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 21:17:47.624325
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "technology_follows",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("technology_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["technologies.id"],
            name=op.f("fk_technology_follows_technology_id_technologies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_technology_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "technology_id", name=op.f("pk_technology_follows")),
    )
    op.create_index(
        "ix_technology_follows_technology_id", "technology_follows", ["technology_id"], unique=False
    )
    op.create_table(
        "data_sync_runs",
        sa.Column("run_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("source_id", sa.UUID(), nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="running", nullable=False),
        sa.Column("records_processed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("errors", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("unmatched_names", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'success', 'partial_success', 'failed')",
            name=op.f("ck_data_sync_runs_status_allowed"),
        ),
        sa.CheckConstraint(
            "finished_at IS NULL OR finished_at >= started_at",
            name=op.f("ck_data_sync_runs_finished_after_start"),
        ),
        sa.CheckConstraint(
            "records_processed >= 0", name=op.f("ck_data_sync_runs_records_processed_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["data_sync_jobs.job_id"],
            name=op.f("fk_data_sync_runs_job_id_data_sync_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["external_data_sources.source_id"],
            name=op.f("fk_data_sync_runs_source_id_external_data_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_data_sync_runs")),
    )
    op.create_index(
        "ix_data_sync_runs_source_started", "data_sync_runs", ["source_id", "started_at"], unique=False
    )
    op.add_column(
        "trend_notifications",
        sa.Column("subject_type", sa.String(length=20), server_default="technology", nullable=False),
    )
    op.add_column("trend_notifications", sa.Column("subject_id", sa.UUID(), nullable=True))
    op.add_column("trend_notifications", sa.Column("title", sa.String(length=300), nullable=True))
    op.add_column("trend_notifications", sa.Column("dedupe_key", sa.String(length=200), nullable=True))
    # Rows written before this revision are about technologies: give them a subject, a title and a key.
    op.execute(
        "UPDATE trend_notifications SET subject_id = trend_id, title = notification_type, "
        "dedupe_key = 'legacy:' || notification_id"
    )
    for column in ("subject_id", "title", "dedupe_key"):
        op.alter_column("trend_notifications", column, nullable=False)
    op.alter_column("trend_notifications", "trend_id", existing_type=sa.UUID(), nullable=True)
    op.drop_constraint(
        op.f("ck_trend_notifications_notification_type_allowed"), "trend_notifications", type_="check"
    )
    op.create_check_constraint(
        op.f("ck_trend_notifications_notification_type_allowed"),
        "trend_notifications",
        "notification_type IN ('emerging_trend', 'momentum_spike', 'status_change', 'opportunity_alert', "
        "'cfp_deadline', 'model_drift')",
    )
    op.create_check_constraint(
        op.f("ck_trend_notifications_subject_type_allowed"),
        "trend_notifications",
        "subject_type IN ('technology', 'opportunity', 'event', 'model')",
    )
    op.create_check_constraint(
        op.f("ck_trend_notifications_technology_subject"),
        "trend_notifications",
        "subject_type <> 'technology' OR trend_id = subject_id",
    )
    op.create_index(
        "ix_trend_notifications_user_created", "trend_notifications", ["user_id", "created_at"], unique=False
    )
    op.create_unique_constraint(
        op.f("uq_trend_notifications_user_id_dedupe_key"), "trend_notifications", ["user_id", "dedupe_key"]
    )
    op.add_column(
        "trend_prediction_models",
        sa.Column("backtest_metrics", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column(
        "trend_prediction_models", sa.Column("mase", sa.Numeric(precision=8, scale=4), nullable=True)
    )
    op.add_column(
        "trend_prediction_models", sa.Column("smape", sa.Numeric(precision=8, scale=4), nullable=True)
    )
    op.add_column(
        "trend_prediction_models", sa.Column("owa", sa.Numeric(precision=8, scale=4), nullable=True)
    )
    op.add_column("trend_predictions", sa.Column("source", sa.String(length=32), nullable=True))
    op.add_column("trend_predictions", sa.Column("metric", sa.String(length=48), nullable=True))
    op.add_column("trend_predictions", sa.Column("origin_period", sa.Date(), nullable=True))
    op.add_column("trend_predictions", sa.Column("target_period", sa.Date(), nullable=True))
    op.add_column("trend_predictions", sa.Column("horizon_months", sa.Integer(), nullable=True))
    op.add_column("trend_predictions", sa.Column("predicted_value", sa.Float(), nullable=True))
    op.add_column("trend_predictions", sa.Column("lower_bound", sa.Float(), nullable=True))
    op.add_column("trend_predictions", sa.Column("upper_bound", sa.Float(), nullable=True))
    op.add_column("trend_predictions", sa.Column("interval_level", sa.Integer(), nullable=True))
    op.create_unique_constraint(
        "uq_trend_predictions_forecast",
        "trend_predictions",
        ["model_id", "trend_id", "source", "metric", "origin_period", "target_period"],
    )
    op.create_check_constraint(
        op.f("ck_trend_predictions_horizon_1_12"), "trend_predictions", "horizon_months BETWEEN 1 AND 12"
    )
    op.create_check_constraint(
        op.f("ck_trend_predictions_interval_level_range"),
        "trend_predictions",
        "interval_level BETWEEN 1 AND 99",
    )
    op.create_check_constraint(
        op.f("ck_trend_predictions_interval_order"),
        "trend_predictions",
        "lower_bound <= predicted_value AND predicted_value <= upper_bound",
    )


def downgrade() -> None:
    for name in ("interval_order", "interval_level_range", "horizon_1_12"):
        op.drop_constraint(op.f(f"ck_trend_predictions_{name}"), "trend_predictions", type_="check")
    op.drop_constraint("uq_trend_predictions_forecast", "trend_predictions", type_="unique")
    op.drop_column("trend_predictions", "interval_level")
    op.drop_column("trend_predictions", "upper_bound")
    op.drop_column("trend_predictions", "lower_bound")
    op.drop_column("trend_predictions", "predicted_value")
    op.drop_column("trend_predictions", "horizon_months")
    op.drop_column("trend_predictions", "target_period")
    op.drop_column("trend_predictions", "origin_period")
    op.drop_column("trend_predictions", "metric")
    op.drop_column("trend_predictions", "source")
    op.drop_column("trend_prediction_models", "owa")
    op.drop_column("trend_prediction_models", "smape")
    op.drop_column("trend_prediction_models", "mase")
    op.drop_column("trend_prediction_models", "backtest_metrics")
    op.execute("DELETE FROM trend_notifications WHERE trend_id IS NULL")  # other subjects can't go back
    for name in ("technology_subject", "subject_type_allowed", "notification_type_allowed"):
        op.drop_constraint(op.f(f"ck_trend_notifications_{name}"), "trend_notifications", type_="check")
    op.create_check_constraint(
        op.f("ck_trend_notifications_notification_type_allowed"),
        "trend_notifications",
        "notification_type IN ('emerging_trend', 'momentum_spike', 'opportunity_alert', 'status_change')",
    )
    op.drop_constraint(
        op.f("uq_trend_notifications_user_id_dedupe_key"), "trend_notifications", type_="unique"
    )
    op.drop_index("ix_trend_notifications_user_created", table_name="trend_notifications")
    op.alter_column("trend_notifications", "trend_id", existing_type=sa.UUID(), nullable=False)
    op.drop_column("trend_notifications", "dedupe_key")
    op.drop_column("trend_notifications", "title")
    op.drop_column("trend_notifications", "subject_id")
    op.drop_column("trend_notifications", "subject_type")
    op.drop_index("ix_data_sync_runs_source_started", table_name="data_sync_runs")
    op.drop_table("data_sync_runs")
    op.drop_index("ix_technology_follows_technology_id", table_name="technology_follows")
    op.drop_table("technology_follows")
