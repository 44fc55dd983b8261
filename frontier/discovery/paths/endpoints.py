"""Routes of exploration: my path within a time budget, contextual picks, my progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from frontier.accounts.auth import Scope, rate_limit
from frontier.api.deps import clock
from frontier.cache import CacheClass
from frontier.clock import Clock
from frontier.discovery.paths import progress
from frontier.discovery.paths import service as paths
from frontier.discovery.paths.schemas import ContextIn, ContextPick, PathOut, ProgressIn, ProgressOut

router = APIRouter(prefix="/api/v1/me", tags=["exploration"], dependencies=[Depends(rate_limit)])


@router.get("/exploration-path", response_model=PathOut, summary="My exploration path")
def exploration_path(
    request: Request,
    scope: Scope,
    minutes: Annotated[int, Query(ge=1, le=480, description="Time you have, in minutes")] = 25,
) -> PathOut:
    """The best units for you within the time you have, foundations first, each with why it was chosen."""
    return request.app.state.cache.get_or_load(  # type: ignore[no-any-return]
        CacheClass.EXPLORATION_RECS,
        ["path", "session", minutes],  # "session": session plans (paths.sessions); older entries differ
        lambda: paths.plan_exploration(scope.session, scope.user_id, minutes),
        user_id=scope.user_id,
        model=PathOut,
        tags=["content", "trends"],
    )


@router.get("/contextual-picks", response_model=list[ContextPick], summary="Picks for right now")
def contextual_picks(scope: Scope, context: Annotated[ContextIn, Query()]) -> list[ContextPick]:
    """Up to ten units suited to your device, connection, attention span and the time you have."""
    return paths.contextual_picks(scope.session, scope.user_id, context)


@router.post("/progress", response_model=ProgressOut, summary="Record progress on a unit")
def record_progress(
    request: Request, scope: Scope, data: ProgressIn, now: Annotated[Clock, Depends(clock)]
) -> ProgressOut:
    """Mark a unit started, completed or skipped; your path moves on to the next unit."""
    result = progress.record_progress(scope, data, now.now())
    request.app.state.cache.invalidate(None, user_id=scope.user_id)
    return result
