"""Accounts: sign-up and sign-in, sessions, password changes, profiles and expertise, export and deletion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, literal, select, tuple_, update
from sqlalchemy.orm import Session

from frontier.accounts import credentials
from frontier.accounts.models import AccessToken, EnthusiastProfile, TechnologyExpertise, User, UserSession
from frontier.accounts.passwords import context_words, password_problem
from frontier.accounts.schemas import (
    ExpertiseIn,
    ExpertiseOut,
    ExpertiseUpdate,
    PasswordChange,
    PasswordChanged,
    Profile,
    SignUp,
    UserOut,
    UserUpdate,
)
from frontier.catalog.models import Technology
from frontier.db.base import UserRole
from frontier.db.pagination import Page, PageParams, encode_cursor
from frontier.db.scope import UserScope
from frontier.db.system_logs import SystemLog, record
from frontier.errors import Conflict, FieldProblem, InvalidInput, NotFound

SESSION_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class NewSession:
    """A signed-in browser: the cookie value (shown once) and its CSRF token."""

    user: User
    cookie: str
    csrf_token: str
    expires_at: datetime


def find_by_email(session: Session, email: str) -> User | None:
    """The account with this email (case-insensitive), or None."""
    return session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def sign_up(session: Session, data: SignUp, role: UserRole = UserRole.member) -> User:
    """Create an account; Conflict when the email is taken."""
    if find_by_email(session, data.email) is not None:
        raise Conflict("an account with this email already exists; sign in instead")
    _check_password("password", data.password, data.email, data.display_name)
    user = User(
        email=data.email.strip(),
        display_name=data.display_name,
        time_zone=data.time_zone,
        role=role,
        password_hash=credentials.hash_password(data.password),
    )
    session.add(user)
    session.flush()
    record(session, "account_created", "account created", user_id=user.id, role=role.value)
    return user


def _check_password(field: str, password: str, *context: str | None) -> None:
    problem = password_problem(password, context_words(*context))
    if problem is not None:
        raise InvalidInput([FieldProblem(field, problem)])


def authenticate(session: Session, email: str, password: str, address: str) -> User | None:
    """The user when the credentials match, else None — the same answer, and the same time, whether or not
    the email exists. Every attempt is audited."""
    user = find_by_email(session, email)
    ok = credentials.verify_password(user.password_hash if user else None, password)
    if user is not None and ok:
        if user.password_hash and credentials.needs_rehash(user.password_hash):
            user.password_hash = credentials.hash_password(password)
        record(session, "sign_in", "signed in", user_id=user.id, address=address)
        return user
    record(
        session,
        "sign_in_failed",
        "sign-in failed",
        level="warning",
        user_id=user.id if user else None,
        address=address,
    )
    return None


def signed_in_before_from(session: Session, email: str, address: str) -> bool:
    """Whether the account with this email has signed in from this address before (its audit trail says)."""
    user = find_by_email(session, email)
    if user is None:
        return False
    seen = select(SystemLog.log_id).where(
        SystemLog.user_id == user.id,
        SystemLog.log_type == "sign_in",
        SystemLog.metadata_["address"].astext == address,
    )
    return bool(session.scalar(select(seen.exists())))


def start_session(session: Session, user: User, user_agent: str | None, now: datetime) -> NewSession:
    """Open a browser session for the user."""
    token = credentials.issue(credentials.SESSION, user.id)
    csrf = credentials.new_csrf_token()
    expires = now + SESSION_LIFETIME
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=token.digest,
            csrf_token=csrf,
            user_agent=(user_agent or "").replace("\x00", "")[:300],  # PostgreSQL text can't hold NUL
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
        )
    )
    user.last_seen_at = now
    session.flush()
    return NewSession(user=user, cookie=token.value, csrf_token=csrf, expires_at=expires)


def end_session(session: Session, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
    """Sign a browser out."""
    session.execute(
        delete(UserSession).where(UserSession.user_id == user_id, UserSession.session_id == session_id)
    )


def get_user(session: Session, user_id: uuid.UUID) -> User:
    """The account; NotFound if it's gone."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    return user


def update_user(session: Session, user_id: uuid.UUID, data: UserUpdate) -> User:
    """Apply changes to one's own account."""
    user = get_user(session, user_id)
    for field, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(user, field, value)
    session.flush()
    return user


def change_password(
    session: Session,
    user_id: uuid.UUID,
    data: PasswordChange,
    keep_session: uuid.UUID | None,
    now: datetime,
) -> PasswordChanged:
    """Replace the password after checking the current one. Every other browser session is signed out and
    every API and feed token revoked: whoever knew the old password may have made one."""
    user = get_user(session, user_id)
    if not credentials.verify_password(user.password_hash, data.current_password):
        raise InvalidInput([FieldProblem("current_password", "is not your current password")])
    _check_password("new_password", data.new_password, user.email, user.display_name)
    user.password_hash = credentials.hash_password(data.new_password)
    others = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_session is not None:
        others = others.where(UserSession.session_id != keep_session)
    ended = session.execute(others).rowcount  # type: ignore[attr-defined]
    revoked = session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount  # type: ignore[attr-defined]
    record(
        session,
        "password_changed",
        "password changed",
        user_id=user_id,
        sessions_ended=ended,
        tokens_revoked=revoked,
    )
    return PasswordChanged(sessions_ended=ended, tokens_revoked=revoked)


def get_profile(scope: UserScope) -> Profile:
    """The caller's profile (defaults until they save one)."""
    row = scope.session.get(EnthusiastProfile, scope.user_id)
    return Profile.model_validate(row) if row is not None else Profile()


def put_profile(scope: UserScope, data: Profile) -> Profile:
    """Replace the caller's profile."""
    row = scope.session.get(EnthusiastProfile, scope.user_id)
    if row is None:
        row = EnthusiastProfile(user_id=scope.user_id)
        scope.session.add(row)
    for field, value in data.model_dump().items():
        setattr(row, field, value)
    scope.session.flush()
    return Profile.model_validate(row)


def _expertise_out(row: TechnologyExpertise) -> ExpertiseOut:
    return ExpertiseOut(
        id=row.id,
        technology=row.technology_name,
        current_expertise_level=row.current_expertise_level,
        confidence_rating=row.confidence_rating,
        hours_of_experience=row.hours_of_experience,
        updated_at=row.updated_at,
    )


def list_expertise(scope: UserScope) -> list[ExpertiseOut]:
    """The caller's expertise entries, by technology."""
    rows = scope.all(scope.select(TechnologyExpertise).order_by(TechnologyExpertise.technology_name))
    return [_expertise_out(row) for row in rows]


def add_expertise(scope: UserScope, data: ExpertiseIn) -> ExpertiseOut:
    """Record expertise in a catalogue technology; Conflict when it's already recorded."""
    technology = scope.session.scalars(select(Technology).where(Technology.slug == data.technology)).first()
    if technology is None:
        raise InvalidInput([FieldProblem("technology", f"'{data.technology}' is not in the catalogue")])
    existing = scope.select(TechnologyExpertise).where(TechnologyExpertise.technology_id == technology.id)
    if scope.all(existing):
        raise Conflict(f"expertise in '{technology.slug}' is already recorded; update it instead")
    row = TechnologyExpertise(
        technology_id=technology.id,
        technology_name=technology.slug,
        current_expertise_level=data.current_expertise_level,
        confidence_rating=data.confidence_rating,
        hours_of_experience=data.hours_of_experience,
    )
    scope.add(row)
    scope.session.flush()
    scope.session.refresh(row)
    return _expertise_out(row)


def get_expertise(scope: UserScope, expertise_id: uuid.UUID) -> ExpertiseOut:
    """One of the caller's expertise entries."""
    return _expertise_out(scope.get(TechnologyExpertise, expertise_id))


def update_expertise(scope: UserScope, expertise_id: uuid.UUID, data: ExpertiseUpdate) -> ExpertiseOut:
    """Change one of the caller's expertise entries."""
    row = scope.get(TechnologyExpertise, expertise_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        if field == "current_expertise_level" and value is None:
            raise InvalidInput([FieldProblem(field, "cannot be null")])
        setattr(row, field, value)
    scope.session.flush()
    scope.session.refresh(row)
    return _expertise_out(row)


def delete_expertise(scope: UserScope, expertise_id: uuid.UUID) -> None:
    """Remove one of the caller's expertise entries."""
    scope.delete(scope.get(TechnologyExpertise, expertise_id))
    scope.session.flush()


def set_role(session: Session, admin_id: uuid.UUID, user_id: uuid.UUID, role: UserRole) -> User:
    """An admin changes a user's role (audited). An admin cannot demote themselves (there must be one)."""
    user = get_user(session, user_id)
    if user.id == admin_id and role != UserRole.admin:
        raise Conflict("you cannot remove your own admin role; ask another admin")
    previous = user.role
    user.role = role  # takes effect on the user's next request: roles are read with every request's caller
    record(
        session,
        "role_changed",
        f"role {previous.value} -> {role.value}",
        user_id=admin_id,
        target_user=str(user_id),
    )
    session.flush()
    return user


def list_users(session: Session, page: PageParams) -> Page[UserOut]:
    """Accounts in creation order, a page at a time (admin)."""
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
