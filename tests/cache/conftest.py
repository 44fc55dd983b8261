"""Cache fixtures: every behaviour runs on the in-process backend and on a real Redis (DB 15)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis

from frontier.cache import Cache, MemoryBackend, RedisBackend
from tests.cache.support import FakeClock


@dataclass
class Setup:
    kind: str
    cache: Cache
    clock: FakeClock
    client: redis.Redis | None


@pytest.fixture
def token() -> str:
    """A marker of the test's own for key parts and tags: the Redis database outlives the test."""
    return uuid.uuid4().hex[:12]


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(params=["memory", "redis"])
def setup(request: pytest.FixtureRequest) -> Setup:
    clock = FakeClock()
    if request.param == "memory":
        return Setup("memory", Cache(MemoryBackend(clock=clock), clock=clock), clock, None)
    client: redis.Redis = request.getfixturevalue("redis_client")
    return Setup("redis", Cache(RedisBackend(client), clock=clock), clock, client)
