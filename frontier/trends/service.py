"""Reading trends: the ranked list, one technology's scores and what moved them, and its history."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from frontier.catalog.models import Technology
from frontier.db.base import TechEcosystem, TrendStatus
from frontier.db.pagination import Page, PageParams, encode_cursor
from frontier.errors import FieldProblem, InvalidInput, NotFound
from frontier.trends import forecast_store
from frontier.trends.basis import describe_basis
from frontier.trends.models import (
    Observation,
    TechnologyFollow,
    TechnologyScoreSnapshot,
    TechnologyTrend,
    TrendPrediction,
    TrendPredictionModel,
)
from frontier.trends.schemas import (
    ForecastPoint,
    ModelRecord,
    SeriesPoint,
    Snapshot,
    TrendDetail,
    TrendForecast,
    TrendHistory,
    TrendOut,
    TrendSort,
)

SORT_COLUMNS = {
    "momentum": TechnologyTrend.momentum_score,
    "priority": TechnologyTrend.learning_priority_score,
    "adoption": TechnologyTrend.adoption_rate,
}


def _out(trend: TechnologyTrend, technology: Technology) -> TrendOut:
    return TrendOut(
        slug=technology.slug,
        name=technology.name,
        ecosystem=technology.ecosystem,
        trend_status=trend.trend_status,
        momentum_score=trend.momentum_score,
        learning_priority_score=trend.learning_priority_score,
        adoption_rate=trend.adoption_rate,
        significance_p_value=trend.significance_p_value,
        first_detected_date=trend.first_detected_date,
        status_changed_on=trend.status_changed_on,
        scores_as_of=trend.scores_as_of,
        basis=describe_basis(technology, trend.score_basis),
    )


def _bad_cursor() -> InvalidInput:
    return InvalidInput([FieldProblem("cursor", "is not a cursor of this list")])


def _after(
    query: Select[TechnologyTrend, Technology], sort: TrendSort, after: list[Any]
) -> Select[TechnologyTrend, Technology]:
    if sort == "name":
        if len(after) != 1 or not isinstance(after[0], str):
            raise _bad_cursor()
        return query.where(Technology.slug > after[0])
    if len(after) != 2 or not isinstance(after[1], str) or not isinstance(after[0], str | type(None)):
        raise _bad_cursor()
    column = SORT_COLUMNS[sort]
    if after[0] is None:  # the previous page ended among unscored rows (sorted last)
        return query.where(column.is_(None), Technology.slug > after[1])
    value = _score_key(after[0], column.type)
    return query.where(
        or_(column < value, and_(column == value, Technology.slug > after[1]), column.is_(None))
    )


def _score_key(raw: str, column_type: Any) -> Decimal:
    """A cursor's score, range-checked against its NUMERIC(p, s) column: a value the column can't hold (or
    a huge exponent, which would overflow in PostgreSQL) was never issued by this list."""
    try:
        value = Decimal(raw)
    except ArithmeticError as error:
        raise _bad_cursor() from error
    # adjusted() is the exponent of the leading digit; the exponent, of the last one (no arithmetic that could
    # overflow on 1e1000000)
    digits_before_point = column_type.precision - column_type.scale
    if (
        not value.is_finite()
        or (value and value.adjusted() >= digits_before_point)
        or not -column_type.scale <= int(value.as_tuple().exponent) <= 0  # we write '7.50', never '0E+9'
    ):
        raise _bad_cursor()
    return value


def list_trends(
    session: Session,
    page: PageParams,
    *,
    sort: TrendSort = "momentum",
    status: TrendStatus | None = None,
    ecosystem: TechEcosystem | None = None,
) -> Page[TrendOut]:
    """Scored technologies, best first by ``sort`` (ties and unscored ones by slug)."""
    query = select(TechnologyTrend, Technology).join(Technology, Technology.id == TechnologyTrend.trend_id)
    if status is not None:
        query = query.where(TechnologyTrend.trend_status == status)
    if ecosystem is not None:
        query = query.where(Technology.ecosystem == ecosystem)
    if page.after is not None:
        query = _after(query, sort, page.after)
    order = [Technology.slug] if sort == "name" else [SORT_COLUMNS[sort].desc().nulls_last(), Technology.slug]
    rows = session.execute(query.order_by(*order).limit(page.limit + 1)).all()
    items = [_out(trend, tech) for trend, tech in rows[: page.limit]]
    cursor = None
    if len(rows) > page.limit:
        last_trend, last_tech = rows[page.limit - 1]
        if sort == "name":
            cursor = encode_cursor([last_tech.slug])
        else:
            value = getattr(last_trend, SORT_COLUMNS[sort].key)
            cursor = encode_cursor([str(value) if value is not None else None, last_tech.slug])
    return Page[TrendOut](items=items, next_cursor=cursor)


def _technology(session: Session, slug: str) -> Technology:
    technology = session.scalars(select(Technology).where(Technology.slug == slug)).first()
    if technology is None:
        raise NotFound(f"no technology with slug '{slug}'")
    return technology


def get_trend(session: Session, slug: str, user_id: uuid.UUID | None) -> TrendDetail:
    """One technology's scores, the signals behind them and the change over 30 days."""
    technology = _technology(session, slug)
    trend = session.get(TechnologyTrend, technology.id)
    if trend is None:
        raise NotFound(f"'{slug}' has no scores yet: run 'frontier trends compute'")
    latest = session.scalars(
        select(TechnologyScoreSnapshot)
        .where(TechnologyScoreSnapshot.technology_id == technology.id)
        .order_by(TechnologyScoreSnapshot.computed_on.desc())
        .limit(1)
    ).first()
    change = None
    if latest is not None and latest.momentum_score is not None:
        before = session.scalars(
            select(TechnologyScoreSnapshot.momentum_score)
            .where(
                TechnologyScoreSnapshot.technology_id == technology.id,
                TechnologyScoreSnapshot.computed_on <= latest.computed_on - timedelta(days=30),
            )
            .order_by(TechnologyScoreSnapshot.computed_on.desc())
            .limit(1)
        ).first()
        change = latest.momentum_score - before if before is not None else None
    details = latest.details if latest is not None else {}
    followed = None
    if user_id is not None:
        followed = session.get(TechnologyFollow, (user_id, technology.id)) is not None
    return TrendDetail(
        **_out(trend, technology).model_dump(),
        momentum_change_30d=change,
        signals=details.get("signals", {}),
        level_percentile=details.get("level_percentile"),
        followed=followed,
    )


def is_followed(session: Session, slug: str, user_id: uuid.UUID) -> bool:
    """Whether the user follows the technology ``slug`` (the caller's own part of a trend detail)."""
    query = select(TechnologyFollow.user_id).join(Technology, Technology.id == TechnologyFollow.technology_id)
    return (
        session.scalars(query.where(TechnologyFollow.user_id == user_id, Technology.slug == slug)).first()
        is not None
    )


def get_history(session: Session, slug: str, since: date | None, until: date | None) -> TrendHistory:
    """Score snapshots and monthly series of a technology between two dates."""
    technology = _technology(session, slug)
    snapshots = select(TechnologyScoreSnapshot).where(TechnologyScoreSnapshot.technology_id == technology.id)
    observations = select(Observation).where(
        Observation.technology_id == technology.id, Observation.granularity == "month"
    )
    if since is not None:
        snapshots = snapshots.where(TechnologyScoreSnapshot.computed_on >= since)
        observations = observations.where(Observation.period_start >= since)
    if until is not None:
        snapshots = snapshots.where(TechnologyScoreSnapshot.computed_on <= until)
        observations = observations.where(Observation.period_start <= until)
    series: dict[str, list[SeriesPoint]] = {}
    for row in session.scalars(
        observations.order_by(Observation.source, Observation.metric, Observation.period_start)
    ):
        series.setdefault(f"{row.source}.{row.metric}", []).append(
            SeriesPoint(period=row.period_start, value=row.value)
        )
    return TrendHistory(
        slug=slug,
        snapshots=[
            Snapshot.model_validate(s)
            for s in session.scalars(snapshots.order_by(TechnologyScoreSnapshot.computed_on))
        ],
        series=series,
    )


def scored_count(session: Session) -> int:
    """How many technologies have scores."""
    return int(session.scalar(select(func.count()).select_from(TechnologyTrend)) or 0)


def slug_of(session: Session, technology_id: uuid.UUID) -> str | None:
    """The slug of a technology id."""
    return session.scalars(select(Technology.slug).where(Technology.id == technology_id)).first()


def get_forecast(session: Session, slug: str) -> TrendForecast:
    """The most recent stored forecasts of each of a technology's signals, by the production model (the
    one the latest backtest chose; another model's only when it has none), with that model's track record."""
    technology = _technology(session, slug)
    chosen = forecast_store.production_model(session)
    made_by = (
        select(TrendPredictionModel.model_name)
        .join(TrendPrediction, TrendPrediction.model_id == TrendPredictionModel.model_id)
        .where(TrendPrediction.trend_id == technology.id)
        .order_by((TrendPredictionModel.model_name == chosen).desc(), TrendPrediction.origin_period.desc())
        .limit(1)
    )
    model = session.scalar(made_by)
    latest = (
        select(func.max(TrendPrediction.origin_period))
        .join(TrendPredictionModel, TrendPredictionModel.model_id == TrendPrediction.model_id)
        .where(TrendPrediction.trend_id == technology.id, TrendPredictionModel.model_name == model)
    ).scalar_subquery()
    rows = session.execute(
        select(TrendPrediction, TrendPredictionModel.model_name)
        .join(TrendPredictionModel, TrendPredictionModel.model_id == TrendPrediction.model_id)
        .where(
            TrendPrediction.trend_id == technology.id,
            TrendPrediction.origin_period == latest,
            TrendPredictionModel.model_name == model,
        )
        .order_by(TrendPrediction.source, TrendPrediction.metric, TrendPrediction.target_period)
    ).all()
    series: dict[str, list[ForecastPoint]] = {}
    factors: dict[str, dict[str, Any]] = {}
    for prediction, _ in rows:
        key = f"{prediction.source}.{prediction.metric}"
        series.setdefault(key, []).append(
            ForecastPoint(
                month=f"{prediction.target_period:%Y-%m}",
                value=prediction.predicted_value or 0.0,
                lo=prediction.lower_bound or 0.0,
                hi=prediction.upper_bound or 0.0,
                confidence=float(prediction.prediction_confidence),
            )
        )
        factors[key] = prediction.contributing_factors or {}
    first = rows[0][0] if rows else None
    return TrendForecast(
        slug=slug,
        model=rows[0][1] if rows else None,
        made_from=first.origin_period if first else None,
        interval_level=first.interval_level if first else None,
        series=series,
        factors=factors,
        track_record=_track_record(session, model),
    )


def _track_record(session: Session, model: str | None) -> ModelRecord | None:
    records = forecast_store.track_record(session, model) if model else []
    return ModelRecord(**records[0]) if records else None
