"""Path classes (migration 0009): triggers keep them equal to the content, and the candidate pool read through
them equals the pool's definition computed over every item."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from frontier.db.scope import UserScope
from frontier.db.session import Database
from frontier.discovery.content.service import import_demo_content, import_feed_entries
from frontier.discovery.embeddings import active_model
from frontier.discovery.paths import repository as sql
from frontier.discovery.paths.progress import record_progress
from frontier.discovery.paths.schemas import ProgressIn
from frontier.discovery.paths.service import OPTIONS, plan_exploration
from frontier.ingest.connectors.base import FeedEntry
from tests.discovery.test_paths import make_user

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
NIL = "00000000-0000-0000-0000-000000000000"
KEY = "technology_key, first_minutes, exploration_mode, depth_rank, ecosystem_tags"

# Each item's class straight from its row and its first unit: what the triggers must keep.
DERIVED = f"""
SELECT c.content_id, u.unit_id, coalesce(c.technology_ids[1], '{NIL}') AS technology_key, u.estimated_minutes AS first_minutes,
       coalesce(c.exploration_mode::text, '') AS exploration_mode,
       coalesce({sql.DEPTH_RANK.format(col="c.depth")}, 1) AS depth_rank, c.ecosystem_tags
FROM exploration_content c JOIN exploration_units u ON u.content_id = c.content_id AND u.position = 1
"""


def assert_classes_follow_the_content(session: Session) -> None:
    derived = set(session.execute(text(DERIVED)).all())
    stored = set(session.execute(text(f"SELECT content_id, unit_id, {KEY} FROM path_item_classes")).all())
    assert stored == derived
    counted = set(
        session.execute(text(f"SELECT {KEY}, count(*) FROM path_item_classes GROUP BY {KEY}")).all()
    )
    assert set(session.execute(text(f"SELECT {KEY}, items FROM path_classes")).all()) == counted


def a_technology_item(session: Session) -> Any:
    return session.execute(
        text(
            "SELECT content_id, technology_ids FROM exploration_content "
            "WHERE cardinality(technology_ids) > 0 AND estimated_time_minutes > 60 ORDER BY content_id LIMIT 1"
        )
    ).one()


def test_path_classes_match_the_content_after_the_demo_load(db: Database) -> None:
    with db.session() as session:
        assert session.execute(text("SELECT count(*) FROM path_item_classes")).scalar_one() > 1000
        assert_classes_follow_the_content(session)


def test_path_classes_follow_edits_of_an_item(db: Database) -> None:
    with db.session() as session:
        item = a_technology_item(session)
        other = session.execute(
            text("SELECT id FROM technologies WHERE id <> ALL(:ids) ORDER BY id LIMIT 1"),
            {"ids": item.technology_ids},
        ).scalar_one()
        session.execute(
            text(
                "UPDATE exploration_content SET exploration_mode = NULL, depth = 'expert', "
                "ecosystem_tags = '{databases,mobile}', technology_ids = ARRAY[CAST(:t AS uuid)] "
                "WHERE content_id = :c"
            ),
            {"t": other, "c": item.content_id},
        )
        row = session.execute(
            text(f"SELECT {KEY} FROM path_item_classes WHERE content_id = :c"), {"c": item.content_id}
        ).one()
        assert (row.technology_key, row.exploration_mode, row.depth_rank) == (other, "", 3)
        assert_classes_follow_the_content(session)


def test_path_classes_follow_new_minutes_and_deleted_items(db: Database) -> None:
    with db.session() as session:
        item = a_technology_item(session)
        session.execute(
            text("UPDATE exploration_content SET estimated_time_minutes = 12 WHERE content_id = :c"),
            {"c": item.content_id},
        )
        import_demo_content(session)  # restores the demo's minutes and rebuilds the units
        assert_classes_follow_the_content(session)
        session.execute(
            text("UPDATE exploration_units SET estimated_minutes = 7 WHERE content_id = :c AND position = 1"),
            {"c": item.content_id},
        )
        first = session.execute(
            text("SELECT first_minutes FROM path_item_classes WHERE content_id = :c"), {"c": item.content_id}
        ).scalar_one()
        assert first == 7
        session.execute(text("DELETE FROM exploration_content WHERE content_id = :c"), {"c": item.content_id})
        assert_classes_follow_the_content(session)


def test_path_classes_take_in_feed_articles(db: Database) -> None:
    entry = FeedEntry(
        "https://blog.example.org/feed.xml",
        "Announcing Rust 9.1",
        "https://blog.example.org/r",
        None,
        "",
        ("rust",),
    )
    with db.session() as session:
        import_feed_entries(session, [entry])
        added = session.execute(
            text(
                "SELECT k.first_minutes FROM path_item_classes k JOIN exploration_content c USING (content_id) "
                "WHERE c.external_key = 'https://blog.example.org/r'"
            )
        ).scalar_one()
        assert added == 10
        assert_classes_follow_the_content(session)


def test_new_trend_scores_reach_the_next_plan(db: Database) -> None:
    user = make_user(db, focus="{}", style="{}", level="moderate")
    with db.session() as session:
        # the technology with the most moderate items: with every other momentum at 1, it must lead the plan
        favourite = session.execute(
            text(
                "SELECT technology_ids[1] FROM exploration_content WHERE depth = 'moderate' "
                "AND cardinality(technology_ids) > 0 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            )
        ).scalar_one()
        session.execute(
            text(
                "INSERT INTO technology_trends (trend_id, trend_name, ecosystem_id, momentum_score) "
                "SELECT id, name, ecosystem, CASE WHEN id = :t THEN 10 ELSE 1 END FROM technologies "
                "ON CONFLICT (trend_id) DO UPDATE SET momentum_score = excluded.momentum_score"
            ),
            {"t": favourite},
        )
        path = plan_exploration(session, user, 120)
        technologies = session.execute(
            text("SELECT technology_ids[1] FROM exploration_content WHERE content_id = ANY(:ids)"),
            {"ids": [item.content_id for item in path.items]},
        ).scalars()
        assert favourite in set(technologies)
        assert any(item.learning_outcome_prediction["trend_awareness_boost"] == 10 for item in path.items)


# The pool's definition (paths.repository, before PLAN_CANDIDATES) computed the slow way, over every item: per
# first-unit length m, the best 3 * N(m) + 4 groups (ties in the class order, then by content id), the best
# :cap + 2 untouched items of each, every item of a class of at most WHOLE_CLASS items one of those is in when
# its group is among the best N(m), and every touched item at its next unit.
REFERENCE_POOL = f"""{sql._PERSON},
items AS (
    SELECT c.content_id, {sql._PARTIAL} AS partial, k.first_minutes AS length,
           coalesce(c.technology_ids[1], c.content_id) AS grp, k.technology_key, k.exploration_mode, k.depth_rank,
           k.ecosystem_tags, CASE WHEN k.technology_key = '{NIL}' THEN c.content_id END AS alone
    FROM exploration_content c JOIN path_item_classes k ON k.content_id = c.content_id CROSS JOIN profile pr
    LEFT JOIN technology_trends tt ON tt.trend_id = c.technology_ids[1]
    WHERE k.first_minutes BETWEEN :min_minutes AND :max_minutes
      AND NOT EXISTS (SELECT 1 FROM done d WHERE d.content_id = c.content_id)
),
resumed AS (
    SELECT c.content_id, d.last_position + 1 AS next_position, {sql._PARTIAL} AS partial,
           coalesce(c.technology_ids[1], c.content_id) AS grp, u.estimated_minutes AS length
    FROM done d JOIN exploration_content c ON c.content_id = d.content_id
    JOIN exploration_units u ON u.content_id = c.content_id AND u.position = d.last_position + 1
    CROSS JOIN profile pr LEFT JOIN technology_trends tt ON tt.trend_id = c.technology_ids[1]
    WHERE u.estimated_minutes BETWEEN :min_minutes AND :max_minutes
),
shortest AS (
    SELECT coalesce(least((SELECT min(length) FROM items), (SELECT min(length) FROM resumed)), :min_minutes) AS s
),
groups AS (
    SELECT length, grp, row_number() OVER (
        PARTITION BY length ORDER BY best DESC, technology_key, exploration_mode, depth_rank, ecosystem_tags, alone
    ) AS group_rank
    FROM (
        SELECT length, grp, max(partial) AS best, min(technology_key::text)::uuid AS technology_key,
               CASE WHEN min(alone::text) IS NULL THEN '' ELSE min(exploration_mode) END AS exploration_mode,
               CASE WHEN min(alone::text) IS NULL THEN 0 ELSE min(depth_rank) END AS depth_rank,
               CASE WHEN min(alone::text) IS NULL THEN '{{}}' ELSE min(ecosystem_tags) END AS ecosystem_tags,
               min(alone::text)::uuid AS alone
        FROM items GROUP BY length, grp
    ) g
),
ranked AS (
    SELECT i.*, g.group_rank <= (:max_minutes - i.length) / (SELECT s FROM shortest) + 2 AS plan_group,
           g.group_rank <= 3 * ((:max_minutes - i.length) / (SELECT s FROM shortest) + 2) + 4
                AND row_number() OVER (
                    PARTITION BY i.length, i.grp
                    ORDER BY i.partial DESC, i.exploration_mode, i.depth_rank, i.ecosystem_tags, i.content_id
                ) <= :cap + 2 AS chosen
    FROM items i JOIN groups g ON g.length = i.length AND g.grp = i.grp
),
classes AS (
    SELECT r.*, bool_or(r.chosen AND r.plan_group) OVER w AS class_chosen, count(*) OVER w AS class_items
    FROM ranked r
    WINDOW w AS (PARTITION BY r.length, r.technology_key, r.exploration_mode, r.depth_rank, r.ecosystem_tags)
)
SELECT content_id, 1 AS next_position, partial, grp FROM classes
WHERE chosen OR (class_chosen AND class_items <= {sql.WHOLE_CLASS})
UNION ALL
SELECT content_id, next_position, partial, grp FROM resumed
ORDER BY content_id
"""


def _pool(session: Session, statement: str, user: uuid.UUID, minutes: int) -> list[Any]:
    model = active_model(session)
    params = {
        "user_id": user,
        "model_id": model.model_id if model else None,
        "max_minutes": minutes,
        "min_minutes": OPTIONS.min_minutes,
        "cap": OPTIONS.max_per_technology,
    }
    return [tuple(row) for row in session.execute(text(statement), params)]


@pytest.mark.parametrize("minutes", [5, 25, 120, 480])
def test_path_pool_equals_its_definition_over_every_item(db: Database, minutes: int) -> None:
    fresh = make_user(db, focus="{web_frontend,databases}", style="{watching}", level="surface")
    started = make_user(db, focus="{programming_languages}", style="{reading}", level="deep")
    with db.session() as session:
        for item in plan_exploration(session, started, 120).items[:3]:
            done = ProgressIn(unit_id=item.unit_id, status="completed")
            record_progress(UserScope(session, started), done, NOW)
        for user in (fresh, started):
            pool = _pool(session, sql.PLAN_POOL, user, minutes)
            assert pool == _pool(session, REFERENCE_POOL, user, minutes)
            assert minutes < 10 or len(pool) > 10
