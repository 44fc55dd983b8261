"""The trend computation: momentum, adoption rate, priority, status with hysteresis, significance, snapshot,
alerts — a handful of set-based statements (``analytics_sql``), every one bound to an ``as_of`` date.

A full computation normalises each signal's growth against every technology (median and MAD) and keeps those
statistics; an incremental one (``only=`` the technologies that received observations) reuses them, so an
hourly cycle touches only what changed.
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
from frontier.trends.models import Observation, TrendMonitoringPipeline

PIPELINE = "analytics"  # the trend_monitoring_pipeline row holding the analytics parameters
DEFAULT_WEIGHTS = {"github": 0.35, "stackoverflow": 0.2, "packages": 0.2, "jobs": 0.25}
DEFAULT_SPIKE = 2.0  # momentum points gained within 30 days that make a spike alert
LEVEL_CUTS = [i / 100 for i in range(1, 100)]

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


def technologies_changed_since(session: Session, since: datetime) -> list[uuid.UUID]:
    """Technologies that received observations after ``since`` (for an incremental computation)."""
    query = select(Observation.technology_id).where(Observation.collected_at > since).distinct()
    return list(session.scalars(query))


def _params(
    pipeline: TrendMonitoringPipeline, as_of: date, only: Sequence[uuid.UUID] | None
) -> dict[str, Any]:
    weights = {**DEFAULT_WEIGHTS, **(pipeline.momentum_calculation_weights or {})}
    algorithm = pipeline.trend_detection_algorithm or {}
    return {
        "as_of": as_of,
        "only": list(only) if only is not None else None,
        "w_github": weights["github"],
        "w_stackoverflow": weights["stackoverflow"],
        "w_packages": weights["packages"],
        "w_jobs": weights["jobs"],
        "alpha": float(pipeline.significance_threshold or 0.05),
        "spike": float(algorithm.get("spike_points", DEFAULT_SPIKE)),
        "cuts": LEVEL_CUTS,
    }


def _normalisation(
    session: Session, pipeline: TrendMonitoringPipeline, params: dict[str, Any], full: bool
) -> None:
    if full:
        session.execute(text(sql.STATS_FROM_FEATURES), params)
        rows = session.execute(text("SELECT * FROM signal_stats")).mappings().all()
        stats = [{**row, "level_cuts": list(row["level_cuts"])} for row in rows]
        pipeline.trend_detection_algorithm = {
            **(pipeline.trend_detection_algorithm or {}),
            "normalisation": stats,
            "normalised_on": str(params["as_of"]),
        }
        return
    stored = (pipeline.trend_detection_algorithm or {}).get("normalisation")
    if not stored:
        raise ConfigurationError(
            "an incremental computation needs a full one first: run 'frontier trends compute'"
        )
    session.execute(text(sql.STATS_FROM_JSON), {"stats": json.dumps(stored)})


def compute_scores(
    session: Session, as_of: date, *, method: Method = "default", only: Sequence[uuid.UUID] | None = None
) -> ComputeReport:
    """Compute every technology's scores as of ``as_of`` (or only ``only``'s) in the session's transaction."""
    pipeline = pipeline_parameters(session)
    params = _params(pipeline, as_of, only)
    incremental = only is not None

    def run(template: str) -> int:
        result = session.execute(text(sql.statement(template, incremental)), params)
        return int(getattr(result, "rowcount", 0) or 0)

    if method == "seed":
        written = run(sql.SEED_MOMENTUM)
        if written:
            announce(session, "trends")
        return ComputeReport(as_of, method, incremental, written, written, 0)
    run(sql.SIGNAL_FEATURES)
    session.execute(text("ANALYZE signal_features"))  # row counts for the plans below (1 ms for 1,000 rows)
    _normalisation(session, pipeline, params, full=not incremental)
    run(sql.FIRST_DETECTED)
    run(sql.TECH_SCORES)
    session.execute(text("ANALYZE tech_scores"))
    scored = int(session.execute(text("SELECT count(*) FROM tech_scores")).scalar_one())
    written = run(sql.UPSERT_TRENDS)
    run(sql.SNAPSHOT)
    notified = run(sql.ALERTS)
    for temp in ("tech_scores", "first_seen", "signal_stats", "signal_features"):
        session.execute(text(f"DROP TABLE IF EXISTS {temp}"))  # a second computation in one transaction
    if written or notified:
        announce(session, "trends")  # cached paths ranked by the old momentum are dropped as this commits
    record(
        session,
        "trend_calculation",
        "trend scores computed",
        as_of=str(as_of),
        method=method,
        incremental=only is not None,
        scored=scored,
        rows_written=written,
        notifications=notified,
    )
    return ComputeReport(as_of, method, only is not None, scored, written, notified)
