"""Alerts a person can read: the Atom feed's entries say what happened in a sentence and link to the
technology's trend; feedparser reads the feed without complaint."""

from __future__ import annotations

import re
import uuid

import feedparser
from sqlalchemy import text
from sqlalchemy.orm import Session

from frontier.db.session import Database
from frontier.trends.alerts import alert_sentence
from frontier.trends.analytics import compute_scores
from frontier.trends.feeds import alerts_atom
from tests.trends.test_analytics import AS_OF, follow_a_riser

BASE = "https://frontier.example"


def _user(session: Session, email: str) -> uuid.UUID:
    found: uuid.UUID = session.execute(
        text("INSERT INTO users (email, display_name) VALUES (:e, 'F') RETURNING id"), {"e": email}
    ).scalar_one()
    return found


def test_feed_entries_are_sentences_with_a_link(db: Database) -> None:
    with db.session() as session:
        user, _ = follow_a_riser(session)
        compute_scores(session, AS_OF)
        xml = alerts_atom(session, user, BASE, self_url=f"{BASE}/feeds/token/alerts.atom")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries and all(e.link == f"{BASE}/api/v1/trends/syn-riser" for e in parsed.entries)
    sentences = {e.title: e.content[0].value for e in parsed.entries}
    moved = [title for title in sentences if title.startswith("syn-riser moved from ")]
    assert len(moved) == 1 and moved[0].endswith(" to rising")
    assert re.fullmatch(
        r"syn-riser moved from \w+ to rising: momentum \d+\.\d → \d+\.\d in 365 days", sentences[moved[0]]
    )
    # the momentum jumped too: that alert says by how much
    assert all(
        re.fullmatch(r"syn-riser's momentum rose \d+\.\d points: \d+\.\d → \d+\.\d in 365 days", sentence)
        for title, sentence in sentences.items()
        if title not in moved
    )


def test_a_feed_without_alerts_parses_too(db: Database) -> None:
    with db.session() as session:
        user = _user(session, "quiet@example.org")
        xml = alerts_atom(session, user, BASE, self_url=f"{BASE}/feeds/token/alerts.atom")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Frontier alerts" and parsed.entries == []


def test_spikes_and_older_alerts_read_as_sentences() -> None:
    spike = {"momentum_score": 7.4, "month_ago": 5.1, "since": "2025-08-01", "on": "2025-09-01"}
    assert alert_sentence("momentum_spike", "Rust", spike) == (
        "Rust's momentum rose 2.3 points: 5.1 → 7.4 in 31 days"
    )
    older = {"from": "mainstream", "to": "rising", "since": "2025-08-01", "momentum_score": 7.4}
    assert (
        alert_sentence("emerging_trend", "Rust", older)
        == "Rust moved from mainstream to rising (momentum now 7.4)"
    )
