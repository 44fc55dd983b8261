"""GitHub REST API: repository snapshots, the top repositories of a language, topic sizes, new repositories.

Data types (data_sync_jobs.data_types_to_sync):
- ``repositories``: stars, forks and open issues summed over the technology's own repositories (daily
  snapshot). Renamed repositories are listed under every name they had; GitHub redirects the old name, so
  repositories are counted once by id.
- ``languages``: ``top100_stars|forks|open_issues`` over the 100 most-starred repositories of the technology's
  language (search, following Link pagination), the same measure as the bundled demo series.
- ``topics``: ``topic_repositories``, how many repositories carry the technology's first topic (its own; later
  topics are broader and shared).
- ``new_repositories``: repositories created in each finished month, by language, else by first topic.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from frontier.ingest.connectors.base import (
    ConnectorContext,
    FetchResult,
    TechnologyKeys,
    complete_months,
    next_month,
    observation,
    parse,
    run_items,
)
from frontier.ingest.http import FetchError
from frontier.ingest.observations import ObservationRecord

SOURCE = "github"
TOP_REPOSITORIES = 100  # the metric names say top100: the count is part of their meaning
SNAPSHOT_METRICS = {"stars": "stargazers_count", "forks": "forks_count", "open_issues": "open_issues_count"}
Work = Callable[[TechnologyKeys], Awaitable[list[ObservationRecord]]]
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


class Repository(BaseModel):
    """The fields of GET /repos/{owner}/{repo} (and of search items) that Frontier reads."""

    id: int
    full_name: str
    stargazers_count: int
    forks_count: int
    open_issues_count: int
    created_at: datetime
    topics: list[str] = []
    language: str | None = None


class RepositorySearch(BaseModel):
    """GET /search/repositories."""

    total_count: int
    incomplete_results: bool = False
    items: list[Repository]


class GitHubConnector:
    """Connector for api.github.com (or any server answering in its format at ``base_url``)."""

    source = SOURCE
    data_types = ("repositories", "languages", "topics", "new_repositories")

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.client = context.client
        self.per_page = int(context.options.get("per_page", 100))

    async def fetch(self, technologies: Sequence[TechnologyKeys], since: date, until: date) -> FetchResult:
        """Every wanted data type for every technology that has the key it needs."""
        wants = self.context.settings.wants
        months = complete_months(since, until)
        plans: list[tuple[list[TechnologyKeys], Work, str]] = []
        if wants("repositories"):
            owned = [t for t in technologies if t.github_repositories]
            plans.append((owned, lambda t: self._repositories(t, until), "repos"))
        if wants("languages"):
            languages = [t for t in technologies if t.github_language]
            plans.append((languages, lambda t: self._top_repositories(t, until), "language"))
        if wants("topics"):
            topical = [t for t in technologies if t.github_topics]
            plans.append((topical, lambda t: self._topic_size(t, until), "topic"))
        if wants("new_repositories") and months:
            searchable = [t for t in technologies if t.github_language or t.github_topics]
            plans.append((searchable, lambda t: self._new_repositories(t, months), "new_repos"))
        result = FetchResult()
        for items, work, kind in plans:
            result = result.merge(await run_items(self.context, items, work, _label(kind)))
        return result

    async def _repositories(self, technology: TechnologyKeys, day: date) -> list[ObservationRecord]:
        seen: dict[int, Repository] = {}
        for full_name in technology.github_repositories:
            payload, _ = await self.client.get_json(f"/repos/{full_name}", headers=HEADERS)
            repository = parse(Repository, payload, f"GitHub repository {full_name}")
            seen[repository.id] = repository
        return [
            observation(SOURCE, technology, metric, "day", day, sum(getattr(r, field) for r in seen.values()))
            for metric, field in SNAPSHOT_METRICS.items()
        ]

    async def _top_repositories(self, technology: TechnologyKeys, day: date) -> list[ObservationRecord]:
        items = await self._search_items(f'language:"{technology.github_language}"', TOP_REPOSITORIES)
        return [
            observation(
                SOURCE, technology, f"top100_{metric}", "day", day, sum(getattr(r, field) for r in items)
            )
            for metric, field in SNAPSHOT_METRICS.items()
        ]

    async def _topic_size(self, technology: TechnologyKeys, day: date) -> list[ObservationRecord]:
        search, _ = await self._search_page(
            "/search/repositories", _count(f"topic:{technology.github_topics[0]}")
        )
        return [observation(SOURCE, technology, "topic_repositories", "day", day, search.total_count)]

    async def _new_repositories(
        self, technology: TechnologyKeys, months: list[date]
    ) -> list[ObservationRecord]:
        if technology.github_language:
            qualifier = f'language:"{technology.github_language}"'
        else:
            qualifier = f"topic:{technology.github_topics[0]}"
        records = []
        for month in months:
            last_day = next_month(month) - timedelta(days=1)
            query = _count(f"{qualifier} created:{month.isoformat()}..{last_day.isoformat()}")
            search, _ = await self._search_page("/search/repositories", query)
            records.append(
                observation(SOURCE, technology, "new_repositories", "month", month, search.total_count)
            )
        return records

    async def _search_items(self, query: str, limit: int) -> list[Repository]:
        params: dict[str, Any] | None = {
            "q": query,
            "sort": "stars",
            "order": "desc",
            "per_page": min(self.per_page, limit),
        }
        target = "/search/repositories"
        items: list[Repository] = []
        while len(items) < limit:
            search, links = await self._search_page(target, params)
            items.extend(search.items)
            next_url = links.get("next", {}).get("url")
            if next_url is None or not search.items:
                break
            target, params = next_url, None  # the link carries the whole query
        return items[:limit]

    async def _search_page(
        self, target: str, params: dict[str, Any] | None
    ) -> tuple[RepositorySearch, dict[str | None, dict[str, str]]]:
        payload, response = await self.client.get_json(target, params, headers=HEADERS)
        where = f"GitHub search {self.client.show(response.request.url)}"
        search = parse(RepositorySearch, payload, where)
        if search.incomplete_results:  # GitHub's search timed out: the counts are a lower bound, not a fact
            raise FetchError(f"{where}: GitHub reports incomplete results (its search timed out)")
        return search, response.links


def _count(query: str) -> dict[str, Any]:
    return {"q": query, "per_page": 1}


def _label(kind: str) -> Callable[[TechnologyKeys], str]:
    return lambda technology: f"github:{kind}:{technology.slug}"
