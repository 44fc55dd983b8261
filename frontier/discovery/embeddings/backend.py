"""The embedding backend interface and the registry of backends by name.

A backend turns texts into float32, L2-normalised vectors of a fixed size. Backends register a factory under
their name; ``get_backend`` builds each one at most once per process (loading a model is the slow part), so
every caller in a process — the API embedding queries, a worker embedding content — shares one instance.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from frontier.errors import ConfigurationError

Vectors = npt.NDArray[np.float32]

DEFAULT_BACKEND = "all-MiniLM-L6-v2"


class EmbeddingModelError(ConfigurationError):
    """An embedding model can't be used: its package is missing or its files are not the expected ones."""


@runtime_checkable
class EmbeddingBackend(Protocol):
    """Something that embeds text. ``(name, version)`` identify the vectors it makes: two backends with the
    same pair must make the same vectors, since stored vectors are reused across processes."""

    @property
    def name(self) -> str:
        """Model name, stored as exploration_embedding_models.model_name."""
        ...

    @property
    def version(self) -> str:
        """Model version, stored as exploration_embedding_models.model_version."""
        ...

    @property
    def provider(self) -> str:
        """Where the model comes from (package, runtime)."""
        ...

    @property
    def dimensions(self) -> int:
        """Length of every vector."""
        ...

    @property
    def artifact_sha256(self) -> str | None:
        """sha256 of the model file, when there is one."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One row per text, shape ``(len(texts), dimensions)``, float32, each row of L2 norm 1."""
        ...


BackendFactory = Callable[[], EmbeddingBackend]

_factories: dict[str, BackendFactory] = {}
_instances: dict[str, EmbeddingBackend] = {}
_lock = threading.Lock()


def register_backend(name: str, factory: BackendFactory, *, replace: bool = False) -> None:
    """Make a backend available under ``name``; ValueError if the name is taken (unless ``replace``)."""
    with _lock:
        if name in _factories and not replace:
            raise ValueError(f"an embedding backend named '{name}' is already registered")
        _factories[name] = factory
        _instances.pop(name, None)


def unregister_backend(name: str) -> None:
    """Forget a backend (and its instance); unknown names are ignored."""
    with _lock:
        _factories.pop(name, None)
        _instances.pop(name, None)


def backend_names() -> list[str]:
    """Names of the registered backends, sorted."""
    return sorted(_factories)


def get_backend(name: str = DEFAULT_BACKEND) -> EmbeddingBackend:
    """The process's one instance of the backend registered under ``name``."""
    with _lock:
        instance = _instances.get(name)
        if instance is None:
            factory = _factories.get(name)
            if factory is None:
                known = ", ".join(sorted(_factories)) or "none"
                raise EmbeddingModelError(f"no embedding backend named '{name}' (registered: {known})")
            instance = _instances[name] = factory()
        return instance


def normalise(vectors: npt.NDArray[np.floating]) -> Vectors:
    """Rows scaled to L2 norm 1, as float32 (a zero row stays zero)."""
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    result: Vectors = matrix / np.maximum(norms, np.float32(1e-12))
    return result
