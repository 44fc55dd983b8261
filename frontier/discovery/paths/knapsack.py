"""The exact solver behind ``planner.plan_path``: a knapsack over minutes with a per-group cap and decay.

Frontier's own algorithm (no library solves this variant), so it is written out here. The caller hands over
items already arranged in groups (one technology each; a technology-less item is a group of its own), each
group sorted by score descending. One pass over the items keeps, for every total of minutes ``m`` (exactly
``m``, 0..budget) and every count ``k`` of items chosen *in the current group*, the best objective value
reachable so far; at each group boundary the counts collapse to "best over k". That is the group-by-group
multiple-choice knapsack, done without building each group's value table separately: O(N * cap * budget)
time, each step one numpy operation over the budget axis.

Why the decay is assigned exactly: the objective gives a group's chosen items the weights 1, d, d², … in
descending score order. For a fixed chosen set that assignment is also the best of all assignments (the
rearrangement inequality: pairing the largest weights with the largest scores maximises the sum), so the
value of a set is well defined. Because items are visited in descending score order, the k-th item taken in
a group is the k-th largest of the chosen set, and the DP adds exactly ``score * d**(k-1)`` for it: every
state value is the true objective of the set it stands for, so the maximum over states is the optimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

TIE_TOLERANCE = 1e-12  # relative: totals this close are a tie (the same sum in another order differs by ulps)


@dataclass(frozen=True)
class KnapsackItem:
    """One item as the solver sees it."""

    minutes: int
    score: float


def best_selection(
    groups: Sequence[Sequence[KnapsackItem]], budget: int, cap: int, decay: float
) -> list[tuple[int, int]]:
    """The (group index, item index) pairs of an optimal selection.

    Maximises the sum over groups of ``score * decay**(rank-1)`` (rank in descending score within the
    group, each group sorted that way by the caller), at most ``cap`` items per group, total minutes
    <= ``budget``. Of optimal selections it returns the one with the fewest minutes; remaining ties go
    to the caller's order of items, so equal inputs give equal outputs.
    """
    depth = max((min(cap, len(g)) for g in groups), default=0)
    table = np.full((depth + 1, budget + 1), -np.inf)
    table[0, 0] = 0.0
    taken: list[list[npt.NDArray[np.bool_]]] = []
    entry_counts: list[npt.NDArray[np.intp]] = []  # per group: the previous group's count at each total
    for group in groups:
        counts = _collapse(table)
        entry_counts.append(counts)
        taken.append([_add_item(table, item, position, cap, decay) for position, item in enumerate(group)])
    final_counts = _collapse(table)
    minutes = _fewest_minutes_at_best(table[0])
    return _backtrack(groups, taken, entry_counts, int(final_counts[minutes]), minutes)


def _collapse(table: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """End a group: row 0 becomes the best over all counts; returns which count won at each total."""
    # argmax returns the first maximum: on an exact tie the smaller count wins.
    counts: npt.NDArray[np.intp] = np.argmax(table, axis=0)
    best = table[counts, np.arange(table.shape[1])]
    table.fill(-np.inf)
    table[0] = best
    return counts


def _add_item(
    table: npt.NDArray[np.float64], item: KnapsackItem, position: int, cap: int, decay: float
) -> npt.NDArray[np.bool_]:
    """Offer one item to the table in place; returns where taking it improved the state (count, total)."""
    budget = table.shape[1] - 1
    taken = np.zeros(table.shape, dtype=np.bool_)
    if item.minutes > budget:
        return taken
    t = item.minutes
    top = min(cap, position + 1)  # counts this item can complete in its group
    gains = np.array([item.score * decay**k for k in range(top)])  # the same floats as the objective's
    # All counts at once: row k-1 is read before row k is written, so each item is taken at most once.
    with_item = table[:top, : budget + 1 - t] + gains[:, np.newaxis]
    without = table[1 : top + 1, t:]
    better = with_item > without
    taken[1 : top + 1, t:] = better
    table[1 : top + 1, t:] = np.where(better, with_item, without)
    return taken


def _fewest_minutes_at_best(values: npt.NDArray[np.float64]) -> int:
    """The smallest total of minutes whose value ties the maximum."""
    top = float(values.max())
    threshold = top - TIE_TOLERANCE * top  # scores are >= 0, so rounding error scales with the total
    return int(np.flatnonzero(values >= threshold)[0])


def _backtrack(
    groups: Sequence[Sequence[KnapsackItem]],
    taken: list[list[npt.NDArray[np.bool_]]],
    entry_counts: list[npt.NDArray[np.intp]],
    count: int,
    minutes: int,
) -> list[tuple[int, int]]:
    """Walk the decisions back from the final state (count in the last group, total minutes)."""
    chosen: list[tuple[int, int]] = []
    for g in range(len(groups) - 1, -1, -1):
        for i in range(len(groups[g]) - 1, -1, -1):
            if count > 0 and taken[g][i][count, minutes]:
                chosen.append((g, i))
                minutes -= groups[g][i].minutes
                count -= 1
        count = int(entry_counts[g][minutes])
    chosen.reverse()
    return chosen
