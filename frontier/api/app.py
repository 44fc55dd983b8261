"""The FastAPI application, built from the routers it is given (``frontier.app`` gives every domain's)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from frontier import __version__
from frontier.api import docs, middleware, observability, problems
from frontier.cache import make_cache
from frontier.cache.notify import InvalidationListener, TagInvalidator
from frontier.clock import Clock, SystemClock
from frontier.config import Settings, get_settings
from frontier.db.session import Database
from frontier.security.client import TrustedProxies
from frontier.security.ratelimit import RateLimiter, make_rate_limiter
from frontier.security.secrets import box_from_settings


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While serving, listen for writers' announcements (``frontier.cache.notify``) and drop stale results."""
    listener = InvalidationListener(
        app.state.database.engine, app.state.cache, also=app.state.also_invalidates
    )
    listener.start()
    app.state.cache_listener = listener
    try:
        yield
    finally:
        listener.stop()


def build_app(
    database: Database,
    routers: Sequence[APIRouter],
    settings: Settings | None = None,
    clock: Clock | None = None,
    rate_limiter: RateLimiter | None = None,
    *,
    also_invalidates: Sequence[TagInvalidator] = (),
    document: Callable[[FastAPI], None] | None = None,
) -> FastAPI:
    """An API serving ``routers``, bound to an open database (the caller owns the database's lifecycle).

    ``also_invalidates``: what else drops stale entries when writers announce changes (besides the cache);
    ``document``: a last touch to the OpenAPI schema (the security schemes the routes' dependencies enforce).
    """
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
    app.state.also_invalidates = tuple(also_invalidates)
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.rate_limiter = rate_limiter or make_rate_limiter(settings, database.engine)
    app.state.secret_box = box_from_settings(settings)
    app.state.metrics = observability.Metrics()
    app.state.cache = make_cache(settings, registry=app.state.metrics.registry)
    problems.install(app)
    if document is not None:
        document(app)
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
    for router in routers:
        app.include_router(router)
    docs.install(app)
    return app
