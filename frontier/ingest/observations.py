"""Writers of the observations table: records from connectors matched to technologies, then upserted in bulk.

A record names its technology either by id (the connector asked for it through the technology's own source
key) or by the source's spelling of a name (e.g. a Stack Exchange tag synonym). Names are matched through the
catalogue's slugs and aliases only; what matches nothing is reported, never guessed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from sqlalchemy import func, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from frontier.cache.notify import announce
from frontier.catalog.repository import resolve_names
from frontier.trends.models import Observation

log = logging.getLogger(__name__)

Granularity = Literal["day", "month"]
NATURAL_KEY = ["technology_id", "source", "metric", "granularity", "period_start"]


@dataclass(frozen=True)
class ObservationRecord:
    """One value of one metric for one period, for a technology given by id or by the source's name for it."""

    source: str
    metric: str
    granularity: Granularity
    period_start: date
    value: float
    technology_id: uuid.UUID | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if (self.technology_id is None) == (self.name is None):
            raise ValueError("an observation record names its technology by id or by name, not both")
        if self.granularity == "month" and self.period_start.day != 1:
            raise ValueError(f"a monthly observation starts on the 1st, not {self.period_start}")

    def key(self) -> tuple[Any, ...]:
        """The natural key of the row this record becomes."""
        return (self.technology_id, self.source, self.metric, self.granularity, self.period_start)


@dataclass(frozen=True)
class MatchedRecords:
    """Records with their technology resolved, and the names that matched no technology (sorted)."""

    records: list[ObservationRecord]
    unmatched_names: list[str]


def match_records(session: Session, records: Sequence[ObservationRecord]) -> MatchedRecords:
    """Resolve name-keyed records through slugs and aliases; drop (and report) the names that match nothing.

    When a name-keyed record lands on a key that a record asked for by id already holds, the record asked for
    by id wins: the source key is the catalogue's explicit choice, the name only a spelling.
    """
    names = sorted({r.name for r in records if r.name is not None})
    resolved = resolve_names(session, names) if names else {}
    by_key: dict[tuple[Any, ...], ObservationRecord] = {}
    for record in records:
        if record.technology_id is not None:
            by_key[record.key()] = record
    for record in records:
        if record.name is None:
            continue
        technology_id = resolved.get(record.name)
        if technology_id is not None:
            matched = replace(record, technology_id=technology_id, name=None)
            by_key.setdefault(matched.key(), matched)
    unmatched = sorted(name for name, technology_id in resolved.items() if technology_id is None)
    return MatchedRecords(records=list(by_key.values()), unmatched_names=unmatched)


def upsert_observations(
    session: Session,
    records: Sequence[ObservationRecord],
    *,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Idempotent bulk upsert on the natural key, in the session's transaction; returns rows changed.

    Day and month rows live side by side (granularity is part of the key). Partitions are made first. A row
    whose value didn't change is left untouched, so a re-run writes nothing and never duplicates.
    """
    # One INSERT may not touch a row twice: the last record of a key wins.
    rows = list({r.key(): _row(r) for r in records}.values())
    if not rows:
        return 0
    first, last = min(r["period_start"] for r in rows), max(r["period_start"] for r in rows)
    session.execute(text("SELECT ensure_observation_partitions(:a, :b)"), {"a": first, "b": last})
    written = 0
    for start in range(0, len(rows), max(1, batch)):
        values = insert(Observation).values(rows[start : start + batch])
        upsert = values.on_conflict_do_update(
            index_elements=NATURAL_KEY,
            set_={"value": values.excluded.value, "collected_at": func.now()},
            where=Observation.value.is_distinct_from(values.excluded.value),
        ).returning(Observation.period_start)
        written += len(session.execute(upsert).all())
        if progress is not None:
            progress(len(rows[start : start + batch]))
    if written:
        announce(session, "observations")  # cached series and technology pages are dropped as this commits
    return written


def _row(record: ObservationRecord) -> dict[str, Any]:
    if record.technology_id is None:
        raise ValueError(f"unmatched record for '{record.name}' cannot be written; match_records first")
    return {
        "technology_id": record.technology_id,
        "source": record.source,
        "metric": record.metric,
        "granularity": record.granularity,
        "period_start": record.period_start,
        "value": float(record.value),
    }
