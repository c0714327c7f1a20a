"""Re-planning during the day: keep what has started, add new work, move as little as needed.

When an emergency arrives at 10:40 the plan must change without reshuffling everyone already at
work. :func:`replan` keeps every entry that started before ``now`` exactly, places the new tasks
no earlier than ``now``, and re-optimises the rest with a penalty per task whose start or people
change; :meth:`~hosplogi.scheduling.models.Schedule.changes` lists what moved.
"""

from __future__ import annotations

import math

from hosplogi._checks import guarded
from hosplogi._types import brief
from hosplogi.errors import HosplogiError, InfeasibleError
from hosplogi.scheduling import _search
from hosplogi.scheduling._matching import match
from hosplogi.scheduling.models import MAX_MINUTES, Entry, Problem, Schedule
from hosplogi.scheduling.solve import Objective, check_budget, compile_problem, to_schedule

__all__ = ["CHANGE_PENALTY", "replan"]

CHANGE_PENALTY = 60.0
"""Default cost of changing one task's start or people: in weighted-tardiness units, as much as
one hour's delay of a task of weight 1 (a planned job) or 7.5 minutes of an emergency (weight 8)."""


def _check_now(now: object) -> int:
    if isinstance(now, bool) or not isinstance(now, int):
        raise HosplogiError(
            f"now must be whole minutes from the problem's origin (an int, like the schedule's "
            f"starts), got {brief(now)}; for a datetime use (now - origin) // timedelta(minutes=1)"
        )
    if not -MAX_MINUTES <= now <= MAX_MINUTES:
        raise HosplogiError(f"now must lie within ±{MAX_MINUTES} minutes, got {now}")
    return now


def _check_penalty(change_penalty: object) -> float:
    if (
        isinstance(change_penalty, bool)
        or not isinstance(change_penalty, int | float)
        or not math.isfinite(change_penalty)
        or not 0 <= change_penalty <= 1e12
    ):
        raise HosplogiError(
            "change_penalty must be a finite number from 0 to 1e12 (objective units per changed "
            f"task), got {brief(change_penalty)}"
        )
    return float(change_penalty)


def _started(schedule: Schedule, problem: Problem, now: int) -> dict[str, Entry]:
    """The entries that started before `now`, after checking `schedule` belongs to `problem`."""
    tasks = {t.id: t for t in problem.tasks}
    techs = {t.id for t in problem.technicians}
    seen: set[str] = set()
    started: dict[str, Entry] = {}
    for e in schedule.entries:
        task = tasks.get(e.task_id)
        if task is None:
            raise HosplogiError(
                f"the schedule has an entry for task {e.task_id!r}, which the problem does not "
                "have; replan a schedule made for this problem (tasks may be added, not removed)"
            )
        if e.task_id in seen:
            raise HosplogiError(f"the schedule has task {e.task_id!r} more than once")
        seen.add(e.task_id)
        unknown = [p for p in e.technicians if p not in techs]
        if unknown:
            raise HosplogiError(
                f"the schedule puts {', '.join(map(repr, unknown))} on task {e.task_id!r}, who "
                "are not technicians of the problem; replan a schedule made for this problem"
            )
        if e.start < now:
            if e.end - e.start != task.duration:
                raise HosplogiError(
                    f"task {e.task_id!r} started at {e.start} and runs {e.end - e.start} min, but "
                    f"the problem says {task.duration}; a started task is kept as it is"
                )
            started[e.task_id] = e
    for tid in started:
        for p in tasks[tid].predecessors:
            if p not in started:
                raise HosplogiError(
                    f"task {tid!r} started before now ({now}) but its predecessor {p!r} did not; "
                    "the schedule breaks the precedences of the problem"
                )
    return started


@guarded
def replan(
    schedule: Schedule,
    problem: Problem,
    *,
    now: int,
    time_limit: float | None = 1.0,
    seed: int = 0,
    iterations: int | None = None,
    change_penalty: float = CHANGE_PENALTY,
    objective: Objective = "weighted_tardiness",
    allow_unplaced: bool = False,
) -> Schedule:
    """Re-plan `schedule` at minute `now` for `problem`, keeping what has started and moving little.

    Entries that started before `now` stay exactly as they are (same people, same times, even if
    they run past `now`). Tasks of `problem` that `schedule` does not place — new work such as an
    emergency, or tasks it left unplaced — are added. Nothing else starts before `now`. The rest
    is re-optimised for `objective` plus `change_penalty` for every task whose start or people
    differ from `schedule` (:meth:`Schedule.changes`): the decoder first tries each task's old
    start and team, and the search decides which tasks to let move.

    Parameters
    ----------
    schedule : Schedule
        The plan so far, made for `problem` (or for its tasks before new ones were added).
    problem : Problem
        The day as it is now: the old tasks (durations of tasks not yet started may have
        changed), new tasks, technicians and their shifts, travel.
    now : int
        Minutes from the problem's origin; a whole number.
    time_limit, seed, iterations
        The search budget, as in :func:`~hosplogi.scheduling.solve`; for a given `seed` and
        `iterations` (with ``time_limit=None``) the result is the same on every run.
    change_penalty : float
        Objective units per changed task (default :data:`CHANGE_PENALTY`, 60); 0 re-optimises
        freely.
    objective : {"weighted_tardiness", "makespan"}
    allow_unplaced : bool
        As in :func:`~hosplogi.scheduling.solve`: leave out what no longer fits.

    Returns
    -------
    Schedule

    Raises
    ------
    HosplogiError
        A `now` that is not a whole number of minutes (a datetime, a float, a bool), a
        `change_penalty` that is negative, NaN or not a number, a budget as `solve` refuses it,
        or a `schedule` that does not belong to `problem` (an entry for a task or technician the
        problem does not have, a started task whose duration differs, a started task whose
        predecessor has not started).
    InfeasibleError
        Without `allow_unplaced`, when the remaining tasks cannot all be placed after `now`.

    Notes
    -----
    Bounds: as :func:`~hosplogi.scheduling.solve` (one decoding per candidate, at most
    `iterations` candidates or `time_limit` seconds), plus one matching per task of `schedule`
    to recover its old team.

    Examples
    --------
    >>> from hosplogi import SkillRequirement, Technician
    >>> from hosplogi.scheduling import Task, solve
    >>> need = (SkillRequirement(skill="hvac"),)
    >>> techs = (Technician(id="A", skills={"hvac": 1}), Technician(id="B", skills={"hvac": 1}))
    >>> day = Problem(tasks=tuple(Task(id=f"J{i}", duration=60, requirements=need, due=240)
    ...                           for i in range(4)), technicians=techs)
    >>> plan = solve(day, iterations=50)
    >>> [(e.task_id, e.start, sorted(e.technicians)) for e in plan.entries]
    [('J0', 0, ['A']), ('J1', 0, ['B']), ('J2', 60, ['A']), ('J3', 60, ['B'])]
    >>> urgent = Task(id="ER", duration=30, requirements=need, release=40, due=80, weight=8.0)
    >>> later = day.model_copy(update={"tasks": (*day.tasks, urgent)})
    >>> new = replan(plan, later, now=40, iterations=50)
    >>> [(e.task_id, e.start, sorted(e.technicians)) for e in new.entries]
    [('J0', 0, ['A']), ('J1', 0, ['B']), ('ER', 60, ['A']), ('J3', 60, ['B']), ('J2', 90, ['A'])]
    >>> new.changes(plan), new.violations(later)
    (('ER', 'J2'), [])
    """
    if not isinstance(schedule, Schedule) or not isinstance(problem, Problem):
        raise HosplogiError(
            f"replan needs a Schedule and a Problem, got {brief(schedule)} and {brief(problem)}"
        )
    at = _check_now(now)
    penalty = _check_penalty(change_penalty)
    if objective not in ("weighted_tardiness", "makespan"):
        raise HosplogiError(
            f"unknown objective {objective!r}; use 'weighted_tardiness' or 'makespan'"
        )
    check_budget(time_limit, seed, iterations, 1)
    if not isinstance(allow_unplaced, bool):
        raise HosplogiError(f"allow_unplaced must be True or False, got {brief(allow_unplaced)}")
    started = _started(schedule, problem, at)
    old = {e.task_id: e for e in schedule.entries}
    inst = compile_problem(problem, allow_unplaced=allow_unplaced)
    index = {t.id: k for k, t in enumerate(problem.technicians)}
    fixed: list[_search.Placement | None] = []
    anchors: list[_search.Placement | None] = []
    for i, task in enumerate(problem.tasks):
        entry = old.get(task.id)
        if task.id in started and entry is not None:
            fixed.append((entry.start, [index[p] for p in entry.technicians]))
            anchors.append(None)
            inst.releases[i] = entry.start
            continue
        fixed.append(None)
        inst.releases[i] = max(inst.releases[i], at)
        people = {index[p] for p in entry.technicians} if entry is not None else set()
        team = match(inst.slots[i], people) if entry is not None else None
        if entry is None or team is None or len(people) != len(inst.slots[i]):
            anchors.append(None)
        else:
            anchors.append((entry.start, team))
    inst.fixed = fixed
    inst.anchors = anchors
    inst.change_penalty = penalty
    if not problem.tasks:
        return Schedule(entries=(), proven_optimal=True)
    result = _search.search(
        inst, objective, seed=seed, iterations=iterations, time_limit=time_limit
    )
    if result is None:
        raise InfeasibleError(
            f"the tasks not yet started cannot all be placed after minute {at} inside the "
            "technicians' availability windows; lengthen the shifts, add technicians, or pass "
            "allow_unplaced=True to plan what fits"
        )
    dec = result.decoded
    plan = to_schedule(
        problem, inst, dec.starts, dec.teams, proven=result.proven, placed=dec.placed
    )
    entries = sorted(
        (started.get(e.task_id, e) for e in plan.entries),
        key=lambda e: (e.start, e.end, e.task_id),
    )
    return plan.model_copy(update={"entries": tuple(entries)})
