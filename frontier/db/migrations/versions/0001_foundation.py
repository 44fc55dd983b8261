"""Foundation: every table the seed defines or references, enums, observations partitioning, job queue.

The schema is written out here (not derived from the models at run time) so that this revision never changes
once released. Later revisions alter it.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects import postgresql

ENUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "tech_ecosystem",
        (
            "programming_languages",
            "web_frontend",
            "web_backend",
            "mobile",
            "data_engineering",
            "databases",
            "ai_ml",
            "cloud_devops",
            "systems",
            "security",
            "blockchain",
            "quantum",
            "immersive",
            "iot_embedded",
            "game_dev",
            "sustainable_tech",
            "developer_tools",
        ),
    ),
    ("exploration_depth", ("surface", "moderate", "deep", "expert")),
    ("learning_mode", ("reading", "watching", "listening", "interactive", "hands_on", "discussion")),
    ("trend_status", ("emerging", "rising", "mainstream", "declining")),
    (
        "innovation_stage",
        ("idea", "research", "prototype", "building", "showcase", "open_source", "archived"),
    ),
    ("user_role", ("member", "admin")),
)

# Monthly partitions of observations, made on demand by writers (idempotent; safe when run concurrently).
ENSURE_OBSERVATION_PARTITIONS = """
CREATE FUNCTION ensure_observation_partitions(p_from date, p_to date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month_start date := date_trunc('month', p_from)::date;
    made integer := 0;
    partition_name text;
BEGIN
    IF p_to < p_from THEN
        RAISE EXCEPTION 'ensure_observation_partitions: p_to (%) is before p_from (%)', p_to, p_from;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ensure_observation_partitions'));
    WHILE month_start <= p_to LOOP
        partition_name := format('observations_%s', to_char(month_start, 'YYYY_MM'));
        IF to_regclass(partition_name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF observations FOR VALUES FROM (%L) TO (%L)',
                           partition_name, month_start, (month_start + interval '1 month')::date);
            made := made + 1;
        END IF;
        month_start := (month_start + interval '1 month')::date;
    END LOOP;
    RETURN made;
END $$;
"""

# The seed's view could not be created (unnest inside an aggregate): technologies are unnested in a lateral
# join instead, and a unique index lets it refresh CONCURRENTLY. Only public contributions count.
COMMUNITY_IMPACT_VIEW = """
CREATE MATERIALIZED VIEW mv_community_impact_analytics AS
WITH recent AS (
    SELECT * FROM community_contributions
    WHERE visibility = 'public' AND created_date >= CURRENT_DATE - INTERVAL '24 months'
),
totals AS (
    SELECT user_id, contribution_type,
           COUNT(*) AS contribution_count,
           SUM(views_or_downloads) AS total_reach,
           SUM(likes_or_stars) AS total_appreciation,
           SUM(comments_or_feedback) AS engagement_generated,
           AVG(community_rating) AS avg_quality_rating,
           AVG(originality_rating) AS avg_originality_score,
           COUNT(*) FILTER (WHERE featured_or_highlighted) AS featured_count,
           SUM(helped_users_count) AS users_helped,
           SUM(spawned_discussions_count) AS discussions_created,
           SUM(follow_up_contributions_count) AS follow_up_inspired,
           date_trunc('month', MIN(created_date)) AS first_contribution_month,
           date_trunc('month', MAX(created_date)) AS latest_contribution_month,
           EXTRACT(day FROM MAX(created_date) - MIN(created_date))::integer AS contribution_span_days,
           AVG(time_invested_hours) AS avg_effort_per_contribution,
           COUNT(*) FILTER (WHERE conference_acceptance) AS conference_acceptances,
           SUM(job_opportunities_generated) AS career_opportunities_created
    FROM recent
    GROUP BY user_id, contribution_type
),
technologies AS (
    SELECT r.user_id, r.contribution_type,
           array_agg(DISTINCT t.technology_id ORDER BY t.technology_id) AS technologies_covered,
           COUNT(DISTINCT t.technology_id) AS technology_breadth
    FROM recent r CROSS JOIN LATERAL unnest(r.technology_focus) AS t(technology_id)
    GROUP BY r.user_id, r.contribution_type
)
SELECT totals.user_id, totals.contribution_type, totals.contribution_count, totals.total_reach,
       totals.total_appreciation, totals.engagement_generated, totals.avg_quality_rating,
       totals.avg_originality_score, totals.featured_count, totals.users_helped, totals.discussions_created,
       totals.follow_up_inspired,
       COALESCE(technologies.technologies_covered, '{}'::uuid[]) AS technologies_covered,
       COALESCE(technologies.technology_breadth, 0) AS technology_breadth,
       totals.first_contribution_month, totals.latest_contribution_month, totals.contribution_span_days,
       totals.avg_effort_per_contribution, totals.conference_acceptances, totals.career_opportunities_created
FROM totals LEFT JOIN technologies USING (user_id, contribution_type)
"""


def _create_functions_and_views() -> None:
    op.execute(ENSURE_OBSERVATION_PARTITIONS)
    op.execute(COMMUNITY_IMPACT_VIEW)
    op.execute(
        "CREATE UNIQUE INDEX uq_mv_community_impact_analytics "
        "ON mv_community_impact_analytics (user_id, contribution_type)"
    )


def _drop_procrastinate() -> None:
    # procrastinate ships an install script but no uninstall: drop what it creates, by its name prefix.
    op.execute(
        """
        DO $$
        DECLARE item record;
        BEGIN
            FOR item IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'procrastinate\\_%'
            LOOP EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.relname); END LOOP;
            FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                        JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%'
            LOOP EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature); END LOOP;
            FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\\_%' AND t.typtype IN ('e', 'c')
            LOOP EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname); END LOOP;
        END $$;
        """
    )


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for extension in ("vector", "pg_trgm", "unaccent"):
        op.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
    # Query statistics where the server preloads them (the embedded one does; an external one may not).
    op.execute(
        "DO $$ BEGIN IF current_setting('shared_preload_libraries') ~ 'pg_stat_statements' THEN "
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; END IF; END $$"
    )
    for name, values in ENUMS:
        postgresql.ENUM(*values, name=name).create(op.get_bind(), checkfirst=True)
    op.create_table(
        "ai_model_registry",
        sa.Column("model_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("model_name", sa.String(length=200), nullable=False),
        sa.Column("model_type", sa.String(length=100), nullable=True),
        sa.Column("model_architecture", sa.String(length=100), nullable=True),
        sa.Column("input_features", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("output_schema", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("performance_metrics", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("inference_endpoint", sa.Text(), nullable=True),
        sa.Column(
            "batch_processing_capability", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("real_time_processing", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("max_requests_per_minute", sa.Integer(), nullable=True),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("training_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deployment_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retirement_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accuracy_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("precision_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("recall_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("drift_detection_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "model_type IN ('recommendation', 'trend_analysis', 'content_generation', 'personalization', 'embedding', 'forecasting')",
            name=op.f("ck_ai_model_registry_model_type_allowed"),
        ),
        sa.CheckConstraint(
            "accuracy_score BETWEEN 0 AND 1", name=op.f("ck_ai_model_registry_accuracy_score_0_1")
        ),
        sa.CheckConstraint(
            "max_requests_per_minute > 0", name=op.f("ck_ai_model_registry_max_requests_per_minute_positive")
        ),
        sa.CheckConstraint(
            "precision_score BETWEEN 0 AND 1", name=op.f("ck_ai_model_registry_precision_score_0_1")
        ),
        sa.CheckConstraint(
            "recall_score BETWEEN 0 AND 1", name=op.f("ck_ai_model_registry_recall_score_0_1")
        ),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_ai_model_registry")),
        sa.UniqueConstraint("model_name", "version", name=op.f("uq_ai_model_registry_model_name_version")),
    )
    op.create_table(
        "exploration_content",
        sa.Column("content_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("unit_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("external_key", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("section", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("format", sa.String(length=30), nullable=True),
        sa.Column("source", sa.String(length=50), nullable=True),
        sa.Column("technology_keywords", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("technology_ids", sa.ARRAY(sa.UUID()), server_default="{}", nullable=False),
        sa.Column(
            "ecosystem_tags",
            sa.ARRAY(postgresql.ENUM(name="tech_ecosystem", create_type=False)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("trend_alignment", sa.Integer(), nullable=True),
        sa.Column("innovation_potential", sa.Integer(), nullable=True),
        sa.Column(
            "exploration_mode", postgresql.ENUM(name="learning_mode", create_type=False), nullable=True
        ),
        sa.Column("depth", postgresql.ENUM(name="exploration_depth", create_type=False), nullable=True),
        sa.Column("estimated_time_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "estimated_time_minutes > 0", name=op.f("ck_exploration_content_estimated_time_positive")
        ),
        sa.CheckConstraint(
            "innovation_potential BETWEEN 1 AND 10",
            name=op.f("ck_exploration_content_innovation_potential_1_10"),
        ),
        sa.CheckConstraint(
            "trend_alignment BETWEEN 1 AND 10", name=op.f("ck_exploration_content_trend_alignment_1_10")
        ),
        sa.PrimaryKeyConstraint("content_id", name=op.f("pk_exploration_content")),
        sa.UniqueConstraint("external_key", name=op.f("uq_exploration_content_external_key")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_exploration_content_unit_id")),
    )
    op.create_index(
        "ix_exploration_content_technology_ids",
        "exploration_content",
        ["technology_ids"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_table(
        "exploration_embedding_models",
        sa.Column("model_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("model_name", sa.String(length=200), nullable=False),
        sa.Column("model_version", sa.String(length=50), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("embedding_dimensions", sa.Integer(), nullable=False),
        sa.Column("trend_analysis_optimized", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "technology_comparison_trained", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "innovation_pattern_recognition", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("community_content_aligned", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="building", nullable=False),
        sa.Column("artifact_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('building', 'active', 'retired')",
            name=op.f("ck_exploration_embedding_models_status_allowed"),
        ),
        sa.CheckConstraint(
            "embedding_dimensions BETWEEN 1 AND 16000",
            name=op.f("ck_exploration_embedding_models_dimensions_range"),
        ),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_exploration_embedding_models")),
        sa.UniqueConstraint(
            "model_name",
            "model_version",
            name=op.f("uq_exploration_embedding_models_model_name_model_version"),
        ),
    )
    op.create_index(
        "uq_exploration_embedding_models_active",
        "exploration_embedding_models",
        ["status"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "external_data_sources",
        sa.Column("source_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("source_name", sa.String(length=100), nullable=False),
        sa.Column("source_type", sa.String(length=50), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.Column("api_key_encrypted", sa.Text(), nullable=True),
        sa.Column("authentication_type", sa.String(length=50), nullable=True),
        sa.Column("rate_limit_per_hour", sa.Integer(), nullable=True),
        sa.Column("data_mapping_schema", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("trend_detection_rules", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("quality_filters", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("last_successful_fetch", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=True),
        sa.Column("average_response_time_ms", sa.Integer(), nullable=True),
        sa.Column("data_quality_score", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "authentication_type IN ('none', 'api_key', 'oauth', 'bearer_token')",
            name=op.f("ck_external_data_sources_authentication_type_allowed"),
        ),
        sa.CheckConstraint("base_url ~ '^https?://'", name=op.f("ck_external_data_sources_base_url_http")),
        sa.CheckConstraint(
            "source_type IN ('github_api', 'stackoverflow_api', 'pypi_api', 'npm_api', 'job_board_api', 'rss_feed')",
            name=op.f("ck_external_data_sources_source_type_allowed"),
        ),
        sa.CheckConstraint(
            "average_response_time_ms >= 0",
            name=op.f("ck_external_data_sources_average_response_time_ms_non_negative"),
        ),
        sa.CheckConstraint(
            "consecutive_failures >= 0",
            name=op.f("ck_external_data_sources_consecutive_failures_non_negative"),
        ),
        sa.CheckConstraint(
            "data_quality_score BETWEEN 1 AND 5", name=op.f("ck_external_data_sources_data_quality_score_1_5")
        ),
        sa.CheckConstraint(
            "rate_limit_per_hour > 0", name=op.f("ck_external_data_sources_rate_limit_positive")
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_external_data_sources")),
        sa.UniqueConstraint("source_name", name=op.f("uq_external_data_sources_source_name")),
    )
    op.create_table(
        "innovation_opportunities",
        sa.Column("opportunity_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("opportunity_title", sa.String(length=300), nullable=False),
        sa.Column("opportunity_description", sa.Text(), nullable=True),
        sa.Column("detected_via", sa.String(length=100), nullable=True),
        sa.Column("primary_technologies", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("secondary_technologies", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("novel_combinations", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("market_opportunity_size", sa.String(length=20), nullable=True),
        sa.Column("technical_feasibility_score", sa.Integer(), nullable=True),
        sa.Column("innovation_uniqueness_score", sa.Integer(), nullable=True),
        sa.Column("community_interest_prediction", sa.Integer(), nullable=True),
        sa.Column(
            "estimated_complexity",
            postgresql.ENUM(name="exploration_depth", create_type=False),
            nullable=True,
        ),
        sa.Column("estimated_timeline_weeks", sa.Integer(), nullable=True),
        sa.Column("required_expertise_areas", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("collaboration_potential", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("confidence_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("generated_by_model", sa.String(length=100), nullable=True),
        sa.Column("validation_status", sa.String(length=20), server_default="pending", nullable=False),
        sa.Column("community_feedback", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("projects_spawned", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("success_stories", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "expires_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now() + interval '90 days'"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "jsonb_typeof(primary_technologies) = 'array'",
            name=op.f("ck_innovation_opportunities_primary_technologies_array"),
        ),
        sa.CheckConstraint(
            "jsonb_typeof(secondary_technologies) = 'array'",
            name=op.f("ck_innovation_opportunities_secondary_technologies_array"),
        ),
        sa.CheckConstraint(
            "market_opportunity_size IN ('niche', 'moderate', 'large', 'massive')",
            name=op.f("ck_innovation_opportunities_market_opportunity_size_allowed"),
        ),
        sa.CheckConstraint(
            "validation_status IN ('pending', 'validated', 'rejected')",
            name=op.f("ck_innovation_opportunities_validation_status_allowed"),
        ),
        sa.CheckConstraint(
            "community_interest_prediction BETWEEN 1 AND 10",
            name=op.f("ck_innovation_opportunities_community_interest_prediction_1_10"),
        ),
        sa.CheckConstraint(
            "confidence_score BETWEEN 0 AND 1", name=op.f("ck_innovation_opportunities_confidence_score_0_1")
        ),
        sa.CheckConstraint(
            "estimated_timeline_weeks > 0",
            name=op.f("ck_innovation_opportunities_estimated_timeline_weeks_positive"),
        ),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_innovation_opportunities_expires_after_created")
        ),
        sa.CheckConstraint(
            "innovation_uniqueness_score BETWEEN 1 AND 10",
            name=op.f("ck_innovation_opportunities_innovation_uniqueness_score_1_10"),
        ),
        sa.CheckConstraint(
            "projects_spawned >= 0", name=op.f("ck_innovation_opportunities_projects_spawned_non_negative")
        ),
        sa.CheckConstraint(
            "technical_feasibility_score BETWEEN 1 AND 10",
            name=op.f("ck_innovation_opportunities_technical_feasibility_score_1_10"),
        ),
        sa.PrimaryKeyConstraint("opportunity_id", name=op.f("pk_innovation_opportunities")),
    )
    op.create_table(
        "tech_conferences_events",
        sa.Column("event_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("event_name", sa.String(length=300), nullable=False),
        sa.Column("event_type", sa.String(length=50), nullable=True),
        sa.Column("organizer", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("location", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("timezone", sa.String(length=50), nullable=True),
        sa.Column("online", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "technology_focus",
            sa.ARRAY(postgresql.ENUM(name="tech_ecosystem", create_type=False)),
            nullable=True,
        ),
        sa.Column(
            "skill_levels",
            sa.ARRAY(postgresql.ENUM(name="exploration_depth", create_type=False)),
            nullable=True,
        ),
        sa.Column("session_topics", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("relevance_to_trends", sa.Integer(), nullable=True),
        sa.Column("speaker_quality_rating", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("community_rating", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("expected_attendees", sa.Integer(), nullable=True),
        sa.Column("call_for_papers_deadline", sa.Date(), nullable=True),
        sa.Column("presentation_opportunities", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("networking_potential", sa.Integer(), nullable=True),
        sa.Column("career_impact_potential", sa.Integer(), nullable=True),
        sa.Column("website_url", sa.Text(), nullable=True),
        sa.Column("registration_url", sa.Text(), nullable=True),
        sa.Column("cost_information", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("scholarship_availability", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "event_type IN ('conference', 'workshop', 'meetup', 'webinar', 'hackathon')",
            name=op.f("ck_tech_conferences_events_event_type_allowed"),
        ),
        sa.CheckConstraint(
            "career_impact_potential BETWEEN 1 AND 10",
            name=op.f("ck_tech_conferences_events_career_impact_potential_1_10"),
        ),
        sa.CheckConstraint(
            "community_rating BETWEEN 1 AND 5", name=op.f("ck_tech_conferences_events_community_rating_1_5")
        ),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_tech_conferences_events_ends_after_start")
        ),
        sa.CheckConstraint(
            "expected_attendees >= 0", name=op.f("ck_tech_conferences_events_expected_attendees_non_negative")
        ),
        sa.CheckConstraint(
            "networking_potential BETWEEN 1 AND 10",
            name=op.f("ck_tech_conferences_events_networking_potential_1_10"),
        ),
        sa.CheckConstraint(
            "relevance_to_trends BETWEEN 1 AND 10",
            name=op.f("ck_tech_conferences_events_relevance_to_trends_1_10"),
        ),
        sa.CheckConstraint(
            "speaker_quality_rating BETWEEN 1 AND 5",
            name=op.f("ck_tech_conferences_events_speaker_quality_rating_1_5"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_tech_conferences_events")),
        sa.UniqueConstraint(
            "event_name", "start_date", name=op.f("uq_tech_conferences_events_event_name_start_date")
        ),
    )
    op.create_table(
        "technologies",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ecosystem", postgresql.ENUM(name="tech_ecosystem", create_type=False), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("github_language", sa.String(length=100), nullable=True),
        sa.Column("github_topics", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("github_repositories", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("stackoverflow_tag", sa.String(length=100), nullable=True),
        sa.Column("pypi_packages", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("npm_packages", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("search_terms", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f("ck_technologies_slug_format")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technologies")),
        sa.UniqueConstraint("id", "name", "ecosystem", name="uq_technologies_id_name_ecosystem"),
        sa.UniqueConstraint("id", "slug", name="uq_technologies_id_slug"),
        sa.UniqueConstraint("slug", name=op.f("uq_technologies_slug")),
    )
    op.create_index(
        "ix_technologies_name_trgm",
        "technologies",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_table(
        "trend_monitoring_pipeline",
        sa.Column("pipeline_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("data_source", sa.String(length=100), nullable=False),
        sa.Column("api_endpoint", sa.Text(), nullable=False),
        sa.Column("collection_frequency_minutes", sa.Integer(), server_default="60", nullable=True),
        sa.Column("rate_limit_per_hour", sa.Integer(), server_default="5000", nullable=True),
        sa.Column("trend_detection_algorithm", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("momentum_calculation_weights", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "significance_threshold", sa.Numeric(precision=5, scale=4), server_default="0.0500", nullable=True
        ),
        sa.Column("last_successful_run", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "collection_frequency_minutes > 0",
            name=op.f("ck_trend_monitoring_pipeline_collection_frequency_positive"),
        ),
        sa.CheckConstraint(
            "consecutive_failures >= 0",
            name=op.f("ck_trend_monitoring_pipeline_consecutive_failures_non_negative"),
        ),
        sa.CheckConstraint(
            "rate_limit_per_hour > 0", name=op.f("ck_trend_monitoring_pipeline_rate_limit_positive")
        ),
        sa.CheckConstraint(
            "significance_threshold > 0 AND significance_threshold < 1",
            name=op.f("ck_trend_monitoring_pipeline_significance_0_1"),
        ),
        sa.PrimaryKeyConstraint("pipeline_id", name=op.f("pk_trend_monitoring_pipeline")),
        sa.UniqueConstraint("data_source", name=op.f("uq_trend_monitoring_pipeline_data_source")),
    )
    op.create_table(
        "trend_prediction_models",
        sa.Column("model_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("model_name", sa.String(length=200), nullable=False),
        sa.Column("model_version", sa.String(length=50), nullable=True),
        sa.Column("prediction_horizon_months", sa.Integer(), nullable=True),
        sa.Column("accuracy_percentage", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("confidence_threshold", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("training_data_period_months", sa.Integer(), nullable=True),
        sa.Column("training_completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("features_used", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("false_positive_rate", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("false_negative_rate", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("precision_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("recall_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("is_production_ready", sa.Boolean(), server_default=sa.text("false"), nullable=True),
        sa.Column("deployment_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "accuracy_percentage BETWEEN 0 AND 100",
            name=op.f("ck_trend_prediction_models_accuracy_percentage_range"),
        ),
        sa.CheckConstraint(
            "confidence_threshold BETWEEN 0 AND 1",
            name=op.f("ck_trend_prediction_models_confidence_threshold_0_1"),
        ),
        sa.CheckConstraint(
            "false_negative_rate BETWEEN 0 AND 1",
            name=op.f("ck_trend_prediction_models_false_negative_rate_0_1"),
        ),
        sa.CheckConstraint(
            "false_positive_rate BETWEEN 0 AND 1",
            name=op.f("ck_trend_prediction_models_false_positive_rate_0_1"),
        ),
        sa.CheckConstraint(
            "precision_score BETWEEN 0 AND 1", name=op.f("ck_trend_prediction_models_precision_score_0_1")
        ),
        sa.CheckConstraint(
            "prediction_horizon_months BETWEEN 1 AND 36",
            name=op.f("ck_trend_prediction_models_horizon_range"),
        ),
        sa.CheckConstraint(
            "recall_score BETWEEN 0 AND 1", name=op.f("ck_trend_prediction_models_recall_score_0_1")
        ),
        sa.CheckConstraint(
            "training_data_period_months > 0",
            name=op.f("ck_trend_prediction_models_training_period_positive"),
        ),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_trend_prediction_models")),
        sa.UniqueConstraint(
            "model_name", "model_version", name=op.f("uq_trend_prediction_models_model_name_model_version")
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column(
            "role",
            postgresql.ENUM(name="user_role", create_type=False),
            server_default="member",
            nullable=False,
        ),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("position('@' in email) > 1", name=op.f("ck_users_email_has_at")),
        sa.CheckConstraint(
            "length(display_name) BETWEEN 1 AND 100", name=op.f("ck_users_display_name_length")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index("uq_users_email_lower", "users", [sa.literal_column("lower(email)")], unique=True)
    op.create_table(
        "ai_model_performance_log",
        sa.Column("log_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("model_id", sa.UUID(), nullable=False),
        sa.Column(
            "request_timestamp", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("request_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("response_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("processing_time_ms", sa.Integer(), nullable=True),
        sa.Column("prediction_confidence", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("user_feedback_score", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("actual_outcome", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("prediction_accuracy", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("error_occurred", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_category", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "prediction_accuracy BETWEEN 0 AND 1",
            name=op.f("ck_ai_model_performance_log_prediction_accuracy_0_1"),
        ),
        sa.CheckConstraint(
            "prediction_confidence BETWEEN 0 AND 1",
            name=op.f("ck_ai_model_performance_log_prediction_confidence_0_1"),
        ),
        sa.CheckConstraint(
            "processing_time_ms >= 0",
            name=op.f("ck_ai_model_performance_log_processing_time_ms_non_negative"),
        ),
        sa.CheckConstraint(
            "user_feedback_score BETWEEN 1 AND 5",
            name=op.f("ck_ai_model_performance_log_user_feedback_score_1_5"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["ai_model_registry.model_id"],
            name=op.f("fk_ai_model_performance_log_model_id_ai_model_registry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_ai_model_performance_log")),
    )
    op.create_index(
        "ix_ai_model_performance_log_model_id_request_timestamp",
        "ai_model_performance_log",
        ["model_id", "request_timestamp"],
        unique=False,
    )
    op.create_table(
        "community_contributions",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("contribution_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=10), server_default="public", nullable=False),
        sa.Column("contribution_type", sa.String(length=50), nullable=False),
        sa.Column("views_or_downloads", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("likes_or_stars", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("comments_or_feedback", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("community_rating", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("originality_rating", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("featured_or_highlighted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("helped_users_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("spawned_discussions_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("follow_up_contributions_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("technology_focus", sa.ARRAY(sa.UUID()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column(
            "created_date", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("time_invested_hours", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("conference_acceptance", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("job_opportunities_generated", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "contribution_type IN ('article', 'tutorial', 'talk', 'video', 'podcast', 'library', 'tool', 'answer', 'project', 'dataset', 'other')",
            name=op.f("ck_community_contributions_contribution_type_allowed"),
        ),
        sa.CheckConstraint(
            "visibility IN ('public', 'private')", name=op.f("ck_community_contributions_visibility_allowed")
        ),
        sa.CheckConstraint(
            "comments_or_feedback >= 0",
            name=op.f("ck_community_contributions_comments_or_feedback_non_negative"),
        ),
        sa.CheckConstraint(
            "community_rating BETWEEN 1 AND 10", name=op.f("ck_community_contributions_community_rating_1_10")
        ),
        sa.CheckConstraint(
            "follow_up_contributions_count >= 0",
            name=op.f("ck_community_contributions_follow_up_contributions_count_non_negative"),
        ),
        sa.CheckConstraint(
            "helped_users_count >= 0", name=op.f("ck_community_contributions_helped_users_count_non_negative")
        ),
        sa.CheckConstraint(
            "job_opportunities_generated >= 0",
            name=op.f("ck_community_contributions_job_opportunities_generated_non_negative"),
        ),
        sa.CheckConstraint(
            "likes_or_stars >= 0", name=op.f("ck_community_contributions_likes_or_stars_non_negative")
        ),
        sa.CheckConstraint(
            "originality_rating BETWEEN 1 AND 10",
            name=op.f("ck_community_contributions_originality_rating_1_10"),
        ),
        sa.CheckConstraint(
            "spawned_discussions_count >= 0",
            name=op.f("ck_community_contributions_spawned_discussions_count_non_negative"),
        ),
        sa.CheckConstraint(
            "time_invested_hours >= 0",
            name=op.f("ck_community_contributions_time_invested_hours_non_negative"),
        ),
        sa.CheckConstraint(
            "views_or_downloads >= 0", name=op.f("ck_community_contributions_views_or_downloads_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_community_contributions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "contribution_id", name=op.f("pk_community_contributions")),
    )
    op.create_table(
        "content_embeddings",
        sa.Column("content_id", sa.UUID(), nullable=False),
        sa.Column("model_id", sa.UUID(), nullable=False),
        sa.Column("embedding", Vector(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("embedded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["exploration_content.content_id"],
            name=op.f("fk_content_embeddings_content_id_exploration_content"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["exploration_embedding_models.model_id"],
            name=op.f("fk_content_embeddings_model_id_exploration_embedding_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("content_id", "model_id", name=op.f("pk_content_embeddings")),
    )
    op.create_index("ix_content_embeddings_model_id", "content_embeddings", ["model_id"], unique=False)
    op.create_table(
        "data_sync_jobs",
        sa.Column("job_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("source_id", sa.UUID(), nullable=False),
        sa.Column("sync_frequency_minutes", sa.Integer(), nullable=False),
        sa.Column("data_types_to_sync", sa.ARRAY(sa.Text()), nullable=True),
        sa.Column("sync_schedule_cron", sa.String(length=100), nullable=True),
        sa.Column("batch_size", sa.Integer(), server_default="100", nullable=True),
        sa.Column("parallel_workers", sa.Integer(), server_default="2", nullable=True),
        sa.Column("retry_attempts", sa.Integer(), server_default="3", nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_status", sa.String(length=20), nullable=True),
        sa.Column("records_processed", sa.Integer(), server_default="0", nullable=True),
        sa.Column("errors_encountered", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("max_data_age_hours", sa.Integer(), server_default="24", nullable=True),
        sa.Column("critical_failure_threshold", sa.Integer(), server_default="5", nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "last_run_status IN ('success', 'partial_success', 'failed')",
            name=op.f("ck_data_sync_jobs_last_run_status_allowed"),
        ),
        sa.CheckConstraint(
            "records_processed >= 0", name=op.f("ck_data_sync_jobs_records_processed_non_negative")
        ),
        sa.CheckConstraint("retry_attempts >= 0", name=op.f("ck_data_sync_jobs_retry_attempts_non_negative")),
        sa.CheckConstraint(
            "sync_frequency_minutes > 0 AND batch_size > 0 AND parallel_workers > 0 AND max_data_age_hours > 0 AND critical_failure_threshold > 0",
            name=op.f("ck_data_sync_jobs_positive_settings"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["external_data_sources.source_id"],
            name=op.f("fk_data_sync_jobs_source_id_external_data_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_data_sync_jobs")),
    )
    op.create_index("ix_data_sync_jobs_source_id", "data_sync_jobs", ["source_id"], unique=False)
    op.create_table(
        "enthusiast_profiles",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "primary_focus_areas",
            sa.ARRAY(postgresql.ENUM(name="tech_ecosystem", create_type=False)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "exploration_style",
            sa.ARRAY(postgresql.ENUM(name="learning_mode", create_type=False)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("curiosity_drivers", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column(
            "current_expertise_level",
            postgresql.ENUM(name="exploration_depth", create_type=False),
            server_default="surface",
            nullable=False,
        ),
        sa.Column("experimental_risk_tolerance", sa.Integer(), server_default="5", nullable=False),
        sa.Column("weekly_exploration_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "experimental_risk_tolerance BETWEEN 1 AND 10",
            name=op.f("ck_enthusiast_profiles_experimental_risk_tolerance_1_10"),
        ),
        sa.CheckConstraint(
            "weekly_exploration_minutes >= 0",
            name=op.f("ck_enthusiast_profiles_weekly_exploration_minutes_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enthusiast_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_enthusiast_profiles")),
    )
    op.create_table(
        "exploration_units",
        sa.Column("unit_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("content_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("estimated_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "estimated_minutes > 0", name=op.f("ck_exploration_units_estimated_minutes_positive")
        ),
        sa.CheckConstraint("position >= 1", name=op.f("ck_exploration_units_position_positive")),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["exploration_content.content_id"],
            name=op.f("fk_exploration_units_content_id_exploration_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_exploration_units")),
        sa.UniqueConstraint("content_id", "position", name=op.f("uq_exploration_units_content_id_position")),
    )
    op.create_table(
        "immersive_learning_sessions",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("session_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("platform_type", sa.String(length=50), nullable=True),
        sa.Column("device_used", sa.String(length=100), nullable=True),
        sa.Column("experience_quality", sa.Integer(), nullable=True),
        sa.Column("immersive_content_type", sa.String(length=100), nullable=True),
        sa.Column("concepts_explored", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("interactive_elements_used", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("presence_level", sa.Integer(), nullable=True),
        sa.Column("motion_sickness_level", sa.Integer(), nullable=True),
        sa.Column("learning_retention_prediction", sa.Integer(), nullable=True),
        sa.Column("technology_enthusiasm", sa.Integer(), nullable=True),
        sa.Column("continued_use_likelihood", sa.Integer(), nullable=True),
        sa.Column("session_duration_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "platform_type IN ('vr', 'ar', 'mixed_reality')",
            name=op.f("ck_immersive_learning_sessions_platform_type_allowed"),
        ),
        sa.CheckConstraint(
            "continued_use_likelihood BETWEEN 1 AND 10",
            name=op.f("ck_immersive_learning_sessions_continued_use_likelihood_1_10"),
        ),
        sa.CheckConstraint(
            "experience_quality BETWEEN 1 AND 10",
            name=op.f("ck_immersive_learning_sessions_experience_quality_1_10"),
        ),
        sa.CheckConstraint(
            "learning_retention_prediction BETWEEN 1 AND 10",
            name=op.f("ck_immersive_learning_sessions_learning_retention_prediction_1_10"),
        ),
        sa.CheckConstraint(
            "motion_sickness_level BETWEEN 1 AND 10",
            name=op.f("ck_immersive_learning_sessions_motion_sickness_level_1_10"),
        ),
        sa.CheckConstraint(
            "presence_level BETWEEN 1 AND 10", name=op.f("ck_immersive_learning_sessions_presence_level_1_10")
        ),
        sa.CheckConstraint(
            "session_duration_minutes >= 0",
            name=op.f("ck_immersive_learning_sessions_session_duration_minutes_non_negative"),
        ),
        sa.CheckConstraint(
            "technology_enthusiasm BETWEEN 1 AND 10",
            name=op.f("ck_immersive_learning_sessions_technology_enthusiasm_1_10"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_immersive_learning_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "session_id", name=op.f("pk_immersive_learning_sessions")),
    )
    op.create_table(
        "mobile_exploration_sessions",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "mobile_session_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False
        ),
        sa.Column("device_type", sa.String(length=50), nullable=True),
        sa.Column("operating_system", sa.String(length=50), nullable=True),
        sa.Column("screen_size", sa.String(length=20), nullable=True),
        sa.Column("connection_type", sa.String(length=20), nullable=True),
        sa.Column("session_duration_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "exploration_mode", postgresql.ENUM(name="learning_mode", create_type=False), nullable=True
        ),
        sa.Column("micro_learning_preferred", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("preferred_content_types", sa.ARRAY(sa.Text()), nullable=True),
        sa.Column("attention_span_minutes", sa.Integer(), server_default=sa.text("5"), nullable=False),
        sa.Column("interruption_frequency", sa.Integer(), nullable=True),
        sa.Column("voice_search_used", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("offline_mode_used", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("push_notifications_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("scroll_depth_percentage", sa.Integer(), nullable=True),
        sa.Column("interaction_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("content_bookmarked", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "connection_type IN ('wifi', '5g', '4g', '3g', 'limited', 'offline')",
            name=op.f("ck_mobile_exploration_sessions_connection_type_allowed"),
        ),
        sa.CheckConstraint(
            "device_type IN ('mobile', 'tablet', 'desktop')",
            name=op.f("ck_mobile_exploration_sessions_device_type_allowed"),
        ),
        sa.CheckConstraint(
            "screen_size IN ('small', 'medium', 'large')",
            name=op.f("ck_mobile_exploration_sessions_screen_size_allowed"),
        ),
        sa.CheckConstraint(
            "attention_span_minutes > 0",
            name=op.f("ck_mobile_exploration_sessions_attention_span_minutes_positive"),
        ),
        sa.CheckConstraint(
            "content_bookmarked >= 0",
            name=op.f("ck_mobile_exploration_sessions_content_bookmarked_non_negative"),
        ),
        sa.CheckConstraint(
            "interaction_count >= 0",
            name=op.f("ck_mobile_exploration_sessions_interaction_count_non_negative"),
        ),
        sa.CheckConstraint(
            "interruption_frequency >= 0",
            name=op.f("ck_mobile_exploration_sessions_interruption_frequency_non_negative"),
        ),
        sa.CheckConstraint(
            "scroll_depth_percentage BETWEEN 0 AND 100",
            name=op.f("ck_mobile_exploration_sessions_scroll_depth_percentage_0_100"),
        ),
        sa.CheckConstraint(
            "session_duration_minutes >= 0",
            name=op.f("ck_mobile_exploration_sessions_session_duration_minutes_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mobile_exploration_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "mobile_session_id", name=op.f("pk_mobile_exploration_sessions")),
    )
    op.create_table(
        "observations",
        sa.Column("technology_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("metric", sa.String(length=48), nullable=False),
        sa.Column("granularity", sa.String(length=5), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column(
            "collected_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint(
            "granularity <> 'month' OR period_start = date_trunc('month', period_start)::date",
            name=op.f("ck_observations_month_starts_on_first"),
        ),
        sa.CheckConstraint(
            "granularity IN ('day', 'month')", name=op.f("ck_observations_granularity_allowed")
        ),
        sa.CheckConstraint(
            "source ~ '^[a-z][a-z0-9_]*$' AND metric ~ '^[a-z][a-z0-9_]*$'",
            name=op.f("ck_observations_source_metric_codes"),
        ),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["technologies.id"],
            name=op.f("fk_observations_technology_id_technologies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "technology_id", "source", "metric", "granularity", "period_start", name=op.f("pk_observations")
        ),
        postgresql_partition_by="RANGE (period_start)",
    )
    op.create_table(
        "open_source_projects",
        sa.Column("project_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("repository_url", sa.Text(), nullable=False),
        sa.Column("repository_name", sa.String(length=200), nullable=False),
        sa.Column("owner_username", sa.String(length=100), nullable=True),
        sa.Column("primary_language", sa.String(length=50), nullable=True),
        sa.Column("technology_id", sa.UUID(), nullable=True),
        sa.Column("technology_stack", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "project_category", postgresql.ENUM(name="tech_ecosystem", create_type=False), nullable=True
        ),
        sa.Column(
            "difficulty_level", postgresql.ENUM(name="exploration_depth", create_type=False), nullable=True
        ),
        sa.Column("contribution_friendly_score", sa.Integer(), nullable=True),
        sa.Column("stars_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("forks_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("contributors_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("commit_frequency_score", sa.Integer(), nullable=True),
        sa.Column("issue_response_time_hours", sa.Integer(), nullable=True),
        sa.Column("pr_review_time_hours", sa.Integer(), nullable=True),
        sa.Column("documentation_quality_score", sa.Integer(), nullable=True),
        sa.Column(
            "beginner_friendly_issues_count", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("learning_value_rating", sa.Integer(), nullable=True),
        sa.Column("innovation_potential", sa.Integer(), nullable=True),
        sa.Column("career_relevance_score", sa.Integer(), nullable=True),
        sa.Column("trend_alignment_score", sa.Integer(), nullable=True),
        sa.Column("future_potential_rating", sa.Integer(), nullable=True),
        sa.Column(
            "last_updated", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("data_freshness_score", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "beginner_friendly_issues_count >= 0",
            name=op.f("ck_open_source_projects_beginner_friendly_issues_count_non_negative"),
        ),
        sa.CheckConstraint(
            "career_relevance_score BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_career_relevance_score_1_10"),
        ),
        sa.CheckConstraint(
            "commit_frequency_score BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_commit_frequency_score_1_10"),
        ),
        sa.CheckConstraint(
            "contribution_friendly_score BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_contribution_friendly_score_1_10"),
        ),
        sa.CheckConstraint(
            "contributors_count >= 0", name=op.f("ck_open_source_projects_contributors_count_non_negative")
        ),
        sa.CheckConstraint(
            "data_freshness_score BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_data_freshness_score_1_10"),
        ),
        sa.CheckConstraint(
            "documentation_quality_score BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_documentation_quality_score_1_10"),
        ),
        sa.CheckConstraint("forks_count >= 0", name=op.f("ck_open_source_projects_forks_count_non_negative")),
        sa.CheckConstraint(
            "future_potential_rating BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_future_potential_rating_1_10"),
        ),
        sa.CheckConstraint(
            "innovation_potential BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_innovation_potential_1_10"),
        ),
        sa.CheckConstraint(
            "issue_response_time_hours >= 0",
            name=op.f("ck_open_source_projects_issue_response_time_hours_non_negative"),
        ),
        sa.CheckConstraint(
            "learning_value_rating BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_learning_value_rating_1_10"),
        ),
        sa.CheckConstraint(
            "pr_review_time_hours >= 0",
            name=op.f("ck_open_source_projects_pr_review_time_hours_non_negative"),
        ),
        sa.CheckConstraint("stars_count >= 0", name=op.f("ck_open_source_projects_stars_count_non_negative")),
        sa.CheckConstraint(
            "trend_alignment_score BETWEEN 1 AND 10",
            name=op.f("ck_open_source_projects_trend_alignment_score_1_10"),
        ),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["technologies.id"],
            name=op.f("fk_open_source_projects_technology_id_technologies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_open_source_projects")),
        sa.UniqueConstraint("repository_url", name=op.f("uq_open_source_projects_repository_url")),
    )
    op.create_index(
        op.f("ix_open_source_projects_technology_id"), "open_source_projects", ["technology_id"], unique=False
    )
    op.create_table(
        "pwa_features_usage",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("usage_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("installed_as_app", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "offline_functionality_used", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "push_notifications_enabled", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("background_sync_enabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("offline_content_sync_mb", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sync_frequency_minutes", sa.Integer(), server_default=sa.text("60"), nullable=False),
        sa.Column("load_time_ms", sa.Integer(), nullable=True),
        sa.Column("cache_hit_rate", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("offline_sessions_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "cache_hit_rate BETWEEN 0 AND 1", name=op.f("ck_pwa_features_usage_cache_hit_rate_0_1")
        ),
        sa.CheckConstraint("load_time_ms >= 0", name=op.f("ck_pwa_features_usage_load_time_ms_non_negative")),
        sa.CheckConstraint(
            "offline_content_sync_mb >= 0",
            name=op.f("ck_pwa_features_usage_offline_content_sync_mb_non_negative"),
        ),
        sa.CheckConstraint(
            "offline_sessions_count >= 0",
            name=op.f("ck_pwa_features_usage_offline_sessions_count_non_negative"),
        ),
        sa.CheckConstraint(
            "sync_frequency_minutes >= 0",
            name=op.f("ck_pwa_features_usage_sync_frequency_minutes_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pwa_features_usage_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "usage_id", name=op.f("pk_pwa_features_usage")),
    )
    op.create_table(
        "quantum_computing_explorations",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("exploration_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("quantum_platform", sa.String(length=100), nullable=True),
        sa.Column("quantum_algorithm", sa.String(length=200), nullable=True),
        sa.Column("circuit_complexity", sa.Integer(), nullable=True),
        sa.Column("quantum_concepts_learned", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "classical_parallel_understanding", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("quantum_advantage_comprehension", sa.Integer(), nullable=True),
        sa.Column("use_case_explored", sa.String(length=200), nullable=True),
        sa.Column("real_world_relevance", sa.Integer(), nullable=True),
        sa.Column("implementation_success", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("quantum_career_interest", sa.Integer(), nullable=True),
        sa.Column("quantum_skill_development_plan", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "circuit_complexity >= 1",
            name=op.f("ck_quantum_computing_explorations_circuit_complexity_positive"),
        ),
        sa.CheckConstraint(
            "quantum_advantage_comprehension BETWEEN 1 AND 10",
            name=op.f("ck_quantum_computing_explorations_quantum_advantage_comprehension_1_10"),
        ),
        sa.CheckConstraint(
            "quantum_career_interest BETWEEN 1 AND 10",
            name=op.f("ck_quantum_computing_explorations_quantum_career_interest_1_10"),
        ),
        sa.CheckConstraint(
            "real_world_relevance BETWEEN 1 AND 10",
            name=op.f("ck_quantum_computing_explorations_real_world_relevance_1_10"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_quantum_computing_explorations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "exploration_id", name=op.f("pk_quantum_computing_explorations")),
    )
    op.create_table(
        "sustainable_tech_initiatives",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("initiative_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("sustainability_category", sa.String(length=100), nullable=True),
        sa.Column("environmental_impact_measurement", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("sustainability_score", sa.Integer(), nullable=True),
        sa.Column("technologies_used", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("green_alternatives_explored", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("carbon_footprint_reduction", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("novel_approaches", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("scalability_potential", sa.Integer(), nullable=True),
        sa.Column("real_world_application", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("open_source_components", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "knowledge_sharing_commitment", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
        sa.Column("collaboration_opportunities", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "scalability_potential BETWEEN 1 AND 10",
            name=op.f("ck_sustainable_tech_initiatives_scalability_potential_1_10"),
        ),
        sa.CheckConstraint(
            "sustainability_score BETWEEN 1 AND 10",
            name=op.f("ck_sustainable_tech_initiatives_sustainability_score_1_10"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sustainable_tech_initiatives_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "initiative_id", name=op.f("pk_sustainable_tech_initiatives")),
    )
    op.create_table(
        "system_logs",
        sa.Column("log_id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("log_type", sa.String(length=50), nullable=False),
        sa.Column("level", sa.String(length=10), server_default="info", nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "level IN ('debug', 'info', 'warning', 'error')", name=op.f("ck_system_logs_level_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_system_logs_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_system_logs")),
    )
    op.create_index("ix_system_logs_type_created", "system_logs", ["log_type", "created_at"], unique=False)
    op.create_table(
        "technology_aliases",
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("technology_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "alias = lower(btrim(alias)) AND alias <> ''", name=op.f("ck_technology_aliases_alias_normalised")
        ),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["technologies.id"],
            name=op.f("fk_technology_aliases_technology_id_technologies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alias", name=op.f("pk_technology_aliases")),
    )
    op.create_index(
        "ix_technology_aliases_technology_id", "technology_aliases", ["technology_id"], unique=False
    )
    op.create_table(
        "technology_expertise",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("technology_id", sa.UUID(), nullable=False),
        sa.Column("technology_name", sa.String(length=100), nullable=False),
        sa.Column(
            "current_expertise_level",
            postgresql.ENUM(name="exploration_depth", create_type=False),
            nullable=False,
        ),
        sa.Column("confidence_rating", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("hours_of_experience", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "confidence_rating BETWEEN 0 AND 1", name=op.f("ck_technology_expertise_confidence_rating_0_1")
        ),
        sa.CheckConstraint(
            "hours_of_experience >= 0", name=op.f("ck_technology_expertise_hours_of_experience_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["technology_id", "technology_name"],
            ["technologies.id", "technologies.slug"],
            name="fk_technology_expertise_technology",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_technology_expertise_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "id", name=op.f("pk_technology_expertise")),
        sa.UniqueConstraint(
            "user_id", "technology_id", name=op.f("uq_technology_expertise_user_id_technology_id")
        ),
    )
    op.create_index(
        "ix_technology_expertise_technology_id", "technology_expertise", ["technology_id"], unique=False
    )
    op.create_table(
        "technology_score_history",
        sa.Column("technology_id", sa.UUID(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=32), server_default="default", nullable=False),
        sa.Column("trend_status", postgresql.ENUM(name="trend_status", create_type=False), nullable=False),
        sa.Column("momentum_score", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("learning_priority_score", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("adoption_rate", sa.Numeric(precision=8, scale=4), nullable=True),
        sa.Column("significance_p_value", sa.Numeric(precision=6, scale=5), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "learning_priority_score BETWEEN 1 AND 10",
            name=op.f("ck_technology_score_history_learning_priority_score_1_10"),
        ),
        sa.CheckConstraint(
            "momentum_score BETWEEN 1 AND 10", name=op.f("ck_technology_score_history_momentum_score_1_10")
        ),
        sa.CheckConstraint(
            "significance_p_value BETWEEN 0 AND 1",
            name=op.f("ck_technology_score_history_significance_p_value_0_1"),
        ),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["technologies.id"],
            name=op.f("fk_technology_score_history_technology_id_technologies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technology_id", "computed_on", name=op.f("pk_technology_score_history")),
    )
    op.create_index(
        "ix_technology_score_history_computed_on", "technology_score_history", ["computed_on"], unique=False
    )
    op.create_table(
        "technology_trends",
        sa.Column("trend_id", sa.UUID(), nullable=False),
        sa.Column("trend_name", sa.String(length=200), nullable=False),
        sa.Column("ecosystem_id", postgresql.ENUM(name="tech_ecosystem", create_type=False), nullable=False),
        sa.Column(
            "trend_status",
            postgresql.ENUM(name="trend_status", create_type=False),
            server_default="emerging",
            nullable=False,
        ),
        sa.Column("github_stars", sa.BigInteger(), nullable=True),
        sa.Column("stackoverflow_questions", sa.BigInteger(), nullable=True),
        sa.Column("job_postings_count", sa.Integer(), nullable=True),
        sa.Column("first_detected_date", sa.Date(), nullable=True),
        sa.Column("momentum_score", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("learning_priority_score", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("adoption_rate", sa.Numeric(precision=8, scale=4), nullable=True),
        sa.Column("significance_p_value", sa.Numeric(precision=6, scale=5), nullable=True),
        sa.Column("status_changed_on", sa.Date(), nullable=True),
        sa.Column("scores_as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("github_stars >= 0", name=op.f("ck_technology_trends_github_stars_non_negative")),
        sa.CheckConstraint(
            "job_postings_count >= 0", name=op.f("ck_technology_trends_job_postings_count_non_negative")
        ),
        sa.CheckConstraint(
            "learning_priority_score BETWEEN 1 AND 10",
            name=op.f("ck_technology_trends_learning_priority_score_1_10"),
        ),
        sa.CheckConstraint(
            "momentum_score BETWEEN 1 AND 10", name=op.f("ck_technology_trends_momentum_score_1_10")
        ),
        sa.CheckConstraint(
            "significance_p_value BETWEEN 0 AND 1", name=op.f("ck_technology_trends_significance_p_value_0_1")
        ),
        sa.CheckConstraint(
            "stackoverflow_questions >= 0",
            name=op.f("ck_technology_trends_stackoverflow_questions_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["trend_id", "trend_name", "ecosystem_id"],
            ["technologies.id", "technologies.name", "technologies.ecosystem"],
            name="fk_technology_trends_technology",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("trend_id", name=op.f("pk_technology_trends")),
        postgresql_with={"fillfactor": "80"},
    )
    op.create_table(
        "user_conference_participation",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("participation_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("participation_type", sa.String(length=50), server_default="attendee", nullable=False),
        sa.Column("presentation_title", sa.String(length=300), nullable=True),
        sa.Column("presentation_abstract", sa.Text(), nullable=True),
        sa.Column("connections_made", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("learning_outcomes", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("inspiration_gained", sa.Integer(), nullable=True),
        sa.Column("follow_up_projects", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("presentation_rating", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("audience_feedback", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("media_coverage", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("social_media_impact", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("preparation_time_hours", sa.Integer(), nullable=True),
        sa.Column("materials_created", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("collaboration_partners", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "participation_type IN ('attendee', 'speaker', 'organizer', 'sponsor', 'volunteer')",
            name=op.f("ck_user_conference_participation_participation_type_allowed"),
        ),
        sa.CheckConstraint(
            "connections_made >= 0",
            name=op.f("ck_user_conference_participation_connections_made_non_negative"),
        ),
        sa.CheckConstraint(
            "inspiration_gained BETWEEN 1 AND 10",
            name=op.f("ck_user_conference_participation_inspiration_gained_1_10"),
        ),
        sa.CheckConstraint(
            "preparation_time_hours >= 0",
            name=op.f("ck_user_conference_participation_preparation_time_hours_non_negative"),
        ),
        sa.CheckConstraint(
            "presentation_rating BETWEEN 1 AND 5",
            name=op.f("ck_user_conference_participation_presentation_rating_1_5"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["tech_conferences_events.event_id"],
            name="fk_user_conference_participation_event",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_conference_participation_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "participation_id", name=op.f("pk_user_conference_participation")),
        sa.UniqueConstraint(
            "user_id",
            "event_id",
            "participation_type",
            name="uq_user_conference_participation_user_event_type",
        ),
    )
    op.create_index(
        op.f("ix_user_conference_participation_event_id"),
        "user_conference_participation",
        ["event_id"],
        unique=False,
    )
    op.create_table(
        "user_innovation_projects",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("project_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "innovation_stage",
            postgresql.ENUM(name="innovation_stage", create_type=False),
            server_default="idea",
            nullable=False,
        ),
        sa.Column("technologies_chosen", sa.ARRAY(sa.UUID()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("complexity", postgresql.ENUM(name="exploration_depth", create_type=False), nullable=True),
        sa.Column("innovation_impact_rating", sa.Integer(), nullable=True),
        sa.Column("opportunity_id", sa.UUID(), nullable=True),
        sa.Column("repository_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "innovation_impact_rating BETWEEN 1 AND 10",
            name=op.f("ck_user_innovation_projects_innovation_impact_rating_1_10"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["innovation_opportunities.opportunity_id"],
            name="fk_user_innovation_projects_opportunity",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_innovation_projects_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "project_id", name=op.f("pk_user_innovation_projects")),
    )
    op.create_index(
        op.f("ix_user_innovation_projects_opportunity_id"),
        "user_innovation_projects",
        ["opportunity_id"],
        unique=False,
    )
    op.create_table(
        "exploration_progress",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("unit_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="completed", nullable=False),
        sa.Column("minutes_spent", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('started', 'completed', 'skipped')",
            name=op.f("ck_exploration_progress_status_allowed"),
        ),
        sa.CheckConstraint(
            "completed_at IS NULL OR completed_at >= started_at",
            name=op.f("ck_exploration_progress_completed_after_start"),
        ),
        sa.CheckConstraint(
            "minutes_spent >= 0", name=op.f("ck_exploration_progress_minutes_spent_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["exploration_units.unit_id"],
            name=op.f("fk_exploration_progress_unit_id_exploration_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exploration_progress_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "unit_id", name=op.f("pk_exploration_progress")),
    )
    op.create_index("ix_exploration_progress_unit_id", "exploration_progress", ["unit_id"], unique=False)
    op.create_table(
        "trend_notifications",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("notification_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("trend_id", sa.UUID(), nullable=False),
        sa.Column("notification_type", sa.String(length=50), nullable=False),
        sa.Column("trend_change_details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "notification_sent_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("user_acknowledged", sa.Boolean(), server_default=sa.text("false"), nullable=True),
        sa.Column("user_response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "notification_type IN ('emerging_trend', 'momentum_spike', 'opportunity_alert', 'status_change')",
            name=op.f("ck_trend_notifications_notification_type_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["trend_id"],
            ["technology_trends.trend_id"],
            name=op.f("fk_trend_notifications_trend_id_technology_trends"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_trend_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "notification_id", name=op.f("pk_trend_notifications")),
    )
    op.create_index("ix_trend_notifications_trend_id", "trend_notifications", ["trend_id"], unique=False)
    op.create_table(
        "trend_predictions",
        sa.Column("prediction_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("model_id", sa.UUID(), nullable=False),
        sa.Column("trend_id", sa.UUID(), nullable=True),
        sa.Column("predicted_technology_name", sa.String(length=200), nullable=True),
        sa.Column(
            "predicted_ecosystem", postgresql.ENUM(name="tech_ecosystem", create_type=False), nullable=True
        ),
        sa.Column("prediction_confidence", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("predicted_momentum_score", sa.Integer(), nullable=True),
        sa.Column("predicted_adoption_timeline_months", sa.Integer(), nullable=True),
        sa.Column("predicted_market_impact", sa.Integer(), nullable=True),
        sa.Column("predicted_learning_priority", sa.Integer(), nullable=True),
        sa.Column("contributing_factors", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("similar_historical_patterns", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("risk_factors", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "prediction_made_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("validation_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_outcome", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("prediction_accuracy", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "predicted_adoption_timeline_months >= 0",
            name=op.f("ck_trend_predictions_predicted_adoption_timeline_months_non_negative"),
        ),
        sa.CheckConstraint(
            "predicted_learning_priority BETWEEN 1 AND 10",
            name=op.f("ck_trend_predictions_predicted_learning_priority_1_10"),
        ),
        sa.CheckConstraint(
            "predicted_market_impact BETWEEN 1 AND 10",
            name=op.f("ck_trend_predictions_predicted_market_impact_1_10"),
        ),
        sa.CheckConstraint(
            "predicted_momentum_score BETWEEN 1 AND 10",
            name=op.f("ck_trend_predictions_predicted_momentum_score_1_10"),
        ),
        sa.CheckConstraint(
            "prediction_accuracy BETWEEN 0 AND 1", name=op.f("ck_trend_predictions_prediction_accuracy_0_1")
        ),
        sa.CheckConstraint(
            "prediction_confidence BETWEEN 0 AND 1",
            name=op.f("ck_trend_predictions_chk_prediction_confidence"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["trend_prediction_models.model_id"],
            name=op.f("fk_trend_predictions_model_id_trend_prediction_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trend_id"],
            ["technology_trends.trend_id"],
            name=op.f("fk_trend_predictions_trend_id_technology_trends"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prediction_id", name=op.f("pk_trend_predictions")),
    )
    op.create_index(
        "ix_trend_predictions_due",
        "trend_predictions",
        ["validation_date"],
        unique=False,
        postgresql_where=sa.text("actual_outcome IS NULL"),
    )
    op.create_index("ix_trend_predictions_model_id", "trend_predictions", ["model_id"], unique=False)
    op.create_index(
        "ix_trend_predictions_trend_made",
        "trend_predictions",
        ["trend_id", "prediction_made_at"],
        unique=False,
    )
    op.create_table(
        "user_open_source_contributions",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("contribution_id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("project_id", sa.UUID(), nullable=False),
        sa.Column("contribution_type", sa.String(length=50), nullable=True),
        sa.Column("pull_request_url", sa.Text(), nullable=True),
        sa.Column("issue_url", sa.Text(), nullable=True),
        sa.Column("commit_hash", sa.String(length=100), nullable=True),
        sa.Column("lines_of_code_added", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lines_of_code_removed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("files_changed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("complexity_score", sa.Integer(), nullable=True),
        sa.Column("merged_successfully", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("community_feedback_score", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("maintainer_recognition", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("impact_on_project", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("skills_developed", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("technologies_learned", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("collaboration_experience", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("effort_hours", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "contribution_type IN ('code', 'documentation', 'issue_reporting', 'design', 'translation', 'review', 'testing')",
            name=op.f("ck_user_open_source_contributions_contribution_type_allowed"),
        ),
        sa.CheckConstraint(
            "community_feedback_score BETWEEN 1 AND 5",
            name=op.f("ck_user_open_source_contributions_community_feedback_score_1_5"),
        ),
        sa.CheckConstraint(
            "completed_at >= started_at",
            name=op.f("ck_user_open_source_contributions_completed_after_started"),
        ),
        sa.CheckConstraint(
            "complexity_score BETWEEN 1 AND 10",
            name=op.f("ck_user_open_source_contributions_complexity_score_1_10"),
        ),
        sa.CheckConstraint(
            "effort_hours >= 0", name=op.f("ck_user_open_source_contributions_effort_hours_non_negative")
        ),
        sa.CheckConstraint(
            "files_changed >= 0", name=op.f("ck_user_open_source_contributions_files_changed_non_negative")
        ),
        sa.CheckConstraint(
            "lines_of_code_added >= 0",
            name=op.f("ck_user_open_source_contributions_lines_of_code_added_non_negative"),
        ),
        sa.CheckConstraint(
            "lines_of_code_removed >= 0",
            name=op.f("ck_user_open_source_contributions_lines_of_code_removed_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["open_source_projects.project_id"],
            name="fk_user_open_source_contributions_project",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_open_source_contributions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "contribution_id", name=op.f("pk_user_open_source_contributions")),
    )
    op.create_index(
        op.f("ix_user_open_source_contributions_project_id"),
        "user_open_source_contributions",
        ["project_id"],
        unique=False,
    )
    op.create_foreign_key(
        "fk_exploration_content_unit_id_exploration_units",
        "exploration_content",
        "exploration_units",
        ["unit_id"],
        ["unit_id"],
        deferrable=True,
        initially="DEFERRED",
    )
    _create_functions_and_views()
    op.execute(SchemaManager.get_schema())  # procrastinate's job queue tables, on the same database


def downgrade() -> None:
    _drop_procrastinate()
    op.execute("DROP MATERIALIZED VIEW IF EXISTS mv_community_impact_analytics")
    op.execute("DROP FUNCTION IF EXISTS ensure_observation_partitions(date, date)")
    op.drop_constraint(
        "fk_exploration_content_unit_id_exploration_units", "exploration_content", type_="foreignkey"
    )
    op.drop_index(
        op.f("ix_user_open_source_contributions_project_id"), table_name="user_open_source_contributions"
    )
    op.drop_table("user_open_source_contributions")
    op.drop_index("ix_trend_predictions_trend_made", table_name="trend_predictions")
    op.drop_index("ix_trend_predictions_model_id", table_name="trend_predictions")
    op.drop_index(
        "ix_trend_predictions_due",
        table_name="trend_predictions",
        postgresql_where=sa.text("actual_outcome IS NULL"),
    )
    op.drop_table("trend_predictions")
    op.drop_index("ix_trend_notifications_trend_id", table_name="trend_notifications")
    op.drop_table("trend_notifications")
    op.drop_index("ix_exploration_progress_unit_id", table_name="exploration_progress")
    op.drop_table("exploration_progress")
    op.drop_index(op.f("ix_user_innovation_projects_opportunity_id"), table_name="user_innovation_projects")
    op.drop_table("user_innovation_projects")
    op.drop_index(
        op.f("ix_user_conference_participation_event_id"), table_name="user_conference_participation"
    )
    op.drop_table("user_conference_participation")
    op.drop_table("technology_trends")
    op.drop_index("ix_technology_score_history_computed_on", table_name="technology_score_history")
    op.drop_table("technology_score_history")
    op.drop_index("ix_technology_expertise_technology_id", table_name="technology_expertise")
    op.drop_table("technology_expertise")
    op.drop_index("ix_technology_aliases_technology_id", table_name="technology_aliases")
    op.drop_table("technology_aliases")
    op.drop_index("ix_system_logs_type_created", table_name="system_logs")
    op.drop_table("system_logs")
    op.drop_table("sustainable_tech_initiatives")
    op.drop_table("quantum_computing_explorations")
    op.drop_table("pwa_features_usage")
    op.drop_index(op.f("ix_open_source_projects_technology_id"), table_name="open_source_projects")
    op.drop_table("open_source_projects")
    op.drop_table("observations")
    op.drop_table("mobile_exploration_sessions")
    op.drop_table("immersive_learning_sessions")
    op.drop_table("exploration_units")
    op.drop_table("enthusiast_profiles")
    op.drop_index("ix_data_sync_jobs_source_id", table_name="data_sync_jobs")
    op.drop_table("data_sync_jobs")
    op.drop_index("ix_content_embeddings_model_id", table_name="content_embeddings")
    op.drop_table("content_embeddings")
    op.drop_table("community_contributions")
    op.drop_index(
        "ix_ai_model_performance_log_model_id_request_timestamp", table_name="ai_model_performance_log"
    )
    op.drop_table("ai_model_performance_log")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_table("users")
    op.drop_table("trend_prediction_models")
    op.drop_table("trend_monitoring_pipeline")
    op.drop_index(
        "ix_technologies_name_trgm",
        table_name="technologies",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_table("technologies")
    op.drop_table("tech_conferences_events")
    op.drop_table("innovation_opportunities")
    op.drop_table("external_data_sources")
    op.drop_index(
        "uq_exploration_embedding_models_active",
        table_name="exploration_embedding_models",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_table("exploration_embedding_models")
    op.drop_index(
        "ix_exploration_content_technology_ids", table_name="exploration_content", postgresql_using="gin"
    )
    op.drop_table("exploration_content")
    op.drop_table("ai_model_registry")
    for enum in reversed(ENUMS):
        op.execute(f"DROP TYPE IF EXISTS {enum[0]}")
