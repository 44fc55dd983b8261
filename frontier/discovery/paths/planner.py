"""The plan's vocabulary (``Candidate``, ``PlanOptions``, the budget limits) and the one-unit-per-item planner
the session planner grew from.

Plans are made by ``sessions.plan_session``, which continues started items, finishes what fits and
keeps to a few technologies; it reuses this module's objective (per-technology cap and decay). ``plan_path``
below picks at most one unit per item: it is kept as the reference that objective is defined and tested on
(tests/discovery/test_planner.py), not called by the product. What follows describes it.

The objective (what "the best plan" means)
-------------------------------------------
Given candidate units C, a budget B (1..480 minutes) and options (cap ``c``, minimum length ``L``, decay
``d`` in (0, 1]), a selection S ⊆ C is *feasible* when
  * its minutes add up to at most B;
  * every unit lasts at least L minutes;
  * at most c units share a technology (units without a technology are not limited: each is its own group);
  * no two units share a unit id or a content item.
Its value is
    value(S) = Σ over technologies t  Σ_{j=1..|S_t|}  s_t(j) · d^(j-1)   +   Σ over technology-less units  s
where s_t(1) >= s_t(2) >= … are the scores of S's units of technology t. The plan is a feasible S of
maximum value; among those, the one with the fewest minutes, then a fixed order (see ``_canonical``), so
equal inputs give equal plans whatever order they arrive in.

Why this objective and not "total score": the score is per unit, not per minute, so a plain total pays a
two-minute blurb as much as a forty-minute chapter and the optimum is a pile of fragments. A plan worth
following
  * fits the session (the budget is a hard limit, not a target: unused minutes cost nothing, and nothing is
    gained by the seed's "fill 90%" rule);
  * is made of steps long enough to learn something (``min_minutes``: shorter units are not offered);
  * has variety: a second unit on the same technology teaches less that is new than the first, so it counts
    ``d`` of its score (a third ``d²``…) and a close-scoring unit on another technology wins; a much
    stronger unit on the same technology still wins. ``max_per_technology`` caps it outright, so no plan
    is one technology's back catalogue.
The score still does not grow with length, so among units long enough to count, short ones fit more value
into the budget (and win exact ties through "fewest minutes"): ``min_minutes`` is the knob that keeps
fragments out, the decay and the cap are what stop a plan filling up with one topic's short pieces.

Inputs and exactness: each candidate is a content item's NEXT unit (the lowest position the user has not
completed), so a plan holds at most one unit per item and never needs intra-item precedence; the following
unit becomes a candidate next time. The solver is exact over the candidates given: no feasible subset of
them has a higher value. Which units it is given is the repository's choice (``repository.PLAN_CANDIDATES``: a
pool chosen by the score without its similarity term, then cut down by an exchange argument that keeps an
optimal plan of the pool), so a path is optimal relative to that pool, not to the whole catalogue.
Complexity O(N · min(c, group size) · B) time, one numpy operation over the budget axis per unit, and as
much boolean memory for the decisions (see ``knapsack``).

Order: foundations before depth — depth ascending, then technologies together (the technology with the
best unit first), then score descending. ``greedy_seed``, ``trim_to_constraints`` and ``objective`` let a
benchmark score the seed's greedy choice by this same objective.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from frontier.discovery.paths.knapsack import KnapsackItem, best_selection
from frontier.errors import FieldProblem, InvalidInput

MAX_BUDGET_MINUTES = 480
# The solver's time grows with the cap (O(N * cap * budget)); a 10th unit would count decay**9 (0.01 at 0.6).
MAX_PER_TECHNOLOGY = 10
DEPTHS = range(4)  # 0 surface, 1 practical, 2 deep, 3 expert


@dataclass(frozen=True)
class Candidate:
    """A unit the user could explore next: its item's next unit, with a score and the data behind it."""

    unit_id: str | uuid.UUID
    content_id: str | uuid.UUID
    minutes: int
    score: float
    technology: str | None  # the unit's main technology (id or slug); None: counted on its own
    depth: int  # 0 surface .. 3 expert
    position: int  # the unit's position within its content item (1 = first)
    reasons: tuple[str, ...] = ()  # why it scored as it did, computed from the data

    def __post_init__(self) -> None:
        problems = []
        if self.minutes < 1:
            problems.append(FieldProblem("minutes", "must be at least 1"))
        if not (math.isfinite(self.score) and self.score >= 0):
            problems.append(FieldProblem("score", "must be a finite number >= 0"))
        if self.depth not in DEPTHS:
            problems.append(FieldProblem("depth", "must be 0 (surface) .. 3 (expert)"))
        if self.position < 1:
            problems.append(FieldProblem("position", "must be at least 1"))
        if problems:
            raise InvalidInput(problems)


@dataclass(frozen=True)
class PlanOptions:
    """The objective's knobs (see the module docstring)."""

    max_per_technology: int = 2
    min_minutes: int = 5
    decay: float = 0.6

    def __post_init__(self) -> None:
        problems = []
        if not 1 <= self.max_per_technology <= MAX_PER_TECHNOLOGY:
            problems.append(FieldProblem("max_per_technology", f"must be 1..{MAX_PER_TECHNOLOGY}"))
        if self.min_minutes < 1:
            problems.append(FieldProblem("min_minutes", "must be at least 1"))
        if not 0 < self.decay <= 1:
            problems.append(FieldProblem("decay", "must be in (0, 1]"))
        if problems:
            raise InvalidInput(problems)


@dataclass(frozen=True)
class PlannedItem:
    """A chosen unit, its place in the path, the part of its score the objective counts, and why."""

    candidate: Candidate
    sequence: int  # 1-based
    counted_score: float
    why: tuple[str, ...] = ()  # the candidate's reasons, plus the planner's own when it discounted the unit


@dataclass(frozen=True)
class Plan:
    """An exploration path: items in order, their total minutes and the objective's value."""

    items: list[PlannedItem]
    total_minutes: int
    objective_value: float
    budget_minutes: int


def plan_path(candidates: Sequence[Candidate], budget: int, options: PlanOptions | None = None) -> Plan:
    """The optimal plan (module docstring) for ``budget`` minutes; empty if nothing useful fits.

    Raises ``InvalidInput`` for a budget outside 1..480 or a unit or content item given twice.
    """
    options = options or PlanOptions()
    _check_budget(budget)
    _check_unique(candidates)
    usable = [c for c in _canonical(candidates) if options.min_minutes <= c.minutes <= budget]
    groups = _groups(usable)
    picks = best_selection(
        [[KnapsackItem(c.minutes, c.score) for c in g] for g in groups],
        budget,
        options.max_per_technology,
        options.decay,
    )
    return _as_plan([groups[g][i] for g, i in picks], budget, options)


def objective(selection: Iterable[Candidate], options: PlanOptions | None = None) -> float:
    """The objective's value of ``selection`` (module docstring); the budget is the caller's to check.

    Raises ``InvalidInput`` if the selection breaks the cap, the minimum length or repeats a unit or item.
    """
    options = options or PlanOptions()
    chosen = list(selection)
    _check_unique(chosen)
    problems = [
        FieldProblem(str(c.unit_id), f"{c.minutes} min is shorter than {options.min_minutes}")
        for c in chosen
        if c.minutes < options.min_minutes
    ]
    for group in _groups(_canonical(chosen)):
        if len(group) > options.max_per_technology:
            problems.append(FieldProblem(str(group[0].technology), "more units than max_per_technology"))
    if problems:
        raise InvalidInput(problems)
    return math.fsum(weight for _, weight in _counted(chosen, options))


def greedy_seed(candidates: Sequence[Candidate], budget: int) -> list[Candidate]:
    """The seed's ``generate_personalized_exploration_path`` selection, in its order.

    Units longer than the budget are never offered (its WHERE); by score descending (ties keep the
    caller's order, as the seed's second key, trend alignment, is the repository's to apply), a unit is
    added if it still fits, and the loop stops once 90% of the budget is used.
    """
    chosen: list[Candidate] = []
    total = 0
    for c in sorted(candidates, key=lambda c: -c.score):
        if c.minutes > budget:
            continue
        if total + c.minutes <= budget:
            chosen.append(c)
            total += c.minutes
        if 10 * total >= 9 * budget:  # integer form of total >= budget * 0.9
            break
    return chosen


def trim_to_constraints(
    selection: Sequence[Candidate], options: PlanOptions | None = None
) -> list[Candidate]:
    """``selection`` without the units that break the minimum length or the cap, judged in its own order."""
    options = options or PlanOptions()
    kept: list[Candidate] = []
    per_technology: dict[str, int] = {}
    for c in selection:
        if c.minutes < options.min_minutes:
            continue
        if c.technology is not None:
            if per_technology.get(c.technology, 0) >= options.max_per_technology:
                continue
            per_technology[c.technology] = per_technology.get(c.technology, 0) + 1
        kept.append(c)
    return kept


def _check_budget(budget: int) -> None:
    if not 1 <= budget <= MAX_BUDGET_MINUTES:
        raise InvalidInput([FieldProblem("budget", f"must be 1..{MAX_BUDGET_MINUTES} minutes")])


def _check_unique(candidates: Sequence[Candidate]) -> None:
    for name, keys in (
        ("unit_id", [str(c.unit_id) for c in candidates]),
        ("content_id", [str(c.content_id) for c in candidates]),
    ):
        if len(set(keys)) != len(keys):
            raise InvalidInput([FieldProblem(name, "appears more than once among the candidates")])


def _canonical(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Technologies by name, technology-less units last; within each, score descending (the solver and the
    decay need that), then fewer minutes, then unit id — a total order, so ties are always broken alike."""
    return sorted(
        candidates,
        key=lambda c: (c.technology is None, c.technology or "", -c.score, c.minutes, str(c.unit_id)),
    )


def _groups(ordered: Sequence[Candidate]) -> list[list[Candidate]]:
    """Runs of one technology in canonical order; each technology-less unit alone."""
    groups: list[list[Candidate]] = []
    for c in ordered:
        if groups and c.technology is not None and groups[-1][0].technology == c.technology:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _counted(selection: Iterable[Candidate], options: PlanOptions) -> list[tuple[Candidate, float]]:
    """Each unit with the part of its score the objective counts: ``score * decay**(rank - 1)``."""
    return [
        (c, c.score * options.decay**rank)
        for group in _groups(_canonical(selection))
        for rank, c in enumerate(group)
    ]


def _as_plan(chosen: list[Candidate], budget: int, options: PlanOptions) -> Plan:
    counted = _counted(chosen, options)
    best_in_group: dict[tuple[bool, str], float] = {}
    for c in chosen:
        best_in_group[_group_key(c)] = max(best_in_group.get(_group_key(c), c.score), c.score)

    def path_order(entry: tuple[Candidate, float]) -> tuple[int, float, tuple[bool, str], float, int, str]:
        c = entry[0]
        return (c.depth, -best_in_group[_group_key(c)], _group_key(c), -c.score, c.minutes, str(c.unit_id))

    items = [
        PlannedItem(c, sequence, weight, _why(c, weight))
        for sequence, (c, weight) in enumerate(sorted(counted, key=path_order), start=1)
    ]
    return Plan(
        items=items,
        total_minutes=sum(c.minutes for c in chosen),
        objective_value=math.fsum(weight for _, weight in counted),
        budget_minutes=budget,
    )


def _group_key(c: Candidate) -> tuple[bool, str]:
    return (c.technology is None, c.technology if c.technology is not None else str(c.unit_id))


def _why(c: Candidate, counted_score: float) -> tuple[str, ...]:
    """The candidate's own reasons, plus the planner's when the decay discounted it."""
    if c.score == 0 or counted_score >= c.score:
        return c.reasons
    share = round(100 * counted_score / c.score)
    return (
        *c.reasons,
        f"another unit on {c.technology} in this plan ranks above it: counts {share}% of its score",
    )
