"""``frontier demo load``: the bundled real data (catalogue + GitHub monthly series), loaded idempotently.

Loading twice leaves the database exactly as loading once: technologies upsert on slug, aliases on their
text, observations on their natural key (only changed values are rewritten).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from frontier.cache.notify import announce
from frontier.catalog.models import Technology, TechnologyAlias
from frontier.db.base import TechEcosystem
from frontier.discovery.content.service import demo_item_count, import_demo_content
from frontier.discovery.embeddings import build_embeddings
from frontier.ingest.observations import ObservationRecord, upsert_observations
from frontier.trends import forecast_store
from frontier.trends.analytics import ComputeReport, compute_scores, day_after_month, latest_data_month

DATA = resources.files("frontier.demo") / "data"
SOURCE = "github"
# language_monthly sums each language's top-100 list; repo_monthly is each technology's own repositories.
LANGUAGE_METRICS = {"stars": "top100_stars", "forks": "top100_forks", "open_issues": "top100_open_issues"}
REPO_METRICS = {"stars": "stars", "forks": "forks", "open_issues": "open_issues"}
CATALOGUE_FIELDS = (
    "name",
    "ecosystem",
    "description",
    "github_language",
    "github_topics",
    "github_repositories",
    "stackoverflow_tag",
    "pypi_packages",
    "npm_packages",
    "search_terms",
)

Progress = Callable[[str, int], None]
# Forecasts are stored as the monthly job would have stored them this many months before the data ends, so
# the demo has a scored track record (12 months back: all 12 months scored; 6 back: half), and from its end.
FORECAST_MONTHS_BACK = (12, 6, 0)


@dataclass(frozen=True)
class LoadReport:
    """What a load wrote."""

    technologies: int
    aliases: int
    observations: int
    content: int = 0
    embedded: int = 0


def read_catalogue() -> list[dict[str, Any]]:
    """The bundled technology catalogue."""
    entries: list[dict[str, Any]] = json.loads((DATA / "technologies.json").read_text(encoding="utf-8"))
    return entries


def _month(text_value: str) -> date:
    year, month = text_value.split("-")
    return date(int(year), int(month), 1)


def _read_csv(name: str) -> list[dict[str, str]]:
    text_value = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text_value, newline="")))


def upsert_catalogue(session: Session, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Insert or update technologies and their aliases; returns slug -> id."""
    rows = [{"slug": e["slug"], **{f: e[f] for f in CATALOGUE_FIELDS}} for e in entries]
    for row in rows:
        row["ecosystem"] = TechEcosystem(row["ecosystem"])
    stmt = insert(Technology).values(rows)
    changed = {f: stmt.excluded[f] for f in CATALOGUE_FIELDS}
    stmt = stmt.on_conflict_do_update(index_elements=["slug"], set_={**changed, "updated_at": func.now()})
    session.execute(stmt)
    ids = dict(session.execute(select(Technology.slug, Technology.id)).all())
    aliases: dict[str, Any] = {}
    for entry in entries:
        for spelling in [entry["slug"], entry["name"], *entry["aliases"], entry.get("github_language") or ""]:
            normalised = spelling.strip().lower()
            if normalised:
                aliases.setdefault(normalised, ids[entry["slug"]])
    alias_stmt = insert(TechnologyAlias).values(
        [{"alias": a, "technology_id": t, "source": "catalogue"} for a, t in aliases.items()]
    )
    alias_stmt = alias_stmt.on_conflict_do_update(
        index_elements=["alias"], set_={"technology_id": alias_stmt.excluded.technology_id}
    )
    session.execute(alias_stmt)
    announce(session, "catalogue")  # cached catalogue and trend answers are dropped as this commits
    return ids


def language_observations(entries: list[dict[str, Any]], ids: dict[str, Any]) -> Iterable[ObservationRecord]:
    """Observations from the per-language top-100 sums."""
    by_language = {e["github_language"]: ids[e["slug"]] for e in entries if e.get("github_language")}
    for row in _read_csv("language_monthly.csv"):
        technology_id = by_language.get(row["language"])
        if technology_id is None:
            continue
        for column, metric in LANGUAGE_METRICS.items():
            yield _observation(technology_id, metric, _month(row["month"]), float(row[column]))


def repository_observations(
    entries: list[dict[str, Any]], ids: dict[str, Any]
) -> Iterable[ObservationRecord]:
    """Observations from each technology's own repositories: monthly sums over the repositories it lists.

    A repository is in the data only in months it was in a top-100 list, so a series may have missing months
    (stored as absent, never as zero). Renamed repositories are listed under every name they had.
    """
    owner = {repo: e["slug"] for e in entries for repo in e["github_repositories"]}
    monthly: dict[tuple[str, date], dict[str, dict[str, str]]] = defaultdict(dict)
    for row in _read_csv("repo_monthly.csv"):
        slug = owner.get(row["repo"])
        if slug is not None:
            monthly[(slug, _month(row["month"]))][row["repo"]] = row
    for (slug, month), repos in sorted(monthly.items()):
        for column, metric in REPO_METRICS.items():
            total = sum(float(r[column]) for r in repos.values())
            yield _observation(ids[slug], metric, month, total)


def _observation(technology_id: Any, metric: str, month: date, value: float) -> ObservationRecord:
    return ObservationRecord(
        source=SOURCE,
        metric=metric,
        granularity="month",
        period_start=month,
        value=value,
        technology_id=technology_id,
    )


def load_demo(session: Session, progress: Progress | None = None, *, embed: bool = True) -> LoadReport:
    """Load the whole demo in the session's transaction (all or nothing): catalogue, series, learning content
    and (unless ``embed=False``) its embeddings, so search works as soon as this returns."""
    entries = read_catalogue()
    ids = upsert_catalogue(session, entries)
    if progress is not None:
        progress("technologies", len(entries))
    rows = [*language_observations(entries, ids), *repository_observations(entries, ids)]
    written = upsert_observations(
        session, rows, progress=(lambda count: progress("observations", count)) if progress else None
    )
    aliases = session.scalar(select(func.count()).select_from(TechnologyAlias)) or 0
    content = import_demo_content(session, progress=progress)
    embedded = build_embeddings(session, progress=progress).embedded if embed else 0
    return LoadReport(
        technologies=len(entries),
        aliases=aliases,
        observations=written,
        content=content.inserted + content.updated,
        embedded=embedded,
    )


def score_demo_trends(session: Session) -> ComputeReport | None:
    """Trend scores as of the day after the demo's series end (they stop before today, so a computation as
    of today finds them stale): trends, alerts and exploration paths have scores. None without data."""
    latest = latest_data_month(session)
    return compute_scores(session, day_after_month(latest)) if latest else None


@dataclass(frozen=True)
class DemoForecasts:
    """What forecasting the demo stored."""

    default_model: str
    origins: tuple[date, ...]  # the days forecasts were made on (the data before each)
    stored: int
    scored: int


def _months_before(day: date, months: int) -> date:
    ordinal = day.year * 12 + day.month - 1 - months
    return date(ordinal // 12, ordinal % 12 + 1, 1)


def forecast_demo(session: Session, progress: Callable[[str], None] | None = None) -> DemoForecasts | None:
    """The monthly forecasting jobs, replayed over the demo's last year: one backtest of every model (as of
    the day after the data ends) keeping the interval calibration known at each origin, then every model's
    forecasts from each origin, scored against the months observed since. A forecast from an earlier origin
    uses only what was known then: its data, and calibration from errors observed by then. None without
    data."""
    latest = latest_data_month(session)
    if latest is None:
        return None
    end = day_after_month(latest)
    origins = tuple(_months_before(end, back) for back in FORECAST_MONTHS_BACK)
    if progress is not None:
        progress("backtesting the forecasters")
    report = forecast_store.store_backtest(session, end, also_known_by=origins)
    stored = scored = 0
    for origin in origins:
        if progress is not None:
            progress(f"forecasting from {origin:%Y-%m-%d}")
        runs = forecast_store.store_all_forecasts(session, origin)
        stored += sum(run.stored for run in runs)
        scored += sum(run.scored for run in runs)  # each run scores what has come due by its day
    return DemoForecasts(report.default, origins, stored, scored)


def demo_size() -> int:
    """How many steps a full demo load reports (observations, content items, embeddings): progress bars."""
    entries = read_catalogue()
    ids = {e["slug"]: e["slug"] for e in entries}
    observations = sum(1 for _ in language_observations(entries, ids)) + sum(
        1 for _ in repository_observations(entries, ids)
    )
    return len(entries) + observations + 2 * demo_item_count()  # content items, then their embeddings
