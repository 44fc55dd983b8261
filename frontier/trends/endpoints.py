"""Routes of trends (public reads), follows and alerts (the caller's own).

Public reads are cached (``frontier.cache``), the same entry for everyone: the ranked list as
``TRENDING_CONTENT``, one technology's trend, history and forecast as ``TECH_TRENDS``, the forecasters' track
record as ``MODEL_REGISTRY``. Each carries the tags of the data it is built from, so computing scores
(``trends``), storing or scoring forecasts (``forecasts``), changing the catalogue (``catalogue``) or
ingesting series (``observations``) drops it. Whether the caller follows a technology is read afresh for each
caller and never stored in the shared entry.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import TypeAdapter

from frontier.accounts.auth import CallerDep, Scope, rate_limit
from frontier.api.deps import SessionDep
from frontier.api.pagination import page_params
from frontier.cache import CacheClass
from frontier.db.base import TechEcosystem, TrendStatus
from frontier.db.pagination import Page, PageParams
from frontier.trends import alerts, forecast_store
from frontier.trends import service as trends
from frontier.trends.schemas import (
    FollowOut,
    ModelRecord,
    NotificationOut,
    NotificationUpdate,
    TrendDetail,
    TrendForecast,
    TrendHistory,
    TrendOut,
    TrendSort,
)

router = APIRouter(prefix="/api/v1/trends", tags=["trends"], dependencies=[Depends(rate_limit)])
mine = APIRouter(prefix="/api/v1/me", tags=["my alerts"], dependencies=[Depends(rate_limit)])
models_router = APIRouter(
    prefix="/api/v1/forecast-models", tags=["trends"], dependencies=[Depends(rate_limit)]
)
Slug = Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]

TREND_TAGS = ("trends", "catalogue")
HISTORY_TAGS = ("trends", "observations", "catalogue")
FORECAST_TAGS = ("forecasts", "catalogue")
TREND_PAGE = TypeAdapter(Page[TrendOut])
MODEL_RECORDS = TypeAdapter(list[ModelRecord])


@router.get("", response_model=Page[TrendOut], summary="List trends")
def list_trends(
    request: Request,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    sort: Annotated[
        TrendSort, Query(description="momentum, priority, adoption (best first) or name")
    ] = "momentum",
    status: TrendStatus | None = None,
    ecosystem: TechEcosystem | None = None,
) -> Page[TrendOut]:
    """Scored technologies, best first."""
    key = ["list", sort, status, ecosystem, page.limit, page.after]
    answer: Page[TrendOut] = request.app.state.cache.get_or_load(
        CacheClass.TRENDING_CONTENT,
        key,
        lambda: trends.list_trends(session, page, sort=sort, status=status, ecosystem=ecosystem),
        user_id=None,
        model=TREND_PAGE,
        tags=TREND_TAGS,
    )
    return answer


@router.get("/{slug}", response_model=TrendDetail, summary="One technology's trend")
def get_trend(request: Request, who: CallerDep, session: SessionDep, slug: Slug) -> TrendDetail:
    """Scores, the signals behind them, and the change over 30 days."""
    detail: TrendDetail = request.app.state.cache.get_or_load(
        CacheClass.TECH_TRENDS,
        ["trend", slug],
        lambda: trends.get_trend(session, slug, None),  # the shared entry knows no caller
        user_id=None,
        model=TrendDetail,
        tags=TREND_TAGS,
    )
    if who.user_id is None:
        return detail
    return detail.model_copy(update={"followed": trends.is_followed(session, slug, who.user_id)})


@router.get("/{slug}/history", response_model=TrendHistory, summary="A technology's score history and series")
def get_history(
    request: Request,
    session: SessionDep,
    slug: Slug,
    since: Annotated[date | None, Query(alias="from", description="First day, YYYY-MM-DD")] = None,
    until: Annotated[date | None, Query(alias="to", description="Last day, YYYY-MM-DD")] = None,
) -> TrendHistory:
    """Daily score snapshots and monthly observations."""
    history: TrendHistory = request.app.state.cache.get_or_load(
        CacheClass.TECH_TRENDS,
        ["history", slug, since, until],
        lambda: trends.get_history(session, slug, since, until),
        user_id=None,
        model=TrendHistory,
        tags=HISTORY_TAGS,
    )
    return history


@router.get("/{slug}/forecast", response_model=TrendForecast, summary="A technology's stored forecasts")
def get_forecast(request: Request, session: SessionDep, slug: Slug) -> TrendForecast:
    """The latest 12-month forecasts of its signals: 80% intervals, confidence and contributing factors."""
    forecast: TrendForecast = request.app.state.cache.get_or_load(
        CacheClass.TECH_TRENDS,
        ["forecast", slug],
        lambda: trends.get_forecast(session, slug),
        user_id=None,
        model=TrendForecast,
        tags=FORECAST_TAGS,
    )
    return forecast


@models_router.get("", response_model=list[ModelRecord], summary="Forecasters and their track record")
def list_forecast_models(request: Request, session: SessionDep) -> list[ModelRecord]:
    """Each forecaster's backtest metrics and how its stored forecasts fared once their month came."""
    records: list[ModelRecord] = request.app.state.cache.get_or_load(
        CacheClass.MODEL_REGISTRY,
        ["forecast-models"],
        lambda: [ModelRecord(**row) for row in forecast_store.track_record(session)],
        user_id=None,
        model=MODEL_RECORDS,
        tags=("forecasts",),
    )
    return records


@mine.get("/follows", response_model=list[FollowOut], summary="Technologies I follow")
def list_follows(scope: Scope) -> list[FollowOut]:
    """The technologies whose changes alert you."""
    return alerts.list_follows(scope)


@mine.put("/follows/{slug}", status_code=204, summary="Follow a technology")
def follow(scope: Scope, slug: Slug) -> Response:
    """Alert me when this technology moves."""
    alerts.follow(scope, slug)
    return Response(status_code=204)


@mine.delete("/follows/{slug}", status_code=204, summary="Unfollow a technology")
def unfollow(scope: Scope, slug: Slug) -> Response:
    """Stop alerting me about this technology."""
    alerts.unfollow(scope, slug)
    return Response(status_code=204)


@mine.get("/notifications", response_model=list[NotificationOut], summary="My alerts")
def list_notifications(
    scope: Scope,
    unacknowledged: Annotated[bool, Query(description="Only alerts not yet acknowledged")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationOut]:
    """Alerts about technologies you follow, newest first."""
    return alerts.list_notifications(scope, unacknowledged, limit)


@mine.patch(
    "/notifications/{notification_id}", response_model=NotificationOut, summary="Acknowledge an alert"
)
def update_notification(
    scope: Scope, notification_id: uuid.UUID, data: NotificationUpdate
) -> NotificationOut:
    """Mark an alert as seen and record what you did about it."""
    return alerts.update_notification(scope, notification_id, data)
