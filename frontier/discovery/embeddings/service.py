"""Stored content vectors: which model made them, which items still need one, and which model serves.

Every vector in content_embeddings names its model, so two models coexist: the ``active`` one serves searches
while a new one is ``building``. ``activate_model`` switches only once the new model has a vector for every
item, so searches never see a half-built model. An item needs (re-)embedding when it has no vector under the
model or when its embedding text changed (its sha256 differs from the one stored with the vector).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from pgvector.sqlalchemy import Vector
from sqlalchemy import ARRAY, any_, exists, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.orm import Session

from frontier.db.base import TechEcosystem
from frontier.discovery.content.models import ExplorationContent
from frontier.discovery.embeddings.backend import (
    DEFAULT_BACKEND,
    EmbeddingBackend,
    EmbeddingModelError,
    Vectors,
    backend_names,
    get_backend,
    normalise,
)
from frontier.discovery.embeddings.models import (
    ContentEmbedding,
    ExplorationEmbeddingModel,
    hnsw_index_ddls,
    hnsw_index_name,
)

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
BATCH_SIZE = 64


@dataclass(frozen=True)
class PendingItem:
    """A content item whose vector under a model is missing or stale."""

    content_id: uuid.UUID
    text: str
    text_sha256: str


@dataclass(frozen=True)
class EmbeddingRun:
    """What one build of a model's vectors did."""

    model_id: uuid.UUID
    model_name: str
    embedded: int
    active: bool


def embedding_text(section: str | None, title: str, description: str | None = None) -> str:
    """The text embedded for an item: "section: title", then its description on a new line if it has one.

    The section comes first because it names the subject ("Python > Django: Two Scoops"); on this corpus
    "section: title" retrieved better than the title alone.
    """
    head = f"{section}: {title}" if section else title
    return f"{head}\n{description}" if description else head


def text_sha256(value: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes (what content_embeddings.text_sha256 stores)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def ensure_model(session: Session, backend: EmbeddingBackend) -> uuid.UUID:
    """The id of the backend's row in exploration_embedding_models, created as ``building`` if new.

    A retired model asked for again goes back to ``building`` (its stored vectors are reused where the text
    is unchanged). Raises EmbeddingModelError if a row of the same name and version records other
    dimensions or another model file.
    """
    stmt = insert(ExplorationEmbeddingModel).values(
        model_name=backend.name,
        model_version=backend.version,
        provider=backend.provider,
        embedding_dimensions=backend.dimensions,
        artifact_sha256=backend.artifact_sha256,
        status="building",
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["model_name", "model_version"]))
    model = session.execute(
        select(ExplorationEmbeddingModel).where(
            ExplorationEmbeddingModel.model_name == backend.name,
            ExplorationEmbeddingModel.model_version == backend.version,
        )
    ).scalar_one()
    if model.embedding_dimensions != backend.dimensions or model.artifact_sha256 != backend.artifact_sha256:
        raise EmbeddingModelError(
            f"embedding model {backend.name} {backend.version} is recorded with {model.embedding_dimensions} "
            f"dimensions and file {model.artifact_sha256}, but the backend has {backend.dimensions} and "
            f"{backend.artifact_sha256}: give the changed model a new version"
        )
    if model.status == "retired":
        model.status = "building"
    return model.model_id


def active_model(session: Session) -> ExplorationEmbeddingModel | None:
    """The model whose vectors serve searches, or None before any model is complete."""
    query = select(ExplorationEmbeddingModel).where(ExplorationEmbeddingModel.status == "active")
    return session.execute(query).scalar_one_or_none()


def backend_for(model: ExplorationEmbeddingModel) -> EmbeddingBackend | None:
    """The registered backend that makes this model's vectors, or None if this process has none."""
    if model.model_name not in backend_names():
        return None
    backend = get_backend(model.model_name)
    return backend if backend.version == model.model_version else None


def pending_items(session: Session, model_id: uuid.UUID) -> list[PendingItem]:
    """Items with no vector under the model or whose embedding text changed since it was made."""
    query = (
        select(
            ExplorationContent.content_id,
            ExplorationContent.section,
            ExplorationContent.title,
            ExplorationContent.description,
            ContentEmbedding.text_sha256,
        )
        .outerjoin(
            ContentEmbedding,
            (ContentEmbedding.content_id == ExplorationContent.content_id)
            & (ContentEmbedding.model_id == model_id),
        )
        .order_by(ExplorationContent.content_id)
    )
    pending = []
    for content_id, section, title, description, stored_sha in session.execute(query):
        value = embedding_text(section, title, description)
        digest = text_sha256(value)
        if digest != stored_sha:
            pending.append(PendingItem(content_id, value, digest))
    return pending


def embed_pending(
    session: Session,
    backend: EmbeddingBackend,
    model_id: uuid.UUID,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    *,
    max_items: int | None = None,
) -> int:
    """Embed, in batches, every item whose vector under ``model_id`` is missing or stale (at most
    ``max_items``); upserts content_embeddings, makes sure the model's HNSW index exists and returns how many
    items were embedded."""
    pending = pending_items(session, model_id)[:max_items]
    return embed_items(session, backend, model_id, pending, batch_size, progress)


def embed_items(
    session: Session,
    backend: EmbeddingBackend,
    model_id: uuid.UUID,
    items: Sequence[PendingItem],
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> int:
    """Embed and store these items (from ``pending_items``) in batches; items deleted since they were listed
    are left out. Returns how many were stored."""
    model = session.get(ExplorationEmbeddingModel, model_id)
    if model is None or model.embedding_dimensions != backend.dimensions:
        raise EmbeddingModelError(f"model {model_id} is not registered for backend {backend.name}")
    wanted = [item.content_id for item in items]
    listed = literal(wanted, ARRAY(UUID(as_uuid=True)))
    existing = set(
        session.scalars(
            select(ExplorationContent.content_id).where(ExplorationContent.content_id == any_(listed))
        )
    )
    kept = [item for item in items if item.content_id in existing]
    for start in range(0, len(kept), batch_size):
        batch = kept[start : start + batch_size]
        _store(session, model_id, batch, backend.embed([item.text for item in batch]))
        if progress is not None:
            progress("embeddings", len(batch))
    if kept:
        ensure_index(session, model_id, backend.dimensions)
    return len(kept)


def _store(session: Session, model_id: uuid.UUID, items: Sequence[PendingItem], vectors: Vectors) -> None:
    rows = [
        {
            "content_id": item.content_id,
            "model_id": model_id,
            "embedding": vector,
            "text_sha256": item.text_sha256,
        }
        for item, vector in zip(items, vectors, strict=True)
    ]
    stmt = insert(ContentEmbedding).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["content_id", "model_id"],
        set_={
            "embedding": stmt.excluded.embedding,
            "text_sha256": stmt.excluded.text_sha256,
            "embedded_at": func.now(),
        },
    )
    session.execute(stmt)


def ensure_index(session: Session, model_id: uuid.UUID, dimensions: int) -> None:
    """Create the model's partial HNSW cosine indexes (all its vectors; each ecosystem's) that don't exist."""
    for ddl in hnsw_index_ddls(model_id, dimensions):
        session.execute(text(ddl))


def drop_indexes(session: Session, model_id: uuid.UUID) -> None:
    """Drop every HNSW index of the model, before writing many of its vectors at once (building an index
    afterwards is far faster than inserting each vector into it); ``ensure_index`` builds them again."""
    for ecosystem in (None, *TechEcosystem):
        session.execute(text(f"DROP INDEX IF EXISTS {hnsw_index_name(model_id, ecosystem)}"))


def missing_count(session: Session, model_id: uuid.UUID) -> int:
    """How many content items have no vector at all under the model (stale vectors count as present)."""
    has_vector = exists().where(
        ContentEmbedding.content_id == ExplorationContent.content_id, ContentEmbedding.model_id == model_id
    )
    query = select(func.count()).select_from(ExplorationContent).where(~has_vector)
    return int(session.scalar(query) or 0)


def activate_model(session: Session, model_id: uuid.UUID) -> bool:
    """Make the model the one serving searches, if every item has a vector under it; the previous active
    model is retired (its vectors stay until deleted). Returns whether the model is now active."""
    model = session.get(ExplorationEmbeddingModel, model_id, with_for_update=True)
    if model is None:
        raise EmbeddingModelError(f"no embedding model {model_id}")
    if model.status == "active":
        return True
    if missing_count(session, model_id):
        return False
    others = update(ExplorationEmbeddingModel).where(
        ExplorationEmbeddingModel.status == "active", ExplorationEmbeddingModel.model_id != model_id
    )
    session.execute(others.values(status="retired"))
    session.flush()  # the one-active unique index must see the old model retired first
    model.status = "active"
    model.activated_at = session.scalar(select(func.now()))
    ensure_index(session, model_id, model.embedding_dimensions)
    session.flush()
    return True


def build_embeddings(
    session: Session, backend: EmbeddingBackend | None = None, progress: Progress | None = None
) -> EmbeddingRun:
    """Register the backend's model, embed everything it lacks and activate it once complete (in the
    session's transaction). ``frontier demo load`` calls this so search works with no worker running."""
    chosen = backend or get_backend(DEFAULT_BACKEND)
    model_id = ensure_model(session, chosen)
    embedded = embed_pending(session, chosen, model_id, progress=progress)
    if embedded:
        refresh_section_centroids(session, model_id)
    active = activate_model(session, model_id)
    return EmbeddingRun(model_id=model_id, model_name=chosen.name, embedded=embedded, active=active)


REFRESH_CENTROIDS = """
WITH fresh AS (
    SELECT c.section, avg(e.embedding) AS embedding, count(*) AS items
    FROM content_embeddings e JOIN exploration_content c ON c.content_id = e.content_id
    WHERE e.model_id = :model AND c.section IS NOT NULL
    GROUP BY c.section
), gone AS (
    DELETE FROM section_centroids s WHERE s.model_id = :model
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.section = s.section)
)
INSERT INTO section_centroids (model_id, section, embedding, items, updated_at)
SELECT :model, section, embedding, items, now() FROM fresh
ON CONFLICT (model_id, section) DO UPDATE
SET embedding = EXCLUDED.embedding, items = EXCLUDED.items, updated_at = now()
"""


def refresh_section_centroids(session: Session, model_id: uuid.UUID) -> None:
    """Recompute every section's mean vector under the model in one statement (cosine distance ignores the
    mean's length, so it is stored as is)."""
    session.execute(text(REFRESH_CENTROIDS), {"model": model_id})


def section_centroids(
    session: Session, model_id: uuid.UUID, *, top_level: bool = False
) -> dict[str, Vectors]:
    """Per section, the L2-normalised mean of its items' vectors under the model (float32, one row each).

    With ``top_level`` sections are grouped by their first heading ("Python > Django" counts as "Python").
    """
    section = ExplorationContent.section
    key = func.split_part(section, " > ", 1) if top_level else section
    query = (
        select(key, func.avg(ContentEmbedding.embedding, type_=Vector()))
        .join(ExplorationContent, ExplorationContent.content_id == ContentEmbedding.content_id)
        .where(ContentEmbedding.model_id == model_id, section.is_not(None))
        .group_by(key)
    )
    rows = session.execute(query).all()
    if not rows:
        return {}
    names = [str(name) for name, _ in rows]
    matrix = normalise(np.vstack([np.asarray(vector, dtype=np.float32) for _, vector in rows]))
    return dict(zip(names, matrix, strict=True))
