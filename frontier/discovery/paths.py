"""Personalised exploration paths (the seed's ``generate_personalized_exploration_path``, done right) and
contextual picks (its ``recommend_contextual_content``).

The database ranks the items for the person by their scoring class (``paths_sql.PLAN_CANDIDATES``: a few
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

from frontier.discovery import paths_sql as sql
from frontier.discovery.embeddings import active_model
from frontier.discovery.planner import (
    MAX_BUDGET_MINUTES,
    Candidate,
    PlanOptions,
    plan_path,
)
from frontier.discovery.schemas import ContextIn, ContextPick, PathItem, PathOut
from frontier.errors import FieldProblem, InvalidInput

OPTIONS = PlanOptions(max_per_technology=2, min_minutes=5, decay=0.6)


@dataclass(frozen=True)
class _Row:
    data: RowMapping

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def _candidates(
    session: Session, user_id: uuid.UUID, max_minutes: int, limit: int, extra: str = "", **params: Any
) -> list[RowMapping]:
    """The best ``limit`` next units by score that fit ``max_minutes`` (``sql.CANDIDATES``)."""
    return _run(
        session, sql.CANDIDATES.replace("{extra}", extra), user_id, max_minutes, limit=limit, **params
    )


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
    """The best set of units for the person within ``minutes``, foundations first, each with its reasons."""
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
    candidates = [
        Candidate(
            unit_id=str(r["unit_id"]),
            content_id=str(r["content_id"]),
            minutes=int(r["minutes"]),
            score=float(r["score"]),
            technology=str(r["technology_id"]) if r["technology_id"] else None,
            depth=int(r["depth_rank"]),
            position=int(r["position"]),
        )
        for r in found
    ]
    plan = plan_path(candidates, minutes, OPTIONS)
    similarity = {str(r["unit_id"]): float(r["similarity"]) for r in found}
    rows = _path_details(session, user_id, [p.candidate for p in plan.items], similarity)
    items = []
    for planned in plan.items:
        row = rows[str(planned.candidate.unit_id)]
        items.append(
            PathItem(
                sequence=planned.sequence,
                unit_id=uuid.UUID(str(planned.candidate.unit_id)),
                content_id=row["content_id"],
                title=row["title"],
                url=row["url"],
                section=row["section"],
                format=row["format"],
                part=int(row["position"]),
                parts=int(row["unit_count"]),
                minutes=planned.candidate.minutes,
                score=round(planned.counted_score, 3),
                # the candidates carried no reasons (only the chosen units are explained): the planner's own
                # (a discount) come after the row's, as ``planner._why`` orders them
                why=[*_reasons(row), *planned.why],
                learning_outcome_prediction=_prediction(row, planned.candidate.score),
            )
        )
    return PathOut(
        budget_minutes=minutes,
        total_minutes=plan.total_minutes,
        objective=round(plan.objective_value, 3),
        items=items,
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


def _fits(device: str, minutes: int, attention: int) -> float:
    if device == "mobile":
        return 10.0 if minutes <= attention else 6.0 if minutes <= 2 * attention else 2.0
    if device == "tablet":
        return 9.0 if minutes <= 15 else 5.0
    return 8.0


def contextual_picks(session: Session, user_id: uuid.UUID, context: ContextIn) -> list[ContextPick]:
    """Up to ten units suited to the device, connection, attention span and time available now."""
    text_only = context.connection in ("limited", "offline", "2g")
    no_video = context.connection == "3g"
    extra = sql.CONTEXT_FILTER + (" AND c.format NOT IN ('video')" if no_video else "")
    rows = _candidates(
        session,
        user_id,
        context.minutes,
        200,
        extra,
        text_only=text_only,
        text_formats=list(sql.TEXT_FORMATS),
    )
    picks = []
    for row in rows:
        fit = _fits(context.device, int(row["minutes"]), context.attention_span)
        attention = (
            3.0
            if row["minutes"] <= context.attention_span
            else 1.0
            if row["minutes"] <= 2 * context.attention_span
            else 0.0
        )
        connection = (
            2.0 if context.connection in ("wifi", "5g") else 1.0 if context.connection == "4g" else 0.0
        )
        personal = float(row["score"])
        total = round(fit + attention + connection + personal, 3)
        picks.append(
            ContextPick(
                unit_id=row["unit_id"],
                content_id=row["content_id"],
                title=row["title"],
                url=row["url"],
                format=row["format"],
                minutes=int(row["minutes"]),
                score=total,
                explanation={
                    "device_fit": fit,
                    "attention_fit": attention,
                    "connection": connection,
                    "personal": round(personal, 3),
                },
                why=_reasons(row),
            )
        )
    picks.sort(key=lambda p: (-p.score, str(p.unit_id)))
    return picks[:10]
