"""Personalised exploration paths (the seed's ``generate_personalized_exploration_path``, done right) and
contextual picks (its ``recommend_contextual_content``).

The database ranks the items for the person by their scoring class (``repository.PLAN_CANDIDATES``: a few
hundred classes, not every item), scores a pool of the best items of enough distinct technologies per unit
length exactly, and hands the exact planner the units an optimal plan of that pool may need; the plan is the
set worth most within the time budget over that pool, and every item says why it was chosen.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, text
from sqlalchemy.orm import Session

from frontier.discovery.embeddings import active_model
from frontier.discovery.paths import repository as sql
from frontier.discovery.paths.picks import context_scores, context_sql
from frontier.discovery.paths.planner import MAX_BUDGET_MINUTES, Candidate, PlanOptions
from frontier.discovery.paths.schemas import ContextIn, ContextPick, PathItem, PathOut
from frontier.discovery.paths.sessions import SessionItem, SessionPlan, counted_values, plan_session
from frontier.errors import FieldProblem, InvalidInput

OPTIONS = PlanOptions(max_per_technology=2, min_minutes=5, decay=0.6)


@dataclass(frozen=True)
class _Row:
    data: RowMapping

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def _candidates(
    session: Session,
    user_id: uuid.UUID,
    max_minutes: int,
    limit: int,
    extra: str = "",
    context: str = "0",
    **params: Any,
) -> list[RowMapping]:
    """The best ``limit`` next units by score (plus the SQL term ``context``) that fit ``max_minutes``
    (``sql.CANDIDATES``)."""
    statement = sql.CANDIDATES.replace("{extra}", extra).replace("{context}", context)
    return _run(session, statement, user_id, max_minutes, limit=limit, **params)


def _run(
    session: Session, statement: str, user_id: uuid.UUID, max_minutes: int, **params: Any
) -> list[RowMapping]:
    model = active_model(session)
    bound = {
        "user_id": user_id,
        "model_id": model.model_id if model else None,
        "max_minutes": max_minutes,
        **params,
    }
    return list(session.execute(text(statement), bound).mappings())


def _reasons(row: RowMapping) -> list[str]:
    why: list[str] = []
    if row["in_focus"]:
        why.append("matches your focus areas")
    if row["technology_name"] and row["adoption_rate"] is not None:
        growth = float(row["adoption_rate"]) * 100
        trend = "growing" if growth > 0 else "shrinking"
        why.append(
            f"{row['technology_name']} is {trend} {abs(growth):.1f}% a month (momentum {row['trend']:.1f})"
        )
    if row["in_style"]:
        why.append(f"in a way you like to learn ({row['exploration_mode']})")
    if row["level_fit"] >= 7 and row["depth"] is not None:
        why.append(f"fits your level ({row['depth']})")
    if row["similarity"] != 5 and row["similarity"] >= 6:
        why.append(f"close to what you explored recently (similarity {row['similarity'] / 10:.2f})")
    if row["position"] > 1:
        why.append(f"continues where you stopped (part {row['position']} of {row['unit_count']})")
    return why


def _prediction(row: RowMapping, score: float) -> dict[str, Any]:
    # Deterministic and derived from the row: no random "knowledge connections" as in the seed.
    return {
        "expected_engagement": round(min(10.0, score), 1),
        "trend_awareness_boost": round(float(row["trend"]), 1),
        "level_fit": int(row["level_fit"]),
        "finishes_item": int(row["position"]) == int(row["unit_count"]),
        "progress_after": f"{row['position']}/{row['unit_count']}",
    }


def _candidate(row: RowMapping) -> Candidate:
    return Candidate(
        unit_id=str(row["unit_id"]),
        content_id=str(row["content_id"]),
        minutes=int(row["minutes"]),
        score=float(row["score"]),
        technology=str(row["technology_id"]) if row["technology_id"] else None,
        depth=int(row["depth_rank"] if row["depth_rank"] is not None else 1),
        position=int(row["position"]),
        reasons=tuple(_reasons(row)),
    )


def score_content(
    session: Session, user_id: uuid.UUID, content_ids: Sequence[uuid.UUID | str]
) -> list[Candidate]:
    """The person's next unit of each listed item, scored exactly as ``plan_exploration`` scores it, in the
    order given; items the person has finished are left out. Lets a benchmark value another selection (the
    seed's greedy one) by the planner's objective."""
    if not content_ids:
        return []
    rows = _candidates(
        session,
        user_id,
        MAX_BUDGET_MINUTES,
        len(content_ids),
        sql.ONLY_CONTENT,
        content_ids=[str(c) for c in content_ids],
    )
    by_item = {str(r["content_id"]): _candidate(r) for r in rows}
    return [by_item[str(c)] for c in content_ids if str(c) in by_item]


def plan_exploration(session: Session, user_id: uuid.UUID, minutes: int) -> PathOut:
    """The plan for the person within ``minutes`` (``paths.sessions``: continue what they started, finish
    something, a few technologies), foundations first, each step with its link and reasons."""
    if not 1 <= minutes <= 480:
        raise InvalidInput([FieldProblem("minutes", "must be between 1 and 480")])
    found = _run(
        session,
        sql.PLAN_CANDIDATES,
        user_id,
        minutes,
        cap=OPTIONS.max_per_technology,
        min_minutes=OPTIONS.min_minutes,
    )
    items, unit_ids = _session_items(session, found, minutes)
    plan = plan_session(list(items.values()), minutes, OPTIONS.max_per_technology, OPTIONS.decay)
    by_item = {str(r["content_id"]): r for r in found}
    steps = _ordered_steps(plan, by_item, unit_ids)
    similarity = {str(c.unit_id): float(by_item[str(c.content_id)]["similarity"]) for c, _ in steps}
    rows = _path_details(session, user_id, [c for c, _ in steps], similarity)
    deepest = max((c.depth for c, _ in steps), default=0)
    out = [
        _path_item(sequence, rows[str(c.unit_id)], c, counted, items[str(c.content_id)], deepest)
        for sequence, (c, counted) in enumerate(steps, start=1)
    ]
    notice, needed = (None, None) if out else _empty_notice(session, minutes)
    return PathOut(
        budget_minutes=minutes,
        total_minutes=sum(c.minutes for c, _ in steps),
        objective=round(plan.value, 3),
        technologies=len({item.group for item, _ in plan.runs}),
        items=out,
        notice=notice,
        minutes_needed=needed,
    )


def _session_items(
    session: Session, found: Sequence[RowMapping], minutes: int
) -> tuple[dict[str, SessionItem], dict[str, list[str]]]:
    """Each candidate item with its remaining units (as many as the budget could hold), and their unit ids,
    by content id."""
    if not found:
        return {}, {}
    keys = [str(r["content_id"]) for r in found]
    units: dict[str, list[int]] = {}
    unit_ids: dict[str, list[str]] = {}
    # ids come as text and rows as tuples: a two-hour plan reads about a thousand units
    for content_id, unit_id, unit_minutes in session.execute(
        text(sql.REMAINING_UNITS),
        {
            "content_ids": keys,
            "positions": [int(r["position"]) for r in found],
            "max_units": minutes // OPTIONS.min_minutes,
        },
    ).tuples():
        units.setdefault(content_id, []).append(int(unit_minutes))
        unit_ids.setdefault(content_id, []).append(unit_id)
    items = {
        key: SessionItem(
            key=key,
            group=str(r["technology_id"]) if r["technology_id"] else key,
            score=float(r["score"]),
            unit_minutes=tuple(units[key]),
            started=int(r["position"]) > 1,
        )
        for key, r in zip(keys, found, strict=True)
    }
    return items, unit_ids


def _ordered_steps(
    plan: SessionPlan, found: dict[str, RowMapping], unit_ids: dict[str, list[str]]
) -> list[tuple[Candidate, float]]:
    """Every unit of the plan's runs with what it counts for; foundations first (depth ascending), then a
    technology's steps together (best technology first), an item's parts in order."""
    values = counted_values(plan.runs, OPTIONS.decay)
    counted = {item.key: v for (item, _), v in zip(plan.runs, values, strict=True)}
    group_best: dict[str, float] = {}
    for item, _ in plan.runs:
        group_best[item.group] = max(group_best.get(item.group, 0.0), item.score)
    steps = []
    for item, units in plan.runs:
        row = found[item.key]
        for offset in range(units):
            candidate = Candidate(
                unit_id=unit_ids[item.key][offset],
                content_id=item.key,
                minutes=item.unit_minutes[offset],
                score=item.score,
                technology=item.group,
                depth=int(row["depth_rank"]),
                position=int(row["position"]) + offset,
            )
            steps.append((candidate, counted[item.key] / units))
    steps.sort(
        key=lambda s: (
            s[0].depth,
            -group_best[str(s[0].technology)],
            s[0].technology,
            -s[0].score,
            str(s[0].content_id),
            s[0].position,
        )
    )
    return steps


def _path_item(
    sequence: int, row: RowMapping, c: Candidate, counted: float, item: SessionItem, deepest: int
) -> PathItem:
    why = [w for w in _reasons(row) if item.started or not w.startswith("continues where you stopped")]
    if c.depth < deepest:
        why.append(f"a foundation ({row['depth']}): it comes before the plan's deeper steps")
    if int(row["position"]) == int(row["unit_count"]) and int(row["unit_count"]) > 1:
        why.append(f"finishes {row['title']}")
    elif not why:
        why.append(f"part {row['position']} of {row['unit_count']}: scores {c.score:.1f} for you")
    return PathItem(
        sequence=sequence,
        unit_id=row["unit_id"],
        content_id=row["content_id"],
        title=row["title"],
        url=row["url"],
        section=row["section"],
        format=row["format"],
        depth=row["depth"],
        part=int(row["position"]),
        parts=int(row["unit_count"]),
        minutes=c.minutes,
        score=round(counted, 3),
        why=why,
        learning_outcome_prediction=_prediction(row, c.score),
    )


def _empty_notice(session: Session, minutes: int) -> tuple[str, int | None]:
    """Why nothing was planned, and the budget that would give a plan when a longer one would."""
    shortest = session.execute(text(sql.SHORTEST_UNIT), {"min_minutes": OPTIONS.min_minutes}).scalar()
    if shortest is None:
        return "There is nothing to explore yet: no content has been loaded.", None
    if shortest > minutes:
        return (
            f"Nothing fits in {minutes} minutes: the shortest unit you could start takes {shortest} minutes, "
            f"so {shortest} minutes or more would give a plan.",
            int(shortest),
        )
    return (
        f"Nothing left to explore within {minutes} minutes: you have done or skipped every unit that fits.",
        None,
    )


def _path_details(
    session: Session, user_id: uuid.UUID, chosen: Sequence[Candidate], similarity: dict[str, float]
) -> dict[str, RowMapping]:
    """What the path shows and explains about each chosen unit, by unit id."""
    if not chosen:
        return {}
    rows = _run(
        session,
        sql.PATH_DETAILS,
        user_id,
        MAX_BUDGET_MINUTES,
        content_ids=[str(c.content_id) for c in chosen],
        unit_ids=[str(c.unit_id) for c in chosen],
        positions=[c.position for c in chosen],
        minutes=[c.minutes for c in chosen],
        similarities=[similarity[str(c.unit_id)] for c in chosen],
        scores=[c.score for c in chosen],
    )
    return {str(r["unit_id"]): r for r in rows}


def contextual_picks(session: Session, user_id: uuid.UUID, context: ContextIn) -> list[ContextPick]:
    """Up to ten units suited to the device, connection, attention span and time available now: the best next
    units that fit the time by the person's score plus the moment's terms (``paths.picks``)."""
    text_only = context.connection in ("limited", "offline", "2g")
    no_video = context.connection == "3g"
    extra = sql.CONTEXT_FILTER + (" AND c.format NOT IN ('video')" if no_video else "")
    rows = _candidates(
        session,
        user_id,
        context.minutes,
        10,
        extra,
        context_sql(context),
        text_only=text_only,
        text_formats=list(sql.TEXT_FORMATS),
    )
    picks = []
    for row in rows:
        explanation = context_scores(row, context)
        picks.append(
            ContextPick(
                unit_id=row["unit_id"],
                content_id=row["content_id"],
                title=row["title"],
                url=row["url"],
                format=row["format"],
                minutes=int(row["minutes"]),
                score=round(float(row["score"]), 3),
                explanation=explanation,
                why=_reasons(row),
            )
        )
    picks.sort(key=lambda p: (-p.score, str(p.unit_id)))
    return picks[:10]
