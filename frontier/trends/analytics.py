"""The trend computation: momentum, adoption rate, priority, status with hysteresis, significance, snapshot,
alerts — a handful of set-based statements (``analytics_sql``), every one bound to an ``as_of`` date.

A full computation normalises each signal's growth against every technology (median and MAD) and keeps those
statistics; an incremental one (``since=`` the last cycle, or ``only=`` listed technologies) reuses them and
runs as a single statement, so an hourly cycle costs what changed, not what is stored.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from frontier.cache.notify import announce
from frontier.db.system_logs import record
from frontier.errors import ConfigurationError
from frontier.trends import analytics_sql as sql
from frontier.trends.models import TrendMonitoringPipeline
from frontier.trends.scores_sql import TECH_SCORES

PIPELINE = "analytics"  # the trend_monitoring_pipeline row holding the analytics parameters
DEFAULT_WEIGHTS = {"github": 0.35, "stackoverflow": 0.2, "packages": 0.2, "jobs": 0.25}
DEFAULT_SPIKE = 2.0  # momentum points gained within 30 days that make a spike alert
LEVEL_CUTS = [i / 100 for i in range(1, 100)]
WORK_MEM = "256MB"  # for the full computation's sorts and materialised steps (``_compute_all``)

Method = Literal["default", "seed"]


@dataclass(frozen=True)
class ComputeReport:
    """What one computation did."""

    as_of: date
    method: Method
    incremental: bool
    scored: int
    rows_written: int
    notifications: int


def pipeline_parameters(session: Session) -> TrendMonitoringPipeline:
    """The analytics parameters, created with defaults on first use."""
    row = session.scalars(
        select(TrendMonitoringPipeline).where(TrendMonitoringPipeline.data_source == PIPELINE)
    ).first()
    if row is None:
        row = TrendMonitoringPipeline(
            data_source=PIPELINE,
            api_endpoint="internal:analytics",
            momentum_calculation_weights=DEFAULT_WEIGHTS,
            trend_detection_algorithm={"test": "mann-kendall", "spike_points": DEFAULT_SPIKE},
        )
        session.add(row)
        session.flush()
        session.refresh(row)
    return row


def latest_data_month(session: Session) -> date | None:
    """The latest month any signal has data for (None without data): where a computation can stand."""
    found = session.execute(text("SELECT max(month) FROM signal_months")).scalar_one()
    return found if isinstance(found, date) else None


def day_after_month(month: date) -> date:
    """The first day of the month after ``month``: the ``as_of`` that counts ``month`` as complete."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_before(day: date) -> date:
    """The first day of the month before ``day``'s month."""
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def default_as_of(session: Session, today: date) -> date:
    """The day a computation stands on when none is given: today while the data is current (its latest
    month is last month or this one), else the day after the latest data month, so stale data (the demo's,
    or a source that stopped) still scores instead of scoring nothing."""
    latest = latest_data_month(session)
    if latest is None or latest >= month_before(today):
        return today
    return day_after_month(latest)


def _params(
    pipeline: TrendMonitoringPipeline,
    as_of: date,
    only: Sequence[uuid.UUID] | None,
    since: datetime | None,
) -> dict[str, Any]:
    weights = {**DEFAULT_WEIGHTS, **(pipeline.momentum_calculation_weights or {})}
    algorithm = pipeline.trend_detection_algorithm or {}
    return {
        "as_of": as_of,
        "only": list(only) if only is not None else None,
        "since": since,
        "w_github": weights["github"],
        "w_stackoverflow": weights["stackoverflow"],
        "w_packages": weights["packages"],
        "w_jobs": weights["jobs"],
        "alpha": float(pipeline.significance_threshold or 0.05),
        "spike": float(algorithm.get("spike_points", DEFAULT_SPIKE)),
        "cuts": LEVEL_CUTS,
    }


def _stored_normalisation(pipeline: TrendMonitoringPipeline) -> str:
    """The last full computation's statistics, as JSON for an incremental one."""
    stored = (pipeline.trend_detection_algorithm or {}).get("normalisation")
    if not stored:
        raise ConfigurationError(
            "an incremental computation needs a full one first: run 'frontier trends compute'"
        )
    return json.dumps(stored)


def _keep_normalisation(session: Session, pipeline: TrendMonitoringPipeline, as_of: date) -> None:
    """Store this full computation's statistics for the incremental ones that follow."""
    rows = session.execute(text("SELECT * FROM signal_stats")).mappings().all()
    stats = [{**row, "level_cuts": list(row["level_cuts"])} for row in rows]
    pipeline.trend_detection_algorithm = {
        **(pipeline.trend_detection_algorithm or {}),
        "normalisation": stats,
        "normalised_on": str(as_of),
    }


def compute_scores(
    session: Session,
    as_of: date,
    *,
    method: Method = "default",
    only: Sequence[uuid.UUID] | None = None,
    since: datetime | None = None,
) -> ComputeReport:
    """Compute every technology's scores as of ``as_of`` in the session's transaction — or, incrementally,
    only those of ``only``, or of the technologies whose observations of a complete month arrived after
    ``since`` (the hourly cycle: it finds what changed itself)."""
    if only is not None and since is not None:
        raise ValueError("give the technologies to rescore or the time since which to look, not both")
    pipeline = pipeline_parameters(session)
    params = _params(pipeline, as_of, only, since)
    changed = sql.CHANGED_LISTED if only is not None else sql.CHANGED_ARRIVED if since is not None else None
    incremental = changed is not None

    if method == "seed":
        result = session.execute(text(sql.statement(sql.SEED_MOMENTUM, changed)), params)
        written = int(getattr(result, "rowcount", 0) or 0)
        if written:
            announce(session, "trends")
        return ComputeReport(as_of, method, incremental, written, written, 0)
    if changed is not None:
        params["stats"] = _stored_normalisation(pipeline)
        # most hours nothing that counts arrived: a cheap look first spares planning the whole computation
        anything = session.execute(text(f"SELECT EXISTS ({changed})"), params).scalar_one()
        counts = session.execute(text(sql.incremental(changed)), params).one() if anything else None
        scored, written, notified = (int(counts[0]), int(counts[1]), int(counts[2])) if counts else (0, 0, 0)
    else:
        scored, written, notified = _compute_all(session, pipeline, params)
    if written or notified:
        announce(session, "trends")  # cached paths ranked by the old momentum are dropped as this commits
    record(
        session,
        "trend_calculation",
        "trend scores computed",
        as_of=str(as_of),
        method=method,
        incremental=incremental,
        scored=scored,
        rows_written=written,
        notifications=notified,
    )
    return ComputeReport(as_of, method, incremental, scored, written, notified)


def _compute_all(
    session: Session, pipeline: TrendMonitoringPipeline, params: dict[str, Any]
) -> tuple[int, int, int]:
    """The full computation: a statement per step, each step's rows in an analysed temp table."""

    def run(template: str) -> int:
        result = session.execute(text(sql.statement(template, None)), params)
        return int(getattr(result, "rowcount", 0) or 0)

    # Every series' arrays are held at once (100,000 series: about 100 MB): with the server's default work_mem
    # they went to temp files three times over. For this computation only; the caller's setting is restored.
    caller_work_mem = session.execute(text("SELECT current_setting('work_mem')")).scalar_one()
    session.execute(text("SELECT set_config('work_mem', :mem, true)"), {"mem": WORK_MEM})
    for name, query in (("signal_features", sql.SIGNAL_FEATURES), ("signal_stats", sql.STATS_FROM_FEATURES)):
        run(sql.temp_table(name, query))
        # row counts and the join keys' statistics for the plans below (not the arrays and JSON)
        session.execute(text(f"ANALYZE {name} ({sql.JOIN_COLUMNS[name]})"))
    _keep_normalisation(session, pipeline, params["as_of"])
    run(sql.temp_table("first_seen", sql.FIRST_DETECTED))
    run(sql.temp_table("tech_scores", TECH_SCORES))
    session.execute(text(f"ANALYZE tech_scores ({sql.JOIN_COLUMNS['tech_scores']})"))
    scored = int(session.execute(text("SELECT count(*) FROM tech_scores")).scalar_one())
    written = run(sql.UPSERT_TRENDS)
    run(sql.SNAPSHOT)
    notified = run(sql.ALERTS)
    for temp in ("tech_scores", "first_seen", "signal_stats", "signal_features"):
        session.execute(text(f"DROP TABLE IF EXISTS {temp}"))  # a second computation in one transaction
    session.execute(text("SELECT set_config('work_mem', :mem, true)"), {"mem": caller_work_mem})
    return scored, written, notified
