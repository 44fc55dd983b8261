"""The AI model registry: admins register models and change them; everyone may read it."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontier.cache.notify import announce
from frontier.db.system_logs import record
from frontier.errors import Conflict, NotFound
from frontier.models.models import AiModel
from frontier.models.schemas import ModelIn, ModelOut, ModelUpdate


def list_models(session: Session) -> list[ModelOut]:
    """Registered models by name and version."""
    rows = session.scalars(select(AiModel).order_by(AiModel.model_name, AiModel.version))
    return [ModelOut.model_validate(r) for r in rows]


def _get(session: Session, model_id: uuid.UUID) -> AiModel:
    row = session.get(AiModel, model_id)
    if row is None:
        raise NotFound(f"no model with id {model_id}")
    return row


def get_model(session: Session, model_id: uuid.UUID) -> ModelOut:
    """One registered model."""
    return ModelOut.model_validate(_get(session, model_id))


def register_model(session: Session, data: ModelIn, admin_id: uuid.UUID) -> ModelOut:
    """Register a model version; Conflict when that name and version exist."""
    query = select(AiModel).where(AiModel.model_name == data.model_name, AiModel.version == data.version)
    if session.scalars(query).first() is not None:
        raise Conflict(f"model '{data.model_name}' version '{data.version}' is already registered")
    row = AiModel(**data.model_dump())
    session.add(row)
    session.flush()
    session.refresh(row)
    announce(session, "models")  # cached reads of the registry are dropped as this commits
    record(
        session,
        "admin_action",
        "model registered",
        user_id=admin_id,
        model=data.model_name,
        version=data.version,
    )
    return ModelOut.model_validate(row)


def update_model(session: Session, model_id: uuid.UUID, data: ModelUpdate, admin_id: uuid.UUID) -> ModelOut:
    """Change a registered model."""
    row = _get(session, model_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    for field, value in changes.items():
        setattr(row, field, value)
    session.flush()
    announce(session, "models")
    record(
        session,
        "admin_action",
        "model changed",
        user_id=admin_id,
        model=row.model_name,
        fields=sorted(changes),
    )
    return ModelOut.model_validate(row)
