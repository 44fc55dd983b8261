"""Routes of the AI model registry: public reads, admin writes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends

from frontier.api.auth import Admin, rate_limit
from frontier.api.deps import SessionDep
from frontier.models import service
from frontier.models.schemas import ModelIn, ModelOut, ModelUpdate

router = APIRouter(prefix="/api/v1/models", tags=["model registry"], dependencies=[Depends(rate_limit)])


@router.get("", response_model=list[ModelOut], summary="List registered models")
def list_models(session: SessionDep) -> list[ModelOut]:
    """Every registered AI model."""
    return service.list_models(session)


@router.get("/{model_id}", response_model=ModelOut, summary="One registered model")
def get_model(model_id: uuid.UUID, session: SessionDep) -> ModelOut:
    """One registered AI model."""
    return service.get_model(session, model_id)


@router.post("", status_code=201, response_model=ModelOut, summary="Register a model (admin)")
def register_model(admin: Admin, data: ModelIn, session: SessionDep) -> ModelOut:
    """Register a model version."""
    assert admin.user_id is not None
    return service.register_model(session, data, admin.user_id)


@router.patch("/{model_id}", response_model=ModelOut, summary="Change a model (admin)")
def update_model(admin: Admin, model_id: uuid.UUID, data: ModelUpdate, session: SessionDep) -> ModelOut:
    """Change a registered model."""
    assert admin.user_id is not None
    return service.update_model(session, model_id, data, admin.user_id)
