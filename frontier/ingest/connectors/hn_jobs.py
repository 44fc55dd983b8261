"""Job postings: the monthly Hacker News "Ask HN: Who is hiring?" threads, through the Algolia HN Search API.

Threads are found with ``/api/v1/search_by_date?tags=story,author_whoishiring`` (paged by ``page`` and
``nbPages``); a thread's postings are its top-level comments, read whole from ``/api/v1/items/{id}``
(comment search stops at 1,000 hits, which a busy thread passes with its replies). ``job_mentions``
counts, per finished month, the postings that mention any of the technology's search terms (whole words,
any case); a month whose thread exists but never names a technology is a true 0.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import BaseModel

from frontier.ingest.connectors.base import (
    ConnectorContext,
    FetchResult,
    ItemError,
    TechnologyKeys,
    complete_months,
    month_start,
    next_month,
    observation,
    parse,
    run_items,
)
from frontier.ingest.http import FetchError
from frontier.ingest.observations import ObservationRecord

SOURCE = "hn_jobs"
THREAD_TITLE = re.compile(r"who is hiring\?", re.IGNORECASE)
TITLE_MONTH = re.compile(r"\(([A-Za-z]+) (\d{4})\)")
_TAG = re.compile(r"<[^>]+>")


class StoryHit(BaseModel):
    """A search hit that is a story."""

    objectID: str  # noqa: N815 - Algolia's field name
    title: str
    created_at: datetime


class StorySearch(BaseModel):
    """GET /api/v1/search_by_date."""

    hits: list[StoryHit]
    page: int
    nbPages: int  # noqa: N815 - Algolia's field name


class Item(BaseModel):
    """GET /api/v1/items/{id}: an item and its replies, nested."""

    id: int
    type: str
    text: str | None = None
    children: list[Item] = []


def plain_text(markup: str) -> str:
    """The words of an HN comment's HTML: tags dropped (as spaces), entities decoded."""
    return html.unescape(_TAG.sub(" ", markup))


def mention_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of ``terms`` as whole words (``C++`` and ``C#`` included)."""
    cleaned = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(t) for t in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def thread_month(hit: StoryHit) -> date:
    """The month a thread is for: from its title ("(October 2026)"), else the month it was posted."""
    found = TITLE_MONTH.search(hit.title)
    if found:
        try:
            return datetime.strptime(f"1 {found.group(1)} {found.group(2)}", "%d %B %Y").date()
        except ValueError:
            pass
    return month_start(hit.created_at.date())


class HackerNewsJobsConnector:
    """Connector for hn.algolia.com."""

    source = SOURCE
    data_types = ("job_mentions",)

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.client = context.client

    async def fetch(self, technologies: Sequence[TechnologyKeys], since: date, until: date) -> FetchResult:
        """Mentions per technology in each finished month's thread."""
        months = complete_months(since, until)
        patterns = [(t, p) for t in technologies if (p := mention_pattern(t.search_terms)) is not None]
        if not self.context.settings.wants("job_mentions") or not months or not patterns:
            return FetchResult()
        try:
            threads = await self._threads(months[0], next_month(months[-1]))
        except FetchError as error:
            return FetchResult(errors=[ItemError("hn_jobs:threads", str(error))])
        result = await run_items(
            self.context,
            [m for m in months if m in threads],
            lambda month: self._mentions(threads[month], month, patterns),
            lambda month: f"hn_jobs:thread:{month:%Y-%m}",
        )
        result.errors.extend(
            ItemError(f"hn_jobs:thread:{m:%Y-%m}", "no 'Who is hiring?' thread found for this month")
            for m in months
            if m not in threads
        )
        return result

    async def _threads(self, first: date, end: date) -> dict[date, str]:
        """Thread id per month for threads posted in [first, end)."""
        threads: dict[date, tuple[datetime, str]] = {}
        page = 0
        while True:
            params: dict[str, Any] = {
                "tags": "story,author_whoishiring",
                "numericFilters": f"created_at_i>={_epoch(first)},created_at_i<{_epoch(end)}",
                "hitsPerPage": 50,
                "page": page,
            }
            payload, _ = await self.client.get_json("/api/v1/search_by_date", params)
            search = parse(StorySearch, payload, "HN search_by_date")
            for hit in search.hits:
                month = thread_month(hit)
                if THREAD_TITLE.search(hit.title) and (
                    month not in threads or hit.created_at < threads[month][0]
                ):
                    threads[month] = (hit.created_at, hit.objectID)  # the first thread of a month is the one
            page += 1
            if page >= search.nbPages:
                return {month: story for month, (_, story) in threads.items()}

    async def _mentions(
        self, story_id: str, month: date, patterns: list[tuple[TechnologyKeys, re.Pattern[str]]]
    ) -> list[ObservationRecord]:
        payload, _ = await self.client.get_json(f"/api/v1/items/{story_id}")
        thread = parse(Item, payload, f"HN item {story_id}")
        postings = [plain_text(c.text) for c in thread.children if c.type == "comment" and c.text]
        return [
            observation(
                SOURCE,
                technology,
                "job_mentions",
                "month",
                month,
                sum(1 for t in postings if pattern.search(t)),
            )
            for technology, pattern in patterns
        ]


def _epoch(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())
