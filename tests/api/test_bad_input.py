"""Bad inputs are answered 4xx with a problem-details body, and nothing is stored.

Each case sends one bad value (wrong type, 10k characters, NUL, emoji/RTL where the field has a format, SQL
or HTML where the field has a format, negative or out-of-range numbers, unknown fields, an oversized body) to
a route that writes or lists, then checks the answer (status, application/problem+json, ``errors`` naming the
field for 422) and that no table changed: row counts of every table the routes write, and the rows the
PATCH/PUT routes would change.

SQL and HTML in free-text fields (a display name, a token name) are not bad input: they are stored and given
back verbatim, as JSON, and the tables are intact — see the tests at the end.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from frontier.accounts.models import AccessToken, EnthusiastProfile, TechnologyExpertise, User, UserSession
from frontier.db.system_logs import SystemLog
from frontier.ingest.models import DataSyncJob, ExternalDataSource
from frontier.models.models import AiModel
from frontier.trends.models import TechnologyFollow, TrendNotification

from .conftest import (
    PASSWORD,
    PROBLEM_JSON,
    World,
    assert_invalid,
    assert_no_secrets,
    assert_problem,
    stored_secrets,
)

HUGE = "x" * 10_000
NUL = "a\u0000b"
EMOJI = "🚀🔥"
RTL = "\u202eevil\u202c"  # right-to-left override
SQL = "'; DROP TABLE users; --"
HTML = "<script>alert(1)</script>"
MAX_BODY = 1_048_576  # FRONTIER_MAX_BODY_BYTES default

TABLES = (
    User,
    UserSession,
    AccessToken,
    TechnologyExpertise,
    EnthusiastProfile,
    ExternalDataSource,
    DataSyncJob,
    AiModel,
    TechnologyFollow,
    TrendNotification,
    SystemLog,
)

# Valid bodies: each bad case below changes one thing (test_the_valid_bodies_are_accepted proves they pass).
SIGN_UP = {"email": "new.person@example.com", "password": PASSWORD, "display_name": "New Person"}
SIGN_IN = {"email": "new.person@example.com", "password": PASSWORD}
ME = {"display_name": "Renamed", "time_zone": "Europe/Paris"}
PASSWORD_CHANGE = {"current_password": PASSWORD, "new_password": "another long password"}
PROFILE = {
    "primary_focus_areas": ["ai_ml"],
    "exploration_style": ["hands_on"],
    "curiosity_drivers": ["speed"],
    "current_expertise_level": "moderate",
    "experimental_risk_tolerance": 6,
    "weekly_exploration_minutes": 120,
}
EXPERTISE = {
    "technology": "rust",
    "current_expertise_level": "deep",
    "confidence_rating": "0.75",
    "hours_of_experience": "120.5",
}
EXPERTISE_PATCH = {"current_expertise_level": "expert", "confidence_rating": "0.5"}
TOKEN = {"name": "laptop", "kind": "api", "expires_in_days": 30}
SOURCE = {"source_name": "A new feed", "source_type": "rss_feed", "base_url": "https://example.com/feed.xml"}
SOURCE_PATCH = {"rate_limit_per_hour": 100}
SCHEDULE = {"sync_schedule_cron": "0 3 * * *", "data_types_to_sync": ["topics"], "retry_attempts": 2}
MODEL = {"model_name": "ranker", "version": "3.1", "model_type": "recommendation", "accuracy_score": "0.9"}
MODEL_PATCH = {"precision_score": "0.5"}
ROLE = {"role": "admin"}
NOTIFICATION = {"acknowledged": True, "response": {"action": "explored"}}


def with_(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**body, **changes}


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != name}


@dataclass(frozen=True)
class Case:
    id: str
    actor: str
    method: str
    url: str  # may hold {expertise_id}, {source_id}, {model_id}, {user_id}, {notification_id}
    body: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    invalid: str | None = None  # the field the 422 must name
    status: int = 422

    def __str__(self) -> str:
        return self.id


def body_cases(
    prefix: str, actor: str, method: str, url: str, valid: dict[str, Any], bad: list[tuple[str, str, Any]]
) -> list[Case]:
    """One case per (label, field, value): the valid body with ``field`` set to ``value``."""
    return [
        Case(f"{prefix}: {label}", actor, method, url, with_(valid, **{name: value}), invalid=name)
        for label, name, value in bad
    ]


CASES: list[Case] = [
    # --- sign-up ---
    *body_cases(
        "signup",
        "anonymous",
        "POST",
        "/api/v1/auth/signup",
        SIGN_UP,
        [
            ("email wrong type", "email", 42),
            ("email not an email", "email", "not-an-email"),
            ("email 10k", "email", HUGE + "@example.com"),
            ("email SQL", "email", SQL),
            ("email HTML", "email", HTML),
            ("email NUL", "email", "a\u0000b@example.com"),
            ("email emoji domain", "email", f"me@{EMOJI}"),
            ("password too short", "password", "short"),
            ("password wrong type", "password", ["a" * 12]),
            ("password too long", "password", "p" * 257),
            ("display_name empty", "display_name", "   "),
            ("display_name 10k", "display_name", HUGE),
            ("display_name NUL", "display_name", NUL),
            ("display_name wrong type", "display_name", {"first": "x"}),
            ("time_zone unknown", "time_zone", "Mars/Olympus"),
            ("time_zone SQL", "time_zone", SQL),
            ("time_zone RTL", "time_zone", RTL),
            ("time_zone 10k", "time_zone", HUGE),
            ("role is not accepted", "role", "admin"),
            ("unknown field", "is_admin", True),
        ],
    ),
    Case(
        "signup: missing password",
        "anonymous",
        "POST",
        "/api/v1/auth/signup",
        without(SIGN_UP, "password"),
        invalid="password",
    ),
    Case("signup: body is a list", "anonymous", "POST", "/api/v1/auth/signup", [SIGN_UP], invalid="body"),
    Case("signup: body is null", "anonymous", "POST", "/api/v1/auth/signup", None, invalid="body"),
    # --- sign-in ---
    *body_cases(
        "signin",
        "anonymous",
        "POST",
        "/api/v1/auth/sessions",
        SIGN_IN,
        [
            ("email 10k", "email", HUGE),
            ("email NUL", "email", NUL),
            ("email wrong type", "email", 1),
            ("password wrong type", "password", None),
            ("password 10k", "password", HUGE),
            ("unknown field", "remember_me", True),
        ],
    ),
    # --- my account ---
    *body_cases(
        "patch me",
        "owner",
        "PATCH",
        "/api/v1/me",
        ME,
        [
            ("display_name NUL", "display_name", NUL),
            ("display_name 10k", "display_name", HUGE),
            ("display_name wrong type", "display_name", 5),
            ("time_zone unknown", "time_zone", "Europe/Atlantis"),
            ("time_zone emoji", "time_zone", EMOJI),
            ("email is not changeable here", "email", "x@example.com"),
            ("role is not changeable", "role", "admin"),
        ],
    ),
    *body_cases(
        "password",
        "owner",
        "PUT",
        "/api/v1/me/password",
        PASSWORD_CHANGE,
        [
            ("wrong current password", "current_password", "not my password at all"),
            ("new password too short", "new_password", "short"),
            ("new password wrong type", "new_password", 123456789012),
            ("current password 10k", "current_password", HUGE),
        ],
    ),
    Case("delete me: no confirm_email", "owner", "DELETE", "/api/v1/me", invalid="confirm_email"),
    Case(
        "delete me: confirm_email 10k",
        "owner",
        "DELETE",
        "/api/v1/me",
        params={"confirm_email": HUGE},
        invalid="confirm_email",
    ),
    Case(
        "delete me: confirm_email NUL",
        "owner",
        "DELETE",
        "/api/v1/me",
        params={"confirm_email": NUL},
        invalid="confirm_email",
    ),
    Case(
        "delete me: confirm_email SQL",
        "owner",
        "DELETE",
        "/api/v1/me",
        params={"confirm_email": SQL},
        invalid="confirm_email",
    ),
    Case(
        "delete me: confirm_email HTML",
        "owner",
        "DELETE",
        "/api/v1/me",
        params={"confirm_email": HTML},
        invalid="confirm_email",
    ),
    Case(
        "delete me: confirm_email emoji",
        "owner",
        "DELETE",
        "/api/v1/me",
        params={"confirm_email": EMOJI},
        invalid="confirm_email",
    ),
    Case(
        "delete me: confirm_email wildcard",
        "owner",
        "DELETE",
        "/api/v1/me",
        params={"confirm_email": "%"},
        invalid="confirm_email",
    ),
    Case(
        "delete me: someone else's email",
        "other",
        "DELETE",
        "/api/v1/me",
        params={"confirm_email": "{owner_email}"},
        invalid="confirm_email",
    ),
    # --- profile ---
    *body_cases(
        "profile",
        "owner",
        "PUT",
        "/api/v1/me/profile",
        PROFILE,
        [
            ("focus area unknown", "primary_focus_areas", ["astrology"]),
            ("focus areas wrong type", "primary_focus_areas", "ai_ml"),
            ("focus areas too many", "primary_focus_areas", ["ai_ml"] * 18),
            ("style unknown", "exploration_style", [SQL]),
            ("drivers NUL", "curiosity_drivers", ["fine", NUL]),
            ("drivers 10k", "curiosity_drivers", [HUGE]),
            ("drivers too many", "curiosity_drivers", [f"d{i}" for i in range(21)]),
            ("drivers wrong type", "curiosity_drivers", [1, 2]),
            ("level unknown", "current_expertise_level", "guru"),
            ("risk 0", "experimental_risk_tolerance", 0),
            ("risk 11", "experimental_risk_tolerance", 11),
            ("risk negative", "experimental_risk_tolerance", -3),
            ("risk huge", "experimental_risk_tolerance", 10**30),
            ("risk string", "experimental_risk_tolerance", "7"),
            ("risk boolean", "experimental_risk_tolerance", True),
            ("risk float", "experimental_risk_tolerance", 5.5),
            ("minutes negative", "weekly_exploration_minutes", -1),
            ("minutes over a week", "weekly_exploration_minutes", 10081),
            ("unknown field", "favourite_colour", "blue"),
        ],
    ),
    # --- expertise ---
    *body_cases(
        "expertise",
        "owner",
        "POST",
        "/api/v1/me/expertise",
        EXPERTISE,
        [
            ("technology unknown", "technology", "no-such-technology"),
            ("technology SQL", "technology", SQL),
            ("technology HTML", "technology", HTML),
            ("technology emoji", "technology", EMOJI),
            ("technology RTL", "technology", RTL),
            ("technology NUL", "technology", NUL),
            ("technology 10k", "technology", HUGE),
            ("technology wrong type", "technology", 7),
            ("level unknown", "current_expertise_level", "wizard"),
            ("level null", "current_expertise_level", None),
            ("confidence negative", "confidence_rating", "-0.1"),
            ("confidence over 1", "confidence_rating", 1.01),
            ("confidence NaN", "confidence_rating", "NaN"),
            ("confidence Infinity", "confidence_rating", "Infinity"),
            ("confidence 3 decimals", "confidence_rating", "0.125"),
            ("confidence boolean", "confidence_rating", True),
            ("confidence text", "confidence_rating", "high"),
            ("hours negative", "hours_of_experience", -1),
            ("hours out of range", "hours_of_experience", 1_000_001),
            ("hours huge", "hours_of_experience", "1e400"),
            ("hours 2 decimals", "hours_of_experience", "1.25"),
            ("unknown field", "user_id", str(uuid.uuid4())),
        ],
    ),
    Case(
        "expertise: missing level",
        "owner",
        "POST",
        "/api/v1/me/expertise",
        without(EXPERTISE, "current_expertise_level"),
        invalid="current_expertise_level",
    ),
    Case(
        "expertise: already recorded",
        "owner",
        "POST",
        "/api/v1/me/expertise",
        with_(EXPERTISE, technology="python"),
        status=409,
    ),
    *body_cases(
        "expertise patch",
        "owner",
        "PATCH",
        "/api/v1/me/expertise/{expertise_id}",
        EXPERTISE_PATCH,
        [
            ("level null", "current_expertise_level", None),
            ("level unknown", "current_expertise_level", "master"),
            ("confidence over 1", "confidence_rating", 2),
            ("confidence negative", "confidence_rating", -0.5),
            ("hours negative", "hours_of_experience", -10),
            ("technology is not changeable", "technology", "rust"),
            ("unknown field", "id", str(uuid.uuid4())),
        ],
    ),
    Case(
        "expertise patch: id not a uuid",
        "owner",
        "PATCH",
        "/api/v1/me/expertise/1%20OR%201=1",
        EXPERTISE_PATCH,
        invalid="expertise_id",
    ),
    Case("expertise get: id SQL", "owner", "GET", "/api/v1/me/expertise/' OR '1'='1", invalid="expertise_id"),
    Case(
        "expertise delete: id negative number",
        "owner",
        "DELETE",
        "/api/v1/me/expertise/-1",
        invalid="expertise_id",
    ),
    # --- tokens ---
    *body_cases(
        "token",
        "owner",
        "POST",
        "/api/v1/me/tokens",
        TOKEN,
        [
            ("name empty", "name", ""),
            ("name blank", "name", "   "),
            ("name 10k", "name", HUGE),
            ("name NUL", "name", NUL),
            ("name wrong type", "name", ["laptop"]),
            ("kind unknown", "kind", "admin"),
            ("kind SQL", "kind", SQL),
            ("expiry 0", "expires_in_days", 0),
            ("expiry negative", "expires_in_days", -1),
            ("expiry over 10 years", "expires_in_days", 3651),
            ("expiry huge", "expires_in_days", 10**20),
            ("expiry boolean", "expires_in_days", True),
            ("expiry string", "expires_in_days", "30"),
            ("expiry float", "expires_in_days", 1.5),
            ("unknown field", "scopes", ["admin"]),
        ],
    ),
    Case("token revoke: id not a uuid", "owner", "DELETE", "/api/v1/me/tokens/<script>", invalid="token_id"),
    # --- follows and notifications ---
    Case("follow: slug SQL", "owner", "PUT", "/api/v1/me/follows/'; DROP TABLE users; --", invalid="slug"),
    Case("follow: slug emoji", "owner", "PUT", f"/api/v1/me/follows/{EMOJI}", invalid="slug"),
    Case("follow: slug 10k", "owner", "PUT", f"/api/v1/me/follows/{'a' * 5000}", invalid="slug"),
    Case("follow: unknown slug", "owner", "PUT", "/api/v1/me/follows/no-such-technology", status=404),
    *body_cases(
        "notification",
        "owner",
        "PATCH",
        "/api/v1/me/notifications/{notification_id}",
        NOTIFICATION,
        [
            ("acknowledged string", "acknowledged", "yes"),
            ("acknowledged number", "acknowledged", 1),
            ("response wrong type", "response", "explored"),
            ("response value not text", "response", {"action": 1}),
            ("response NUL", "response", {"action": NUL}),
            ("response too many keys", "response", {f"k{i}": "v" for i in range(11)}),
            ("response value 10k", "response", {"action": HUGE}),
            ("response key too long", "response", {"k" * 51: "explored"}),
            ("unknown field", "user_id", str(uuid.uuid4())),
        ],
    ),
    Case(
        "notifications: limit 0",
        "owner",
        "GET",
        "/api/v1/me/notifications",
        params={"limit": 0},
        invalid="limit",
    ),
    Case(
        "notifications: limit huge",
        "owner",
        "GET",
        "/api/v1/me/notifications",
        params={"limit": 10**30},
        invalid="limit",
    ),
    Case(
        "notifications: unacknowledged text",
        "owner",
        "GET",
        "/api/v1/me/notifications",
        params={"unacknowledged": SQL},
        invalid="unacknowledged",
    ),
    # --- admin: roles, sources and models ---
    Case(
        "role: unknown",
        "admin",
        "PATCH",
        "/api/v1/admin/users/{user_id}",
        {"role": "superuser"},
        invalid="role",
    ),
    Case(
        "role: wrong type", "admin", "PATCH", "/api/v1/admin/users/{user_id}", {"role": True}, invalid="role"
    ),
    Case(
        "role: unknown field",
        "admin",
        "PATCH",
        "/api/v1/admin/users/{user_id}",
        with_(ROLE, email="x@example.com"),
        invalid="email",
    ),
    Case("users: limit 0", "admin", "GET", "/api/v1/admin/users", params={"limit": 0}, invalid="limit"),
    Case(
        "users: cursor garbage",
        "admin",
        "GET",
        "/api/v1/admin/users",
        params={"cursor": "!!!"},
        invalid="cursor",
    ),
    Case(
        "users: cursor of another list",
        "admin",
        "GET",
        "/api/v1/admin/users",
        params={"cursor": "WyJweXRob24iXQ"},
        invalid="cursor",
    ),
    Case(
        "users: cursor with NUL",
        "admin",
        "GET",
        "/api/v1/admin/users",
        params={"cursor": "WyJcdTAwMDAiLCJcdTAwMDAiXQ"},
        invalid="cursor",
    ),
    *body_cases(
        "source",
        "admin",
        "POST",
        "/api/v1/admin/sources",
        SOURCE,
        [
            ("name empty", "source_name", ""),
            ("name 10k", "source_name", HUGE),
            ("name NUL", "source_name", NUL),
            ("type unknown", "source_type", "ftp"),
            ("type SQL", "source_type", SQL),
            ("url not http", "base_url", "javascript:alert(1)"),
            ("url file", "base_url", "file:///etc/passwd"),
            ("url HTML", "base_url", HTML),
            ("url with space", "base_url", "https://exa mple.com"),
            ("url NUL", "base_url", "https://example.com/\u0000"),
            ("url 10k", "base_url", "https://example.com/" + HUGE),
            ("auth type unknown", "authentication_type", "password"),
            ("api key 10k", "api_key", HUGE),
            ("api key wrong type", "api_key", 12345),
            ("rate 0", "rate_limit_per_hour", 0),
            ("rate negative", "rate_limit_per_hour", -5),
            ("rate over int4", "rate_limit_per_hour", 2**31),
            ("rate string", "rate_limit_per_hour", "100"),
            ("active string", "is_active", "yes"),
            ("active number", "is_active", 1),
            ("stored ciphertext is not writable", "api_key_encrypted", "fv1:x:y"),
            ("failures are not writable", "consecutive_failures", 0),
            ("options unknown key", "options", {"colour": "red"}),
            ("options feed not http", "options", {"feeds": ["ftp://example.com/feed"]}),
            ("options lookback 0", "options", {"initial_lookback_days": 0}),
        ],
    ),
    *body_cases(
        "schedule",
        "admin",
        "POST",
        "/api/v1/admin/sources/{source_id}/schedules",
        SCHEDULE,
        [
            ("cron not cron", "sync_schedule_cron", "every day"),
            ("cron 61st minute", "sync_schedule_cron", "61 * * * *"),
            ("cron 10k", "sync_schedule_cron", HUGE),
            ("data type of another connector", "data_types_to_sync", ["downloads"]),
            ("data types not a list", "data_types_to_sync", "topics"),
            ("minutes 0", "sync_frequency_minutes", 0),
            ("retries string", "retry_attempts", "3"),
            ("workers 100", "parallel_workers", 100),
            ("last run is not writable", "last_run_at", "2026-01-01T00:00:00Z"),
        ],
    ),
    *body_cases(
        "source patch",
        "admin",
        "PATCH",
        "/api/v1/admin/sources/{source_id}",
        SOURCE_PATCH,
        [
            ("rate 0", "rate_limit_per_hour", 0),
            ("rate boolean", "rate_limit_per_hour", False),
            ("url not http", "base_url", "ftp://example.com"),
            ("name is not changeable", "source_name", "renamed"),
            ("active string", "is_active", "false"),
        ],
    ),
    Case("source get: id not a uuid", "admin", "GET", "/api/v1/admin/sources/123", invalid="source_id"),
    *body_cases(
        "model",
        "admin",
        "POST",
        "/api/v1/models",
        MODEL,
        [
            ("name 10k", "model_name", HUGE),
            ("name NUL", "model_name", NUL),
            ("name wrong type", "model_name", None),
            ("version 10k", "version", HUGE),
            ("version NUL", "version", NUL),
            ("type unknown", "model_type", "oracle"),
            ("type HTML", "model_type", HTML),
            ("architecture NUL", "model_architecture", NUL),
            ("architecture 10k", "model_architecture", HUGE),
            ("accuracy over 1", "accuracy_score", 1.5),
            ("accuracy negative", "accuracy_score", -0.1),
            ("accuracy NaN", "accuracy_score", "NaN"),
            ("accuracy 5 decimals", "accuracy_score", "0.12345"),
            ("requests 0", "max_requests_per_minute", 0),
            ("requests huge", "max_requests_per_minute", 10**12),
            ("requests boolean", "max_requests_per_minute", True),
            ("drift string", "drift_detection_enabled", "on"),
            ("unknown field", "model_id", str(uuid.uuid4())),
        ],
    ),
    *body_cases(
        "model patch",
        "admin",
        "PATCH",
        "/api/v1/models/{model_id}",
        MODEL_PATCH,
        [
            ("precision over 1", "precision_score", 7),
            ("recall negative", "recall_score", -1),
            ("active string", "is_active", "no"),
            ("name is not changeable", "model_name", "renamed"),
        ],
    ),
    Case(
        "model: duplicate name and version",
        "admin",
        "POST",
        "/api/v1/models",
        "{duplicate_model}",
        status=409,
    ),
    # --- public lists ---
    Case(
        "technologies: limit 0",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"limit": 0},
        invalid="limit",
    ),
    Case(
        "technologies: limit negative",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"limit": -1},
        invalid="limit",
    ),
    Case(
        "technologies: limit 201",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"limit": 201},
        invalid="limit",
    ),
    Case(
        "technologies: limit huge",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"limit": 10**30},
        invalid="limit",
    ),
    Case(
        "technologies: limit text",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"limit": "ten"},
        invalid="limit",
    ),
    Case(
        "technologies: limit float",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"limit": 1.5},
        invalid="limit",
    ),
    Case(
        "technologies: limit SQL",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"limit": "1; DROP TABLE users"},
        invalid="limit",
    ),
    Case(
        "technologies: ecosystem unknown",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"ecosystem": EMOJI},
        invalid="ecosystem",
    ),
    Case(
        "technologies: name empty",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"name": ""},
        invalid="name",
    ),
    Case(
        "technologies: name 10k",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"name": HUGE},
        invalid="name",
    ),
    Case(
        "technologies: name NUL",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"name": NUL},
        invalid="name",
    ),
    Case(
        "technologies: cursor garbage",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"cursor": "%%%"},
        invalid="cursor",
    ),
    Case(
        "technologies: cursor 10k",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"cursor": HUGE},
        invalid="cursor",
    ),
    Case(
        "technologies: cursor not a list",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"cursor": "eyJhIjoxfQ"},
        invalid="cursor",
    ),
    Case(
        "technologies: cursor with NUL",
        "anonymous",
        "GET",
        "/api/v1/technologies",
        params={"cursor": "WyJcdTAwMDAiXQ"},
        invalid="cursor",
    ),
    Case("technology: slug SQL", "anonymous", "GET", "/api/v1/technologies/' OR 1=1 --", invalid="slug"),
    Case(
        "technology: slug HTML", "anonymous", "GET", f"/api/v1/technologies/{HTML}", status=404
    ),  # '/' splits the path
    Case("technology: slug upper case", "anonymous", "GET", "/api/v1/technologies/PYTHON", invalid="slug"),
    Case("technology: slug RTL", "anonymous", "GET", f"/api/v1/technologies/{RTL}", invalid="slug"),
    Case("trends: sort unknown", "anonymous", "GET", "/api/v1/trends", params={"sort": SQL}, invalid="sort"),
    Case(
        "trends: status unknown",
        "anonymous",
        "GET",
        "/api/v1/trends",
        params={"status": "viral"},
        invalid="status",
    ),
    Case(
        "trends: limit over max",
        "anonymous",
        "GET",
        "/api/v1/trends",
        params={"limit": 1000},
        invalid="limit",
    ),
    Case(
        "trend history: from not a date",
        "anonymous",
        "GET",
        "/api/v1/trends/python/history",
        params={"from": "yesterday"},
        invalid="from",
    ),
    Case(
        "trend history: to out of range",
        "anonymous",
        "GET",
        "/api/v1/trends/python/history",
        params={"to": "2024-13-45"},
        invalid="to",
    ),
    Case(
        "trend history: from year 0",
        "anonymous",
        "GET",
        "/api/v1/trends/python/history",
        params={"from": "0000-01-01"},
        invalid="from",
    ),
    Case(
        "feed: token over 120 characters",
        "anonymous",
        "GET",
        f"/feeds/{'x' * 121}/alerts.atom",
        invalid="token",
    ),
]


def placeholders(world: World) -> dict[str, str]:
    return {
        "expertise_id": str(world.expertise_id),
        "source_id": str(world.source_id),
        "model_id": str(world.model_id),
        "user_id": str(world.owner.user_id),
        "notification_id": str(world.notification_id),
        "owner_email": world.owner.email,
    }


def resolve(value: Any, world: World) -> Any:
    if isinstance(value, str):
        for name, replacement in placeholders(world).items():
            value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, dict):
        return {k: resolve(v, world) for k, v in value.items()}
    return value


def snapshot(world: World) -> dict[str, Any]:
    """Row counts of every table the routes write, and every column of the rows PATCH/PUT cases aim at."""
    state: dict[str, Any] = {model.__tablename__: world.count(model) for model in TABLES}
    with world.db.session() as session:
        for model in (
            User,
            TechnologyExpertise,
            EnthusiastProfile,
            ExternalDataSource,
            AiModel,
            TrendNotification,
        ):
            table = model.__table__
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
            state[f"{table.name} rows"] = [dict(row) for row in rows]
    return state


def send(world: World, case: Case) -> Any:
    body = resolve(case.body, world)
    if case.body == "{duplicate_model}":
        with world.db.session() as session:
            existing = session.get(AiModel, world.model_id)
            assert existing is not None
            body = {"model_name": existing.model_name, "version": existing.version, "model_type": "embedding"}
    kwargs: dict[str, Any] = {"headers": world.headers(case.actor)}
    if case.body is not None or case.method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = body
    if case.params:
        kwargs["params"] = resolve(case.params, world)
    return world.client.request(case.method, resolve(case.url, world), **kwargs)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_with_a_problem_and_nothing_is_stored(world: World, case: Case) -> None:
    before = snapshot(world)

    response = send(world, case)

    assert response.status_code == case.status, (case.id, response.status_code, response.text[:400])
    body = assert_problem(response, case.status)
    if case.status == 422:
        assert case.invalid is not None
        assert_invalid(response, case.invalid)
        assert body["detail"]
    assert snapshot(world) == before, f"{case.id}: something was stored"
    assert_no_secrets(response, stored_secrets(world.db), sent=json.dumps(case.body))
    for value in (HUGE, NUL):
        assert value not in response.text, "the answer echoes the bad input back"


def test_the_valid_bodies_are_accepted(world: World) -> None:
    """Each bad case differs from one of these by one value: they must pass, or the cases prove nothing."""
    owner, admin = world.owner.headers, world.admin.headers
    calls = [
        ("POST", "/api/v1/auth/signup", SIGN_UP, {}, 201),
        ("POST", "/api/v1/auth/sessions", SIGN_IN, {}, 200),
        ("PATCH", "/api/v1/me", ME, owner, 200),
        ("PUT", "/api/v1/me/profile", PROFILE, owner, 200),
        ("POST", "/api/v1/me/expertise", EXPERTISE, owner, 201),
        ("PATCH", f"/api/v1/me/expertise/{world.expertise_id}", EXPERTISE_PATCH, owner, 200),
        ("POST", "/api/v1/me/tokens", TOKEN, owner, 201),
        ("PATCH", f"/api/v1/me/notifications/{world.notification_id}", NOTIFICATION, owner, 200),
        ("PATCH", f"/api/v1/admin/users/{world.owner.user_id}", ROLE, admin, 200),
        ("POST", "/api/v1/admin/sources", SOURCE, admin, 201),
        ("PATCH", f"/api/v1/admin/sources/{world.source_id}", SOURCE_PATCH, admin, 200),
        ("POST", f"/api/v1/admin/sources/{world.source_id}/schedules", SCHEDULE, admin, 201),
        ("POST", "/api/v1/models", MODEL, admin, 201),
        ("PATCH", f"/api/v1/models/{world.model_id}", MODEL_PATCH, admin, 200),
        ("PUT", "/api/v1/me/password", PASSWORD_CHANGE, owner, 200),
    ]
    for method, url, body, headers, status in calls:
        response = world.client.request(method, url, json=body, headers=headers)
        assert response.status_code == status, (method, url, response.text[:300])


# --- Oversized and malformed bodies ---


@pytest.mark.parametrize(
    ("url", "actor"),
    [
        ("/api/v1/auth/signup", "anonymous"),
        ("/api/v1/me/tokens", "owner"),
        ("/api/v1/admin/sources", "admin"),
    ],
)
def test_a_body_over_the_limit_is_413_and_nothing_is_stored(world: World, url: str, actor: str) -> None:
    before = snapshot(world)
    body = ('{"name": "' + "x" * MAX_BODY + '"}').encode()

    declared = world.client.post(
        url, content=body, headers={**world.headers(actor), "Content-Type": "application/json"}
    )

    assert_problem(declared, 413)
    assert snapshot(world) == before


def test_a_streamed_body_over_the_limit_is_413_even_without_a_content_length(world: World) -> None:
    before = snapshot(world)

    def chunks() -> Any:
        yield b'{"name": "'
        for _ in range(MAX_BODY // 65_536 + 1):
            yield b"x" * 65_536
        yield b'"}'

    response = world.client.post(
        "/api/v1/me/tokens",
        content=chunks(),
        headers={**world.owner.headers, "Content-Type": "application/json"},
    )

    assert_problem(response, 413)
    assert snapshot(world) == before


def test_a_dishonest_content_length_is_413(world: World) -> None:
    response = world.client.post(
        "/api/v1/auth/signup",
        content=b"{}",
        headers={"Content-Type": "application/json", "Content-Length": "abc"},
    )

    assert_problem(response, 413)


@pytest.mark.parametrize(
    "raw", [b"{", b'{"email": }', b"\x00", b"\xff\xfe\xfd", b"null", b"[]", b'"text"', b"1e999"]
)
def test_malformed_json_is_a_4xx_problem_and_nothing_is_stored(world: World, raw: bytes) -> None:
    before = snapshot(world)

    response = world.client.post(
        "/api/v1/auth/signup", content=raw, headers={"Content-Type": "application/json"}
    )

    body = assert_problem(response)
    if response.status_code == 422:
        assert body["errors"] and all(error["field"] for error in body["errors"])
        assert "0" not in [error["field"] for error in body["errors"]], "a character offset is not a field"
    assert snapshot(world) == before


def test_a_json_body_sent_as_text_plain_is_refused(world: World) -> None:
    before = snapshot(world)
    response = world.client.post(
        "/api/v1/me/tokens",
        content=json.dumps(TOKEN),
        headers={**world.owner.headers, "Content-Type": "text/plain"},
    )

    assert_problem(response)
    assert snapshot(world) == before


def test_a_source_refused_for_another_field_never_echoes_its_api_key(world: World) -> None:
    secret = "sk-live-" + uuid.uuid4().hex
    response = world.client.post(
        "/api/v1/admin/sources",
        json=with_(SOURCE, api_key=secret, base_url="not a url"),
        headers=world.admin.headers,
    )

    assert_invalid(response, "base_url")
    assert secret not in response.text


# --- SQL and HTML in free text are data, stored and returned verbatim ---


@pytest.mark.parametrize("value", [SQL, HTML, EMOJI, RTL, "مرحبا بالعالم", "Ünïcödé ✓", "a" * 100])
def test_free_text_is_stored_verbatim_and_the_tables_survive(world: World, value: str) -> None:
    renamed = world.client.patch("/api/v1/me", json={"display_name": value}, headers=world.owner.headers)
    token = world.client.post("/api/v1/me/tokens", json={"name": value}, headers=world.owner.headers)
    found = world.client.get("/api/v1/technologies", params={"name": value})

    assert renamed.status_code == 200, renamed.text
    assert renamed.headers["content-type"] == "application/json"
    assert renamed.json()["display_name"] == value
    assert token.status_code == 201
    assert token.json()["name"] == value
    assert found.status_code == 200
    assert world.client.get("/api/v1/me", headers=world.owner.headers).json()["display_name"] == value
    assert world.count(User) >= 3  # DROP TABLE users did nothing


def test_like_wildcards_in_a_name_search_are_literal(world: World) -> None:
    everything = world.client.get("/api/v1/technologies", params={"name": "%"})
    underscore = world.client.get("/api/v1/technologies", params={"name": "_"})

    assert everything.status_code == 200
    assert everything.json()["items"] == []
    assert underscore.status_code == 200
    assert all("_" in item["name"] or "_" in item["slug"] for item in underscore.json()["items"])


# --- Tokens never reach the logs ---


def test_the_access_log_shows_route_templates_never_tokens(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="frontier.access")

    feed = world.client.get(f"/feeds/{world.feed_token}/alerts.atom")
    refused = world.client.get(f"/feeds/{world.feed_token[:-1]}X/alerts.atom")
    api = world.client.get("/api/v1/me", headers=world.owner.headers)
    wrong = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.owner.token}x"})
    signed_in = world.client.post(
        "/api/v1/auth/sessions", json={"email": world.owner.email, "password": PASSWORD}
    )

    assert (feed.status_code, refused.status_code, api.status_code, wrong.status_code) == (200, 404, 200, 401)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    access = [r for r in caplog.records if r.name == "frontier.access"]
    lines = [r.getMessage() for r in access]
    assert any(line.startswith("GET /feeds/{token}/alerts.atom 200") for line in lines), lines
    assert any(line.startswith("GET /feeds/{token}/alerts.atom 404") for line in lines), lines
    assert signed_in.status_code == 200
    credentials = [world.feed_token, world.owner.token, signed_in.cookies["frontier_session"], PASSWORD]
    everything_logged = "\n".join(f"{r.getMessage()} {r.args} {r.__dict__}" for r in caplog.records)
    for credential in credentials:
        # Not the whole value, nor most of its random tail (the refused feed URL differs in one character).
        assert credential[-24:-1] not in everything_logged, "a credential reached the logs"


def test_problem_answers_have_the_problem_content_type_on_every_error_status(world: World) -> None:
    answers = [
        world.client.get("/api/v1/me"),  # 401
        world.client.get("/api/v1/admin/users", headers=world.owner.headers),  # 403
        world.client.get(f"/api/v1/me/expertise/{uuid.uuid4()}", headers=world.owner.headers),  # 404
        world.client.post("/api/v1/me/tokens", json={}, headers=world.owner.headers),  # 422
        world.client.post("/api/v1/models", json=MODEL, headers=world.admin.headers),  # 201 then 409 below
        world.client.post("/api/v1/models", json=MODEL, headers=world.admin.headers),
        world.client.get("/no/such/route"),  # 404 from the router
        world.client.put("/api/v1/technologies"),  # 405
    ]
    statuses = [a.status_code for a in answers]

    assert statuses == [401, 403, 404, 422, 201, 409, 404, 405]
    for answer in answers:
        if answer.status_code >= 400:
            assert answer.headers["content-type"] == PROBLEM_JSON


def test_a_nul_in_the_user_agent_does_not_break_sign_in(world: World) -> None:
    response = world.client.post(
        "/api/v1/auth/sessions",
        json={"email": world.owner.email, "password": PASSWORD},
        headers={"User-Agent": "Reader\u0000/1.0"},
    )

    assert response.status_code == 200, response.text
    with world.db.session() as session:
        agents = session.scalars(
            select(UserSession.user_agent).where(UserSession.user_id == world.owner.user_id)
        )
        assert list(agents) == ["Reader/1.0"]
