"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from frontier import __version__
from frontier.api import health, observability, problems
from frontier.db.session import Database
from frontier.trends import endpoints as trends_endpoints


def create_app(database: Database) -> FastAPI:
    """The Frontier API bound to an open database (the caller owns the database's lifecycle)."""
    app = FastAPI(
        title="Frontier",
        version=__version__,
        description="Technology trends, discovery and exploration planning for people who learn by exploring.",  # noqa: E501
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.database = database
    app.state.metrics = observability.Metrics()
    problems.install(app)
    observability.install(app, app.state.metrics)
    app.include_router(health.router)
    app.include_router(trends_endpoints.router)
    return app
