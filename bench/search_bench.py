"""Content search: HNSW recall@10 against exact search, and latency of the whole search a user waits for
(``frontier.discovery.search.service.run_search``, as ``frontier search`` and the API run it per request: finding the
serving model, reading the query, embedding it with the real MiniLM model, ranking), on the demo corpus and on
100,000 items, unfiltered and with an ecosystem filter.

Corpus. The demo (4,241 items with their real all-MiniLM-L6-v2 vectors, made by ``load_demo``), then grown to
``BENCH_SEARCH_ITEMS`` (100,000) by perturbing the demo's real vectors: each new item copies a random demo
item's fields (section, technologies, ecosystems, kind, format, depth, minutes; its title gets " #n") and its
vector is normalise(0.7 v_i + 0.3 v_j + e), v_j a random item of the same section and e ~ N(0, 0.02^2) per
dimension (seeded). New points thus fill each section's region of the real embedding space instead of being
random vectors, whose neighbours are all nearly equidistant (ARCHITECTURE.md: far lower recall).

Queries. The labelled queries (tests/discovery/queries.json). Every timed search embeds its query afresh
(nothing caches query vectors); the embedding's share is reported beside the total. Recall is measured on the
queries embedded once beforehand. Filtered runs: each query with the ecosystem of its labelled technologies
(the filter a learner would pick), and, as a stress case, every query with one fixed ecosystem (7% of the
items) most of them are far from. A filtered search walks the ecosystem's own partial HNSW index (migration
0008); filtering the model's whole index instead, such a query read its whole tuple budget and then searched
the filtered rows exactly (p95 117 ms, ranking alone).

Baseline. The same search with exact nearest items (a sequential scan: ``Ranking(exact=True)``), measured in
the same run, embedding included alike; recall@10 compares the HNSW index's 10 nearest items (at each
ef_search) with the exact 10.

Query reading corrects words from a vocabulary read once per process and after content changes
(``frontier.discovery.search.terms``): the first, untimed run of the queries reads it, as the first search
of an API process would.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
from pgvector.psycopg import register_vector
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bench.common import bench_database, percentile, report
from frontier.db.base import TechEcosystem
from frontier.demo.loader import load_demo
from frontier.discovery.embeddings import drop_indexes, normalise, refresh_section_centroids
from frontier.discovery.embeddings.models import ecosystem_condition, hnsw_index_ddls
from frontier.discovery.search.repository import ContentFilters
from frontier.discovery.search.service import (
    DEFAULT_RANKING,
    Ranking,
    ServingModel,
    run_search,
    serving_model,
)
from frontier.discovery.search.terms import VOCABULARIES, read_query

ITEMS = int(os.environ.get("BENCH_SEARCH_ITEMS", "100000"))
REPEAT = int(os.environ.get("BENCH_SEARCH_REPEAT", "3"))
EF_SEARCH = (40, 100, 200)
STRESS_ECOSYSTEM = TechEcosystem.web_frontend  # 7% of the items, far from most queries
SEED = 20261127
QUERIES = Path(__file__).parent.parent / "tests" / "discovery" / "queries.json"

Query = tuple[str, np.ndarray, TechEcosystem | None]


def nearest(session: Session, model: ServingModel, query: Query, exact: bool) -> list[uuid.UUID]:
    """The 10 nearest items passing the query's ecosystem filter: from the HNSW index (the ecosystem's own
    partial index when filtered, as search reads it; exact if fewer than 10 passed), or exact."""
    _, vector, ecosystem = query
    order = f"e.embedding::vector({model.dimensions}) <=> CAST(:q AS vector({model.dimensions}))"
    # a constant, as search writes it: PostgreSQL matches a partial index's predicate only with constants
    condition = f"AND {ecosystem_condition('e.ecosystem_tags', ecosystem)}" if ecosystem else ""
    params = {"q": "[" + ",".join(f"{x:.7g}" for x in vector) + "]"}

    def run(order_by: str) -> list[uuid.UUID]:
        sql = f"SELECT e.content_id FROM content_embeddings e WHERE e.model_id = '{model.model_id}' {condition} ORDER BY {order_by} LIMIT 10"
        return list(session.scalars(text(sql), params))

    found = [] if exact else run(order)
    return found if len(found) == 10 else run(f"({order}) + 0")


def set_scan(session: Session, ef_search: int, filtered: bool) -> None:
    session.execute(
        text(
            "SELECT set_config('hnsw.ef_search', :ef, true), set_config('hnsw.iterative_scan', :mode, true), "
            "set_config('hnsw.max_scan_tuples', :budget, true)"
        ),
        {
            "ef": str(ef_search),
            "mode": "relaxed_order" if filtered else "off",
            "budget": str(DEFAULT_RANKING.max_scan_tuples),
        },
    )


def recall(engine: Engine, model: ServingModel, queries: Sequence[Query]) -> dict[int, float]:
    """Mean recall@10 of the index retrieval against exact search, per ef_search."""
    filtered = any(ecosystem for _, _, ecosystem in queries)
    with Session(engine) as session:
        exact = [set(nearest(session, model, query, exact=True)) for query in queries]
        found = {}
        for ef_search in EF_SEARCH:
            set_scan(session, ef_search, filtered)
            hits = [
                len(set(nearest(session, model, q, exact=False)) & e) / max(1, len(e))
                for q, e in zip(queries, exact, strict=True)
            ]
            found[ef_search] = statistics.fmean(hits)
            session.rollback()
    return found


@dataclass
class Timings:
    """Per timed search: its total seconds and the embedding's; per query, its fastest total over the runs;
    the ids each search returned (first, untimed run)."""

    total: list[float] = field(default_factory=list)
    embedding: list[float] = field(default_factory=list)
    embedding_cpu: list[float] = field(default_factory=list)  # the embedding's CPU time (its own thread)
    fastest: list[float] = field(default_factory=list)
    answers: list[list[uuid.UUID]] = field(default_factory=list)


def whole_search(engine: Engine, queries: Sequence[Query], ranking: Ranking) -> Timings:
    """Time ``run_search`` for every query (what a request runs), recording the embedding's share."""
    timings = Timings(fastest=[float("inf")] * len(queries))
    with Session(engine) as session:
        backend = serving_model(session).backend
        embed = backend.embed
        embedded: list[float] = []
        embedded_cpu: list[float] = []

        def timed_embed(texts: Sequence[str]) -> Any:
            started, cpu = time.perf_counter(), time.thread_time()  # onnxruntime runs on this thread
            try:
                return embed(texts)
            finally:
                embedded.append(time.perf_counter() - started)
                embedded_cpu.append(time.thread_time() - cpu)

        setattr(backend, "embed", timed_embed)  # noqa: B010 - the process's backend instance, restored below
        try:
            for run in range(REPEAT + 1):
                for index, (query, _, ecosystem) in enumerate(queries):
                    embedded.clear()
                    embedded_cpu.clear()
                    started = time.perf_counter()
                    outcome = run_search(
                        session, query, limit=10, filters=ContentFilters(ecosystem=ecosystem), ranking=ranking
                    )
                    took = time.perf_counter() - started
                    if run:  # the first run warms caches
                        timings.total.append(took)
                        timings.embedding.append(sum(embedded))
                        timings.embedding_cpu.append(sum(embedded_cpu))
                        timings.fastest[index] = min(timings.fastest[index], took)
                    else:
                        timings.answers.append([r.id for r in outcome.results])
                session.rollback()
        finally:
            delattr(backend, "embed")
    return timings


def measure(engine: Engine, label: str, queries: Sequence[Query], target: str) -> None:
    with Session(engine) as session:
        model = serving_model(session)
    found = recall(engine, model, queries)
    filtered = any(ecosystem for _, _, ecosystem in queries)
    ef = DEFAULT_RANKING.ecosystem_ef_search if filtered else DEFAULT_RANKING.ef_search
    chosen = max(ef, DEFAULT_RANKING.candidates)
    print(
        f"  {label}: {len(queries)} queries; HNSW recall@10 vs exact: "
        + ", ".join(f"ef_search {ef} {r:.3f}" for ef, r in found.items())
        + f" (search: ef_search {chosen}; target {'informative' if target == 'informative' else '>= 0.95'})"
    )
    ours = whole_search(engine, queries, DEFAULT_RANKING)
    exact = whole_search(engine, queries, Ranking(exact=True))
    same = statistics.fmean(
        len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(ours.answers, exact.answers, strict=True)
    )
    print(f"    top-10 of the whole search, same as with exact retrieval: {same:.3f}")
    label = f"search incl. query embedding, {label}"
    report(f"    p50, {label}", statistics.median(ours.total), statistics.median(exact.total), "vs exact")
    report(f"    p95, {label}", percentile(ours.total, 0.95), percentile(exact.total, 0.95), target)
    # Other processes on the machine add their delays to single runs; a query's fastest run shows its cost.
    report(
        f"    fastest of {REPEAT} runs per query, p95, {label}",
        percentile(ours.fastest, 0.95),
        percentile(exact.fastest, 0.95),
        target,
    )
    rest = [t - e for t, e in zip(ours.total, ours.embedding, strict=True)]
    print(
        f"    of which embedding the query: p50 {statistics.median(ours.embedding) * 1000:.1f} ms, "
        f"p95 {percentile(ours.embedding, 0.95) * 1000:.1f} ms (its CPU time: waiting for a core excluded, "
        f"contention for caches not: p50 {statistics.median(ours.embedding_cpu) * 1000:.1f} ms, "
        f"p95 {percentile(ours.embedding_cpu, 0.95) * 1000:.1f} ms); the rest (model, reading, ranking): "
        f"p50 {statistics.median(rest) * 1000:.1f} ms, p95 {percentile(rest, 0.95) * 1000:.1f} ms; "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def measure_corpus(engine: Engine, corpus: str, queries: list[Query]) -> None:
    with Session(engine) as session:
        items = session.scalar(text("SELECT count(*) FROM content_embeddings"))
    print(f"\n{corpus}: {items:,} items, each query run {REPEAT} times")
    unfiltered = [(query, vector, None) for query, vector, _ in queries]
    aligned = [query for query in queries if query[2] is not None]
    adversarial = [(query, vector, STRESS_ECOSYSTEM) for query, vector, _ in queries]
    measure(engine, "unfiltered", unfiltered, "p95 <= 10 ms")
    measure(engine, "ecosystem of the query's technologies", aligned, "p95 <= 10 ms")
    measure(
        engine, f"ecosystem={STRESS_ECOSYSTEM.value} for every query (stress)", adversarial, "informative"
    )


def embed_queries(engine: Engine) -> tuple[list[Query], float]:
    """The labelled queries, embedded, each with the ecosystem of its labelled technologies (the filter a
    learner would pick; None when no labelled technology is in the catalogue); and the median embedding time."""
    labelled = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    with Session(engine) as session:
        model = serving_model(session)
        terms = [read_query(session, label["query"], model.model_id) for label in labelled]
        ecosystems = [
            session.scalar(
                text(
                    "SELECT ecosystem FROM technologies WHERE slug = ANY(:slugs) "
                    "GROUP BY ecosystem ORDER BY count(*) DESC, ecosystem LIMIT 1"
                ),
                {"slugs": label["technologies"]},
            )
            for label in labelled
        ]
    model.backend.embed(["warm up"])
    times, vectors = [], []
    for term in terms:
        started = time.perf_counter()
        vectors.append(model.backend.embed([term.text])[0])
        times.append(time.perf_counter() - started)
    queries = [
        (label["query"], vector, TechEcosystem(ecosystem) if ecosystem else None)
        for label, vector, ecosystem in zip(labelled, vectors, ecosystems, strict=True)
    ]
    return queries, statistics.median(times)


def grow(engine: Engine, target: int) -> None:
    """Add perturbed copies of the demo's items until ``target`` items (module docstring)."""
    rng = np.random.default_rng(SEED)
    ids = random.Random(SEED)
    with Session(engine) as session, session.begin():
        model = serving_model(session)
        rows = session.execute(
            text(
                "SELECT c.content_id, coalesce(c.section, ''), e.embedding::text FROM exploration_content c JOIN content_embeddings e ON e.content_id = c.content_id AND e.model_id = :m ORDER BY c.content_id"
            ),
            {"m": model.model_id},
        ).all()
    demo_ids = [row[0] for row in rows]
    vectors = np.vstack([np.array(json.loads(row[2]), dtype=np.float32) for row in rows])
    by_section: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_section.setdefault(row[1], []).append(index)
    count = target - len(rows)
    if count <= 0:
        return
    sources = rng.integers(0, len(rows), count)
    partners = np.array(
        [by_section[rows[i][1]][rng.integers(0, len(by_section[rows[i][1]]))] for i in sources]
    )
    noise = rng.normal(0.0, 0.02, (count, vectors.shape[1])).astype(np.float32)
    new_vectors = normalise(0.7 * vectors[sources] + 0.3 * vectors[partners] + noise)
    new_ids = [uuid.UUID(int=ids.getrandbits(128), version=4) for _ in range(count)]
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        drop_indexes(session, model.model_id)  # built again below: faster than inserting row by row
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO exploration_content (content_id, external_key, title, url, section, kind, format, source, "
                "technology_keywords, technology_ids, ecosystem_tags, exploration_mode, depth, estimated_time_minutes) "
                "SELECT g.id, 'bench:' || g.n, left(c.title, 480) || ' #' || g.n, 'https://bench.invalid/' || g.n, c.section, c.kind, "
                "c.format, 'bench', c.technology_keywords, c.technology_ids, c.ecosystem_tags, c.exploration_mode, c.depth, "
                "c.estimated_time_minutes FROM unnest(CAST(:ids AS uuid[]), CAST(:sources AS uuid[])) WITH ORDINALITY AS g(id, source, n) "
                "JOIN exploration_content c ON c.content_id = g.source"
            ),
            {"ids": new_ids, "sources": [demo_ids[i] for i in sources]},
        )
        conn.execute(
            text(
                "INSERT INTO exploration_units (unit_id, content_id, position, estimated_minutes) "
                "SELECT unit_id, content_id, 1, estimated_time_minutes FROM exploration_content WHERE source = 'bench'"
            )
        )
        raw = cast(Any, conn.connection.dbapi_connection)  # psycopg's own connection, for binary COPY
        register_vector(raw)
        with (
            raw.cursor() as cursor,
            cursor.copy(
                "COPY content_embeddings (content_id, model_id, embedding, text_sha256) FROM STDIN WITH (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["uuid", "uuid", "vector", "varchar"])
            for content_id, vector in zip(new_ids, new_vectors, strict=True):
                copy.write_row((content_id, model.model_id, vector, "bench"))
    print(f"  {count:,} perturbed items written in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET maintenance_work_mem = '1GB'"))
        conn.execute(text("SET max_parallel_maintenance_workers = 2"))
        for ddl in hnsw_index_ddls(model.model_id, model.dimensions):
            conn.execute(text(ddl))
    print(f"  HNSW indexes built in {time.perf_counter() - started:.1f} s (the model's, one per ecosystem)")
    with Session(engine) as session, session.begin():
        refresh_section_centroids(session, model.model_id)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE exploration_content"))
        conn.execute(text("VACUUM ANALYZE content_embeddings"))


def main() -> None:
    print("content search: HNSW recall and whole-search latency, ours vs exact nearest items")
    with bench_database("search") as engine:
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            load_demo(session)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        print(f"  demo loaded and embedded in {time.perf_counter() - started:.1f} s")
        queries, embed_seconds = embed_queries(engine)
        print(f"  query embedding alone (MiniLM, one query, warm): p50 {embed_seconds * 1000:.1f} ms")
        measure_corpus(engine, "demo corpus", queries)
        grow(engine, ITEMS)
        VOCABULARIES.invalidate_tags("content")  # as the API's listener does when content is announced
        measure_corpus(engine, "demo + perturbed copies", queries)


if __name__ == "__main__":
    main()
