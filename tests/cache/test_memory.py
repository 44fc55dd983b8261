"""The in-process backend's own limits."""

from __future__ import annotations

import pytest

from frontier.cache import Cache, CacheClass, MemoryBackend
from tests.cache.support import CountingLoader, Trend

TRENDS = CacheClass.TECH_TRENDS


def test_least_recently_used_entry_is_evicted_beyond_max_entries() -> None:
    backend = MemoryBackend(max_entries=2)
    cache = Cache(backend)
    loaders = {name: CountingLoader(name) for name in ("a", "b", "c")}

    def read(name: str) -> str:
        return cache.get_or_load(TRENDS, [name], loaders[name], user_id=None, model=Trend).label

    read("a"), read("b"), read("a"), read("c")  # "b" is now the least recently used

    assert len(backend) == 2
    assert (read("a"), read("c")) == ("a#1", "c#1")
    assert read("b") == "b#2"


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError):
        MemoryBackend(max_entries=0)
