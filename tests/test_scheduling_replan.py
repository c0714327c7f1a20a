"""Re-planning: what started stays, new work is added after ``now``, little else moves."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hosplogi import HosplogiError, InfeasibleError, SkillRequirement, Technician
from hosplogi.scheduling import Entry, Problem, Schedule, Task, replan, solve
from strategies_scheduling import problems

HVAC = (SkillRequirement(skill="hvac"),)


def day() -> Problem:
    techs = tuple(Technician(id=k, skills={"hvac": 2, "plumbing": 1}) for k in ("A", "B", "C"))
    tasks = tuple(
        Task(id=f"J{i}", duration=30 + 10 * (i % 3), requirements=HVAC, due=60 + 30 * i)
        for i in range(9)
    )
    return Problem(tasks=tasks, technicians=techs)


def with_emergency(problem: Problem, now: int, *, people: int = 1) -> Problem:
    er = Task(
        id="ER",
        duration=30,
        requirements=(SkillRequirement(skill="hvac", count=people),),
        release=now,
        due=now + 30,
        weight=8.0,
        location=None,
    )
    return problem.model_copy(update={"tasks": (*problem.tasks, er)})


def check_replan(old: Schedule, new: Schedule, problem: Problem, now: int) -> None:
    assert new.violations(problem) == []
    before = {e.task_id: e for e in old.entries}
    for e in old.entries:
        if e.start < now:
            assert new.entry(e.task_id) == e  # same people, same roles, same times
    for e in new.entries:
        if e.task_id not in before or before[e.task_id].start >= now:
            assert e.start >= now, e


def test_an_emergency_is_added_and_what_started_stays() -> None:
    p = day()
    plan = solve(p, iterations=200, time_limit=None)
    later = with_emergency(p, 40)
    new = replan(plan, later, now=40, iterations=200, time_limit=None)
    check_replan(plan, new, later, 40)
    assert new.entry("ER").start >= 40
    assert "ER" in new.changes(plan)


def test_a_huge_change_penalty_moves_only_what_the_emergency_displaces() -> None:
    p = day()
    plan = solve(p, iterations=200, time_limit=None)
    same = replan(plan, p, now=30, iterations=100, change_penalty=1e9)
    assert same.changes(plan) == ()
    later = with_emergency(p, 30)
    calm = replan(plan, later, now=30, iterations=300, time_limit=None, change_penalty=1e9)
    free = replan(plan, later, now=30, iterations=300, time_limit=None, change_penalty=0)
    check_replan(plan, calm, later, 30)
    check_replan(plan, free, later, 30)
    assert len(calm.changes(plan)) <= len(free.changes(plan))
    assert free.weighted_tardiness(later) <= calm.weighted_tardiness(later)


def test_replan_is_deterministic_for_a_seed_and_budget() -> None:
    p = day()
    plan = solve(p, iterations=100, time_limit=None)
    later = with_emergency(p, 45, people=2)
    a = replan(plan, later, now=45, seed=3, iterations=150, time_limit=None)
    assert a == replan(plan, later, now=45, seed=3, iterations=150, time_limit=None)


@given(problems(windows=False, travel=True), st.integers(0, 40), st.integers(0, 2), st.booleans())
def test_replan_keeps_started_entries_and_starts_nothing_new_before_now(
    problem: Problem, now: int, seed: int, emergency: bool
) -> None:
    plan = solve(problem, seed=seed, iterations=20, time_limit=None)
    later = with_emergency(problem, now) if emergency and problem.technicians else problem
    if emergency and problem.technicians:
        # the emergency needs the skill of the first technician
        skill = sorted(problem.technicians[0].skills)[0]
        er = later.tasks[-1].model_copy(update={"requirements": (SkillRequirement(skill=skill),)})
        later = later.model_copy(update={"tasks": (*later.tasks[:-1], er)})
    new = replan(plan, later, now=now, seed=seed, iterations=20, time_limit=None)
    check_replan(plan, new, later, now)


@given(problems(windows=True), st.integers(0, 40))
def test_replan_with_shifts_and_allow_unplaced_is_feasible(problem: Problem, now: int) -> None:
    plan = solve(problem, iterations=20, time_limit=None, allow_unplaced=True)
    new = replan(plan, problem, now=now, iterations=20, time_limit=None, allow_unplaced=True)
    check_replan(plan, new, problem, now)


@given(problems(max_tasks=5), st.integers(0, 3), st.integers(0, 3))
def test_changes_is_symmetric_and_empty_for_equal_schedules(
    problem: Problem, seed_a: int, seed_b: int
) -> None:
    a = solve(problem, seed=seed_a, iterations=10, time_limit=None, allow_unplaced=True)
    b = solve(problem, seed=seed_b, iterations=10, time_limit=None, allow_unplaced=True)
    assert a.changes(b) == b.changes(a)
    assert a.changes(a) == ()
    assert a.changes(Schedule.model_validate_json(a.model_dump_json())) == ()
    differ = {
        e.task_id
        for e in a.entries
        if e.task_id not in {x.task_id for x in b.entries}
        or (b.entry(e.task_id).start, set(b.entry(e.task_id).technicians))
        != (e.start, set(e.technicians))
    }
    differ |= {e.task_id for e in b.entries} - {e.task_id for e in a.entries}
    assert set(a.changes(b)) == differ


def test_changes_ignores_roles_and_counts_a_task_in_one_schedule_only() -> None:
    a = Schedule(entries=(Entry(task_id="T", start=5, end=9, technicians={"X": "hvac"}),))
    b = Schedule(entries=(Entry(task_id="T", start=5, end=9, technicians={"X": "plumbing"}),))
    assert a.changes(b) == ()
    assert a.changes(Schedule(entries=())) == ("T",)


def test_replan_refuses_bad_now_penalty_and_foreign_schedules() -> None:
    p = day()
    plan = solve(p, iterations=50)
    with pytest.raises(HosplogiError, match="now must be whole minutes"):
        replan(plan, p, now=datetime(2026, 3, 2, 10, 40, tzinfo=UTC))  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="now must be whole minutes"):
        replan(plan, p, now=datetime(2026, 3, 2, 10, 40))  # type: ignore[arg-type]
    for bad in (40.5, True, None, "40"):
        with pytest.raises(HosplogiError, match="now must be whole minutes"):
            replan(plan, p, now=bad)  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="within"):
        replan(plan, p, now=10**11)
    for penalty in (-1, math.nan, math.inf, "1", True):
        with pytest.raises(HosplogiError, match="change_penalty"):
            replan(plan, p, now=10, change_penalty=penalty)  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="seed"):
        replan(plan, p, now=10, seed=None)  # type: ignore[arg-type]
    other = Problem(tasks=(Task(id="X1", duration=5),), technicians=p.technicians)
    with pytest.raises(HosplogiError, match="task 'J0', which the problem does not have"):
        replan(plan, other, now=10)
    fewer = p.model_copy(update={"technicians": p.technicians[:1]})
    with pytest.raises(HosplogiError, match="not technicians of the problem"):
        replan(plan, fewer, now=10)
    longer = p.model_copy(
        update={"tasks": (p.tasks[0].model_copy(update={"duration": 99}), *p.tasks[1:])}
    )
    with pytest.raises(HosplogiError, match="a started task is kept as it is"):
        replan(plan, longer, now=plan.entry("J0").start + 1)
    with pytest.raises(HosplogiError, match="Schedule and a Problem"):
        replan(p, plan, now=10)  # type: ignore[arg-type]


def test_a_started_task_whose_predecessor_has_not_started_is_refused() -> None:
    p = Problem(
        tasks=(Task(id="A", duration=10), Task(id="B", duration=10, predecessors=("A",))),
        technicians=(),
    )
    broken = Schedule(
        entries=(Entry(task_id="A", start=20, end=30), Entry(task_id="B", start=0, end=10))
    )
    with pytest.raises(HosplogiError, match="predecessor 'A' did not"):
        replan(broken, p, now=5)


def test_a_re_estimated_task_not_yet_started_takes_its_new_duration() -> None:
    p = day()
    plan = solve(p, iterations=50)
    late = max(plan.entries, key=lambda e: e.start)
    longer = p.model_copy(
        update={
            "tasks": tuple(
                t.model_copy(update={"duration": t.duration + 15}) if t.id == late.task_id else t
                for t in p.tasks
            )
        }
    )
    new = replan(plan, longer, now=1, iterations=50)
    assert new.violations(longer) == []
    assert new.entry(late.task_id).end - new.entry(late.task_id).start == late.end - late.start + 15


def test_replan_without_room_raises_unless_allowed_to_leave_work_out() -> None:
    techs = (Technician(id="A", skills={"hvac": 1}),)
    p = Problem(
        tasks=(Task(id="J1", duration=60, requirements=HVAC),),
        technicians=techs,
        availability={"A": [(0, 90)]},
    )
    plan = solve(p, iterations=10)
    later = p.model_copy(
        update={"tasks": (*p.tasks, Task(id="ER", duration=45, requirements=HVAC, weight=8.0))}
    )
    with pytest.raises(InfeasibleError, match="allow_unplaced"):
        replan(plan, later, now=10, iterations=20)
    new = replan(plan, later, now=10, iterations=20, allow_unplaced=True)
    assert new.unplaced == ("ER",)
    assert new.entries == plan.entries
