"""Writers in other processes invalidate an API process's in-memory cache through PostgreSQL notifications."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from frontier.cache.backends import MemoryBackend
from frontier.cache.classes import CacheClass
from frontier.cache.notify import CHANNEL, InvalidationListener, announce
from frontier.cache.service import Cache

INT = TypeAdapter(int)


class Loads:
    """Counts how often each tagged result had to be loaded."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.count = {"content": 0, "trends": 0}

    def read(self, tag: str) -> int:
        def load() -> int:
            self.count[tag] += 1
            return self.count[tag]

        return self.cache.get_or_load(
            CacheClass.TRENDING_CONTENT, [tag], load, user_id=None, model=INT, tags=[tag]
        )


def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def listening(empty_database: Engine) -> Iterator[tuple[Loads, InvalidationListener]]:
    cache = Cache(MemoryBackend())
    listener = InvalidationListener(empty_database, cache, retry_seconds=0.1)
    listener.start()
    assert listener.wait_listening(10)
    yield Loads(cache), listener
    listener.stop()


def test_a_committed_announcement_drops_only_its_tag(
    empty_database: Engine, listening: tuple[Loads, InvalidationListener]
) -> None:
    loads, _ = listening
    assert (loads.read("content"), loads.read("trends")) == (1, 1)
    assert (loads.read("content"), loads.read("trends")) == (1, 1)  # both cached

    with Session(empty_database) as session, session.begin():
        announce(session, "content")
    assert eventually(lambda: loads.read("content") == 2)
    assert loads.read("trends") == 1


def test_a_rolled_back_write_announces_nothing(
    empty_database: Engine, listening: tuple[Loads, InvalidationListener]
) -> None:
    loads, _ = listening
    loads.read("content"), loads.read("trends")
    with Session(empty_database) as session:
        announce(session, "content")
        session.rollback()
    with Session(empty_database) as session, session.begin():
        announce(session, "trends")
    # notifications arrive in commit order: once the later one is seen, the earlier one would have been too
    assert eventually(lambda: loads.read("trends") == 2)
    assert loads.read("content") == 1


def test_a_listener_that_lost_its_connection_drops_everything_when_back(
    empty_database: Engine, listening: tuple[Loads, InvalidationListener]
) -> None:
    loads, _ = listening
    loads.read("content")
    with empty_database.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE query = :listen AND pid <> pg_backend_pid()"
            ),
            {"listen": f"LISTEN {CHANNEL}"},
        ).scalar_one()
    assert killed == 1
    assert eventually(lambda: loads.read("content") == 2)  # what it may have missed is gone


def test_only_known_tags_can_be_announced(empty_database: Engine) -> None:
    with Session(empty_database) as session, pytest.raises(ValueError, match="tags must be among"):
        announce(session, "everything")
