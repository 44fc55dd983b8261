"""Exploration path planner: budget, exact optimality against brute force, variety, order, determinism, and
the seed's greedy for comparison. Pure Python: no database."""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontier.discovery.paths.planner import (
    Candidate,
    Plan,
    PlanOptions,
    greedy_seed,
    objective,
    plan_path,
    trim_to_constraints,
)
from frontier.errors import InvalidInput

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def unit(
    name: str,
    minutes: int,
    score: float,
    technology: str | None = "rust",
    depth: int = 0,
    reasons: tuple[str, ...] = (),
) -> Candidate:
    return Candidate(f"u-{name}", f"c-{name}", minutes, score, technology, depth, 1, reasons)


def ids(plan: Plan) -> list[str]:
    return [str(item.candidate.unit_id) for item in plan.items]


scores = st.one_of(st.integers(0, 12).map(float), st.floats(0, 100, allow_nan=False, allow_infinity=False))


@st.composite
def candidate_lists(draw: st.DrawFn, max_size: int, max_minutes: int) -> list[Candidate]:
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(1, max_minutes),
                scores,
                st.sampled_from(["rust", "go", "wasm", None]),
                st.integers(0, 3),
            ),
            max_size=max_size,
        )
    )
    return [unit(str(i), m, s, t, d) for i, (m, s, t, d) in enumerate(rows)]


options_strategy = st.builds(
    PlanOptions,
    max_per_technology=st.integers(1, 3),
    min_minutes=st.integers(1, 10),
    decay=st.sampled_from([1.0, 0.6, 0.5, 0.25]),
)


def brute_force(candidates: list[Candidate], budget: int, options: PlanOptions) -> float:
    """The best objective over every subset that meets the constraints, checked here independently."""
    best = 0.0
    for size in range(1, len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            per_technology = Counter(c.technology for c in subset if c.technology is not None)
            if (
                sum(c.minutes for c in subset) <= budget
                and all(c.minutes >= options.min_minutes for c in subset)
                and all(n <= options.max_per_technology for n in per_technology.values())
            ):
                best = max(best, objective(subset, options))
    return best


@PROPERTY
@given(candidate_lists(max_size=40, max_minutes=200), st.integers(1, 480), options_strategy)
def test_path_never_exceeds_budget(candidates: list[Candidate], budget: int, options: PlanOptions) -> None:
    plan = plan_path(candidates, budget, options)
    assert plan.total_minutes == sum(item.candidate.minutes for item in plan.items) <= budget


@PROPERTY
@given(candidate_lists(max_size=40, max_minutes=120), st.integers(1, 480), options_strategy)
def test_path_respects_cap_and_minimum_length(
    candidates: list[Candidate], budget: int, options: PlanOptions
) -> None:
    plan = plan_path(candidates, budget, options)
    per_technology = Counter(i.candidate.technology for i in plan.items if i.candidate.technology is not None)
    assert all(n <= options.max_per_technology for n in per_technology.values())
    assert all(i.candidate.minutes >= options.min_minutes for i in plan.items)
    assert objective([i.candidate for i in plan.items], options) == pytest.approx(plan.objective_value)


@settings(PROPERTY, max_examples=300)
@given(candidate_lists(max_size=10, max_minutes=60), st.integers(1, 150), options_strategy)
def test_plan_equals_brute_force_optimum(
    candidates: list[Candidate], budget: int, options: PlanOptions
) -> None:
    plan = plan_path(candidates, budget, options)
    assert plan.objective_value == pytest.approx(brute_force(candidates, budget, options), rel=1e-9, abs=1e-9)


@PROPERTY
@given(candidate_lists(max_size=60, max_minutes=120), st.integers(1, 480), options_strategy)
def test_plan_scores_at_least_the_trimmed_greedy(
    candidates: list[Candidate], budget: int, options: PlanOptions
) -> None:
    greedy = objective(trim_to_constraints(greedy_seed(candidates, budget), options), options)
    assert plan_path(candidates, budget, options).objective_value >= greedy * (1 - 1e-9)  # float sums


@PROPERTY
@given(candidate_lists(max_size=30, max_minutes=60), st.integers(1, 240), st.randoms(use_true_random=False))
def test_plan_is_the_same_whatever_the_input_order(
    candidates: list[Candidate], budget: int, rng: random.Random
) -> None:
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    first, second = plan_path(candidates, budget), plan_path(shuffled, budget)
    assert first == second


def test_equal_inputs_give_equal_plans_with_ties() -> None:
    tied = [
        unit(name, 10, 5.0, tech) for name, tech in [("a", "go"), ("b", "go"), ("c", "rust"), ("d", None)]
    ]
    plans = {tuple(ids(plan_path(tied, 20))) for _ in range(5)}
    assert plans == {("u-a", "u-c")}  # the canonical order: technology name, then unit id


def test_diminishing_returns_make_variety_win_when_scores_are_close() -> None:
    candidates = [unit("r1", 30, 10), unit("r2", 30, 10), unit("g1", 30, 9, "go")]
    options = PlanOptions(max_per_technology=3, decay=0.6)
    plan = plan_path(candidates, 60, options)
    # total score would take both rust units (20 > 19); counted: 10 + 6 = 16 < 10 + 9 = 19
    assert sorted(ids(plan)) == ["u-g1", "u-r1"]
    assert plan.objective_value == pytest.approx(19)


def test_a_much_stronger_unit_on_the_same_technology_still_wins() -> None:
    candidates = [unit("r1", 30, 20), unit("r2", 30, 20), unit("g1", 30, 9, "go")]
    plan = plan_path(candidates, 60, PlanOptions(max_per_technology=3, decay=0.6))
    assert sorted(ids(plan)) == ["u-r1", "u-r2"]  # 20 + 12 = 32 > 29
    assert [item.counted_score for item in plan.items] == pytest.approx([20, 12])


def test_cap_limits_units_per_technology_even_when_time_is_left() -> None:
    candidates = [unit(str(i), 10, 10) for i in range(5)]
    plan = plan_path(candidates, 120, PlanOptions(max_per_technology=2))
    assert len(plan.items) == 2
    assert plan.total_minutes == 20


def test_units_without_technology_are_neither_capped_nor_decayed() -> None:
    candidates = [unit(str(i), 10, 10, None) for i in range(4)]
    plan = plan_path(candidates, 40, PlanOptions(max_per_technology=1))
    assert len(plan.items) == 4
    assert plan.objective_value == pytest.approx(40)


def test_objective_counts_each_technology_in_descending_score_order() -> None:
    selection = [unit("a", 10, 5), unit("b", 10, 10), unit("c", 10, 8), unit("g", 10, 7, "go")]
    value = objective(selection, PlanOptions(max_per_technology=3, decay=0.5))
    assert value == pytest.approx(10 + 8 * 0.5 + 5 * 0.25 + 7)


def test_path_puts_foundations_before_depth() -> None:
    candidates = [
        unit("deep", 20, 30, "rust", depth=2),
        unit("expert", 20, 29, "go", depth=3),
        unit("surface", 20, 5, "wasm", depth=0),
        unit("practical", 20, 6, "zig", depth=1),
    ]
    plan = plan_path(candidates, 80)
    assert ids(plan) == ["u-surface", "u-practical", "u-deep", "u-expert"]
    assert [item.sequence for item in plan.items] == [1, 2, 3, 4]


def test_path_keeps_a_technology_together_within_a_depth() -> None:
    candidates = [unit("r1", 10, 9), unit("g1", 10, 10, "go"), unit("r2", 10, 8), unit("g2", 10, 1, "go")]
    plan = plan_path(candidates, 40, PlanOptions(decay=1.0))
    assert ids(plan) == ["u-g1", "u-g2", "u-r1", "u-r2"]  # go holds the best unit, so go first


def test_ties_prefer_fewer_minutes() -> None:
    plan = plan_path([unit("long", 20, 5), unit("short", 10, 5)], 25, PlanOptions(max_per_technology=1))
    assert ids(plan) == ["u-short"]


def test_zero_score_units_are_left_out() -> None:
    plan = plan_path([unit("good", 10, 5), unit("nothing", 10, 0, "go")], 60)
    assert ids(plan) == ["u-good"]


def test_no_candidates_give_an_empty_plan() -> None:
    plan = plan_path([], 120)
    assert plan == Plan(items=[], total_minutes=0, objective_value=0.0, budget_minutes=120)


def test_budget_below_every_unit_gives_an_empty_plan() -> None:
    plan = plan_path([unit("a", 30, 10), unit("b", 45, 20, "go")], 29)
    assert plan.items == []
    assert plan.total_minutes == 0


def test_units_shorter_than_the_minimum_length_are_not_offered() -> None:
    plan = plan_path([unit("blurb", 3, 50, "go"), unit("chapter", 30, 10)], 60, PlanOptions(min_minutes=5))
    assert ids(plan) == ["u-chapter"]


def test_discounted_unit_says_why() -> None:
    candidates = [unit("r1", 10, 10, reasons=("matches your focus: rust",)), unit("r2", 10, 5)]
    plan = plan_path(candidates, 20, PlanOptions(decay=0.6))
    first, second = plan.items
    assert first.why == ("matches your focus: rust",)
    assert second.counted_score == pytest.approx(3)
    assert second.why == ("another unit on rust in this plan ranks above it: counts 60% of its score",)


@pytest.mark.parametrize("budget", [0, 481])
def test_budget_outside_one_to_480_minutes_is_rejected(budget: int) -> None:
    with pytest.raises(InvalidInput, match="budget"):
        plan_path([unit("a", 10, 1)], budget)


def test_a_content_item_given_twice_is_rejected() -> None:
    twice = [unit("a", 10, 1), Candidate("u-other", "c-a", 10, 1.0, "rust", 0, 2)]
    with pytest.raises(InvalidInput, match="content_id"):
        plan_path(twice, 60)


def test_objective_rejects_a_selection_that_breaks_the_constraints() -> None:
    with pytest.raises(InvalidInput, match="max_per_technology"):
        objective([unit("a", 10, 1), unit("b", 10, 1), unit("c", 10, 1)], PlanOptions(max_per_technology=2))
    with pytest.raises(InvalidInput, match="shorter"):
        objective([unit("a", 2, 1)], PlanOptions(min_minutes=5))


def test_invalid_candidate_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="minutes"):
        unit("a", 0, 1)
    with pytest.raises(InvalidInput, match="depth"):
        unit("a", 10, 1, depth=4)


@pytest.mark.parametrize(
    ("field", "options"),
    [
        ("max_per_technology", {"max_per_technology": 0}),
        ("max_per_technology", {"max_per_technology": 11}),
        ("min_minutes", {"min_minutes": 0}),
        ("decay", {"decay": 0.0}),
        ("decay", {"decay": 1.5}),
    ],
)
def test_invalid_options_are_rejected(field: str, options: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match=field):
        PlanOptions(**options)


def test_greedy_stops_at_ninety_percent_like_the_seed() -> None:
    candidates = [unit("60", 60, 30), unit("51", 51, 29, "go"), unit("30", 30, 28, "wasm"), unit("9", 9, 27)]
    chosen = greedy_seed(candidates, 120)
    assert [c.minutes for c in chosen] == [60, 51]  # 111 >= 108: stops, as the seed chose 2 items (111 min)


def test_plan_beats_the_seed_greedy_on_its_own_example() -> None:
    candidates = [unit("60", 60, 30), unit("51", 51, 29, "go"), unit("30", 30, 28, "wasm"), unit("9", 9, 27)]
    greedy = objective(trim_to_constraints(greedy_seed(candidates, 120)))
    plan = plan_path(candidates, 120)
    assert sorted(ids(plan)) == ["u-30", "u-51", "u-9"]  # 90 min: 29 + 28 + 27 = 84
    assert (plan.objective_value, greedy) == pytest.approx((84, 59))


def test_greedy_skips_what_does_not_fit_and_keeps_going() -> None:
    minutes_by_score = [130, 60, 70, 40, 5, 3, 2]  # scores descend along the list
    candidates = [unit(str(i), m, 100 - i, f"t{i}") for i, m in enumerate(minutes_by_score)]
    chosen = greedy_seed(candidates, 120)
    # 130 is never offered (longer than the budget), 70 no longer fits, 3 reaches 108 = 90% and stops
    assert [c.minutes for c in chosen] == [60, 40, 5, 3]


def test_trim_drops_what_breaks_the_constraints_in_greedy_order() -> None:
    selection = [
        unit("a", 30, 9),
        unit("tiny", 2, 8, "go"),
        unit("b", 30, 7),
        unit("c", 30, 6),
        unit("g", 9, 5, "go"),
    ]
    kept = trim_to_constraints(selection, PlanOptions(max_per_technology=2, min_minutes=5))
    assert [str(c.unit_id) for c in kept] == ["u-a", "u-b", "u-g"]


def test_performance_smoke_400_candidates_480_minutes() -> None:
    """Not a timed assertion: run with -s to see the timing (the benchmark owns the p95 target)."""
    rng = random.Random(7)
    technologies = [f"t{i}" for i in range(60)]
    candidates = [
        unit(
            str(i), rng.randint(3, 90), rng.randint(12, 31) + rng.random(), rng.choice([*technologies, None])
        )
        for i in range(400)
    ]
    plan_path(candidates, 480)  # warm up
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        plan = plan_path(candidates, 480)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"\nplan_path 400 candidates, 480 min: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
    )
    assert plan.total_minutes <= 480
