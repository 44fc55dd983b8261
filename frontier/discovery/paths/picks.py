"""How well a unit suits the moment (contextual picks): the device, the connection and the attention span,
as terms added to the person's score, in Python (to explain a pick) and in SQL (to choose the picks by them:
``paths.repository.CANDIDATES``' ``{context}``), from the same tables.

Each term changes which units come first, not only their order among the person's best: a phone prefers
pages, video and audio over fixed-page formats and units of at most ``PHONE_SPAN`` minutes; a connection
counts what a format costs it (and ``paths.contextual_picks`` filters out what it can't carry); the
attention term is largest for a unit as long as the span, so a short span puts the shortest units first
and a long one the units that use it.
"""

from __future__ import annotations

import math

from sqlalchemy import RowMapping

from frontier.discovery.paths import repository as sql
from frontier.discovery.paths.schemas import ContextIn

# How well a format reads on each device, 0-10: a phone shows pages, video and audio well, a PDF or an
# e-book's fixed pages poorly, and interactive exercises want a keyboard; a tablet handles all but exercises.
_DEVICE_FIT = {
    "mobile": {"pdf": 2.0, "epub": 5.0, "interactive": 3.0},
    "tablet": {"interactive": 6.0},
    "desktop": {},
}
_DEVICE_DEFAULT = {"mobile": 9.0, "tablet": 9.0, "desktop": 8.0}
# What a format costs the connection, 0-2: video is heavy, audio lighter, text nearly free. "limited",
# "2g" and "offline" carry text only and "3g" no video (filters in ``contextual_picks``).
_CONNECTION_FIT = {"4g": {"video": 1.0}, "3g": {"audio": 1.0}}
PHONE_SPAN = 15  # minutes
ATTENTION_WEIGHT = 8.0  # the attention term, 0-8: as much as the device term, so a span reorders the picks


def _span(context: ContextIn) -> int:
    """The attention span a pick is fitted to: on a phone at most ``PHONE_SPAN`` (read on the move, between
    other things, a shorter unit is the one that gets finished)."""
    return min(context.attention_span, PHONE_SPAN) if context.device == "mobile" else context.attention_span


def _attention_fit(minutes: int, attention_span: int) -> float:
    """1 when the unit lasts exactly the attention span, falling off on both sides (minutes/span below it,
    span/minutes above): a short span puts the shortest units first, a long one the units that use it."""
    return minutes / attention_span if minutes <= attention_span else attention_span / minutes


def context_scores(row: RowMapping, context: ContextIn) -> dict[str, float]:
    """The moment's terms of a pick, as ``context_sql`` adds them to the score, and the personal rest."""
    fmt = row["format"] or "html"
    terms = {
        "device_fit": _DEVICE_FIT[context.device].get(fmt, _DEVICE_DEFAULT[context.device]),
        "attention_fit": ATTENTION_WEIGHT * _attention_fit(int(row["minutes"]), _span(context)),
        "connection": _CONNECTION_FIT.get(context.connection, {}).get(fmt, 2.0),
    }
    personal = float(row["score"]) - math.fsum(terms.values())
    return {name: round(value, 3) for name, value in {**terms, "personal": personal}.items()}


def context_sql(context: ContextIn) -> str:
    """The moment's terms as SQL over an item's format and next unit (constants from validated input)."""

    def by_format(table: dict[str, float], default: float) -> str:
        cases = " ".join(f"WHEN '{fmt}' THEN {value}" for fmt, value in sorted(table.items()))
        return f"(CASE coalesce(c.format, 'html') {cases} ELSE {default} END)" if cases else str(default)

    span = float(_span(context))
    m = sql.NEXT_MINUTES
    attention = (
        f"{ATTENTION_WEIGHT} * coalesce(CASE WHEN {m} <= {span} THEN {m} / {span} ELSE {span} / {m} END, 0)"
    )
    device = by_format(_DEVICE_FIT[context.device], _DEVICE_DEFAULT[context.device])
    connection = by_format(_CONNECTION_FIT.get(context.connection, {}), 2.0)
    return f"({device} + {attention} + {connection})"
