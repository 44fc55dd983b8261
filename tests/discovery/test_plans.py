"""Plans a person would follow, on the demo corpus: the rules of ``discovery.paths.sessions`` as properties over a
few people (different focus areas, levels and progress) and budgets, through the path function, the CLI and
the API's schema."""

from __future__ import annotations

import json
import uuid
from itertools import groupby

import pytest
import typer
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from frontier.cli import explore as explore_cli
from frontier.db.scope import UserScope
from frontier.db.session import Database
from frontier.discovery.paths.progress import record_progress
from frontier.discovery.paths.schemas import PathOut, ProgressIn
from frontier.discovery.paths.service import plan_exploration
from frontier.discovery.paths.sessions import technologies_allowed
from tests.conftest import use_test_database
from tests.discovery.test_paths import NOW, make_user

BUDGETS = [5, 25, 30, 60, 120, 240, 480]
# (focus, style, level, how many items the person is part way through)
PEOPLE = {
    "newcomer": ("{web_frontend}", "{reading}", "surface", 0),
    "ml practitioner": ("{ai_ml}", "{watching}", "moderate", 1),
    "database expert": ("{databases}", "{reading}", "deep", 2),
    "language hopper": ("{programming_languages}", "{hands_on}", "moderate", 3),
}


def start_items(session: Session, user: uuid.UUID, count: int) -> set[uuid.UUID]:
    """Complete the first unit of ``count`` multi-part items in the person's own focus; returns the units
    that continue them."""
    rows = session.execute(
        text(
            "SELECT c.content_id, first.unit_id, second.unit_id AS next_unit FROM exploration_content c "
            "JOIN enthusiast_profiles p ON p.user_id = :u AND c.ecosystem_tags && p.primary_focus_areas "
            "JOIN exploration_units first ON first.content_id = c.content_id AND first.position = 1 "
            "JOIN exploration_units second ON second.content_id = c.content_id AND second.position = 2 "
            "ORDER BY c.content_id LIMIT :n"
        ),
        {"u": user, "n": count},
    ).all()
    for row in rows:
        record_progress(UserScope(session, user), ProgressIn(unit_id=row.unit_id, status="completed"), NOW)
    return {row.next_unit for row in rows}


def technologies(session: Session, path: PathOut) -> set[str]:
    """What the plan's items are about: their main technology, or the item itself when it has none."""
    rows = session.execute(
        text(
            "SELECT coalesce(technology_ids[1], content_id)::text FROM exploration_content "
            "WHERE content_id = ANY(:ids)"
        ),
        {"ids": [item.content_id for item in path.items]},
    ).scalars()
    return set(rows)


DEPTHS = {"surface": 0, "moderate": 1, "deep": 2, "expert": 3}


def check_rules(session: Session, path: PathOut, budget: int, continuing: set[uuid.UUID]) -> None:
    items = path.items
    assert path.total_minutes == sum(i.minutes for i in items) <= budget
    # a few technologies per session, more for longer ones
    assert path.technologies == len(technologies(session, path)) <= technologies_allowed(budget)
    # an item's parts come in order, one after another, and start at the person's next unit
    by_item = [list(g) for _, g in groupby(items, key=lambda i: i.content_id)]
    assert len(by_item) == len({i.content_id for i in items})
    assert all([i.part for i in g] == list(range(g[0].part, g[0].part + len(g))) for g in by_item)
    # finishes something when the time allows (the demo's shortest items take 10 minutes), unless
    # continuing what the person started filled the session
    if budget >= 30 and not all(i.unit_id in continuing or i.part > 1 for i in items):
        assert any(i.part == i.parts for i in items), [(i.title, i.part, i.parts) for i in items]
    # foundations first, and said so
    ranks = [DEPTHS[i.depth or "moderate"] for i in items]
    assert ranks == sorted(ranks)
    deepest = max(ranks, default=0)
    assert all(
        any("foundation" in w for w in i.why) for i, r in zip(items, ranks, strict=True) if r < deepest
    )
    # each step's link
    assert all(i.url for i in items)
    assert (path.notice is None) == bool(items)


@pytest.mark.parametrize("person", list(PEOPLE))
def test_plans_follow_the_rules_for_every_budget(db: Database, person: str) -> None:
    focus, style, level, started = PEOPLE[person]
    user = make_user(db, focus=focus, style=style, level=level)
    with db.session() as session:
        continuing = start_items(session, user, started)
        for budget in BUDGETS:
            path = plan_exploration(session, user, budget)
            check_rules(session, path, budget, continuing)
            # continues what the person started (every next unit of the demo fits 25 minutes)
            if continuing and budget >= 25:
                assert continuing & {i.unit_id for i in path.items}, "continues what the person started"


def test_two_hours_finish_items_rather_than_start_eight(db: Database) -> None:
    user = make_user(db, focus="{programming_languages}", style="{reading}", level="surface")
    with db.session() as session:
        path = plan_exploration(session, user, 120)
    finished = [i for i in path.items if i.part == i.parts]
    started_only = {i.content_id for i in path.items} - {i.content_id for i in finished}
    assert len(finished) >= 2 and len(started_only) <= 1
    assert path.technologies <= 3


def test_an_empty_plan_says_why_and_what_budget_would_work(db: Database) -> None:
    user = make_user(db)
    with db.session() as session:
        path = plan_exploration(session, user, 5)
        shortest = session.execute(text("SELECT min(estimated_minutes) FROM exploration_units")).scalar_one()
        longer = plan_exploration(session, user, path.minutes_needed or 480)
    assert path.items == [] and path.notice and f"takes {shortest} minutes" in path.notice
    assert path.minutes_needed == shortest and longer.items


@pytest.fixture
def cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    use_test_database(monkeypatch, explore_cli, db)
    app = typer.Typer()
    app.command()(explore_cli.explore)
    return app


def person_with_email(db: Database) -> str:
    user = make_user(db, focus="{programming_languages}")
    with db.session() as session:
        return str(session.execute(text("SELECT email FROM users WHERE id = :u"), {"u": user}).scalar_one())


def test_cli_shows_each_steps_link_and_says_foundations_first(db: Database, cli: typer.Typer) -> None:
    email = person_with_email(db)
    result = CliRunner().invoke(cli, [email, "--minutes", "120"], env={"COLUMNS": "300"})
    printed = json.loads(CliRunner().invoke(cli, [email, "--minutes", "120", "--json"]).stdout)

    assert result.exit_code == 0, result.output
    assert "foundations first" in result.stdout
    assert printed["items"] and all(item["url"] in result.stdout for item in printed["items"])


def test_cli_on_a_narrow_terminal_lists_each_steps_link_whole_below_the_plan(
    db: Database, cli: typer.Typer
) -> None:
    email = person_with_email(db)
    result = CliRunner().invoke(cli, [email, "--minutes", "120"], env={"COLUMNS": "80"})
    printed = json.loads(CliRunner().invoke(cli, [email, "--minutes", "120", "--json"]).stdout)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    linked = [item for item in printed["items"] if item["url"]]
    assert linked and all(f"{item['sequence']:>3}  {item['url']}" in lines for item in linked), result.stdout


def test_cli_says_why_a_plan_is_empty(db: Database, cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, [person_with_email(db), "--minutes", "5"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "Nothing fits in 5 minutes" in result.stdout and "Try --minutes 10." in result.stdout
