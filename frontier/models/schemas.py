"""API shapes of the AI model registry."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from frontier.inputs import Input

ModelType = Literal[
    "recommendation", "trend_analysis", "content_generation", "personalization", "embedding", "forecasting"
]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Score = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]


class ModelIn(Input):
    """A model to register."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    model_type: ModelType
    model_architecture: Text100 | None = None
    max_requests_per_minute: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    accuracy_score: Score | None = None
    precision_score: Score | None = None
    recall_score: Score | None = None
    drift_detection_enabled: StrictBool = True
    is_active: StrictBool = True


class ModelUpdate(Input):
    """Changes to a registered model."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_architecture: Text100 | None = None
    max_requests_per_minute: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    accuracy_score: Score | None = None
    precision_score: Score | None = None
    recall_score: Score | None = None
    drift_detection_enabled: StrictBool | None = None
    is_active: StrictBool | None = None


class ModelOut(BaseModel):
    """A registered model."""

    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    model_id: uuid.UUID
    model_name: str
    version: str
    model_type: str | None
    model_architecture: str | None
    max_requests_per_minute: int | None
    accuracy_score: Decimal | None
    precision_score: Decimal | None
    recall_score: Decimal | None
    drift_detection_enabled: bool
    is_active: bool
    created_at: datetime
