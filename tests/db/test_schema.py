"""The migrated schema holds everything the seed defines or reads, and its constraints reject bad values."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from frontier.db.session import Database
from tests.conftest import TESTS

SEED = (TESTS / "data" / "seed.txt").read_text(encoding="utf-8")
REFERENCED = json.loads((TESTS / "data" / "seed_referenced_columns.json").read_text(encoding="utf-8"))


def seed_tables() -> dict[str, list[str]]:
    """Table -> column names, parsed from the seed's CREATE TABLE blocks."""
    tables: dict[str, list[str]] = {}
    for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", SEED, flags=re.S):
        columns = re.findall(r"^\s+(\w+)\s+[A-Z]", body, flags=re.M)
        tables[name] = [c for c in columns if c not in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK")]
    return tables


def test_seed_parser_finds_all_eighteen_tables() -> None:
    tables = seed_tables()
    assert len(tables) == 18
    assert "significance_threshold" in tables["trend_monitoring_pipeline"]


@pytest.mark.parametrize("table", sorted(seed_tables()))
def test_every_seed_table_has_every_seed_column(migrated_engine: Engine, table: str) -> None:
    columns = {c["name"] for c in inspect(migrated_engine).get_columns(table)}
    missing = set(seed_tables()[table]) - columns
    assert not missing, f"{table} lacks {sorted(missing)}"


@pytest.mark.parametrize("table", sorted(REFERENCED))
def test_every_referenced_table_has_the_columns_the_seed_reads(migrated_engine: Engine, table: str) -> None:
    columns = {c["name"] for c in inspect(migrated_engine).get_columns(table)}
    missing = set(REFERENCED[table]) - columns
    assert not missing, f"{table} lacks {sorted(missing)}"


def test_enums_have_the_documented_values(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_type t "
                "JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname"
            )
        ).all()
    enums = dict(rows)
    assert enums["exploration_depth"] == ["surface", "moderate", "deep", "expert"]
    assert {"showcase", "open_source"} <= set(enums["innovation_stage"])
    assert {"quantum", "immersive", "sustainable_tech"} <= set(enums["tech_ecosystem"])
    assert "learning_mode" in enums


def test_entity_ids_default_to_gen_random_uuid(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        defaults = conn.execute(
            text(
                "SELECT table_name, column_default FROM information_schema.columns "
                "WHERE table_schema = 'public' AND data_type = 'uuid' AND column_default IS NOT NULL"
            )
        ).all()
    assert defaults, "no uuid defaults found"
    assert all("gen_random_uuid()" in default for _, default in defaults)
    assert "uuid_generate_v4" not in str(defaults)


def test_every_timestamp_is_timestamptz(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        naive = (
            conn.execute(
                text(
                    "SELECT table_name || '.' || column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND data_type = 'timestamp without time zone' "
                    "AND table_name NOT LIKE 'procrastinate%'"
                )
            )
            .scalars()
            .all()
        )
    assert naive == []


USER_SCOPED = (
    "trend_notifications",
    "user_conference_participation",
    "user_open_source_contributions",
    "mobile_exploration_sessions",
    "pwa_features_usage",
    "quantum_computing_explorations",
    "immersive_learning_sessions",
    "sustainable_tech_initiatives",
    "community_contributions",
    "user_innovation_projects",
    "technology_expertise",
    "exploration_progress",
)


@pytest.mark.parametrize("table", USER_SCOPED)
def test_user_scoped_tables_lead_their_primary_key_with_user_id(migrated_engine: Engine, table: str) -> None:
    primary_key = inspect(migrated_engine).get_pk_constraint(table)["constrained_columns"]
    assert primary_key[0] == "user_id" and len(primary_key) == 2


def test_seed_indexes_are_corrected(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        indexes = dict(
            conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'idx_%'")
            ).all()
        )
    assert "USING gin (ecosystem_tags)" in indexes["idx_trend_content_discovery_ecosystems"]
    assert "USING gin (technology_focus)" in indexes["idx_community_impact_technologies"]
    assert "USING gin (technologies_chosen)" in indexes["idx_innovation_success_technologies"]
    assert "momentum_score DESC" in indexes["idx_ecosystem_health_metrics"]
    assert "WHERE (trend_alignment >= 6)" in indexes["idx_trend_content_discovery"]


def test_observations_are_partitioned_by_month(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        strategy = conn.execute(
            text("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'observations'::regclass")
        ).scalar_one()
        partitions = conn.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'observations'::regclass")
        ).scalar_one()
    assert strategy == "r"
    assert partitions >= 70  # the demo's months, 2018-12 .. 2025-08


def test_community_impact_view_refreshes_concurrently(db: Database) -> None:
    with db.session() as session:
        user_id = session.execute(
            text("INSERT INTO users (email, display_name) VALUES ('a@example.org', 'A') RETURNING id")
        ).scalar_one()
        tech = session.execute(text("SELECT id FROM technologies WHERE slug = 'python'")).scalar_one()
        session.execute(
            text(
                "INSERT INTO community_contributions (user_id, title, contribution_type, views_or_downloads, "
                "technology_focus, community_rating) VALUES "
                "(:u, 'Intro', 'article', 120, ARRAY[CAST(:t AS uuid)], 8), "
                "(:u, 'More', 'article', 30, ARRAY[CAST(:t AS uuid)], 6)"
            ),
            {"u": user_id, "t": tech},
        )
        session.execute(text("REFRESH MATERIALIZED VIEW mv_community_impact_analytics"))
        row = session.execute(
            text(
                "SELECT contribution_count, total_reach, technology_breadth, avg_quality_rating "
                "FROM mv_community_impact_analytics WHERE user_id = :u"
            ),
            {"u": user_id},
        ).one()
    assert (row.contribution_count, row.total_reach, row.technology_breadth) == (2, 150, 1)
    assert float(row.avg_quality_rating) == 7.0


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        (
            "INSERT INTO tech_conferences_events (event_name, start_date, end_date, relevance_to_trends) "
            "VALUES ('X', '2026-01-02', '2026-01-03', 11)",
            "relevance_to_trends_1_10",
        ),
        (
            "INSERT INTO tech_conferences_events (event_name, start_date, end_date) "
            "VALUES ('X', '2026-01-03', '2026-01-02')",
            "tech_conferences_events",
        ),
        (
            "INSERT INTO trend_prediction_models (model_name, precision_score) VALUES ('m', 1.5)",
            "precision_score_0_1",
        ),
        (
            "INSERT INTO external_data_sources (source_name, source_type, base_url) VALUES ('s', 'ftp', 'https://x')",
            "source_type_allowed",
        ),
        ("INSERT INTO users (email, display_name) VALUES ('not-an-email', 'N')", "email_has_at"),
        ("INSERT INTO technologies (slug, name, ecosystem) VALUES ('Bad Slug', 'B', 'ai_ml')", "slug_format"),
    ],
)
def test_constraints_reject_bad_values_naming_the_rule(db: Database, statement: str, constraint: str) -> None:
    with pytest.raises(IntegrityError) as raised, db.session() as session:
        session.execute(text(statement))
    assert constraint in str(raised.value.orig)


def test_email_is_unique_case_insensitively(db: Database) -> None:
    with pytest.raises(IntegrityError, match="uq_users_email_lower"), db.session() as session:
        session.execute(text("INSERT INTO users (email, display_name) VALUES ('Ada@Example.org', 'A')"))
        session.execute(text("INSERT INTO users (email, display_name) VALUES ('ada@example.org', 'B')"))


def test_trend_name_follows_the_catalogue_rename(db: Database) -> None:
    with db.session() as session:
        tech_id = session.execute(text("SELECT id FROM technologies WHERE slug = 'rust'")).scalar_one()
        session.execute(
            text(
                "INSERT INTO technology_trends (trend_id, trend_name, ecosystem_id) "
                "SELECT id, name, ecosystem FROM technologies WHERE id = :t"
            ),
            {"t": tech_id},
        )
        session.execute(text("UPDATE technologies SET name = 'Rust (lang)' WHERE id = :t"), {"t": tech_id})
        name = session.execute(
            text("SELECT trend_name FROM technology_trends WHERE trend_id = :t"), {"t": tech_id}
        ).scalar_one()
    assert name == "Rust (lang)"


def test_observation_natural_key_is_unique(db: Database) -> None:
    tech = uuid.uuid4()
    with pytest.raises(IntegrityError, match="duplicate key"), db.session() as session:
        session.execute(
            text("INSERT INTO technologies (id, slug, name, ecosystem) VALUES (:t, 'x-1', 'X', 'ai_ml')"),
            {"t": tech},
        )
        for _ in range(2):
            session.execute(
                text(
                    "INSERT INTO observations (technology_id, source, metric, granularity, period_start, "
                    "value) VALUES (:t, 'github', 'stars', 'month', '2024-01-01', 1)"
                ),
                {"t": tech},
            )


def test_monthly_observation_must_start_on_the_first(db: Database) -> None:
    with pytest.raises(IntegrityError, match="month_starts_on_first"), db.session() as session:
        session.execute(
            text(
                "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value) "
                "SELECT id, 'github', 'stars', 'month', '2024-01-15', 1 FROM technologies LIMIT 1"
            )
        )


def test_partitions_are_made_on_demand_and_only_once(db: Database) -> None:
    with db.session() as session:
        made = session.execute(
            text("SELECT ensure_observation_partitions('2031-01-10', '2031-03-01')")
        ).scalar_one()
        again = session.execute(
            text("SELECT ensure_observation_partitions('2031-01-01', '2031-03-31')")
        ).scalar_one()
    assert (made, again) == (3, 0)
