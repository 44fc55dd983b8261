"""API shapes of accounts: sign-up, sign-in, users, profiles, expertise, tokens."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StrictInt, StringConstraints

from frontier.db.base import ExplorationDepth, LearningMode, TechEcosystem, UserRole
from frontier.inputs import Input


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError("is not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)")
    return value


TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_check_zone)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Password = Annotated[str, StringConstraints(min_length=12, max_length=256)]
Email = Annotated[EmailStr, StringConstraints(max_length=320)]


class Strict(Input):
    """Inputs reject unknown fields, so a typo is an error rather than silently ignored (and NUL in text)."""


class SignUp(Strict):
    """A new account."""

    email: Email
    password: Password = Field(description="At least 12 characters")
    display_name: DisplayName
    time_zone: TimeZone = "UTC"


class SignIn(Strict):
    """Credentials for a browser session."""

    email: Annotated[str, StringConstraints(max_length=320)]
    password: Annotated[str, StringConstraints(max_length=256)]


class PasswordChange(Strict):
    """A new password, proven by the current one."""

    current_password: Annotated[str, StringConstraints(max_length=256)]
    new_password: Password


class PasswordChanged(BaseModel):
    """What a password change ended besides the old password."""

    sessions_ended: int = Field(description="Other browser sessions signed out")
    tokens_revoked: int = Field(description="API and feed tokens revoked (make new ones)")


class UserOut(BaseModel):
    """An account as its owner (or an admin) sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    time_zone: str
    role: UserRole
    created_at: datetime
    last_seen_at: datetime | None


class UserUpdate(Strict):
    """Changes to one's own account."""

    display_name: DisplayName | None = None
    time_zone: TimeZone | None = None


class SignedIn(BaseModel):
    """The result of signing in or up: the user and the CSRF token to echo in ``X-CSRF-Token``."""

    user: UserOut
    csrf_token: str


class Profile(Strict):
    """What a person explores and how (used by exploration paths and project-success prediction)."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    primary_focus_areas: list[TechEcosystem] = Field(default_factory=list, max_length=17)
    exploration_style: list[LearningMode] = Field(default_factory=list, max_length=6)
    curiosity_drivers: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    ] = Field(default_factory=list, max_length=20)
    current_expertise_level: ExplorationDepth = ExplorationDepth.surface
    experimental_risk_tolerance: StrictInt = Field(default=5, ge=1, le=10)
    weekly_exploration_minutes: StrictInt | None = Field(default=None, ge=0, le=10080)


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=100)]


class ExpertiseIn(Strict):
    """Self-assessed expertise in one technology of the catalogue."""

    technology: Slug = Field(description="Technology slug, e.g. 'python'")
    current_expertise_level: ExplorationDepth
    confidence_rating: Decimal | None = Field(default=None, ge=0, le=1, max_digits=3, decimal_places=2)
    hours_of_experience: Decimal | None = Field(
        default=None, ge=0, le=1_000_000, max_digits=8, decimal_places=1
    )


class ExpertiseUpdate(Strict):
    """Changes to one expertise entry."""

    current_expertise_level: ExplorationDepth | None = None
    confidence_rating: Decimal | None = Field(default=None, ge=0, le=1, max_digits=3, decimal_places=2)
    hours_of_experience: Decimal | None = Field(
        default=None, ge=0, le=1_000_000, max_digits=8, decimal_places=1
    )


class ExpertiseOut(BaseModel):
    """One expertise entry."""

    id: uuid.UUID
    technology: str
    current_expertise_level: ExplorationDepth
    confidence_rating: Decimal | None
    hours_of_experience: Decimal | None
    updated_at: datetime


class TokenIn(Strict):
    """A new personal token: ``api`` for scripts (Bearer), ``feed`` for private feed URLs (read-only)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    kind: Literal["api", "feed"] = "api"
    expires_in_days: StrictInt | None = Field(default=None, ge=1, le=3650)


class TokenOut(BaseModel):
    """A token as listed (never its value)."""

    id: uuid.UUID
    name: str
    kind: str
    hint: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class TokenCreated(TokenOut):
    """A new token, with its value: shown this once, never again."""

    token: str
    feed_url: str | None = None


class RoleChange(Strict):
    """An admin's change of a user's role."""

    role: UserRole
