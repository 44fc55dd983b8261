"""Discovery jobs: keep the stored content vectors up to date, off the request path.

``reembed`` runs every 10 minutes and whenever content changes (``request_reembed``). It embeds, in chunks
committed one by one, what the active model lacks and what the configured backend's model lacks; when the
configured model is new (``building``) and complete it becomes the active one. Until then the old model's
vectors keep serving searches.
"""

from __future__ import annotations

import logging
import uuid

import procrastinate
from sqlalchemy import select

from frontier.cache.notify import announce
from frontier.db.session import Database
from frontier.discovery.embeddings import (
    DEFAULT_BACKEND,
    EmbeddingBackend,
    EmbeddingRun,
    activate_model,
    backend_for,
    embed_items,
    ensure_model,
    get_backend,
    pending_items,
    refresh_section_centroids,
)
from frontier.discovery.embeddings.models import ExplorationEmbeddingModel
from frontier.jobs import runtime

log = logging.getLogger(__name__)

blueprint = procrastinate.Blueprint()

REEMBED_CRON = "*/10 * * * *"
REEMBED_LOCK = "discovery:reembed"
CHUNK = 512  # items per committed transaction: a crash loses at most this much work


def refresh_embeddings(
    database: Database, backend_name: str = DEFAULT_BACKEND, chunk: int = CHUNK
) -> list[EmbeddingRun]:
    """Embed pending content for the active model and for ``backend_name``'s model, then activate the latter
    once it is complete. Returns one report per model worked on."""
    with database.session() as session:
        target = ensure_model(session, get_backend(backend_name))
        status = ExplorationEmbeddingModel.status
        models = session.scalars(
            select(ExplorationEmbeddingModel).where(status.in_(("active", "building")))
        ).all()
    runs = []
    for model in models:
        if model.model_id != target and model.status != "active":
            log.info("embedding model %s is building but not configured: left alone", model.model_name)
            continue
        backend = backend_for(model)
        if backend is None:
            log.warning("no backend here makes %s %s vectors", model.model_name, model.model_version)
            continue
        embedded = _embed_in_chunks(database, backend, model.model_id, chunk)
        with database.session() as session:
            if embedded:
                refresh_section_centroids(session, model.model_id)
            active = activate_model(session, model.model_id) if model.model_id == target else True
        runs.append(EmbeddingRun(model.model_id, model.model_name, embedded, active))
        log.info("embedding model %s: %d items embedded, active=%s", model.model_name, embedded, active)
    return runs


def _embed_in_chunks(database: Database, backend: EmbeddingBackend, model_id: uuid.UUID, chunk: int) -> int:
    with database.session() as session:
        pending = pending_items(session, model_id)
    total = 0
    for start in range(0, len(pending), chunk):
        with database.session() as session:
            embedded = embed_items(session, backend, model_id, pending[start : start + chunk])
            if embedded:
                announce(session, "content")  # searches over the old vectors are dropped as this commits
            total += embedded
    return total


@blueprint.periodic(cron=REEMBED_CRON)
@blueprint.task(name="reembed", queue="embeddings", queueing_lock=REEMBED_LOCK)
def reembed(timestamp: int | None = None) -> None:
    """Bring the stored content vectors up to date (see the module docstring)."""
    refresh_embeddings(runtime.database())


def request_reembed() -> None:
    """Queue ``reembed`` now (after content was imported); a no-op if one is already queued."""
    try:
        reembed.defer()
    except procrastinate.exceptions.AlreadyEnqueued:
        log.info("reembed is already queued")
