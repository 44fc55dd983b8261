"""Migrations upgrade from empty and downgrade to base, leaving nothing of Frontier behind."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from frontier.app import metadata
from frontier.db import migrate

ENUMS = {
    "tech_ecosystem",
    "exploration_depth",
    "learning_mode",
    "trend_status",
    "innovation_stage",
    "user_role",
}


def _enum_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'")).scalars())


def test_upgrade_from_empty_creates_every_model_table_and_the_job_queue(empty_database: Engine) -> None:
    migrate.upgrade(empty_database)
    tables = set(inspect(empty_database).get_table_names())
    assert set(metadata().tables) <= tables
    assert {"procrastinate_jobs", "procrastinate_periodic_defers"} <= tables
    assert _enum_names(empty_database) >= ENUMS
    assert migrate.status(empty_database).up_to_date


def test_downgrade_to_base_removes_everything_and_upgrade_works_again(empty_database: Engine) -> None:
    migrate.upgrade(empty_database)
    migrate.downgrade(empty_database, "base")
    with empty_database.connect() as conn:
        leftovers = (
            conn.execute(
                text(
                    "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND relkind IN ('r', 'p', 'm', 'v') AND relname <> 'alembic_version' "
                    # extensions stay installed (other schemas may use them); their own objects are theirs
                    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
                )
            )
            .scalars()
            .all()
        )
        functions = (
            conn.execute(
                text(
                    "SELECT proname FROM pg_proc WHERE proname LIKE 'procrastinate%' OR proname LIKE 'ensure_obs%'"
                )
            )
            .scalars()
            .all()
        )
    assert leftovers == []
    assert functions == []
    assert not (ENUMS & _enum_names(empty_database))
    assert migrate.current_revision(empty_database) is None
    migrate.upgrade(empty_database)
    assert migrate.status(empty_database).up_to_date


def test_models_and_migrations_agree(empty_database: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrate.upgrade(empty_database)
    with empty_database.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [
            d
            for d in compare_metadata(context, metadata())
            # procrastinate's tables are not modelled; per-model HNSW indexes are made at run time.
            if not (d[0] == "remove_table" and d[1].name.startswith("procrastinate"))
            and not (d[0] == "remove_index" and d[1].name.startswith(("idx_", "procrastinate", "uq_mv_")))
        ]
    assert differences == []
