"""Admin routes over accounts: list users, change roles (audited)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import literal, select, tuple_

from frontier.accounts import service
from frontier.accounts.models import User
from frontier.accounts.schemas import RoleChange, UserOut
from frontier.api.auth import Admin, rate_limit
from frontier.api.deps import SessionDep
from frontier.api.pagination import Page, PageParams, encode_cursor, page_params
from frontier.errors import FieldProblem, InvalidInput

router = APIRouter(prefix="/api/v1/admin/users", tags=["admin"], dependencies=[Depends(rate_limit)])


@router.get("", response_model=Page[UserOut], summary="List users (admin)")
def list_users(
    admin: Admin,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[UserOut]:
    """Accounts in creation order."""
    query = select(User).order_by(User.created_at, User.id).limit(page.limit + 1)
    if page.after is not None:
        if len(page.after) != 2 or not all(isinstance(k, str) for k in page.after):
            raise InvalidInput([FieldProblem("cursor", "is not a cursor of this list")])
        try:
            after_created, after_id = datetime.fromisoformat(page.after[0]), uuid.UUID(page.after[1])
        except ValueError as error:
            raise InvalidInput([FieldProblem("cursor", "is not a cursor of this list")]) from error
        query = query.where(
            tuple_(User.created_at, User.id) > tuple_(literal(after_created), literal(after_id))
        )
    rows = session.scalars(query).all()
    items = [UserOut.model_validate(u) for u in rows[: page.limit]]
    more = len(rows) > page.limit
    return Page[UserOut](
        items=items,
        next_cursor=encode_cursor([items[-1].created_at.isoformat(), str(items[-1].id)]) if more else None,
    )


@router.patch("/{user_id}", response_model=UserOut, summary="Change a user's role (admin)")
def change_role(admin: Admin, user_id: uuid.UUID, data: RoleChange, session: SessionDep) -> UserOut:
    """Make a member an admin or back."""
    assert admin.user_id is not None
    return UserOut.model_validate(service.set_role(session, admin.user_id, user_id, data.role))
