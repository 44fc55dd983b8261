"""Contextual picks react to the context: on the demo, the defaults answer with picks, and a limited
connection, a phone, a short and a long attention span each change which items come first, each compared
with the defaults for the same person."""

from __future__ import annotations

import statistics
import uuid

import pytest
from sqlalchemy.orm import Session

from frontier.db.session import Database
from frontier.discovery.paths.schemas import ContextIn, ContextPick
from frontier.discovery.paths.service import contextual_picks
from tests.discovery.test_paths import make_user

TEXT = {"html", "markdown", "pdf", "epub", "text"}


def picks(session: Session, user: uuid.UUID, **context: object) -> list[ContextPick]:
    return contextual_picks(session, user, ContextIn.model_validate(context))


def first(found: list[ContextPick], n: int = 3) -> list[uuid.UUID]:
    return [p.unit_id for p in found[:n]]


def mean_minutes(found: list[ContextPick], n: int = 5) -> float:
    return statistics.mean(p.minutes for p in found[:n])


@pytest.fixture(params=["{watching}", "{reading}"])
def person(db: Database, request: pytest.FixtureRequest) -> uuid.UUID:
    return make_user(db, focus="{web_frontend,programming_languages}", style=request.param)


def test_defaults_answer_with_picks(db: Database, person: uuid.UUID) -> None:
    with db.session() as session:
        found = picks(session, person)
    assert len(found) == 10
    defaults = ContextIn()
    assert all(p.minutes <= defaults.minutes for p in found)


def test_a_limited_connection_puts_text_first(db: Database) -> None:
    watcher = make_user(db, focus="{web_frontend,programming_languages}", style="{watching}")
    with db.session() as session:
        default = picks(session, watcher)
        limited = picks(session, watcher, connection="limited")
        fourg = picks(session, watcher, connection="4g")
    assert all(p.format == "video" for p in default[:3])  # what this person likes, on wifi
    assert limited and all(p.format in TEXT for p in limited)
    # 4G carries video but counts its cost: every video scores a point less for the connection
    assert all(p.explanation["connection"] == (1.0 if p.format == "video" else 2.0) for p in fourg)
    assert [p.score for p in fourg if p.format == "video"] == [
        p.score - 1 for p in default if p.format == "video"
    ][: sum(p.format == "video" for p in fourg)]


def test_a_phone_changes_what_comes_first(db: Database, person: uuid.UUID) -> None:
    with db.session() as session:
        default = picks(session, person)
        phone = picks(session, person, device="mobile")
    assert first(phone) != first(default)
    # shorter units (a phone session is at most 15 minutes of focus) and no format that reads poorly on it
    assert mean_minutes(phone) < mean_minutes(default)
    assert not any(p.format in {"pdf", "epub", "interactive"} for p in phone[:5])


def test_a_short_attention_span_puts_short_units_first(db: Database, person: uuid.UUID) -> None:
    with db.session() as session:
        default = picks(session, person)
        short = picks(session, person, attention_span=5)
    assert first(short) != first(default)
    assert mean_minutes(short) < mean_minutes(default)


def test_a_long_attention_span_puts_longer_units_first(db: Database, person: uuid.UUID) -> None:
    with db.session() as session:
        default = picks(session, person, attention_span=10)
        long = picks(session, person, attention_span=60)
    assert first(long) != first(default)
    assert mean_minutes(long) > mean_minutes(default)
