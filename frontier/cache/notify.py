"""Cache invalidation across processes: writers announce what changed, every API process drops it.

Content, trend scores, forecasts, the catalogue and its series are written by the worker and the CLI, not by
the API process that caches results built from them; with the default in-process cache those processes cannot
reach its memory. So a writer calls ``announce(session, "content")`` (any of ``TAGS``; what each names is in
``frontier.cache.classes.TAGS``) inside the transaction that changes the data: PostgreSQL delivers the
notification on commit only (a rolled-back write announces nothing) to every process listening, and each API
process's ``InvalidationListener`` calls ``cache.invalidate_tags`` on its own cache. With Redis the bump
lands in Redis once per API process: harmless, and no writer needs a cache of its own.

The listener passes the same announcements to any other holder of results built from that data (``also``:
search's query vocabularies, ``frontier.discovery.search.terms``).

A listener that loses its connection drops every announced tag after reconnecting (it may have missed
notifications meanwhile), then listens again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Protocol

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from frontier.cache.classes import TAGS as TAG_MEANINGS
from frontier.cache.service import Cache

log = logging.getLogger("frontier.cache")

CHANNEL = "frontier_cache"
# Every tag a writer may announce: what a reconnecting listener drops, and what ``announce`` accepts.
TAGS = tuple(TAG_MEANINGS)


def announce(session: Session, *tags: str) -> None:
    """Tell every API process, once this transaction commits, that results tagged ``tags`` are stale."""
    unknown = sorted(set(tags) - set(TAGS))
    if unknown or not tags:
        raise ValueError(f"announce: tags must be among {TAGS}, got {sorted(tags)}")
    session.execute(text("SELECT pg_notify(:channel, :tags)"), {"channel": CHANNEL, "tags": ",".join(tags)})


def _parse(payload: str) -> list[str]:
    return [tag for tag in payload.split(",") if tag in TAGS]


class TagInvalidator(Protocol):
    """Anything holding results built from announced data (a ``Cache``; search's query vocabularies)."""

    def invalidate_tags(self, *tags: str) -> None: ...


class InvalidationListener:
    """A daemon thread that LISTENs on ``CHANNEL`` and invalidates ``cache``'s tagged results (and those of
    the ``also`` holders)."""

    def __init__(
        self,
        engine: Engine,
        cache: Cache,
        *,
        retry_seconds: float = 2.0,
        also: Sequence[TagInvalidator] = (),
    ) -> None:
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._holders: tuple[TagInvalidator, ...] = (cache, *also)
        self._retry_seconds = retry_seconds
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cache-invalidation", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        """True once the listener is connected and listening (for tests and orderly start-up)."""
        return self._listening.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _invalidate(self, tags: Iterable[str]) -> None:
        tags = list(tags)
        if tags:
            for holder in self._holders:
                holder.invalidate_tags(*tags)

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if not first:  # notifications sent while disconnected are lost: drop everything
                        self._invalidate(TAGS)
                    first = False
                    self._listening.set()
                    while not self._stop.is_set():
                        # a short wait: stop() (every app shutdown, every test client) is seen within it
                        for notice in conn.notifies(timeout=0.1, stop_after=100):
                            self._invalidate(_parse(notice.payload))
            except psycopg.Error as error:
                self._listening.clear()
                log.warning("cache invalidation listener lost its connection (%s); retrying", error)
                self._stop.wait(self._retry_seconds)
