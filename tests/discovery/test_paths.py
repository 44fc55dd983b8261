"""Exploration paths and contextual picks on the real demo corpus (embedded in the session fixture)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from frontier.app import create_app
from frontier.clock import FixedClock
from frontier.db.scope import UserScope
from frontier.db.session import Database
from frontier.discovery.paths.progress import record_progress
from frontier.discovery.paths.schemas import ContextIn, ProgressIn
from frontier.discovery.paths.service import contextual_picks, plan_exploration
from frontier.security.ratelimit import Decision, Limit

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def make_user(
    db: Database, focus: str = "{ai_ml}", style: str = "{reading}", level: str = "moderate"
) -> uuid.UUID:
    with db.session() as session:
        user_id = session.execute(
            text("INSERT INTO users (email, display_name) VALUES (:e, 'U') RETURNING id"),
            {"e": f"{uuid.uuid4().hex[:8]}@example.org"},
        ).scalar_one()
        session.execute(
            text(
                "INSERT INTO enthusiast_profiles (user_id, primary_focus_areas, exploration_style, "
                "current_expertise_level) VALUES (:u, CAST(:f AS tech_ecosystem[]), CAST(:s AS learning_mode[]), "
                "CAST(:l AS exploration_depth))"
            ),
            {"u": user_id, "f": focus, "s": style, "l": level},
        )
    return user_id


@pytest.mark.parametrize("minutes", [5, 25, 120, 480])
def test_path_never_exceeds_the_budget_and_explains_every_item(db: Database, minutes: int) -> None:
    user = make_user(db)
    with db.session() as session:
        path = plan_exploration(session, user, minutes)
    assert path.total_minutes == sum(i.minutes for i in path.items) <= minutes
    assert all(item.why for item in path.items)
    assert [i.sequence for i in path.items] == list(range(1, len(path.items) + 1))
    if minutes >= 25:
        assert path.items, "a 25-minute budget can start a book"


def test_path_is_deterministic(db: Database) -> None:
    user = make_user(db)
    with db.session() as session:
        assert plan_exploration(session, user, 90) == plan_exploration(session, user, 90)


def test_focus_areas_shape_the_path(db: Database) -> None:
    def share(focus: str, ecosystem: str) -> float:
        user = make_user(db, focus=focus)
        with db.session() as session:
            path = plan_exploration(session, user, 240)
            ids = [item.content_id for item in path.items]
            tagged = session.execute(
                text(
                    "SELECT count(*) FROM exploration_content WHERE content_id = ANY(:ids) "
                    "AND CAST(:eco AS tech_ecosystem) = ANY(ecosystem_tags)"
                ),
                {"ids": ids, "eco": ecosystem},
            ).scalar_one()
        return tagged / max(1, len(ids))

    assert share("{web_frontend}", "web_frontend") > share("{databases}", "web_frontend")


def test_completed_units_are_skipped_and_the_item_resumes(db: Database) -> None:
    user = make_user(db)
    with db.session() as session:
        first = plan_exploration(session, user, 25).items[0]
        record_progress(UserScope(session, user), ProgressIn(unit_id=first.unit_id, status="completed"), NOW)
        again = plan_exploration(session, user, 480)
    assert first.unit_id not in {i.unit_id for i in again.items}
    resumed = [i for i in again.items if i.content_id == first.content_id]
    if first.parts > 1 and resumed:
        assert resumed[0].part == 2 and any("continues where you stopped" in w for w in resumed[0].why)


def test_limited_connection_gets_text_formats_that_fit_the_moment(db: Database) -> None:
    user = make_user(db, style="{watching}")  # prefers videos, which a limited connection can't carry
    with db.session() as session:
        # the demo's shortest units are about 20 minutes (a podcast episode list, a book's part)
        picks = contextual_picks(
            session, user, ContextIn(device="mobile", connection="limited", attention_span=20, minutes=30)
        )
        wide = contextual_picks(
            session, user, ContextIn(device="desktop", connection="wifi", attention_span=20, minutes=30)
        )
    assert picks and all(p.format in ("html", "markdown", "pdf", "epub", "text") for p in picks)
    assert all(p.minutes <= 30 for p in picks)
    assert any(p.format not in ("html", "markdown", "pdf", "epub", "text") for p in wide)
    assert all(set(p.explanation) == {"device_fit", "attention_fit", "connection", "personal"} for p in picks)


class Unlimited:
    def hit(self, limit: Limit, key: str) -> Decision:
        return Decision(allowed=True, remaining=limit.count, retry_after=0)

    def reset(self, limit: Limit, key: str) -> None:
        return None


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db, clock=FixedClock(NOW), rate_limiter=Unlimited())) as test_client:
        yield test_client


def test_path_route_is_private_cached_and_moves_on_after_progress(client: TestClient) -> None:
    assert client.get("/api/v1/me/exploration-path").status_code == 401
    signup = client.post(
        "/api/v1/auth/signup",
        json={"email": "e@example.org", "password": "correct horse battery staple", "display_name": "E"},
    )
    csrf = signup.json()["csrf_token"]
    first = client.get("/api/v1/me/exploration-path", params={"minutes": 25}).json()
    assert first["total_minutes"] <= 25 and first["items"]
    assert all(item["url"] and item["depth"] for item in first["items"]) and first["technologies"] >= 1
    empty = client.get("/api/v1/me/exploration-path", params={"minutes": 5}).json()
    assert empty["items"] == [] and "Nothing fits in 5 minutes" in empty["notice"]
    assert empty["minutes_needed"] == 10
    assert client.get("/api/v1/me/exploration-path", params={"minutes": 25}).json() == first  # cached
    unit = first["items"][0]["unit_id"]
    done = client.post("/api/v1/me/progress", json={"unit_id": unit}, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200
    after = client.get("/api/v1/me/exploration-path", params={"minutes": 25}).json()
    assert unit not in [i["unit_id"] for i in after["items"]]
    bad = client.post(
        "/api/v1/me/progress", json={"unit_id": str(uuid.uuid4())}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "unit_id"
