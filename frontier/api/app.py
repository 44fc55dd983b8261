"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from frontier import __version__
from frontier.accounts import admin as accounts_admin
from frontier.accounts import endpoints as accounts_endpoints
from frontier.api import auth, docs, health, middleware, observability, problems
from frontier.cache import make_cache
from frontier.cache.notify import InvalidationListener
from frontier.catalog import endpoints as trends_endpoints
from frontier.clock import Clock, SystemClock
from frontier.config import Settings, get_settings
from frontier.db.session import Database
from frontier.discovery.paths import endpoints as discovery_endpoints
from frontier.discovery.search import endpoints as search_endpoints
from frontier.discovery.search.terms import VOCABULARIES
from frontier.ingest import endpoints as ingest_endpoints
from frontier.models import endpoints as models_endpoints
from frontier.security.client import TrustedProxies
from frontier.security.ratelimit import RateLimiter, make_rate_limiter
from frontier.security.secrets import box_from_settings
from frontier.trends import endpoints as trend_endpoints
from frontier.trends import feeds

ROUTERS = (
    health.router,
    accounts_endpoints.auth_router,
    accounts_endpoints.me_router,
    accounts_admin.router,
    ingest_endpoints.router,
    models_endpoints.router,
    trends_endpoints.router,
    trend_endpoints.router,
    trend_endpoints.mine,
    trend_endpoints.models_router,
    discovery_endpoints.router,
    search_endpoints.router,
    feeds.router,
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While serving, listen for writers' announcements (``frontier.cache.notify``) and drop stale results."""
    listener = InvalidationListener(app.state.database.engine, app.state.cache, also=(VOCABULARIES,))
    listener.start()
    app.state.cache_listener = listener
    try:
        yield
    finally:
        listener.stop()


def create_app(
    database: Database,
    settings: Settings | None = None,
    clock: Clock | None = None,
    rate_limiter: RateLimiter | None = None,
) -> FastAPI:
    """The Frontier API bound to an open database (the caller owns the database's lifecycle)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Frontier",
        version=__version__,
        description="Technology trends, discovery and exploration planning for people who learn by exploring.",  # noqa: E501
        docs_url=None,  # served by api/docs.py from the package's own copies of Swagger UI and ReDoc
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.database = database
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.rate_limiter = rate_limiter or make_rate_limiter(settings, database.engine)
    app.state.secret_box = box_from_settings(settings)
    app.state.metrics = observability.Metrics()
    app.state.cache = make_cache(settings, registry=app.state.metrics.registry)
    problems.install(app)
    auth.document_security(app)
    middleware.install(app, TrustedProxies(settings.trusted_proxies), settings.max_body_bytes)
    observability.install(app, app.state.metrics)
    app.add_middleware(middleware.SecurityHeaders, https=settings.base_url.startswith("https://"))
    if settings.cors_origins:  # off unless configured
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-CSRF-Token", "X-Request-ID"],
        )
    for router in ROUTERS:
        app.include_router(router)
    docs.install(app)
    return app
