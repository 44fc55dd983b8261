"""Learning content: the demo import (free-programming-books, shipped in ``discovery/data``) and RSS/Atom
entries, both turned into exploration_content rows and their session-sized units by the rules below.

Sections. The heading path ("Python > Django") with HTML anchors (``<a id="cpp"></a>``) and Markdown escapes
(``C\\#``) removed. A few source headings sit one level too high, so the derivation nested their siblings
under them (the interactive list puts every language under "Ada"; the course list puts JavaScript's
sub-headings from "Astro" on under "Astro", "Nest.js" and "TypeScript"; "Vulkan" sits under "Visual
Prolog"). The files' alphabetical heading order shows the true nesting; ``MISNESTED`` records it and the
import re-parents.

Technologies. Each heading of the path resolves through the catalogue's slugs and aliases
(``resolve_names``); a heading that does not resolve as a whole resolves by its parts around " / ",
" and " or " & " ("HTML and CSS" -> html, css; "Bash / Shell" -> shell). ``technology_ids`` are the resolved
technologies; ``technology_keywords`` their slugs, then the unresolved headings in lower case;
``ecosystem_tags`` the resolved technologies' ecosystems. Sections where nothing resolves are reported.

Kind, mode, format. book -> reading, course -> watching, interactive -> interactive, cast -> listening
(a screencast -> watching; a course whose notes name a text format -> reading). ``format`` is the first
format the notes name (pdf, html, epub, kindle, mobi, markdown, asciidoc, notebook, ibooks, video, audio),
otherwise by kind: book html, course video, interactive interactive, cast audio (a screencast video),
article html.

Minutes. A duration the title states wins ("in 1 Hour" 60, "3 Hours" 180, "80 minutes" 80; "Learn X in Y
minutes" pages 30). Otherwise a crash course is 90 (one 1-2 hour video), else by kind: book 600 (a 250-300
page technical book at about two minutes a page), course 360 (free full courses run 4-8 hours), interactive
90 (a guided tutorial of a few lessons), podcast 45 (the item is a show: sampling it is one episode),
screencast 20, article 10. Formats ("(PDF)", "(HTML)") do not change the length; days ("in 30 Days") are not
a duration of work.

Depth. Keywords in the title and notes: surface ("introduction", "beginner", "learn", "crash course",
"basics", "101", ...); deep ("advanced", "deep dive", "in depth", "mastering", "specification"); expert
("expert", "internals", "under the hood"). Both ends at once ("From Beginner to Expert") or none: moderate.
``trend_alignment`` and ``innovation_potential`` stay NULL: nothing in the data measures them (trend alignment
can later come from the technologies' trend scores).

Units. An item is ceil(minutes / 25) units, in order, sharing its minutes evenly (sizes differ by at most one
minute, so there is no stub at the end): an item of up to 25 minutes is one unit, every unit fits a
25-minute session (so a 25-minute budget can start any item), a book is 24 units and a course 15, and
progress resumes at the next unit. Units are rebuilt only when
an item's minutes change, by position, so unit 1 (the item's ``unit_id``) and progress on kept positions
survive.

Import. ``external_key`` is the URL; repeated URLs keep their first entry; links that are not http(s) (the
lists' cross-references) are skipped. Importing twice equals once: unchanged rows are not rewritten.
"""

from __future__ import annotations

import gzip
import html
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, cast

from sqlalchemy import ARRAY, Table, Text, any_, func, literal, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from frontier.cache.notify import announce
from frontier.catalog.models import Technology
from frontier.catalog.repository import resolve_names
from frontier.db.base import ExplorationDepth, LearningMode, TechEcosystem
from frontier.discovery.content.models import ExplorationContent
from frontier.ingest.connectors.base import FeedEntry

DEMO_DATA = resources.files("frontier.discovery") / "data" / "free-programming-books.jsonl.gz"
DEMO_SOURCE = "free-programming-books"
FEED_SOURCE = "rss"
Progress = Callable[[str, int], None]

UNIT_MINUTES = 25
KIND_MINUTES = {"book": 600, "course": 360, "interactive": 90, "cast": 45, "article": 10}
SCREENCAST_MINUTES = 20
CRASH_COURSE_MINUTES = 90
ONE_PAGE_TOUR_MINUTES = 30
KIND_MODE = {
    "book": LearningMode.reading,
    "course": LearningMode.watching,
    "cast": LearningMode.listening,
} | {
    "interactive": LearningMode.interactive,
    "article": LearningMode.reading,
}
DEFAULT_FORMAT = {"book": "html", "course": "video", "interactive": "interactive", "cast": "audio"}
TEXT_FORMATS = frozenset(
    {"pdf", "html", "epub", "kindle", "mobi", "markdown", "asciidoc", "notebook", "ibooks"}
)
FORMAT_WORDS = {word: word for word in TEXT_FORMATS | {"video"}} | {
    **{"ipynb": "notebook", "ibook": "ibooks", "gitbook": "html"},
    **{"youtube": "video", "screencast": "video", "podcast": "audio"},
}
SURFACE = r"introduction|intro to|beginners?|learn|crash course|basics|101|primer|getting started|first steps"
SURFACE += r"|for dummies|fundamentals|essentials|quick ?start"
DEEP = r"advanced|deep dive|in[ -]depth|mastering|specification"
EXPERT = r"experts?|internals|under the hood"
# (source file, heading) -> the path the heading's sub-headings really belong to ("" = top level).
MISNESTED = {
    ("more/free-programming-interactive-tutorials-en.md", "Ada"): "",
    ("books/free-programming-books-langs.md", "Visual Prolog"): "",
    ("courses/free-courses-en.md", "Astro"): "JavaScript",
    ("courses/free-courses-en.md", "Nest.js"): "JavaScript",
    ("courses/free-courses-en.md", "TypeScript"): "JavaScript",
}
CONTENT_FIELDS = (
    *("title", "description", "url", "section", "kind", "format", "source", "technology_keywords"),
    *("technology_ids", "ecosystem_tags", "exploration_mode", "depth", "estimated_time_minutes"),
)
_ANCHOR = re.compile(r"<a\s[^>]*>\s*</a>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")


@dataclass
class ImportReport:
    """What an import found and wrote."""

    items: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    units_written: int = 0
    duplicates: int = 0
    skipped: int = 0
    unmatched_sections: list[str] = field(default_factory=list)


def unescape(value: str) -> str:
    """Text without HTML anchors, Markdown backslash escapes and HTML entities."""
    value = _ANCHOR.sub("", value)
    return html.unescape(_ESCAPE.sub(lambda match: match.group(1), value)).strip()


def section_path(section: str, source: str = "") -> list[str]:
    """The cleaned headings of a section, with mis-nested headings re-parented (see MISNESTED)."""
    headings = [h for h in (unescape(part) for part in section.split(" > ")) if h]
    if headings and (source, headings[0]) in MISNESTED:
        parent = [p for p in MISNESTED[(source, headings[0])].split(" > ") if p]
        headings = [*parent, *(headings[1:] or headings[:1])]
    return headings


def split_units(minutes: int) -> list[int]:
    """Unit lengths of an item: ceil(minutes / 25) near-equal parts, longest first, summing to ``minutes``."""
    count = max(1, math.ceil(minutes / UNIT_MINUTES))
    base, extra = divmod(minutes, count)
    return [base + 1 if position < extra else base for position in range(count)]


def stated_minutes(title: str) -> int | None:
    """A duration the title states, in minutes, or None."""
    lowered = title.lower()
    if hours := re.search(r"(\d+(?:\.\d+)?)\+?\s*(?:hours?|hrs?)\b", lowered):
        return max(1, round(float(hours.group(1)) * 60))
    if re.search(r"\b(?:one|an|1)\s+hour\b", lowered):
        return 60
    if minutes := re.search(r"(\d+)\+?\s*min(?:ute)?s?\b", lowered):
        return max(1, int(minutes.group(1)))
    return ONE_PAGE_TOUR_MINUTES if re.search(r"\bin y minutes\b", lowered) else None


def estimate_minutes(kind: str, title: str, notes: Sequence[str]) -> int:
    """Estimated minutes of an item (rules in the module docstring)."""
    if (stated := stated_minutes(title)) is not None:
        return stated
    if "crash course" in title.lower():
        return CRASH_COURSE_MINUTES
    if kind == "cast" and _is_screencast(notes):
        return SCREENCAST_MINUTES
    return KIND_MINUTES.get(kind, KIND_MINUTES["course"])


def _is_screencast(notes: Sequence[str]) -> bool:
    return any("screencast" in note.lower() for note in notes)


def content_format(kind: str, notes: Sequence[str]) -> str:
    """The first format the notes name, else the kind's default."""
    for note in notes:
        for word in re.split(r"[,+/]", note.lower()):
            if (found := FORMAT_WORDS.get(word.strip())) is not None:
                return found
    return "video" if kind == "cast" and _is_screencast(notes) else DEFAULT_FORMAT.get(kind, "html")


def exploration_mode(kind: str, fmt: str) -> LearningMode:
    """How an item is taken in, from its kind and format."""
    if kind == "cast" and fmt == "video":
        return LearningMode.watching
    if kind == "course" and fmt in TEXT_FORMATS:
        return LearningMode.reading
    return KIND_MODE.get(kind, LearningMode.reading)


def depth_of(*texts: str) -> ExplorationDepth:
    """Depth from keywords (module docstring); both ends or none give moderate."""
    lowered = " ".join(texts).lower()

    def has(pattern: str) -> bool:
        return re.search(rf"\b(?:{pattern})\b", lowered) is not None

    surface, deep, expert = has(SURFACE), has(DEEP), has(EXPERT)
    if surface == (deep or expert):
        return ExplorationDepth.moderate
    if surface:
        return ExplorationDepth.surface
    return ExplorationDepth.expert if expert else ExplorationDepth.deep


@dataclass(frozen=True)
class _Catalogue:
    """Heading -> resolved technologies (slug, id, ecosystem), from one round trip to resolve_names."""

    by_name: dict[str, list[tuple[str, Any, TechEcosystem]]]

    def technologies(self, headings: Sequence[str]) -> tuple[list[tuple[str, Any, TechEcosystem]], list[str]]:
        found: dict[str, tuple[str, Any, TechEcosystem]] = {}
        unresolved = []
        for heading in headings:
            matches = self.by_name.get(heading, [])
            found.update((m[0], m) for m in matches)
            if not matches:
                unresolved.append(heading.lower())
        return list(found.values()), unresolved


def _candidates(heading: str) -> list[str]:
    return [heading, *(p for p in re.split(r" / | and | & ", heading) if p != heading)]


def _catalogue(session: Session, headings: Iterable[str]) -> _Catalogue:
    names = {c for heading in set(headings) for c in _candidates(heading)}
    resolved = resolve_names(session, sorted(names))
    ids = {i for i in resolved.values() if i is not None}
    rows = session.execute(
        select(Technology.id, Technology.slug, Technology.ecosystem).where(Technology.id.in_(ids))
    )
    known = {row.id: (row.slug, row.id, TechEcosystem(row.ecosystem)) for row in rows}
    by_name: dict[str, list[tuple[str, Any, TechEcosystem]]] = {}
    for heading in set(headings):
        whole = resolved.get(heading)
        parts = [whole] if whole is not None else [resolved.get(p) for p in _candidates(heading)[1:]]
        by_name[heading] = [known[i] for i in parts if i is not None]
    return _Catalogue(by_name)


def _technology_columns(
    technologies: Sequence[tuple[str, Any, TechEcosystem]], keywords: Sequence[str]
) -> dict[str, Any]:
    return {
        "technology_keywords": list(dict.fromkeys([slug for slug, _, _ in technologies] + list(keywords))),
        "technology_ids": [technology_id for _, technology_id, _ in technologies],
        "ecosystem_tags": sorted({ecosystem for _, _, ecosystem in technologies}),
    }


def read_demo_entries() -> list[dict[str, Any]]:
    """The shipped free-programming-books entries, in file order."""
    with gzip.open(str(DEMO_DATA), "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _demo_row(catalogue: _Catalogue, entry: dict[str, Any], headings: list[str]) -> dict[str, Any]:
    kind, title, notes = entry["kind"], unescape(entry["title"]), [unescape(n) for n in entry["notes"]]
    fmt = content_format(kind, notes)
    return dict(
        _technology_columns(*catalogue.technologies(headings)),
        section=" > ".join(headings) or None,
        external_key=entry["url"],
        url=entry["url"],
        title=title[:500],
        description=None,
        kind=kind,
        format=fmt,
        source=DEMO_SOURCE,
        exploration_mode=exploration_mode(kind, fmt),
        depth=depth_of(title, *notes),
        estimated_time_minutes=estimate_minutes(kind, title, notes),
    )


def demo_item_count() -> int:
    """How many items the demo import writes (distinct http(s) URLs), e.g. for a progress bar."""
    return len({e["url"] for e in read_demo_entries() if e["url"].startswith(("http://", "https://"))})


def import_demo_content(session: Session, progress: Progress | None = None) -> ImportReport:
    """Upsert the demo's learning content and its units in the session's transaction."""
    report = ImportReport()
    entries: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for entry in read_demo_entries():
        if not entry["url"].startswith(("http://", "https://")):
            report.skipped += 1
        elif entry["url"] in entries:
            report.duplicates += 1
        else:
            entries[entry["url"]] = (entry, section_path(entry["section"], entry["source"]))
    catalogue = _catalogue(session, {h for _, headings in entries.values() for h in headings})
    rows = [_demo_row(catalogue, entry, headings) for entry, headings in entries.values()]
    report.unmatched_sections = sorted(
        {row["section"] for row in rows if row["section"] and not row["technology_ids"]}
    )
    _upsert(session, rows, report)
    if progress is not None:
        progress("content", len(rows))
    return report


def import_feed_entries(session: Session, entries: Sequence[FeedEntry]) -> ImportReport:
    """Upsert RSS/Atom entries as 10-minute, one-unit articles: technologies from their tags, the section
    named after the first technology found (so an article joins that technology's section)."""
    report = ImportReport()
    chosen: dict[str, FeedEntry] = {}
    for entry in entries:
        key = entry.url or f"{entry.feed_url}#{entry.title}"
        if not entry.title:
            report.skipped += 1
        elif key in chosen:
            report.duplicates += 1
        else:
            chosen[key] = entry
    catalogue = _catalogue(session, {tag for e in chosen.values() for tag in e.tags})
    names = dict(session.execute(select(Technology.slug, Technology.name)).all())
    rows = []
    for key, entry in chosen.items():
        technologies, _ = catalogue.technologies(entry.tags)
        summary = unescape(re.sub(r"<[^>]+>", " ", entry.summary))  # plain text of the feed's HTML summary
        rows.append(
            dict(
                _technology_columns(technologies, [tag.lower() for tag in entry.tags]),
                section=names[technologies[0][0]] if technologies else None,
                external_key=key,
                url=entry.url,
                title=unescape(entry.title)[:500],
                description=re.sub(r"\s+", " ", summary).strip()[:1000] or None,
                kind="article",
                format="html",
                source=FEED_SOURCE,
                exploration_mode=LearningMode.reading,
                depth=depth_of(entry.title, *entry.tags),
                estimated_time_minutes=KIND_MINUTES["article"],
            )
        )
    _upsert(session, rows, report)
    return report


def _upsert(session: Session, rows: list[dict[str, Any]], report: ImportReport) -> None:
    """Insert new items, update changed ones (unchanged rows are not sent at all) and rebuild the units of
    items that are new or whose minutes changed."""
    report.items = len(rows)
    columns = [getattr(ExplorationContent, f) for f in CONTENT_FIELDS]
    stored = {
        key: values
        for key, *values in session.execute(
            select(ExplorationContent.external_key, *columns).where(
                ExplorationContent.external_key
                == any_(literal([row["external_key"] for row in rows], ARRAY(Text)))
            )
        )
    }
    changed = [row for row in rows if stored.get(row["external_key"]) != [row[f] for f in CONTENT_FIELDS]]
    report.unchanged = len(rows) - len(changed)
    if not changed:
        return
    table = cast(Table, ExplorationContent.__table__)
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["external_key"],
        set_={**{f: stmt.excluded[f] for f in CONTENT_FIELDS}, "updated_at": func.now()},
    )
    written = session.execute(
        stmt.returning(table.c.content_id, table.c.external_key, table.c.estimated_time_minutes), changed
    ).all()
    report.inserted = sum(1 for row in written if row.external_key not in stored)
    report.updated = len(written) - report.inserted
    minutes_index = CONTENT_FIELDS.index("estimated_time_minutes")
    rebuild = {
        row.content_id: row.estimated_time_minutes
        for row in written
        if row.external_key not in stored
        or stored[row.external_key][minutes_index] != row.estimated_time_minutes
    }
    report.units_written = _write_units(session, rebuild)
    announce(session, "content")  # cached searches and paths drop what they built from the old rows


# The units of many items in two statements: the same even split as split_units (a test checks they agree).
_UNITS_SQL = """
INSERT INTO exploration_units (unit_id, content_id, position, title, estimated_minutes)
SELECT CASE WHEN g = 1 THEN c.unit_id ELSE gen_random_uuid() END, c.content_id, g,
       CASE WHEN n.units > 1 THEN format('Part %s of %s', g, n.units) END,
       n.minutes / n.units + CASE WHEN g <= n.minutes % n.units THEN 1 ELSE 0 END
FROM unnest(CAST(:ids AS uuid[]), CAST(:minutes AS int[]), CAST(:units AS int[]))
     AS n(content_id, minutes, units)
JOIN exploration_content c ON c.content_id = n.content_id
CROSS JOIN LATERAL generate_series(1, n.units) AS g
ON CONFLICT (content_id, position)
DO UPDATE SET title = excluded.title, estimated_minutes = excluded.estimated_minutes
"""
_SURPLUS_UNITS_SQL = """
DELETE FROM exploration_units AS u
USING unnest(CAST(:ids AS uuid[]), CAST(:units AS int[])) AS n(content_id, units)
WHERE u.content_id = n.content_id AND u.position > n.units
"""


def _write_units(session: Session, minutes_by_item: dict[Any, int]) -> int:
    """Write the units of these items by position (unit 1 keeps the item's unit_id); drop surplus ones."""
    if not minutes_by_item:
        return 0
    params = {
        "ids": list(minutes_by_item),
        "minutes": list(minutes_by_item.values()),
        "units": [len(split_units(total)) for total in minutes_by_item.values()],
    }
    session.execute(text(_UNITS_SQL), params)
    session.execute(text(_SURPLUS_UNITS_SQL), params)
    return sum(params["units"])
