"""API shapes of trends, score history, follows and alerts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from frontier.db.base import TechEcosystem, TrendStatus
from frontier.inputs import Input

TrendSort = Literal["momentum", "priority", "name", "adoption"]
ResponseKey = Annotated[str, StringConstraints(min_length=1, max_length=50)]
ResponseText = Annotated[str, StringConstraints(max_length=500)]


class ScoreBasis(BaseModel):
    """One signal a technology's scores rest on."""

    signal: str = Field(description="source.metric, e.g. github.stars")
    months: int = Field(description="Complete months of this signal the scores were computed from (up to 24)")
    measures: str = Field(description="What the signal counts, e.g. 'stars of 1 repository (ollama/ollama)'")


class TrendOut(BaseModel):
    """A technology's current scores."""

    slug: str
    name: str
    ecosystem: TechEcosystem
    trend_status: TrendStatus
    momentum_score: Decimal | None
    learning_priority_score: Decimal | None
    adoption_rate: Decimal | None = Field(description="Monthly growth rate of adoption (0.02 = 2% a month)")
    significance_p_value: Decimal | None = Field(
        description="One-sided Mann-Kendall test on the last 12 monthly increments: the chance of increments "
        "trending upwards this clearly if adoption were merely steady "
        "(below 0.05: accelerating; near 1: slowing)"
    )
    first_detected_date: date | None
    status_changed_on: date | None
    scores_as_of: date | None
    basis: list[ScoreBasis] = Field(description="The signals the scores rest on and how much data each has")


class TrendDetail(TrendOut):
    """A technology's scores with what moved them."""

    momentum_change_30d: Decimal | None = Field(description="Momentum now minus 30 days earlier")
    signals: dict[str, Any] = Field(
        description="Per signal: normalised growth (z), robust monthly growth (median log change), p-value"
    )
    level_percentile: float | None
    followed: bool | None = Field(default=None, description="Whether the caller follows it (null: anonymous)")


class Snapshot(BaseModel):
    """Scores as computed on one day."""

    model_config = ConfigDict(from_attributes=True)

    computed_on: date
    trend_status: TrendStatus
    momentum_score: Decimal | None
    learning_priority_score: Decimal | None
    adoption_rate: Decimal | None
    significance_p_value: Decimal | None


class SeriesPoint(BaseModel):
    """One month of one signal."""

    period: date
    value: float


class TrendHistory(BaseModel):
    """Score snapshots and the underlying monthly series."""

    slug: str
    snapshots: list[Snapshot]
    series: dict[str, list[SeriesPoint]]


class FollowOut(BaseModel):
    """A followed technology."""

    slug: str
    name: str
    followed_at: datetime


class NotificationOut(BaseModel):
    """An alert."""

    id: uuid.UUID
    kind: str
    title: str
    message: str = Field(
        description="The alert in words, "
        "e.g. 'Rust moved from mainstream to rising: momentum 6.1 → 7.4 in 30 days'"
    )
    subject_type: str
    subject_id: uuid.UUID
    technology: str | None
    details: dict[str, Any] | None
    created_at: datetime
    acknowledged: bool
    response: dict[str, Any] | None


class NotificationUpdate(Input):
    """Acknowledge an alert, optionally saying what you did about it."""

    acknowledged: StrictBool = True
    response: dict[ResponseKey, ResponseText] | None = Field(
        default=None, max_length=10, description="e.g. {'action': 'explored'}"
    )


class ForecastPoint(BaseModel):
    """One forecast month with its prediction interval."""

    month: str
    value: float
    lo: float
    hi: float
    confidence: float


class HorizonCoverage(BaseModel):
    """How often the scored forecasts made this many months ahead fell inside their interval."""

    horizon: int = Field(description="Months ahead of the month the forecast was made from")
    scored: int
    coverage: float = Field(description="Share of scored forecasts inside their interval (0-1)")


class ModelRecord(BaseModel):
    """A forecaster's record: stored and scored forecasts, accuracy, interval coverage, backtest."""

    model: str
    version: str | None
    stored: int
    scored: int
    mean_accuracy: float | None
    interval_coverage: float | None = Field(
        description="Share of scored forecasts inside their interval (an 80% interval should hold ~0.8)"
    )
    coverage_by_horizon: list[HorizonCoverage] = Field(default_factory=list)
    backtest: dict[str, Any] | None = Field(
        description="Rolling-origin backtest: origins, MASE, sMAPE, OWA and the calibrated intervals' "
        "coverage overall and per horizon (leave-one-origin-out)"
    )
    production: bool


class TrendForecast(BaseModel):
    """The latest stored forecasts of a technology's signals and the model's track record."""

    slug: str
    model: str | None
    made_from: date | None = Field(description="Last complete month the forecast was made from")
    interval_level: int | None
    series: dict[str, list[ForecastPoint]]
    factors: dict[str, dict[str, Any]]
    track_record: ModelRecord | None = Field(
        default=None, description="How the model's stored forecasts have fared, and its backtest"
    )
