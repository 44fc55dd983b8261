"""Cached vs uncached reads through ``frontier.cache.Cache.get_or_load``, as the API makes them.

Data: the demo (real catalogue, content and MiniLM vectors; trend scores as of 2025-09-01) and
``BENCH_CACHE_USERS`` users with varied profiles and progress (built as in ``bench.path_bench``). Two cached
calls, keyed exactly as their routes key them:
- the exploration path (``GET /api/v1/me/exploration-path``): ``EXPLORATION_RECS``, private to the user,
  loader ``plan_exploration``, budgets 25 and 120 minutes;
- search (``GET /api/v1/search``): ``DEEP_DIVE_CONTENT``, shared, loader ``run_search``, a set of queries;
- a trend (``GET /api/v1/trends/{slug}``): ``TECH_TRENDS``, shared, loader ``trends.service.get_trend``, the first
  ``BENCH_CACHE_TRENDS`` scored technologies by slug; and the ranked list (``GET /api/v1/trends``, a page of 50):
  ``TRENDING_CONTENT``, loader ``trends.service.list_trends``, each sort order.
Each is measured uncached (the loader alone), as a miss (loader + serialise + store) and as a hit (every key
read ``BENCH_CACHE_HITS`` times), in this process's memory and, if Redis answers at 127.0.0.1:6379, in Redis
DB 15 (entries there are made stale first by invalidating the users and the ``content`` and ``trends`` tags, never
flushed).
``BENCH_CACHE_ITEMS`` above the demo's size replicates the items as ``bench.path_bench`` does.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis
from pydantic import TypeAdapter
from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.common import bench_database, percentile
from bench.path_bench import add_users, add_vectors, load_demo_and_scores, replicate_items
from frontier.cache import Cache, CacheClass, KeyPart, MemoryBackend, RedisBackend, redis_client
from frontier.db.pagination import Page, PageParams
from frontier.discovery.embeddings import active_model, ensure_index
from frontier.discovery.paths.schemas import PathOut
from frontier.discovery.paths.service import plan_exploration
from frontier.discovery.search.service import SearchResult, content_filters, run_search
from frontier.trends import service as trends_service
from frontier.trends.endpoints import TREND_PAGE, TREND_TAGS
from frontier.trends.schemas import TrendDetail, TrendSort

USERS = int(os.environ.get("BENCH_CACHE_USERS", "30"))
ITEMS = int(os.environ.get("BENCH_CACHE_ITEMS", "0"))  # > demo size: replicate as bench.path_bench does
HITS = int(os.environ.get("BENCH_CACHE_HITS", "20"))
TRENDS = int(os.environ.get("BENCH_CACHE_TRENDS", "30"))
SORTS: tuple[TrendSort, ...] = ("momentum", "priority", "adoption", "name")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
BUDGETS = (25, 120)
QUERIES = (
    "how do I get started with rust",
    "machine learning with python",
    "kubernetes for beginners",
    "advanced postgresql internals",
    "learn javascript",
    "functional programming in haskell",
    "build a web api with go",
    "react hooks tutorial",
    "data structures and algorithms",
    "linux shell scripting",
)
PATH_TAGS = ["content", "trends"]  # as frontier.discovery.paths.endpoints
SEARCH_TAGS = ("content",)  # as frontier.discovery.search.endpoints
RESULTS = TypeAdapter(list[SearchResult])


@dataclass
class Timings:
    uncached: list[float] = field(default_factory=list)
    miss: list[float] = field(default_factory=list)
    hit: list[float] = field(default_factory=list)


def _time(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def redis_backend() -> RedisBackend | None:
    client = redis_client(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        return None
    return RedisBackend(client)


def measure_paths(cache: Cache, session: Session, users: Sequence[uuid.UUID]) -> Timings:
    timings = Timings()
    for user_id in users:
        cache.invalidate(None, user_id=user_id)  # entries left in Redis by an earlier run
        for minutes in BUDGETS:

            def load(u: uuid.UUID = user_id, m: int = minutes) -> PathOut:
                return plan_exploration(session, u, m)

            def read(u: uuid.UUID = user_id, m: int = minutes) -> PathOut:
                return cache.get_or_load(
                    CacheClass.EXPLORATION_RECS,
                    ["path", m],
                    lambda: load(u, m),
                    user_id=u,
                    model=PathOut,
                    tags=PATH_TAGS,
                )

            timings.uncached.append(_time(load))
            timings.miss.append(_time(read))
            timings.hit.extend(_time(read) for _ in range(HITS))
            session.rollback()
    return timings


def measure_search(cache: Cache, session: Session) -> Timings:
    timings = Timings()
    filters = content_filters()
    cache.invalidate_tags(*SEARCH_TAGS)
    for query in QUERIES:

        def load(q: str = query) -> list[SearchResult]:
            return run_search(session, q, limit=10, filters=filters).results

        def read(q: str = query) -> list[SearchResult]:
            key: list[KeyPart] = [
                "search",
                q,
                10,
                filters.ecosystem,
                filters.format,
                filters.max_minutes,
                filters.depth,
            ]
            return cache.get_or_load(
                CacheClass.DEEP_DIVE_CONTENT,
                key,
                lambda: load(q),
                user_id=None,
                model=RESULTS,
                tags=SEARCH_TAGS,
            )

        timings.uncached.append(_time(load))
        timings.miss.append(_time(read))
        timings.hit.extend(_time(read) for _ in range(HITS))
        session.rollback()
    return timings


def measure_trends(cache: Cache, session: Session) -> tuple[Timings, Timings]:
    """A trend's detail for the first TRENDS scored technologies, and the ranked list's first page per sort."""
    details, lists = Timings(), Timings()
    cache.invalidate_tags(*TREND_TAGS)
    slugs = session.scalars(
        text(
            "SELECT t.slug FROM technologies t JOIN technology_trends tt ON tt.trend_id = t.id ORDER BY slug"
        )
    ).all()[:TRENDS]
    for slug in slugs:

        def load(s: str = slug) -> TrendDetail:
            return trends_service.get_trend(session, s, None)

        def read(s: str = slug) -> TrendDetail:
            return cache.get_or_load(
                CacheClass.TECH_TRENDS,
                ["trend", s],  # as frontier.trends.endpoints.get_trend
                lambda: load(s),
                user_id=None,
                model=TrendDetail,
                tags=TREND_TAGS,
            )

        details.uncached.append(_time(load))
        details.miss.append(_time(read))
        details.hit.extend(_time(read) for _ in range(HITS))
        session.rollback()
    page = PageParams(limit=50, after=None)
    for sort in SORTS:

        def load_list(o: TrendSort = sort) -> Page[Any]:
            return trends_service.list_trends(session, page, sort=o)

        def read_list(o: TrendSort = sort) -> Page[Any]:
            return cache.get_or_load(
                CacheClass.TRENDING_CONTENT,
                ["list", o, None, None, page.limit, None],  # as trend_endpoints.list_trends
                lambda: load_list(o),
                user_id=None,
                model=TREND_PAGE,
                tags=TREND_TAGS,
            )

        lists.uncached.append(_time(load_list))
        lists.miss.append(_time(read_list))
        lists.hit.extend(_time(read_list) for _ in range(HITS))
        session.rollback()
    return details, lists


def print_timings(label: str, t: Timings) -> None:
    def p(values: list[float], share: float) -> float:
        return percentile(values, share) * 1000

    print(
        f"{label:<24} uncached p50 {p(t.uncached, 0.5):8.2f} p95 {p(t.uncached, 0.95):8.2f} ms | "
        f"miss p50 {p(t.miss, 0.5):8.2f} p95 {p(t.miss, 0.95):8.2f} ms | "
        f"hit p50 {p(t.hit, 0.5):6.3f} p95 {p(t.hit, 0.95):6.3f} ms | "
        f"(c) p95 uncached/hit x{p(t.uncached, 0.95) / p(t.hit, 0.95):,.0f}"
    )


def main() -> None:
    print(f"cache: {USERS} users x budgets {BUDGETS} and {len(QUERIES)} searches, {HITS} hits per key")
    with bench_database("cache") as engine:
        demo_items = load_demo_and_scores(engine)
        if demo_items < ITEMS:
            replicate_items(engine, demo_items, ITEMS)
            add_vectors(engine)
            with Session(engine) as session, session.begin():  # search needs the HNSW index back
                model = active_model(session)
                if model is not None:
                    ensure_index(session, model.model_id, model.embedding_dimensions)
        users, _ = add_users(engine, USERS)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
            items = int(conn.execute(text("SELECT count(*) FROM exploration_content")).scalar_one())
        print(
            f"data: {items:,} content items (the demo's real items{' and copies' if demo_items < ITEMS else ''})"
        )
        backends: list[tuple[str, Cache]] = [("memory", Cache(MemoryBackend()))]
        shared = redis_backend()
        if shared is not None:
            backends.append(("redis", Cache(shared)))
            print(f"redis: {REDIS_URL}")
        else:
            print(f"redis: no answer at {REDIS_URL}, skipped")
        with Session(engine) as session:
            for user_id in users[:3]:  # warm the database's caches before anything is timed
                plan_exploration(session, user_id, 25)
            run_search(session, QUERIES[0], limit=10, filters=content_filters())
            session.rollback()
            print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            for name, cache in backends:
                print_timings(f"exploration path, {name}", measure_paths(cache, session, users))
                print_timings(f"search, {name}", measure_search(cache, session))
                detail, listed = measure_trends(cache, session)
                print_timings(f"trend detail, {name}", detail)
                print_timings(f"trend list, {name}", listed)


if __name__ == "__main__":
    main()
