"""Overloaded days: ``solve(..., allow_unplaced=True)`` plans what fits and lists the rest."""

from __future__ import annotations

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hosplogi import HosplogiError, InfeasibleError, SkillRequirement, Technician
from hosplogi.scheduling import Problem, Task, solve
from strategies_scheduling import problems

HVAC = (SkillRequirement(skill="hvac"),)


def overloaded() -> Problem:
    """Two technicians on a 120-minute shift, 300 minutes of work."""
    return Problem(
        tasks=(
            Task(id="big", duration=100, requirements=HVAC, weight=8.0, due=100),
            Task(id="mid", duration=60, requirements=HVAC, weight=4.0, due=120),
            Task(id="small-1", duration=50, requirements=HVAC, weight=1.0, due=120),
            Task(id="small-2", duration=50, requirements=HVAC, weight=1.0, due=120),
            Task(id="after", duration=40, requirements=HVAC, weight=2.0, predecessors=("mid",)),
        ),
        technicians=(
            Technician(id="A", skills={"hvac": 1}),
            Technician(id="B", skills={"hvac": 1}),
        ),
        availability={"A": [(0, 120)], "B": [(0, 120)]},
    )


def test_an_overloaded_day_still_raises_without_the_flag() -> None:
    with pytest.raises(InfeasibleError, match="no order of the tasks fits"):
        solve(overloaded(), iterations=100)


def test_allow_unplaced_plans_what_fits_and_leaves_out_the_least_weight() -> None:
    p = overloaded()
    s = solve(p, iterations=300, time_limit=None, allow_unplaced=True)
    assert s.violations(p) == []
    # big (8) on one person; mid (4) + its successor after (2) fill the other's 100 of 120 min
    assert sorted(s.unplaced) == ["small-1", "small-2"]
    assert {e.task_id for e in s.entries} == {"big", "mid", "after"}


def test_the_successors_of_an_unplaced_task_are_unplaced_too() -> None:
    p = overloaded()
    heavy_after = p.model_copy(
        update={
            "tasks": (
                *p.tasks[:4],
                Task(id="after", duration=80, requirements=HVAC, weight=0.5, predecessors=("mid",)),
            )
        }
    )
    s = solve(heavy_after, iterations=300, time_limit=None, allow_unplaced=True)
    assert s.violations(heavy_after) == []
    assert "after" in s.unplaced
    if "mid" in s.unplaced:
        assert "after" in s.unplaced


def test_a_task_no_one_can_staff_is_unplaced_instead_of_an_error() -> None:
    p = overloaded()
    lift = Task(id="lift", duration=10, requirements=(SkillRequirement(skill="lifts"),))
    shaft = Task(id="shaft", duration=10, requirements=HVAC, predecessors=("lift",))
    wider = p.model_copy(update={"tasks": (*p.tasks[:2], lift, shaft)})
    with pytest.raises(InfeasibleError, match="lift"):
        solve(wider)
    s = solve(wider, iterations=100, allow_unplaced=True)
    assert s.unplaced == ("lift", "shaft")
    assert s.violations(wider) == []


def test_a_feasible_day_leaves_nothing_out() -> None:
    p = overloaded().model_copy(update={"availability": None})
    s = solve(p, iterations=100, allow_unplaced=True)
    assert s.unplaced == ()
    assert s.violations(p) == []


def test_allow_unplaced_needs_a_bool_and_the_heuristic_backend() -> None:
    with pytest.raises(HosplogiError, match="allow_unplaced must be True or False"):
        solve(overloaded(), allow_unplaced=1)  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="heuristic backend"):
        solve(overloaded(), backend="cp-sat", allow_unplaced=True)


@given(problems(windows=True), st.integers(0, 3))
def test_allow_unplaced_returns_a_subset_whose_placed_part_has_no_violations(
    problem: Problem, seed: int
) -> None:
    s = solve(problem, seed=seed, iterations=30, time_limit=None, allow_unplaced=True)
    assert s.violations(problem) == []
    placed = {e.task_id for e in s.entries}
    assert placed.isdisjoint(s.unplaced)
    assert placed | set(s.unplaced) == {t.id for t in problem.tasks}


def _least_weight_left_out(
    durations: list[int], weights: list[float], people: int, shift: int
) -> float:
    """Brute force: every assignment of tasks to a person or to nobody (identical people, one
    shift from 0 each, no releases): the least weight of the tasks given to nobody."""
    best = float("inf")
    for who in product(range(people + 1), repeat=len(durations)):
        load = [0] * people
        for d, k in zip(durations, who, strict=True):
            if k < people:
                load[k] += d
        if all(x <= shift for x in load):
            best = min(best, sum(w for w, k in zip(weights, who, strict=True) if k == people))
    return best


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(st.integers(5, 60), st.sampled_from((0.0, 1.0, 2.0, 2.5, 4.0, 8.0))),
        min_size=1,
        max_size=6,
    ),
    st.integers(1, 2),
    st.integers(30, 120),
)
def test_the_weight_left_out_is_minimal_against_brute_force(
    jobs: list[tuple[int, float]], people: int, shift: int
) -> None:
    techs = tuple(Technician(id=f"T{k}", skills={"hvac": 1}) for k in range(people))
    p = Problem(
        tasks=tuple(
            Task(id=f"J{i}", duration=d, weight=w, due=0, requirements=HVAC)
            for i, (d, w) in enumerate(jobs)
        ),
        technicians=techs,
        availability={t.id: [(0, shift)] for t in techs},
    )
    s = solve(p, iterations=400, time_limit=None, allow_unplaced=True)
    assert s.violations(p) == []
    left = sum(t.weight for t in p.tasks if t.id in s.unplaced)
    durations = [d for d, _ in jobs]
    assert left == pytest.approx(
        _least_weight_left_out(durations, [w for _, w in jobs], people, shift)
    )
