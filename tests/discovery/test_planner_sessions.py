"""Session plans (paths.sessions): the rules as properties, and exactness against brute force. No database."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontier.discovery.paths.sessions import (
    CONTINUE_BONUS,
    SessionItem,
    plan_session,
    technologies_allowed,
)

PROPERTY = settings(deadline=None, max_examples=60)


@st.composite
def item_lists(draw: st.DrawFn, max_size: int) -> list[SessionItem]:
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["rust", "go", "wasm", "zig", None]),
                st.integers(0, 10),
                st.lists(st.integers(5, 40), min_size=1, max_size=3),
                st.booleans(),
            ),
            max_size=max_size,
        )
    )
    return [
        SessionItem(f"c{i}", t or f"c{i}", float(s), tuple(units), started)
        for i, (t, s, units, started) in enumerate(rows)
    ]


def total(runs: list[tuple[SessionItem, int]], decay: float) -> float:
    """The objective of a selection, including the continue bonus, computed here independently."""
    value = 0.0
    for _, group in itertools.groupby(
        sorted(runs, key=lambda r: (r[0].group, -r[0].score, r[0].key)), key=lambda r: r[0].group
    ):
        for rank, (item, units) in enumerate(group):
            value += item.run_value(units) * decay**rank
    return value


def feasible(runs: list[tuple[SessionItem, int]], budget: int, cap: int) -> bool:
    groups = Counter(item.group for item, _ in runs)
    minutes = sum(sum(item.unit_minutes[:units]) for item, units in runs)
    return (
        minutes <= budget
        and len(groups) <= technologies_allowed(budget)
        and max(groups.values(), default=0) <= cap
    )


def brute_force(items: list[SessionItem], budget: int, cap: int, decay: float) -> float:
    best = 0.0
    options = [[None, *[(item, k) for k in range(1, len(item.unit_minutes) + 1)]] for item in items]
    for choice in itertools.product(*options):
        runs = [c for c in choice if c is not None]
        if feasible(runs, budget, cap):
            best = max(best, total(runs, decay))
    return best


@pytest.mark.parametrize(
    ("budget", "most"), [(25, 2), (30, 2), (60, 2), (90, 2), (119, 2), (120, 3), (240, 5), (480, 6)]
)
def test_few_technologies_per_session_more_for_longer_budgets(budget: int, most: int) -> None:
    assert technologies_allowed(budget) == most


@PROPERTY
@given(item_lists(max_size=6), st.integers(5, 90), st.integers(1, 2), st.sampled_from([1.0, 0.6]))
def test_plan_is_feasible_and_optimal(items: list[SessionItem], budget: int, cap: int, decay: float) -> None:
    plan = plan_session(items, budget, cap, decay)
    assert feasible(plan.runs, budget, cap)
    assert total(plan.runs, decay) == pytest.approx(brute_force(items, budget, cap, decay), rel=1e-9)


@PROPERTY
@given(item_lists(max_size=8), st.integers(5, 120))
def test_a_started_item_that_fits_is_continued(items: list[SessionItem], budget: int) -> None:
    plan = plan_session(items, budget, 2, 0.6)
    if any(i.started and i.unit_minutes[0] <= budget for i in items):
        assert any(item.started for item, _ in plan.runs)


def test_finishing_one_page_beats_starting_two() -> None:
    # the case: pages in two halves of 15 minutes, one technology each
    pages = [
        SessionItem(f"p{i}", lang, 5.5, (15, 15), False) for i, lang in enumerate(["go", "go", "rust", "lua"])
    ]
    plan = plan_session(pages, 30, 2, 0.6)
    assert [(item.key, units) for item, units in plan.runs] == [("p0", 2)]


def test_plan_finishes_items_and_keeps_to_three_technologies_in_two_hours() -> None:
    pages = [
        SessionItem(f"{lang}{n}", lang, 5.5 - n / 10, (15, 15), False)
        for lang in ["go", "rust", "lua", "ruby", "julia", "js", "regex", "c"]
        for n in range(2)
    ]
    plan = plan_session(pages, 120, 2, 0.6)
    assert len({item.group for item, _ in plan.runs}) <= 3
    assert sum(units == len(item.unit_minutes) for item, units in plan.runs) >= 3


def test_bonus_is_left_out_of_the_value() -> None:
    plan = plan_session([SessionItem("a", "go", 2.0, (10,), True)], 10, 2, 0.6)
    assert plan.runs and plan.value == 4.0 < CONTINUE_BONUS


def test_nothing_fits_gives_an_empty_plan() -> None:
    plan = plan_session([SessionItem("a", "go", 2.0, (10,), False)], 5, 2, 0.6)
    assert plan.runs == [] and plan.value == 0
