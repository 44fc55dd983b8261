"""A running API drops what a writer in another process changed, once that writer commits: the catalogue and
its series (demo load, ingestion), trend scores (``trends compute``), stored forecasts and the model registry.

The writers run here in their own committed transactions on a database of the module's own (the shared test
database is rolled back after each test, and a rolled-back write announces nothing); the API serves from its
default in-process cache and learns of the writes only through ``frontier.cache.notify``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from frontier.app import create_app
from frontier.cache import CacheClass
from frontier.db import migrate
from frontier.db.embedded import EmbeddedPostgres
from frontier.db.session import Database
from frontier.demo.loader import (
    language_observations,
    read_catalogue,
    repository_observations,
    upsert_catalogue,
)
from frontier.ingest.observations import ObservationRecord, upsert_observations
from frontier.models import service as models
from frontier.models.schemas import ModelIn
from frontier.trends import forecast_store
from frontier.trends.analytics import compute_scores, day_after_month, latest_data_month
from tests.api.conftest import AllowAll
from tests.cache.test_notify import eventually
from tests.conftest import create_database, drop_database

# A dozen languages (each with a top-100 series) and technologies with repositories of their own: enough for
# the scores' normalisation across technologies.
SLUGS = ("c", "clojure", "cpp", "go", "java", "javascript", "python", "ruby", "rust", "typescript")


@dataclass(frozen=True)
class Api:
    database: Database
    client: TestClient
    app: Any
    entries: list[dict[str, Any]]

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    def stats(self, cache_class: CacheClass) -> dict[str, int]:
        counts: dict[str, int] = self.app.state.cache.stats()[cache_class.value]
        return counts

    def write(self, change: Callable[[Any], object]) -> None:
        """Run ``change(session)`` in a transaction of its own that commits (as a worker or the CLI would)."""
        with self.database.session() as session:
            change(session)


@pytest.fixture(scope="module")
def api(pg_server: EmbeddedPostgres) -> Iterator[Api]:
    engine = create_database(pg_server, f"t_{uuid.uuid4().hex[:12]}")
    try:
        migrate.upgrade(engine)
        database = Database(url=engine.url.render_as_string(hide_password=False), engine=engine)
        entries = [e for e in read_catalogue() if e["slug"] in SLUGS]
        with database.session() as session:
            ids = upsert_catalogue(session, entries)
            upsert_observations(
                session, [*language_observations(entries, ids), *repository_observations(entries, ids)]
            )
        app = create_app(database, rate_limiter=AllowAll())
        with TestClient(app) as client:
            assert app.state.cache_listener.wait_listening(10)
            yield Api(database, client, app, entries)
    finally:
        drop_database(pg_server, engine)


def _latest_month(api: Api) -> date:
    with api.database.session() as session:
        month = latest_data_month(session)
    assert month is not None
    return month


def test_a_catalogue_change_and_new_series_data_reach_the_cached_catalogue(api: Api) -> None:
    before = api.get("/api/v1/technologies/python")
    listed = api.get("/api/v1/technologies?name=python")
    hits = api.stats(CacheClass.CATALOGUE)["hits"]
    assert api.get("/api/v1/technologies/python") == before  # cached
    assert api.get("/api/v1/technologies?name=python") == listed
    assert api.stats(CacheClass.CATALOGUE)["hits"] == hits + 2

    edited = [
        {**e, "description": f"{e['description']} (edited {uuid.uuid4().hex[:6]})"} for e in api.entries
    ]
    described = next(e["description"] for e in edited if e["slug"] == "python")
    api.write(lambda session: upsert_catalogue(session, edited))
    assert eventually(lambda: api.get("/api/v1/technologies/python")["description"] == described)
    assert eventually(
        lambda: api.get("/api/v1/technologies?name=python")["items"][0]["description"] == described
    )

    series = api.get("/api/v1/technologies/python")["series"]
    month = day_after_month(max(date.fromisoformat(s["last_period"]) for s in series))
    point = ObservationRecord(
        "github", "top100_stars", "month", month, 1e6, technology_id=uuid.UUID(before["id"])
    )
    api.write(lambda session: upsert_observations(session, [point]))  # a month more, as ingestion stores it
    assert eventually(
        lambda: any(
            s["last_period"] == month.isoformat() for s in api.get("/api/v1/technologies/python")["series"]
        )
    )


def test_computed_scores_reach_the_cached_trends_and_catalogue(api: Api) -> None:
    as_of = day_after_month(_latest_month(api))
    api.write(lambda session: compute_scores(session, as_of))
    assert eventually(lambda: len(api.get("/api/v1/trends")["items"]) == len(SLUGS))
    listed = api.get("/api/v1/trends")
    detail = api.get("/api/v1/trends/python")
    history = api.get("/api/v1/trends/python/history")
    misses = api.stats(CacheClass.TECH_TRENDS)["misses"]
    assert (api.get("/api/v1/trends"), api.get("/api/v1/trends/python")) == (listed, detail)
    assert api.get("/api/v1/trends/python/history") == history
    assert api.stats(CacheClass.TECH_TRENDS)["misses"] == misses  # all three served from the cache

    earlier = date(as_of.year - 1, as_of.month, 1)  # scored as of a year before, from the data up to then
    api.write(lambda session: compute_scores(session, earlier))
    assert eventually(lambda: api.get("/api/v1/trends/python")["scores_as_of"] == earlier.isoformat())
    assert eventually(lambda: api.get("/api/v1/trends")["items"][0]["scores_as_of"] == earlier.isoformat())
    assert eventually(
        lambda: api.get("/api/v1/technologies/python")["scores"]["scores_as_of"] == earlier.isoformat()
    )
    assert eventually(
        lambda: (
            earlier.isoformat()
            in {s["computed_on"] for s in api.get("/api/v1/trends/python/history")["snapshots"]}
        )
    )
    api.write(lambda session: compute_scores(session, as_of))  # back where the other tests expect it


def test_stored_forecasts_reach_the_cached_forecast_and_track_record(api: Api) -> None:
    as_of = day_after_month(_latest_month(api))
    api.write(lambda session: compute_scores(session, as_of))  # forecasts are made for scored technologies
    before = api.get("/api/v1/trends/python/forecast")
    records = api.get("/api/v1/forecast-models")
    assert not any(r["model"] == "naive" for r in records)
    assert api.get("/api/v1/trends/python/forecast") == before  # cached

    api.write(lambda session: forecast_store.store_forecasts(session, as_of, model="naive"))
    assert eventually(lambda: api.get("/api/v1/trends/python/forecast")["model"] == "naive")
    assert eventually(lambda: any(r["model"] == "naive" for r in api.get("/api/v1/forecast-models")))


def test_a_model_registered_elsewhere_reaches_the_cached_registry(api: Api) -> None:
    name = f"elsewhere-{uuid.uuid4().hex[:8]}"
    before = api.get("/api/v1/models")
    assert api.get("/api/v1/models") == before  # cached

    def register(session: Any) -> None:
        admin = uuid.uuid4()
        session.execute(
            text("INSERT INTO users (id, email, display_name, role) VALUES (:i, :e, 'Admin', 'admin')"),
            {"i": admin, "e": f"{name}@example.com"},
        )
        models.register_model(session, ModelIn(model_name=name, version="1", model_type="embedding"), admin)

    api.write(register)
    assert eventually(lambda: name in {m["model_name"] for m in api.get("/api/v1/models")})
