"""Learning content: the demo import (idempotent, rules from the data) and RSS/Atom entries as articles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from frontier.catalog.models import Technology
from frontier.db.base import ExplorationDepth, LearningMode, TechEcosystem
from frontier.db.session import Database
from frontier.discovery.content.models import ExplorationContent, ExplorationUnit
from frontier.discovery.content.service import (
    content_format,
    demo_item_count,
    depth_of,
    estimate_minutes,
    exploration_mode,
    import_demo_content,
    import_feed_entries,
    section_path,
    split_units,
)
from frontier.ingest.connectors.base import FeedEntry

DEMO_ROWS = 4331
NOT_CONTENT = 2  # the lists' links to their sibling files
DUPLICATE_URLS = 88


def _counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(ExplorationContent)) or 0,
        session.scalar(select(func.count()).select_from(ExplorationUnit)) or 0,
    )


def _slugs(session: Session, url: str) -> set[str]:
    ids = session.scalar(
        select(ExplorationContent.technology_ids).where(ExplorationContent.external_key == url)
    )
    return set(session.scalars(select(Technology.slug).where(Technology.id.in_(ids or []))))


def _item(session: Session, section: str, title_like: str) -> ExplorationContent:
    query = select(ExplorationContent).where(
        ExplorationContent.section == section, ExplorationContent.title.like(title_like)
    )
    return session.execute(query.limit(1)).scalar_one()


@pytest.fixture
def demo(db: Database) -> Database:
    """The database with the demo content imported (a no-op if the demo load already did it)."""
    with db.session() as session:
        import_demo_content(session)
    return db


def test_import_counts_every_distinct_url_once(db: Database) -> None:
    with db.session() as session:
        report = import_demo_content(session)
    assert report.skipped == NOT_CONTENT and report.duplicates == DUPLICATE_URLS
    assert report.items == DEMO_ROWS - NOT_CONTENT - DUPLICATE_URLS
    assert report.inserted + report.updated + report.unchanged == report.items == demo_item_count()


def test_importing_twice_equals_importing_once(demo: Database) -> None:
    with demo.session() as session:
        before = _counts(session)
        report = import_demo_content(session)
        assert _counts(session) == before
    assert (report.inserted, report.updated, report.units_written) == (0, 0, 0)
    assert report.unchanged == report.items == before[0]


def test_units_sum_to_the_item_and_run_from_one(demo: Database) -> None:
    with demo.session() as session:
        broken = session.execute(
            text(
                "SELECT count(*) FROM exploration_content c JOIN LATERAL ("
                " SELECT sum(estimated_minutes) AS minutes, count(*) AS n, min(position) AS first,"
                " max(position) AS last, max(estimated_minutes) AS longest FROM exploration_units u"
                " WHERE u.content_id = c.content_id) u ON true"
                " WHERE u.minutes IS DISTINCT FROM c.estimated_time_minutes OR u.first <> 1 OR u.last <> u.n"
                " OR u.longest > 25"
            )
        ).scalar_one()
        first_units = session.execute(
            text(
                "SELECT count(*) FROM exploration_content c JOIN exploration_units u ON u.unit_id = c.unit_id"
                " WHERE u.content_id = c.content_id AND u.position = 1"
            )
        ).scalar_one()
        total = session.scalar(select(func.count()).select_from(ExplorationContent))
    assert broken == 0
    assert first_units == total


def test_a_book_is_split_into_session_sized_units(demo: Database) -> None:
    with demo.session() as session:
        book = _item(session, "Python > Django", "%")
        units = session.scalars(
            select(ExplorationUnit).where(ExplorationUnit.content_id == book.content_id).order_by("position")
        ).all()
    assert book.kind == "book" and book.estimated_time_minutes == 600
    assert [u.estimated_minutes for u in units] == [25] * 24
    assert units[0].unit_id == book.unit_id and units[-1].title == "Part 24 of 24"


def test_sections_resolve_through_aliases(demo: Database) -> None:
    with demo.session() as session:
        cpp = _item(session, "C++", "%")
        react = _item(session, "JavaScript > React", "%")
        assert _slugs(session, cpp.external_key) == {"cpp"}
        assert _slugs(session, react.external_key) == {"javascript", "react"}
        assert set(react.ecosystem_tags) == {TechEcosystem.programming_languages, TechEcosystem.web_frontend}
        bootstrap = _item(session, "HTML and CSS > Bootstrap", "%")
        assert _slugs(session, bootstrap.external_key) == {"html", "css", "bootstrap"}
        shell = _item(session, "Bash / Shell", "%")
        assert _slugs(session, shell.external_key) == {"shell"}


def test_misnested_headings_are_reparented(demo: Database) -> None:
    with demo.session() as session:
        sections = set(session.scalars(select(ExplorationContent.section).distinct()))
        try_objc = session.execute(
            select(ExplorationContent).where(
                ExplorationContent.external_key == "http://tryobjectivec.codeschool.com"
            )
        ).scalar_one()
    assert not any(s.startswith(("Ada >", "Nest.js >", "Astro >", "Visual Prolog >")) for s in sections if s)
    assert {"Ada", "Python", "Vulkan", "JavaScript > Nest.js", "JavaScript > D3.js"} <= sections
    assert try_objc.section == "Objective-C"


def test_unmatched_sections_are_reported(db: Database) -> None:
    with db.session() as session:
        report = import_demo_content(session)
    assert "Mathematics > Algebra" in report.unmatched_sections
    assert "Python" not in report.unmatched_sections
    assert "Python > Django" not in report.unmatched_sections


def test_a_title_change_updates_the_row_but_keeps_its_units(demo: Database) -> None:
    with demo.session() as session:
        book = _item(session, "Python > Django", "%")
        units_before = set(
            session.scalars(
                select(ExplorationUnit.unit_id).where(ExplorationUnit.content_id == book.content_id)
            )
        )
        session.execute(
            update(ExplorationContent)
            .where(ExplorationContent.content_id == book.content_id)
            .values(title="x")
        )
        report = import_demo_content(session)
        units_after = set(
            session.scalars(
                select(ExplorationUnit.unit_id).where(ExplorationUnit.content_id == book.content_id)
            )
        )
        session.refresh(book)
    assert (report.updated, report.units_written) == (1, 0)
    assert book.title != "x" and units_after == units_before


def test_changed_minutes_rebuild_units_by_position(demo: Database) -> None:
    with demo.session() as session:
        book = _item(session, "Python > Django", "%")
        session.execute(
            text("DELETE FROM exploration_units WHERE content_id = :c AND position > 2"),
            {"c": book.content_id},
        )
        session.execute(
            update(ExplorationContent)
            .where(ExplorationContent.content_id == book.content_id)
            .values(estimated_time_minutes=50)
        )
        report = import_demo_content(session)
        minutes = session.scalars(
            select(ExplorationUnit.estimated_minutes).where(ExplorationUnit.content_id == book.content_id)
        ).all()
        first = session.scalar(
            select(ExplorationUnit.unit_id).where(
                ExplorationUnit.content_id == book.content_id, ExplorationUnit.position == 1
            )
        )
    assert report.updated == 1 and report.units_written == 24
    assert sum(minutes) == 600 and len(minutes) == 24
    assert first == book.unit_id


def test_feed_entries_become_one_unit_articles(db: Database) -> None:
    entries = [
        FeedEntry(
            feed_url="https://blog.example.org/feed.xml",
            title="Announcing Rust 9.1",
            url="https://blog.example.org/rust-9-1",
            published=datetime(2026, 11, 1, tzinfo=UTC),
            summary="<p>The Rust team is happy to announce <b>Rust 9.1</b> &amp; more.</p>",
            tags=("rust", "release"),
        ),
        FeedEntry(
            "https://blog.example.org/feed.xml",
            "Announcing Rust 9.1",
            "https://blog.example.org/rust-9-1",
            None,
            "",
            (),
        ),
        FeedEntry("https://blog.example.org/feed.xml", "", None, None, "no title", ()),
    ]
    with db.session() as session:
        report = import_feed_entries(session, entries)
        again = import_feed_entries(session, entries[:1])
        item = session.execute(
            select(ExplorationContent).where(
                ExplorationContent.external_key == "https://blog.example.org/rust-9-1"
            )
        ).scalar_one()
        units = session.scalars(
            select(ExplorationUnit).where(ExplorationUnit.content_id == item.content_id)
        ).all()
        slugs = _slugs(session, item.external_key)
    assert (report.inserted, report.duplicates, report.skipped) == (1, 1, 1)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    assert (item.kind, item.estimated_time_minutes, item.section, item.source) == (
        "article",
        10,
        "Rust",
        "rss",
    )
    assert item.description == "The Rust team is happy to announce Rust 9.1 & more."
    assert slugs == {"rust"} and item.ecosystem_tags == [TechEcosystem.programming_languages]
    assert [(u.position, u.estimated_minutes, u.unit_id) for u in units] == [(1, 10, item.unit_id)]


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(10, [10]), (25, [25]), (26, [13, 13]), (45, [23, 22]), (90, [23, 23, 22, 22]), (600, [25] * 24)],
)
def test_split_units_fit_a_session_and_sum_to_the_item(minutes: int, units: list[int]) -> None:
    assert split_units(minutes) == units


@pytest.mark.parametrize(
    ("kind", "title", "notes", "minutes"),
    [
        ("book", "Two Scoops of Django", ["PDF"], 600),
        ("book", "Two Scoops of Django", [], 600),
        ("course", "Git Tutorial for Beginners: Learn Git in 1 Hour", [], 60),
        ("course", "Bash Scripting Full Course 3 Hours", [], 180),
        ("course", "Python in 80 minutes", ["Udemy"], 80),
        ("book", "Learn Go in Y minutes", [], 30),
        ("course", "Docker Crash Course Tutorial", [], 90),
        ("course", "Flexbox in 30 Days", [], 360),
        ("interactive", "Try Objective-C", [], 90),
        ("cast", "Talk Python To Me", ["podcast"], 45),
        ("cast", "RailsCasts", ["screencast"], 20),
    ],
)
def test_estimated_minutes_follow_the_documented_rules(
    kind: str, title: str, notes: list[str], minutes: int
) -> None:
    assert estimate_minutes(kind, title, notes) == minutes


def test_format_and_mode_come_from_notes_then_kind() -> None:
    assert content_format("book", ["HTML, PDF, ePUB + exercises"]) == "html"
    assert content_format("book", ["CC BY-SA", "PDF"]) == "pdf"
    assert content_format("book", []) == "html"
    assert content_format("course", ["Udemy"]) == "video"
    assert content_format("cast", ["screencast"]) == "video"
    assert exploration_mode("cast", "video") == LearningMode.watching
    assert exploration_mode("cast", "audio") == LearningMode.listening
    assert exploration_mode("course", "pdf") == LearningMode.reading
    assert exploration_mode("interactive", "interactive") == LearningMode.interactive


@pytest.mark.parametrize(
    ("title", "depth"),
    [
        ("Introduction to Ada", ExplorationDepth.surface),
        ("Docker Crash Course Tutorial", ExplorationDepth.surface),
        ("Advanced R", ExplorationDepth.deep),
        ("Linux Kernel Internals", ExplorationDepth.expert),
        ("Comprehensive Nest JS Course: From Beginner to Expert", ExplorationDepth.moderate),
        ("Deep Learning", ExplorationDepth.moderate),
        ("Two Scoops of Django", ExplorationDepth.moderate),
    ],
)
def test_depth_comes_from_keywords(title: str, depth: ExplorationDepth) -> None:
    assert depth_of(title) == depth


def test_section_paths_drop_anchors_and_fix_nesting() -> None:
    assert section_path('<a id="cpp"></a>C++') == ["C++"]
    assert section_path('<a id="csharp"></a>C\\#') == ["C#"]
    assert section_path("Ada > Python", "more/free-programming-interactive-tutorials-en.md") == ["Python"]
    assert section_path("Ada", "more/free-programming-interactive-tutorials-en.md") == ["Ada"]
    assert section_path("Astro > jQuery", "courses/free-courses-en.md") == ["JavaScript", "jQuery"]
    assert section_path("Astro", "courses/free-courses-en.md") == ["JavaScript", "Astro"]
    assert section_path("Ada > Python", "books/free-programming-books-langs.md") == ["Ada", "Python"]
