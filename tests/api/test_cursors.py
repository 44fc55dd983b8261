"""Cursors of the trend list: every cursor the API issues is accepted back, and a tampered one is a 422
naming ``cursor`` (never a 500 from a value PostgreSQL can't compare)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from frontier.app import create_app
from frontier.catalog.models import Technology
from frontier.db.session import Database
from frontier.trends.models import TechnologyTrend

TRENDS = "/api/v1/trends"


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as test_client:
        yield test_client


def raw_cursor(json_text: str) -> str:
    """A cursor holding this JSON text verbatim (json.dumps would not write 1e400 or NaN)."""
    return base64.urlsafe_b64encode(json_text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "json_text",
    [
        '["1e1000000","python"]',
        '["-1e1000000","python"]',
        '["100","python"]',  # NUMERIC(4,2) holds under 100
        '["NaN","python"]',
        '["Infinity","python"]',
        '["sNaN","python"]',
        '[1e400,"python"]',
        '[NaN,"python"]',
        '["1e-1000000","python"]',
        '["0E+1000000","zzz"]',
    ],
)
def test_a_tampered_score_cursor_is_a_422_naming_cursor(client: TestClient, json_text: str) -> None:
    answer = client.get(TRENDS, params={"sort": "momentum", "cursor": raw_cursor(json_text)})
    assert answer.status_code == 422, answer.text
    assert [error["field"] for error in answer.json()["errors"]] == ["cursor"]


@pytest.mark.parametrize("sort", ["momentum", "priority", "adoption", "name"])
@pytest.mark.parametrize("limit", [1, 7, 50])
def test_walking_every_page_accepts_each_issued_cursor_and_returns_each_scored_technology_once(
    db: Database, client: TestClient, sort: str, limit: int
) -> None:
    with db.session() as session:
        # Some technologies unscored on the sort: pages then end among rows whose sort value is null.
        unscored = session.scalars(
            select(TechnologyTrend.trend_id).order_by(TechnologyTrend.trend_id).limit(9)
        )
        session.execute(
            update(TechnologyTrend)
            .where(TechnologyTrend.trend_id.in_(list(unscored)))
            .values(momentum_score=None, learning_priority_score=None, adoption_rate=None)
        )
        expected = session.scalar(
            select(func.count())
            .select_from(TechnologyTrend)
            .join(Technology, Technology.id == TechnologyTrend.trend_id)
        )
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(500):
        params: dict[str, str | int] = {"sort": sort, "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        answer = client.get(TRENDS, params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == expected
