"""Scheduled trend work: a full computation daily, an incremental one hourly for what received data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import procrastinate

from frontier.errors import ConfigurationError
from frontier.jobs import runtime
from frontier.trends import forecast_store
from frontier.trends.analytics import compute_scores

blueprint = procrastinate.Blueprint()


@blueprint.periodic(cron="10 3 * * *")
@blueprint.task(name="compute_trends", queue="analytics", queueing_lock="compute_trends")
def compute_trends(timestamp: int) -> None:
    """Recompute every technology's scores as of the scheduled day (normalising against all of them)."""
    as_of = datetime.fromtimestamp(timestamp, UTC).date()
    with runtime.database().session() as session:
        compute_scores(session, as_of)


@blueprint.periodic(cron="40 * * * *")
@blueprint.task(name="compute_changed_trends", queue="analytics", queueing_lock="compute_trends")
def compute_changed_trends(timestamp: int) -> None:
    """Rescore only the technologies whose complete months received observations in the last hour."""
    at = datetime.fromtimestamp(timestamp, UTC)
    with runtime.database().session() as session:
        try:
            compute_scores(session, at.date(), since=at - timedelta(hours=1, minutes=5))
        except ConfigurationError:  # no full computation yet to normalise against: do one now
            compute_scores(session, at.date())


@blueprint.periodic(cron="0 4 1 * *")
@blueprint.task(name="store_forecasts", queue="analytics", queueing_lock="store_forecasts")
def store_forecasts(timestamp: int) -> None:
    """Monthly, after the backtest: every model forecasts every technology's signals 12 months ahead (each
    model's forecasts are stored so each has a track record; pages show the production model's)."""
    as_of = datetime.fromtimestamp(timestamp, UTC).date()
    with runtime.database().session() as session:
        forecast_store.store_all_forecasts(session, as_of)


@blueprint.periodic(cron="30 4 * * *")
@blueprint.task(name="score_forecasts", queue="analytics")
def score_forecasts(timestamp: int) -> None:
    """Daily: score stored forecasts whose month has been observed, and refresh each model's accuracy."""
    as_of = datetime.fromtimestamp(timestamp, UTC).date()
    with runtime.database().session() as session:
        forecast_store.score_due(session, as_of)


@blueprint.periodic(cron="0 3 1 * *")  # before store_forecasts (04:00), which uses its calibration
@blueprint.task(name="backtest_forecasters", queue="analytics", queueing_lock="backtest_forecasters")
def backtest_forecasters(timestamp: int) -> None:
    """Monthly: rolling-origin backtest of every forecaster on the stored series; metrics kept per model."""
    as_of = datetime.fromtimestamp(timestamp, UTC).date()
    with runtime.database().session() as session:
        forecast_store.store_backtest(session, as_of)
