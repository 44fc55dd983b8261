"""RSS and Atom feeds (feedparser): new content items, not observations.

The source's base_url is a feed; more feeds may be listed in its options (``feeds``). Entries published before
``since`` are left out; entries without a date are kept (a feed that omits dates still announces content).
Storing entries belongs to the content table of the discovery domain; here they are parsed and returned.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import feedparser  # type: ignore[import-untyped]

from frontier.ingest.connectors.base import (
    ConnectorContext,
    FeedEntry,
    FetchResult,
    ItemError,
    TechnologyKeys,
)
from frontier.ingest.http import FetchError, MalformedResponse, SourceClient

SOURCE = "rss"


def parse_feed(content: bytes, feed_url: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom document; MalformedResponse when it is not a feed at all."""
    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None) or "not an RSS or Atom document"
        raise MalformedResponse(f"feed {feed_url}: {reason}")
    return [_entry(raw, feed_url) for raw in parsed.entries]


def _entry(raw: Any, feed_url: str) -> FeedEntry:
    published = raw.get("published_parsed") or raw.get("updated_parsed")
    return FeedEntry(
        feed_url=feed_url,
        title=str(raw.get("title", "")).strip(),
        url=raw.get("link"),
        published=datetime.fromtimestamp(calendar.timegm(published), UTC) if published else None,
        summary=str(raw.get("summary", "")).strip(),
        tags=tuple(str(t.get("term")) for t in raw.get("tags", []) if t.get("term")),
    )


async def fetch_feed(client: SourceClient, url: str) -> list[FeedEntry]:
    """Download and parse one feed (through the source's client: limits, retries, timeouts)."""
    response = await client.get(url)
    return parse_feed(response.content, client.show(url))


class FeedConnector:
    """Connector for RSS/Atom feeds: returns entries, writes no observations."""

    source = SOURCE
    data_types = ("entries",)

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.client = context.client
        extra = context.options.get("feeds", [])
        self.feeds = [context.client.base_url, *(str(f) for f in extra if f)]

    async def fetch(self, technologies: Sequence[TechnologyKeys], since: date, until: date) -> FetchResult:
        """Entries of every feed published since ``since``; a feed that fails is an item error."""
        result = FetchResult()
        self.context.progress.planned(len(self.feeds))
        for url in self.feeds:
            try:
                entries = await fetch_feed(self.client, url)
            except FetchError as error:
                result.errors.append(ItemError(f"rss:{self.client.show(url)}", str(error)))
            else:
                result.entries.extend(
                    e for e in entries if e.published is None or e.published.date() >= since
                )
                result.items_ok += 1
            finally:
                self.context.progress.done()
        return result
