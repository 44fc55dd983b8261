"""Session plans a person would follow: continue what you started, finish something, stay on a few topics.

``planner.plan_path`` picks at most one unit per item (each item's next unit), so a two-hour budget became
eight first halves of eight different pages and finished nothing. Here an item offers every *run* of its
remaining units (its next unit, the next two, ... up to all of them), and the plan is the selection worth
most under these rules:

* **a few technologies per session**: at most ``technologies_allowed(budget)`` groups (a technology; an item
  without one is a group of its own): 2 under two hours, 3 for two hours, then one more per hour up to 6;
* **at most ``cap`` items per technology**, the k-th best item (by score) of a technology counting
  ``decay**(k-1)`` of its value, as in ``planner``;
* **an item's value grows with the units taken** (each unit counts the item's score), and **finishing** it
  (taking all its remaining units) adds one more unit's worth: two halves of one page (3 x score) beat the
  first halves of two pages of one technology (1.6 x score);
* **continuing comes first**: every item the person has already started and continues here adds
  ``CONTINUE_BONUS``, larger than any plan's value, so the plan continues as many started items as fit before
  it weighs anything else (lexicographic, made exact by the bonus' size).

The solver is exact over the items given: per group, a knapsack over minutes and items chosen (the options of
one item exclude each other); then a knapsack over groups and the number of groups used. Ties go to the
fewest minutes, then the caller's order. O(items * cap * runs * budget) + O(groups * lengths * budget).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from frontier.discovery.paths.knapsack import TIE_TOLERANCE

# Larger than any plan's own value: 480 minutes hold at most 96 units of 5 minutes, each worth at most 2 x 10.
CONTINUE_BONUS = 1e4
MOST_TECHNOLOGIES = 6


def technologies_allowed(budget: int) -> int:
    """How many technologies a session of ``budget`` minutes may touch: 2 under two hours, 3 for two hours,
    one more per further hour, at most 6 (a working day: more would be a tour, not a session)."""
    return min(MOST_TECHNOLOGIES, max(2, 1 + budget // 60))


@dataclass(frozen=True)
class SessionItem:
    """An item the person could work through: its score and its remaining units, in order."""

    key: str
    group: str  # technology, or the item's own key when it has none
    score: float
    unit_minutes: tuple[int, ...]  # the remaining units, from the next one on
    started: bool  # the person completed or skipped earlier units of it

    def run_value(self, units: int) -> float:
        """What taking the next ``units`` units is worth (module docstring)."""
        finished = units == len(self.unit_minutes)
        return self.score * (units + (1 if finished else 0)) + (CONTINUE_BONUS if self.started else 0.0)


@dataclass(frozen=True)
class SessionPlan:
    """The chosen items, each with how many of its next units to take; the value leaves out bonuses."""

    runs: list[tuple[SessionItem, int]]
    value: float


Table = npt.NDArray[np.float64]


def plan_session(items: Sequence[SessionItem], budget: int, cap: int, decay: float) -> SessionPlan:
    """The best selection of runs (module docstring) within ``budget`` minutes."""
    groups: dict[str, list[SessionItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    ordered = [sorted(g, key=lambda i: (-i.score, i.key)) for _, g in sorted(groups.items())]
    solved = [_solve_group(g, budget, cap, decay) for g in ordered]
    slots = technologies_allowed(budget)
    table = np.full((slots + 1, budget + 1), -np.inf)
    table[0, 0] = 0.0
    lengths: list[npt.NDArray[np.intp]] = []
    for best, _, _ in solved:
        lengths.append(_add_group(table, best))
    totals = table.max(axis=0)
    top = float(totals.max())
    minutes = int(np.flatnonzero(totals >= top - TIE_TOLERANCE * abs(top))[0])
    used = int(np.argmax(table[:, minutes]))
    runs: list[tuple[SessionItem, int]] = []
    for g in range(len(ordered) - 1, -1, -1):
        length = int(lengths[g][used, minutes])
        if length:
            _, counts, decisions = solved[g]
            runs.extend(_group_runs(ordered[g], decisions, int(counts[length]), length))
            used -= 1
            minutes -= length
    runs.reverse()
    value = sum(counted_values(runs, decay))
    return SessionPlan(runs=runs, value=value)


def counted_values(runs: Sequence[tuple[SessionItem, int]], decay: float) -> list[float]:
    """Each run's value as the objective counts it (rank within its group, without the continue bonus), in
    the order of ``runs``."""
    rank: dict[str, int] = {}
    counted: dict[str, float] = {}
    for item, units in sorted(runs, key=lambda r: (r[0].group, -r[0].score, r[0].key)):
        k = rank.get(item.group, 0)
        rank[item.group] = k + 1
        counted[item.key] = (item.run_value(units) - (CONTINUE_BONUS if item.started else 0.0)) * decay**k
    return [counted[item.key] for item, _ in runs]


def _solve_group(
    group: Sequence[SessionItem], budget: int, cap: int, decay: float
) -> tuple[Table, npt.NDArray[np.intp], list[npt.NDArray[np.int16]]]:
    """Per total of minutes, the group's best value and its count of items; per item, the run it took at
    each (count, minutes) where taking it improved the state (0: not taken)."""
    table = np.full((cap + 1, budget + 1), -np.inf)
    table[0, 0] = 0.0
    decisions = []
    powers = np.array([decay**k for k in range(cap)])[:, np.newaxis]
    for item in group:
        before = table.copy()
        taken = np.zeros(table.shape, dtype=np.int16)
        total = 0
        for units, minutes in enumerate(item.unit_minutes, start=1):
            total += minutes
            if total > budget:
                break
            with_run = before[:cap, : budget + 1 - total] + item.run_value(units) * powers
            better = with_run > table[1:, total:]
            np.copyto(table[1:, total:], with_run, where=better)  # in place: views of table and taken
            np.copyto(taken[1:, total:], units, where=better)
        decisions.append(taken)
    counts: npt.NDArray[np.intp] = np.argmax(table, axis=0)  # the first maximum: fewer items on a tie
    return table[counts, np.arange(budget + 1)], counts, decisions


def _add_group(table: Table, best: Table) -> npt.NDArray[np.intp]:
    """Offer a group (its best value per total of minutes) to the table of groups in place; returns, per
    (groups used, minutes), how many minutes the group took there (0: not used). One numpy operation per
    length the group can take (all at once, as one (groups, lengths, minutes) array, was slower)."""
    budget = table.shape[1] - 1
    lengths = np.zeros(table.shape, dtype=np.intp)
    before = table.copy()
    for length in np.flatnonzero(np.isfinite(best))[1:]:  # 0 minutes: the group is not used
        with_group = before[:-1, : budget + 1 - length] + best[length]
        better = with_group > table[1:, length:]
        np.copyto(table[1:, length:], with_group, where=better)  # in place: views of table and lengths
        np.copyto(lengths[1:, length:], length, where=better)
    return lengths


def _group_runs(
    group: Sequence[SessionItem], decisions: Sequence[npt.NDArray[np.int16]], count: int, minutes: int
) -> list[tuple[SessionItem, int]]:
    """Walk a group's decisions back from the state (``count`` items, ``minutes``)."""
    runs = []
    for i in range(len(group) - 1, -1, -1):
        units = int(decisions[i][count, minutes]) if count > 0 else 0
        if units:
            runs.append((group[i], units))
            minutes -= sum(group[i].unit_minutes[:units])
            count -= 1
    runs.reverse()
    return runs
