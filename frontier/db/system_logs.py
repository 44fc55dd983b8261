"""The ``system_logs`` table: pipeline runs, heartbeats and the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontier.db.base import Base, created_at, one_of

LOG_LEVELS = ("debug", "info", "warning", "error")


class SystemLog(Base):
    """One event worth keeping: a job run, a heartbeat, a sign-in, an admin action."""

    __tablename__ = "system_logs"
    __table_args__ = (
        one_of("level", LOG_LEVELS),
        Index("ix_system_logs_type_created", "log_type", "created_at"),
    )

    log_id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    log_type: Mapped[str] = mapped_column(String(50), nullable=False)
    level: Mapped[str] = mapped_column(String(10), nullable=False, server_default="info")
    message: Mapped[str] = mapped_column(Text, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, nullable=False, server_default="{}")
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at()


def record(
    session: Session,
    log_type: str,
    message: str,
    level: str = "info",
    user_id: uuid.UUID | None = None,
    **metadata: Any,
) -> None:
    """Add a system log row to the session's transaction (committed with the work it describes).

    ``user_id`` is the actor; never pass secrets in ``metadata``.
    """
    session.add(
        SystemLog(log_type=log_type, message=message, level=level, user_id=user_id, metadata_=metadata)
    )
