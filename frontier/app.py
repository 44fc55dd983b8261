"""Frontier assembled from its domains: the only module, with ``cli/``, that imports every domain.

Plumbing (``api``, ``db``, ``cache``, ``jobs``, ``security``) knows no domain; this module hands it what each
domain brings: its tables (so ``Base.metadata`` is the whole schema and every session can flush), its API
routers, its background tasks, and what else must drop stale entries when writers announce a change.
Importing it maps every table and registers every task; ``create_app`` builds the API.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData

from frontier.accounts import auth
from frontier.accounts import endpoints as accounts_endpoints
from frontier.accounts import models as accounts_models
from frontier.accounts import tasks as accounts_tasks
from frontier.api import health
from frontier.api.app import build_app
from frontier.catalog import endpoints as catalog_endpoints
from frontier.catalog import models as catalog_models
from frontier.clock import Clock
from frontier.community import models as community_models
from frontier.config import Settings
from frontier.db import system_logs
from frontier.db.base import Base
from frontier.db.session import Database
from frontier.devices import models as devices_models
from frontier.discovery.content import models as content_models
from frontier.discovery.embeddings import models as embeddings_models
from frontier.discovery.embeddings import tasks as embeddings_tasks
from frontier.discovery.paths import endpoints as paths_endpoints
from frontier.discovery.paths import models as paths_models
from frontier.discovery.search import endpoints as search_endpoints
from frontier.discovery.search.terms import VOCABULARIES
from frontier.events import models as events_models
from frontier.explorations import models as explorations_models
from frontier.ingest import endpoints as ingest_endpoints
from frontier.ingest import models as ingest_models
from frontier.ingest import tasks as ingest_tasks
from frontier.innovation import models as innovation_models
from frontier.jobs.app import register_tasks
from frontier.models import endpoints as models_endpoints
from frontier.models import models as ai_models
from frontier.opensource import models as opensource_models
from frontier.security import ratelimit
from frontier.security.ratelimit import RateLimiter
from frontier.trends import endpoints as trends_endpoints
from frontier.trends import feeds
from frontier.trends import models as trends_models
from frontier.trends import tasks as trends_tasks

# Every module declaring tables (plumbing's own included): importing them puts each table in Base.metadata.
MODEL_MODULES = (
    accounts_models,
    ai_models,
    catalog_models,
    community_models,
    content_models,
    devices_models,
    embeddings_models,
    events_models,
    explorations_models,
    ingest_models,
    innovation_models,
    opensource_models,
    paths_models,
    ratelimit,
    system_logs,
    trends_models,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    accounts_endpoints.auth_router,
    accounts_endpoints.me_router,
    accounts_endpoints.admin_router,
    ingest_endpoints.router,
    models_endpoints.router,
    catalog_endpoints.router,
    trends_endpoints.router,
    trends_endpoints.mine,
    trends_endpoints.models_router,
    paths_endpoints.router,
    search_endpoints.router,
    feeds.router,
)

for _namespace, _tasks in (
    ("accounts", accounts_tasks),
    ("trends", trends_tasks),
    ("ingest", ingest_tasks),
    ("discovery", embeddings_tasks),
):
    register_tasks(_namespace, _tasks.blueprint)


def metadata() -> MetaData:
    """The metadata of every Frontier table."""
    return Base.metadata


def create_app(
    database: Database,
    settings: Settings | None = None,
    clock: Clock | None = None,
    rate_limiter: RateLimiter | None = None,
) -> FastAPI:
    """The Frontier API bound to an open database (the caller owns the database's lifecycle)."""
    return build_app(
        database,
        ROUTERS,
        settings,
        clock,
        rate_limiter,
        also_invalidates=(VOCABULARIES,),  # search's spelling vocabularies follow the catalogue and content
        document=auth.document_security,
    )
