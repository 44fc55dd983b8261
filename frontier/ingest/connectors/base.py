"""The one interface every connector implements, and what connectors share: the technologies' source keys,
the result of a fetch (records, per-item errors, feed entries), and running items concurrently."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from frontier.catalog.models import Technology
from frontier.errors import validation_problem
from frontier.ingest.http import FetchError, MalformedResponse, SourceClient
from frontier.ingest.observations import Granularity, ObservationRecord

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class TechnologyKeys:
    """A technology and its keys in each source, as the catalogue holds them."""

    id: uuid.UUID
    slug: str
    name: str
    github_language: str | None = None
    github_topics: tuple[str, ...] = ()
    github_repositories: tuple[str, ...] = ()
    stackoverflow_tag: str | None = None
    pypi_packages: tuple[str, ...] = ()
    npm_packages: tuple[str, ...] = ()
    search_terms: tuple[str, ...] = ()

    @classmethod
    def of(cls, technology: Technology) -> TechnologyKeys:
        """The keys of a catalogue row."""
        return cls(
            id=technology.id,
            slug=technology.slug,
            name=technology.name,
            github_language=technology.github_language,
            github_topics=tuple(technology.github_topics),
            github_repositories=tuple(technology.github_repositories),
            stackoverflow_tag=technology.stackoverflow_tag,
            pypi_packages=tuple(technology.pypi_packages),
            npm_packages=tuple(technology.npm_packages),
            search_terms=tuple(technology.search_terms),
        )


def observation(
    source: str, technology: TechnologyKeys, metric: str, granularity: Granularity, period: date, value: float
) -> ObservationRecord:
    """One observation of a catalogue technology (every connector's records are made here)."""
    return ObservationRecord(
        source=source,
        metric=metric,
        granularity=granularity,
        period_start=period,
        value=float(value),
        technology_id=technology.id,
    )


@dataclass(frozen=True)
class ItemError:
    """One item (a technology, a batch, a feed) that could not be fetched, and why."""

    item: str
    error: str

    def as_json(self) -> dict[str, str]:
        """The form stored in data_sync_runs.errors."""
        return {"item": self.item, "error": self.error}


@dataclass(frozen=True)
class FeedEntry:
    """One entry of an RSS or Atom feed: new content to consider."""

    feed_url: str
    title: str
    url: str | None
    published: datetime | None
    summary: str
    tags: tuple[str, ...]


@dataclass
class FetchResult:
    """What a fetch produced: observation records, per-item errors, feed entries; ``items_ok`` counts the
    items that succeeded, so a run with errors can tell partial success from failure."""

    records: list[ObservationRecord] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    entries: list[FeedEntry] = field(default_factory=list)
    items_ok: int = 0

    def merge(self, other: FetchResult) -> FetchResult:
        """Both results together."""
        return FetchResult(
            records=[*self.records, *other.records],
            errors=[*self.errors, *other.errors],
            entries=[*self.entries, *other.entries],
            items_ok=self.items_ok + other.items_ok,
        )

    @property
    def status(self) -> str:
        """success (no errors), partial_success (some items failed) or failed (every item failed)."""
        if not self.errors:
            return "success"
        return "partial_success" if self.items_ok else "failed"


class FetchProgress(Protocol):
    """Told how many items a fetch plans and when each is done (progress bars)."""

    def planned(self, items: int) -> None: ...

    def done(self, items: int = 1) -> None: ...


class NoProgress:
    """Progress that goes nowhere."""

    def planned(self, items: int) -> None:
        return None

    def done(self, items: int = 1) -> None:
        return None


@dataclass(frozen=True)
class SyncSettings:
    """How a job wants the work done: request batch size, concurrent items, which data types (None = all)."""

    batch_size: int = 100
    parallel_workers: int = 2
    data_types: frozenset[str] | None = None

    def wants(self, data_type: str) -> bool:
        """Whether the job syncs ``data_type``."""
        return self.data_types is None or data_type in self.data_types


@dataclass
class ConnectorContext:
    """What a connector works with: its client, the job's settings, progress, and the source's options
    (external_data_sources.data_mapping_schema)."""

    client: SourceClient
    settings: SyncSettings = field(default_factory=SyncSettings)
    progress: FetchProgress = field(default_factory=NoProgress)
    options: Mapping[str, Any] = field(default_factory=dict)


class Connector(Protocol):
    """Fetches one source's signals for the given technologies over [since, until] (until = the sync day)."""

    @property
    def source(self) -> str:
        """The ``source`` code of the observations it produces (e.g. ``github``)."""
        ...

    @property
    def data_types(self) -> tuple[str, ...]:
        """What it can sync; data_sync_jobs.data_types_to_sync picks among these."""
        ...

    async def fetch(self, technologies: Sequence[TechnologyKeys], since: date, until: date) -> FetchResult:
        """Records for every item that succeeded and an ItemError for every item that failed."""
        ...


async def run_items(
    context: ConnectorContext,
    items: Sequence[T],
    work: Callable[[T], Awaitable[list[ObservationRecord]]],
    label: Callable[[T], str],
) -> FetchResult:
    """Run ``work`` on every item, at most ``parallel_workers`` at once. An item is all or nothing: a
    FetchError fails that item alone (its records are dropped); any other exception is a bug and ends the
    fetch."""
    gate = asyncio.Semaphore(max(1, context.settings.parallel_workers))
    context.progress.planned(len(items))
    outcomes: list[list[ObservationRecord] | ItemError] = [[] for _ in items]

    async def one(index: int, item: T) -> None:
        async with gate:
            try:
                outcomes[index] = await work(item)
            except FetchError as error:
                outcomes[index] = ItemError(label(item), str(error))
            finally:
                context.progress.done()

    async with asyncio.TaskGroup() as group:
        for index, item in enumerate(items):
            group.create_task(one(index, item))
    result = FetchResult()
    for outcome in outcomes:
        if isinstance(outcome, ItemError):
            result.errors.append(outcome)
        else:
            result.records.extend(outcome)
            result.items_ok += 1
    return result


def parse(model: type[M], payload: Any, what: str) -> M:
    """``payload`` validated as ``model``; MalformedResponse naming the first bad field otherwise."""
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        problem = validation_problem(first)
        raise MalformedResponse(f"{what}: unexpected payload at '{where}': {problem}") from None


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(first: date) -> date:
    """The first day of the month after ``first``'s."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def complete_months(since: date, until: date) -> list[date]:
    """First days of the months from ``since``'s month that have ended by ``until`` (monthly values are only
    stored for finished months, so a stored month never changes under a reader)."""
    months = []
    current = month_start(since)
    while next_month(current) <= until:
        months.append(current)
        current = next_month(current)
    return months


def days(since: date, until: date) -> list[date]:
    """Every day from ``since`` up to, not including, ``until`` (the sync day itself is not over)."""
    return [since + timedelta(days=n) for n in range((until - since).days)]
