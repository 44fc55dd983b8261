"""Stack Exchange API 2.3: questions per tag per month, and each tag's total question count.

Data types:
- ``questions``: questions asked per finished month under the technology's tag
  (``/questions?tagged=..&fromdate&todate&filter=total`` answers ``{"total": N}``).
- ``tag_totals``: ``questions_total``, every question ever tagged, from ``/tags/{t1;t2;..}/info`` in
  batches of the job's batch_size (at most 100, the API's limit), following ``has_more`` pages. A tag the
  site does not know is an item error.
- ``popular_tags``: ``questions_total`` of the site's most popular tags (``/tags?sort=popular``, the first
  ``popular_tags`` of them, default 300, following ``has_more``). A tag is matched through the technologies'
  tags, then the catalogue's aliases; a popular tag that matches nothing is reported as an unmatched name,
  a candidate for the catalogue.

Every answer may carry ``backoff`` (seconds to wait before the next request, obeyed for the whole source)
and ``quota_remaining`` (0: the daily quota is spent until midnight UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from frontier.ingest.connectors.base import (
    ConnectorContext,
    FetchResult,
    ItemError,
    TechnologyKeys,
    complete_months,
    next_month,
    observation,
    parse,
    run_items,
)
from frontier.ingest.observations import ObservationRecord

SOURCE = "stackoverflow"
MAX_TAGS_PER_REQUEST = 100
DEFAULT_POPULAR_TAGS = 300


class Wrapper(BaseModel):
    """The common wrapper fields of every Stack Exchange answer that Frontier obeys."""

    backoff: int | None = None
    quota_remaining: int | None = None
    has_more: bool = False


class Total(Wrapper):
    """An answer with ``filter=total``."""

    total: int


class Tag(BaseModel):
    """A tag object."""

    name: str
    count: int


class Tags(Wrapper):
    """An answer listing tag objects."""

    items: list[Tag]


class StackOverflowConnector:
    """Connector for api.stackexchange.com (site from the source's options, default stackoverflow)."""

    source = SOURCE
    data_types = ("questions", "tag_totals", "popular_tags")

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.client = context.client
        self.site = str(context.options.get("site", "stackoverflow"))
        self.popular_limit = int(context.options.get("popular_tags", DEFAULT_POPULAR_TAGS))

    async def fetch(self, technologies: Sequence[TechnologyKeys], since: date, until: date) -> FetchResult:
        """Monthly question counts and tag totals for every technology with a tag."""
        tagged = [t for t in technologies if t.stackoverflow_tag]
        result = FetchResult()
        months = complete_months(since, until)
        if self.context.settings.wants("questions") and months:
            result = result.merge(
                await run_items(
                    self.context,
                    tagged,
                    lambda t: self._questions(t, months),
                    lambda t: f"stackoverflow:questions:{t.stackoverflow_tag}",
                )
            )
        if self.context.settings.wants("tag_totals"):
            result = result.merge(await self._tag_totals(tagged, until))
        if self.context.settings.wants("popular_tags") and self.popular_limit > 0:
            result = result.merge(
                await run_items(
                    self.context,
                    [tagged],
                    lambda known: self._popular_tags(known, until),
                    lambda _: "stackoverflow:popular_tags",
                )
            )
        return result

    async def _popular_tags(self, known: list[TechnologyKeys], day: date) -> list[ObservationRecord]:
        tags: list[Tag] = []
        page = 1
        while len(tags) < self.popular_limit:
            params = {"site": self.site, "sort": "popular", "order": "desc", "pagesize": 100, "page": page}
            answer = parse(Tags, await self._get("/2.3/tags", params), "Stack Exchange /tags")
            tags.extend(answer.items)
            if not answer.has_more or not answer.items:
                break
            page += 1
        records, _ = _tag_records(known, tags[: self.popular_limit], day)
        return records

    async def _questions(self, technology: TechnologyKeys, months: list[date]) -> list[ObservationRecord]:
        records = []
        for month in months:
            params = {
                "tagged": technology.stackoverflow_tag,
                "fromdate": _epoch(month),
                "todate": _epoch(next_month(month)) - 1,
                "site": self.site,
                "filter": "total",
            }
            total = parse(Total, await self._get("/2.3/questions", params), "Stack Exchange /questions")
            records.append(observation(SOURCE, technology, "questions", "month", month, total.total))
        return records

    async def _tag_totals(self, tagged: list[TechnologyKeys], day: date) -> FetchResult:
        size = max(1, min(MAX_TAGS_PER_REQUEST, self.context.settings.batch_size))
        batches = [tagged[i : i + size] for i in range(0, len(tagged), size)]
        missing: list[ItemError] = []

        async def work(batch: list[TechnologyKeys]) -> list[ObservationRecord]:
            tags = await self._tags_info([t.stackoverflow_tag or "" for t in batch])
            records, absent = _tag_records(batch, tags, day)
            missing.extend(
                ItemError(f"stackoverflow:tag:{tag}", "the site has no such tag") for tag in absent
            )
            return records

        def label(batch: list[TechnologyKeys]) -> str:
            return f"stackoverflow:tags:{batch[0].stackoverflow_tag}..{batch[-1].stackoverflow_tag}"

        result = await run_items(self.context, batches, work, label)
        result.errors.extend(missing)
        return result

    async def _tags_info(self, names: list[str]) -> list[Tag]:
        path = "/2.3/tags/" + ";".join(quote(n, safe="") for n in names) + "/info"
        tags: list[Tag] = []
        page = 1
        while True:
            params = {"site": self.site, "pagesize": MAX_TAGS_PER_REQUEST, "page": page}
            answer = parse(Tags, await self._get(path, params), "Stack Exchange /tags/{tags}/info")
            tags.extend(answer.items)
            if not answer.has_more or not answer.items:
                return tags
            page += 1

    async def _get(self, path: str, params: dict[str, Any]) -> Any:
        payload, _ = await self.client.get_json(path, params)
        if isinstance(payload, dict):
            wrapper = Wrapper.model_validate({k: payload.get(k) for k in ("backoff", "quota_remaining")})
            if wrapper.backoff:
                self.client.pause_for(float(wrapper.backoff))
            if wrapper.quota_remaining == 0:
                self.client.pause_for(_seconds_to_utc_midnight(self.client.clock.now()))
        return payload


def _tag_records(
    batch: list[TechnologyKeys], tags: list[Tag], day: date
) -> tuple[list[ObservationRecord], list[str]]:
    by_tag = {(t.stackoverflow_tag or "").lower(): t for t in batch}
    records = []
    for tag in tags:
        technology = by_tag.pop(tag.name.lower(), None)
        records.append(
            ObservationRecord(
                source=SOURCE,
                metric="questions_total",
                granularity="day",
                period_start=day,
                value=float(tag.count),
                technology_id=technology.id if technology else None,
                name=None if technology else tag.name,
            )
        )
    return records, sorted(by_tag)


def _epoch(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def _seconds_to_utc_midnight(now: datetime) -> float:
    midnight = datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(), tzinfo=UTC)
    return (midnight - now).total_seconds()
