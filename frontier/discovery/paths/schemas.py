"""API shapes of exploration paths, contextual picks and progress."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt

from frontier.inputs import Input


class PathItem(BaseModel):
    """One step of an exploration path."""

    sequence: int
    unit_id: uuid.UUID
    content_id: uuid.UUID
    title: str
    url: str | None
    section: str | None
    format: str | None
    depth: str | None = Field(description="surface, moderate, deep or expert: foundations come first")
    part: int = Field(description="Which part of the item this unit is")
    parts: int = Field(description="How many parts the item has")
    minutes: int
    score: float = Field(description="What the step counts for in the plan (after diminishing returns)")
    why: list[str]
    learning_outcome_prediction: dict[str, Any]


class PathOut(BaseModel):
    """The best set of steps within the time budget, foundations first."""

    budget_minutes: int
    total_minutes: int
    objective: float
    technologies: int = Field(description="How many technologies the plan touches (a few per session)")
    items: list[PathItem]
    notice: str | None = Field(default=None, description="Why the plan is empty, and what would fit")
    minutes_needed: int | None = Field(default=None, description="The budget that would give a plan")


Device = Literal["mobile", "tablet", "desktop"]
Connection = Literal["wifi", "5g", "4g", "3g", "2g", "limited", "offline"]


class ContextIn(BaseModel):
    """Where and how the person is right now."""

    device: Device = "desktop"
    connection: Connection = "wifi"
    # defaults a learning unit fits (the demo's are 10-25 minutes): the defaults answer with picks
    attention_span: int = Field(
        default=20, ge=1, le=240, description="Minutes of focus available at a stretch"
    )
    minutes: int = Field(default=30, ge=1, le=480, description="Time available")


class ContextPick(BaseModel):
    """A unit suited to the moment, with how each part of the context scored it."""

    unit_id: uuid.UUID
    content_id: uuid.UUID
    title: str
    url: str | None
    format: str | None
    minutes: int
    score: float
    explanation: dict[str, float]
    why: list[str]


class ProgressIn(Input):
    """What the person did with one unit."""

    unit_id: uuid.UUID
    status: Literal["started", "completed", "skipped"] = "completed"
    minutes_spent: StrictInt | None = Field(default=None, ge=0, le=1440)


class ProgressOut(BaseModel):
    """Recorded progress on one unit."""

    unit_id: uuid.UUID
    status: str
    minutes_spent: int | None
