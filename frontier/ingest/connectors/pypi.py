"""PyPI: daily downloads from pypistats.org and monthly release counts from PyPI's JSON API.

Data types:
- ``downloads``: daily downloads without mirrors (``/api/packages/{pkg}/overall?mirrors=false``, category
  ``without_mirrors``), summed over the technology's packages. pypistats keeps about 180 days.
- ``releases``: versions first uploaded in each finished month (``/pypi/{pkg}/json``, its ``releases`` map),
  summed over the packages; months without a release are a true 0.

The source's base_url is pypistats; PyPI's own host comes from the source's options (``pypi_url``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel

from frontier.ingest.connectors.base import (
    ConnectorContext,
    FetchResult,
    TechnologyKeys,
    complete_months,
    month_start,
    observation,
    parse,
    run_items,
)
from frontier.ingest.observations import ObservationRecord

SOURCE = "pypi"
DEFAULT_PYPI_URL = "https://pypi.org"


class DailyDownloads(BaseModel):
    """One row of pypistats' ``data``."""

    category: str
    date: date
    downloads: int


class Overall(BaseModel):
    """GET /api/packages/{package}/overall."""

    package: str
    type: str
    data: list[DailyDownloads]


class ReleaseFile(BaseModel):
    """One uploaded file of a release."""

    upload_time_iso_8601: datetime


class PackageInfo(BaseModel):
    """The ``info`` fields Frontier reads."""

    name: str
    version: str


class Package(BaseModel):
    """GET /pypi/{package}/json."""

    info: PackageInfo
    releases: dict[str, list[ReleaseFile]]


def normalise(name: str) -> str:
    """A package name as PEP 503 normalises it (what pypistats and PyPI's URLs expect)."""
    return re.sub(r"[-_.]+", "-", name).lower()


class PyPIConnector:
    """Connector for pypistats.org and pypi.org."""

    source = SOURCE
    data_types = ("downloads", "releases")

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.client = context.client
        self.pypi_url = str(context.options.get("pypi_url", DEFAULT_PYPI_URL)).rstrip("/")

    async def fetch(self, technologies: Sequence[TechnologyKeys], since: date, until: date) -> FetchResult:
        """Downloads per day and releases per finished month for every technology with PyPI packages."""
        packaged = [t for t in technologies if t.pypi_packages]
        result = FetchResult()
        if self.context.settings.wants("downloads"):
            result = result.merge(
                await run_items(
                    self.context,
                    packaged,
                    lambda t: self._downloads(t, since, until),
                    lambda t: f"pypi:downloads:{t.slug}",
                )
            )
        months = complete_months(since, until)
        if self.context.settings.wants("releases") and months:
            result = result.merge(
                await run_items(
                    self.context,
                    packaged,
                    lambda t: self._releases(t, months),
                    lambda t: f"pypi:releases:{t.slug}",
                )
            )
        return result

    async def _downloads(
        self, technology: TechnologyKeys, since: date, until: date
    ) -> list[ObservationRecord]:
        per_day: Counter[date] = Counter()
        for package in technology.pypi_packages:
            path = f"/api/packages/{normalise(package)}/overall"
            payload, _ = await self.client.get_json(path, {"mirrors": "false"})
            overall = parse(Overall, payload, f"pypistats {package}")
            for row in overall.data:
                if row.category == "without_mirrors" and since <= row.date < until:
                    per_day[row.date] += row.downloads
        return [
            observation(SOURCE, technology, "downloads", "day", day, total)
            for day, total in sorted(per_day.items())
        ]

    async def _releases(self, technology: TechnologyKeys, months: list[date]) -> list[ObservationRecord]:
        per_month: defaultdict[date, int] = defaultdict(int)
        for package in technology.pypi_packages:
            url = f"{self.pypi_url}/pypi/{normalise(package)}/json"
            payload, _ = await self.client.get_json(url)
            released = parse(Package, payload, f"PyPI {package}")
            for files in released.releases.values():
                if files:  # a version without files was never really released
                    first = min(f.upload_time_iso_8601 for f in files)
                    per_month[month_start(first.date())] += 1
        return [
            observation(SOURCE, technology, "releases", "month", month, per_month.get(month, 0))
            for month in months
        ]
