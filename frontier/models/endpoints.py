"""Routes of the AI model registry: public reads, admin writes.

Reads are cached as ``MODEL_REGISTRY`` (tag ``models``). A write drops them in this process at once and, as it
commits, in every other one (``service`` announces ``models``).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from pydantic import TypeAdapter

from frontier.accounts.auth import Admin, rate_limit
from frontier.api.deps import SessionDep
from frontier.cache import CacheClass
from frontier.models import service
from frontier.models.schemas import ModelIn, ModelOut, ModelUpdate

router = APIRouter(prefix="/api/v1/models", tags=["model registry"], dependencies=[Depends(rate_limit)])
TAGS = ("models",)
MODELS = TypeAdapter(list[ModelOut])


@router.get("", response_model=list[ModelOut], summary="List registered models")
def list_models(request: Request, session: SessionDep) -> list[ModelOut]:
    """Every registered AI model."""
    models: list[ModelOut] = request.app.state.cache.get_or_load(
        CacheClass.MODEL_REGISTRY,
        ["models"],
        lambda: service.list_models(session),
        user_id=None,
        model=MODELS,
        tags=TAGS,
    )
    return models


@router.get("/{model_id}", response_model=ModelOut, summary="One registered model")
def get_model(request: Request, model_id: uuid.UUID, session: SessionDep) -> ModelOut:
    """One registered AI model."""
    model: ModelOut = request.app.state.cache.get_or_load(
        CacheClass.MODEL_REGISTRY,
        ["model", model_id],
        lambda: service.get_model(session, model_id),
        user_id=None,
        model=ModelOut,
        tags=TAGS,
    )
    return model


@router.post("", status_code=201, response_model=ModelOut, summary="Register a model (admin)")
def register_model(request: Request, admin: Admin, data: ModelIn, session: SessionDep) -> ModelOut:
    """Register a model version."""
    assert admin.user_id is not None
    registered = service.register_model(session, data, admin.user_id)
    request.app.state.cache.invalidate_tags(*TAGS)  # this process's next read sees it; others on commit
    return registered


@router.patch("/{model_id}", response_model=ModelOut, summary="Change a model (admin)")
def update_model(
    request: Request, admin: Admin, model_id: uuid.UUID, data: ModelUpdate, session: SessionDep
) -> ModelOut:
    """Change a registered model."""
    assert admin.user_id is not None
    changed = service.update_model(session, model_id, data, admin.user_id)
    request.app.state.cache.invalidate_tags(*TAGS)  # this process's next read sees it; others on commit
    return changed
