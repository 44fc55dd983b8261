"""npm download counts API: daily downloads per package by range, summed over the technology's packages.

``/downloads/range/{start}:{end}/{package}`` answers ``{"downloads": [{"downloads": N, "day": "YYYY-MM-DD"}],
"start", "end", "package"}``; a range may span at most 18 months, so longer windows are asked for in parts
of a year. Every package is asked for by itself (scoped ``@scope/name`` ones included): the bulk form takes
no scoped packages, and a technology has only a handful.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import BaseModel

from frontier.ingest.connectors.base import (
    ConnectorContext,
    FetchResult,
    TechnologyKeys,
    observation,
    parse,
    run_items,
)
from frontier.ingest.observations import ObservationRecord

SOURCE = "npm"
MAX_RANGE_DAYS = 365  # well inside the API's 18-month limit


class DayCount(BaseModel):
    """One day of a range answer."""

    downloads: int
    day: date


class DownloadRange(BaseModel):
    """GET /downloads/range/{start}:{end}/{package}."""

    downloads: list[DayCount]
    start: date
    end: date
    package: str


class NpmConnector:
    """Connector for api.npmjs.org."""

    source = SOURCE
    data_types = ("downloads",)

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.client = context.client

    async def fetch(self, technologies: Sequence[TechnologyKeys], since: date, until: date) -> FetchResult:
        """Daily downloads over [since, until) for every technology with npm packages."""
        if not self.context.settings.wants("downloads") or since >= until:
            return FetchResult()
        packaged = [t for t in technologies if t.npm_packages]
        return await run_items(
            self.context,
            packaged,
            lambda t: self._downloads(t, since, until),
            lambda t: f"npm:downloads:{t.slug}",
        )

    async def _downloads(
        self, technology: TechnologyKeys, since: date, until: date
    ) -> list[ObservationRecord]:
        per_day: Counter[date] = Counter()
        for package in technology.npm_packages:
            for start, end in ranges(since, until - timedelta(days=1)):
                payload, _ = await self.client.get_json(f"/downloads/range/{start}:{end}/{package}")
                answer = parse(DownloadRange, payload, f"npm downloads of {package}")
                for row in answer.downloads:
                    if since <= row.day < until:
                        per_day[row.day] += row.downloads
        return [
            observation(SOURCE, technology, "downloads", "day", day, total)
            for day, total in sorted(per_day.items())
        ]


def ranges(first: date, last: date) -> list[tuple[date, date]]:
    """[first, last] (inclusive) cut into parts of at most MAX_RANGE_DAYS days."""
    parts = []
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=MAX_RANGE_DAYS - 1))
        parts.append((start, end))
        start = end + timedelta(days=1)
    return parts
