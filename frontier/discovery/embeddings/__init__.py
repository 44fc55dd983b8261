"""Text embeddings for discovery: backends (all-MiniLM-L6-v2 by default) and the stored content vectors.

Use ``get_backend()`` for the process's default backend (loaded once, on first use), ``build_embeddings`` to
bring the stored vectors up to date in a transaction, and the ``reembed`` job
(frontier.discovery.embeddings.tasks) to do it in the background.
"""

from __future__ import annotations

from frontier.discovery.embeddings.backend import (
    DEFAULT_BACKEND,
    EmbeddingBackend,
    EmbeddingModelError,
    Vectors,
    backend_names,
    get_backend,
    normalise,
    register_backend,
    unregister_backend,
)
from frontier.discovery.embeddings.minilm import MiniLMBackend
from frontier.discovery.embeddings.service import (
    EmbeddingRun,
    activate_model,
    active_model,
    backend_for,
    build_embeddings,
    drop_indexes,
    embed_items,
    embed_pending,
    embedding_text,
    ensure_index,
    ensure_model,
    missing_count,
    pending_items,
    refresh_section_centroids,
    section_centroids,
    text_sha256,
)

register_backend(DEFAULT_BACKEND, MiniLMBackend, replace=True)

__all__ = [
    "DEFAULT_BACKEND",
    "EmbeddingBackend",
    "EmbeddingModelError",
    "EmbeddingRun",
    "MiniLMBackend",
    "Vectors",
    "activate_model",
    "active_model",
    "backend_for",
    "backend_names",
    "build_embeddings",
    "drop_indexes",
    "embed_items",
    "embed_pending",
    "embedding_text",
    "ensure_index",
    "ensure_model",
    "get_backend",
    "missing_count",
    "normalise",
    "pending_items",
    "refresh_section_centroids",
    "register_backend",
    "section_centroids",
    "text_sha256",
    "unregister_backend",
]
