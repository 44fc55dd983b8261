"""Shared helpers of the API security tests: a permissive rate limiter and a small world of actors and rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from frontier.accounts import credentials, service, tokens
from frontier.accounts.schemas import ExpertiseIn, SignUp, TokenIn
from frontier.app import create_app
from frontier.catalog.models import Technology
from frontier.clock import SystemClock
from frontier.db.base import ExplorationDepth, UserRole
from frontier.db.scope import UserScope
from frontier.db.session import Database
from frontier.ingest import service as sources
from frontier.ingest.schemas import SourceIn
from frontier.models import service as models
from frontier.models.schemas import ModelIn
from frontier.security.ratelimit import Decision, Limit
from frontier.security.secrets import box_from_settings
from frontier.trends.models import TechnologyFollow, TechnologyTrend, TrendNotification

PASSWORD = "correct horse battery staple"
PROBLEM_JSON = "application/problem+json"
# Stored API key of the world's data source: it must never come back in any answer.
SOURCE_API_KEY = "sk-world-source-key-0123456789abcdef"


class AllowAll:
    """A rate limiter that never limits (tests other than rate limiting must not trip it)."""

    def hit(self, limit: Limit, key: str) -> Decision:
        return Decision(allowed=True, remaining=limit.count, retry_after=0)

    def reset(self, limit: Limit, key: str) -> None:
        return None


@dataclass(frozen=True)
class Actor:
    """A signed-up user with a personal API token."""

    name: str
    user_id: uuid.UUID
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class World:
    """The app, a client, three actors and the rows the tests aim at (owned by ``owner`` or made by admin)."""

    db: Database
    app: FastAPI
    client: TestClient
    owner: Actor
    other: Actor
    admin: Actor
    expertise_id: uuid.UUID  # owner's expertise in 'python'
    spare_token_id: uuid.UUID  # owner's second API token (not the one the owner authenticates with)
    feed_token: str  # owner's feed token value
    feed_token_id: uuid.UUID
    source_id: uuid.UUID  # a data source created by admin, holding SOURCE_API_KEY
    model_id: uuid.UUID  # a model registered by admin
    notification_id: uuid.UUID  # owner's alert about 'python' (which has scores and the owner follows)

    def actor(self, name: str) -> Actor | None:
        return None if name == "anonymous" else getattr(self, name)

    def headers(self, name: str) -> dict[str, str]:
        actor = self.actor(name)
        return actor.headers if actor is not None else {}

    def count(self, model: Any, *where: Any) -> int:
        """Rows of ``model`` (matching ``where``) as the test's transaction sees them."""
        with self.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.fixture
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id with the cheapest parameters: the production ones cost ~0.2 s per hash or check, which
    the hundreds of sign-ups and sign-ins of these tests can't afford. What's stored and compared is unchanged."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(credentials, "_hasher", cheap)
    monkeypatch.setattr(credentials, "_DUMMY_HASH", cheap.hash("dummy password"))


def _actor(db: Database, name: str, role: UserRole, base_url: str) -> Actor:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    with db.session() as session:
        user = service.sign_up(
            session, SignUp(email=email, password=PASSWORD, display_name=name.title()), role=role
        )
        created = tokens.create_token(
            UserScope(session, user.id), TokenIn(name=f"{name} script"), SystemClock().now(), base_url
        )
        return Actor(name=name, user_id=user.id, email=email, password=PASSWORD, token=created.token)


def build_world(db: Database) -> Iterator[World]:
    """Create the actors and rows in ``db`` and yield them with a client of an app that never rate-limits."""
    app = create_app(db, rate_limiter=AllowAll())
    base_url = app.state.settings.base_url
    owner = _actor(db, "owner", UserRole.member, base_url)
    other = _actor(db, "other", UserRole.member, base_url)
    admin = _actor(db, "admin", UserRole.admin, base_url)
    now = SystemClock().now()
    with db.session() as session:
        scope = UserScope(session, owner.user_id)
        expertise = service.add_expertise(
            scope,
            ExpertiseIn(
                technology="python",
                current_expertise_level=ExplorationDepth.surface,
                confidence_rating=Decimal("0.5"),
                hours_of_experience=Decimal("12.5"),
            ),
        )
        spare = tokens.create_token(scope, TokenIn(name="spare"), now, base_url)
        feed = tokens.create_token(scope, TokenIn(name="reader", kind="feed"), now, base_url)
        source = sources.create_source(
            session,
            box_from_settings(app.state.settings),
            SourceIn(
                source_name=f"world-source-{uuid.uuid4().hex[:8]}",
                source_type="github_api",
                base_url="https://api.github.com",
                authentication_type="api_key",
                api_key=SOURCE_API_KEY,
            ),
            admin.user_id,
        )
        model = models.register_model(
            session,
            ModelIn(model_name=f"world-model-{uuid.uuid4().hex[:8]}", version="1.0", model_type="embedding"),
            admin.user_id,
        )
        python = session.scalars(select(Technology).where(Technology.slug == "python")).one()
        if session.get(TechnologyTrend, python.id) is None:
            session.add(
                TechnologyTrend(
                    trend_id=python.id,
                    trend_name=python.name,
                    ecosystem_id=python.ecosystem,
                    momentum_score=Decimal("1.25"),
                    learning_priority_score=Decimal("7.50"),
                    scores_as_of=now.date(),
                )
            )
            session.flush()
        session.add(TechnologyFollow(user_id=owner.user_id, technology_id=python.id))
        notification = TrendNotification(
            user_id=owner.user_id,
            trend_id=python.id,
            subject_type="technology",
            subject_id=python.id,
            notification_type="momentum_spike",
            title="Python: momentum spike",
            dedupe_key=f"world:{uuid.uuid4().hex}",
            trend_change_details={"momentum_score": "1.25"},
        )
        session.add(notification)
        session.flush()
    with TestClient(app) as client:
        yield World(
            db=db,
            app=app,
            client=client,
            owner=owner,
            other=other,
            admin=admin,
            expertise_id=expertise.id,
            spare_token_id=spare.id,
            feed_token=feed.token,
            feed_token_id=feed.id,
            source_id=source.id,
            model_id=model.model_id,
            notification_id=notification.notification_id,
        )


@pytest.fixture
def world(db: Database, cheap_password_hashing: None) -> Iterator[World]:
    """A fresh world inside the test's rolled-back transaction."""
    yield from build_world(db)


SECRET_FIELD_NAMES = ("password_hash", "token_hash", "api_key_encrypted")


def stored_secrets(db: Database) -> list[str]:
    """Every credential digest and encrypted key stored in the database, and the world's clear API key."""
    from frontier.accounts.models import AccessToken, User, UserSession
    from frontier.ingest.models import ExternalDataSource

    with db.session() as session:
        values = [
            *session.scalars(select(User.password_hash).where(User.password_hash.is_not(None))),
            *session.scalars(select(AccessToken.token_hash)),
            *session.scalars(select(UserSession.token_hash)),
            *session.scalars(
                select(ExternalDataSource.api_key_encrypted).where(
                    ExternalDataSource.api_key_encrypted.is_not(None)
                )
            ),
        ]
    return [v for v in values if v] + [SOURCE_API_KEY]


def assert_no_secrets(response: Any, secrets: list[str], sent: str = "") -> None:
    """The answer (body and headers) holds no password hash, token digest, encrypted or clear stored key.

    A secret column's name may appear only when the request itself sent it (a 422 naming the refused field).
    """
    text = response.text + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    assert "$argon2" not in text, "an argon2 password hash leaked"
    for name in SECRET_FIELD_NAMES:
        assert name in sent or name not in text, f"a response names the secret column {name}"
    leaked = [value[:12] + "…" for value in secrets if value in text]
    assert not leaked, f"stored secrets leaked: {leaked}"


def assert_problem(response: Any, status: int | None = None) -> dict[str, Any]:
    """A problem-details answer (RFC 9457) with a 4xx status (or exactly ``status``); returns its body."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    if status is not None:
        assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"] == PROBLEM_JSON, response.headers.get("content-type")
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    assert body["title"]
    return body


def assert_invalid(response: Any, field: str) -> dict[str, Any]:
    """A 422 problem whose ``errors`` name ``field`` (exactly, or as the first part of a dotted name)."""
    body = assert_problem(response, 422)
    fields = [error["field"] for error in body["errors"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), (field, body["errors"])
    assert all(error["problem"] for error in body["errors"])
    return body
