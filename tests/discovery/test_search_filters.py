"""Ecosystem-filtered search: the vector rows' copy of their items' ecosystems stays in sync, the filter walks
the ecosystem's own HNSW index, and finds what exact search finds."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgvector.sqlalchemy import Vector
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.orm import Session

from frontier.db import migrate
from frontier.db.base import TechEcosystem
from frontier.db.session import Database
from frontier.discovery.embeddings.models import hnsw_index_name
from frontier.discovery.search.repository import ContentFilters, StatementShape, search_statement
from frontier.discovery.search.service import DEFAULT_RANKING, Ranking, search, serving_model

LABELLED = json.loads((Path(__file__).parent / "queries.json").read_text(encoding="utf-8"))["queries"]
OUT_OF_SYNC = """
SELECT count(*) FROM content_embeddings e JOIN exploration_content c ON c.content_id = e.content_id
WHERE e.ecosystem_tags IS DISTINCT FROM c.ecosystem_tags
"""


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as opened:
        yield opened


def labelled_with_ecosystems(session: Session) -> list[tuple[str, TechEcosystem]]:
    """Each labelled query with the ecosystem of most of its labelled technologies (the filter a learner
    would pick), for the queries whose technologies are in the catalogue."""
    found = []
    for label in LABELLED:
        ecosystem = session.scalar(
            text(
                "SELECT ecosystem FROM technologies WHERE slug = ANY(:slugs) "
                "GROUP BY ecosystem ORDER BY count(*) DESC, ecosystem LIMIT 1"
            ),
            {"slugs": label["technologies"]},
        )
        if ecosystem is not None:
            found.append((label["query"], TechEcosystem(ecosystem)))
    return found


def test_ecosystem_filtered_searches_find_only_that_ecosystem_and_what_exact_search_finds(
    session: Session,
) -> None:
    queries = labelled_with_ecosystems(session)
    assert len(queries) >= 40 and len({ecosystem for _, ecosystem in queries}) >= 5
    for query, ecosystem in queries:
        ours = search(session, query, ecosystem=ecosystem)
        exact = search(session, query, ecosystem=ecosystem, ranking=Ranking(exact=True))
        items = session.scalar(
            text(
                "SELECT count(*) FROM exploration_content WHERE ecosystem_tags @> ARRAY[CAST(:e AS tech_ecosystem)]"
            ),
            {"e": ecosystem.value},
        )

        assert len(ours) == min(10, items) and all(ecosystem.value in r.tags for r in ours), query
        assert [r.id for r in ours] == [r.id for r in exact], query


@pytest.mark.parametrize("ecosystem", [TechEcosystem.web_frontend, TechEcosystem.blockchain])
def test_an_ecosystem_filter_walks_that_ecosystems_own_index(
    session: Session, ecosystem: TechEcosystem
) -> None:
    model = serving_model(session)
    ranking = DEFAULT_RANKING
    shape = StatementShape(
        limit=10,
        candidates=ranking.candidates,
        feedback_items=ranking.feedback_items,
        ef_search=ranking.ef_search,
        max_scan_tuples=ranking.max_scan_tuples,
        section_weight=ranking.section,
        technology_weight=ranking.technology,
    )
    statement = search_statement(model.model_id, model.dimensions, ContentFilters(ecosystem=ecosystem), shape)
    query = model.backend.embed(["python for data science"])[0]
    explain = text("EXPLAIN " + statement.text).bindparams(bindparam("query", type_=Vector(model.dimensions)))
    plan = "\n".join(session.scalars(explain, {"query": query, "names": []}))

    assert f"Index Scan using {hnsw_index_name(model.model_id, ecosystem)} " in plan
    assert f"Index Scan using {hnsw_index_name(model.model_id)} " not in plan


def test_every_vector_row_carries_its_items_ecosystems(session: Session) -> None:
    tagged = session.scalar(text("SELECT count(*) FROM content_embeddings WHERE ecosystem_tags <> '{}'"))

    assert tagged and tagged > 1000
    assert session.scalar(text(OUT_OF_SYNC)) == 0


def test_changing_an_items_ecosystems_moves_it_between_filtered_searches(session: Session) -> None:
    [item] = search(session, "learn react hooks", limit=1, ecosystem=TechEcosystem.web_frontend)
    session.execute(
        text("UPDATE exploration_content SET ecosystem_tags = '{quantum}' WHERE content_id = :id"),
        {"id": item.id},
    )

    assert session.scalar(text(OUT_OF_SYNC)) == 0
    assert item.id not in {r.id for r in search(session, "learn react hooks", ecosystem="web_frontend")}
    assert item.id in {r.id for r in search(session, "learn react hooks", ecosystem="quantum")}


def test_vector_rows_take_their_items_ecosystems_whatever_a_statement_writes(session: Session) -> None:
    item = session.scalar(
        text("SELECT content_id FROM content_embeddings WHERE ecosystem_tags <> '{}' LIMIT 1")
    )
    session.execute(
        text("UPDATE content_embeddings SET ecosystem_tags = '{quantum}' WHERE content_id = :id"),
        {"id": item},
    )
    model, vector = session.execute(
        text("DELETE FROM content_embeddings WHERE content_id = :id RETURNING model_id, embedding::text"),
        {"id": item},
    ).one()
    session.execute(
        text(
            "INSERT INTO content_embeddings (content_id, model_id, embedding, text_sha256, ecosystem_tags) "
            "VALUES (:id, :model, CAST(:vector AS vector), 'test', '{quantum}')"
        ),
        {"id": item, "model": model, "vector": vector},
    )

    assert session.scalar(text(OUT_OF_SYNC)) == 0


def test_the_migration_gives_existing_vectors_their_ecosystems_and_each_model_its_indexes(
    empty_database: Engine,
) -> None:
    migrate.upgrade(empty_database, "0007")
    content, model = uuid.uuid4(), uuid.uuid4()
    with empty_database.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO exploration_embedding_models (model_id, model_name, model_version, provider, "
                "embedding_dimensions, status) VALUES (:model, 'test', '1', 'test', 3, 'active')"
            ),
            {"model": model},
        )
        conn.execute(
            text(
                "INSERT INTO exploration_content (content_id, unit_id, external_key, title, ecosystem_tags, "
                "estimated_time_minutes) VALUES (:content, :unit, 'test:1', 'Qubits', '{quantum}', 30)"
            ),
            {"content": content, "unit": content},
        )
        conn.execute(
            text(
                "INSERT INTO exploration_units (unit_id, content_id, position, estimated_minutes) "
                "VALUES (:content, :content, 1, 30)"
            ),
            {"content": content},
        )
        conn.execute(
            text(
                "INSERT INTO content_embeddings (content_id, model_id, embedding, text_sha256) "
                "VALUES (:content, :model, '[1, 0, 0]', 'test')"
            ),
            {"content": content, "model": model},
        )

    migrate.upgrade(empty_database, "0008")

    with empty_database.connect() as conn:
        tags = conn.scalar(text("SELECT ecosystem_tags::text[] FROM content_embeddings"))
        indexes = set(
            conn.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'content_embeddings'"))
        )
    assert tags == ["quantum"]
    assert {hnsw_index_name(model, ecosystem) for ecosystem in TechEcosystem} <= indexes
