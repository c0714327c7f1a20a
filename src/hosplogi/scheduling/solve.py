"""Solving a :class:`~hosplogi.scheduling.models.Problem`: compile it to ints, search, read back.

:func:`compile_problem` turns the models into the integer instance of :mod:`._search` (and refuses
what can never be staffed); :func:`solve` runs the heuristic search (:mod:`._search`) or the exact
CP-SAT backend (:mod:`._cpsat`) on it and turns the plain result into a :class:`Schedule`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from hosplogi._checks import guarded
from hosplogi._types import brief
from hosplogi.crews import Technician
from hosplogi.errors import HosplogiError, InfeasibleError
from hosplogi.scheduling import _cpsat, _search
from hosplogi.scheduling._matching import unfillable_slot
from hosplogi.scheduling.models import Entry, Problem, Schedule, Task, merge_windows

__all__ = ["Objective", "check_budget", "compile_problem", "solve", "to_schedule"]

Objective = Literal["weighted_tardiness", "makespan"]


def _find_cycle(tasks: Sequence[Task]) -> list[str] | None:
    index = {t.id: i for i, t in enumerate(tasks)}
    color = [0] * len(tasks)
    parent = [-1] * len(tasks)
    for root in range(len(tasks)):
        if color[root]:
            continue
        stack = [(root, iter(tasks[root].predecessors))]
        color[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = 2
                stack.pop()
                continue
            j = index[nxt]
            if color[j] == 1:
                cycle = [tasks[j].id]
                k = node
                while k != j:
                    cycle.append(tasks[k].id)
                    k = parent[k]
                cycle.append(tasks[j].id)
                return cycle
            if color[j] == 0:
                color[j] = 1
                parent[j] = node
                stack.append((j, iter(tasks[j].predecessors)))
    return None


def compile_problem(problem: Problem, *, allow_unplaced: bool = False) -> _search.Instance:
    """The integer instance of `problem` (tasks and technicians by index, slots per person).

    Each requirement becomes `count` slots, each the list of technicians who can fill it
    (:meth:`Technician.can_fill`), least flexible first. With travel, the tasks' locations become
    indices of a dense matrix of minutes (at most 1000 locations, so at most a million entries).

    Raises
    ------
    InfeasibleError
        A task needs a skill or level that not enough technicians have, slots its qualified
        technicians cannot fill one each, or fits no availability window — unless
        `allow_unplaced`, which marks such a task (and so its successors) unplaced instead.
    HosplogiError
        The precedences form a cycle (named).

    Examples
    --------
    >>> from hosplogi import SkillRequirement, Technician
    >>> p = Problem(tasks=(Task(id="A", duration=5,
    ...                         requirements=(SkillRequirement(skill="hvac", count=2),)),),
    ...             technicians=(Technician(id="X", skills={"hvac": 1, "plumbing": 1}),
    ...                          Technician(id="Y", skills={"hvac": 2})))
    >>> compile_problem(p).slots
    [[[1, 0], [1, 0]]]
    """
    tasks = problem.tasks
    techs = problem.technicians
    cycle = _find_cycle(tasks)
    if cycle is not None:
        raise HosplogiError(
            f"the precedences form a cycle: {' → '.join(cycle)} (each task must end before the "
            "next starts); remove one of these predecessor links"
        )
    index = {t.id: i for i, t in enumerate(tasks)}
    flexibility = [len(t.skills) for t in techs]
    preds = [[index[p] for p in t.predecessors] for t in tasks]
    succs: list[list[int]] = [[] for _ in tasks]
    for i, ps in enumerate(preds):
        for p in ps:
            succs[p].append(i)
    slots: list[list[list[int]]] = []
    groups: list[list[int]] = []
    relevant: list[list[int]] = []
    blocked = [False] * len(tasks)
    for i, task in enumerate(tasks):
        try:
            task_slots, rel = _staff(task, techs, flexibility)
        except InfeasibleError:
            if not allow_unplaced:
                raise
            blocked[i] = True
            task_slots, rel = [], []
        slots.append([s for s, _ in task_slots])
        groups.append([g for _, g in task_slots])
        relevant.append(rel)
    win_starts: list[list[int] | None] = []
    win_ends: list[list[int] | None] = []
    for t in techs:
        windows = None if problem.availability is None else problem.availability.get(t.id)
        if windows is None:
            win_starts.append(None)
            win_ends.append(None)
        else:
            merged = merge_windows(windows)
            win_starts.append([a for a, _ in merged])
            win_ends.append([b for _, b in merged])
    inst = _search.Instance(
        durations=[t.duration for t in tasks],
        releases=[t.release for t in tasks],
        dues=[t.due for t in tasks],
        weights=[t.weight for t in tasks],
        preds=preds,
        succs=succs,
        slots=slots,
        slot_groups=groups,
        relevant=relevant,
        win_starts=win_starts,
        win_ends=win_ends,
        n_techs=len(techs),
    )
    inst.topo = _search.topological(preds, list(range(len(tasks))))
    if problem.has_travel:
        places: dict[str, int] = {}
        for task in tasks:
            if task.location is not None:
                places.setdefault(task.location, len(places))
        inst.locations = [-1 if x.location is None else places[x.location] for x in tasks]
        names = list(places)
        inst.travel = [[problem.travel_minutes(a, b) for b in names] for a in names]
    _check_windows(problem, inst, blocked if allow_unplaced else None)
    if any(blocked):
        inst.blocked = blocked
    inst.unplaced_by_weight = allow_unplaced
    return inst


def _staff(
    task: Task, techs: Sequence[Technician], flexibility: Sequence[int]
) -> tuple[list[tuple[list[int], int]], list[int]]:
    """The slots of `task` (qualified technicians, requirement index) and everyone relevant."""
    task_slots: list[tuple[list[int], int]] = []
    for g, req in enumerate(task.requirements):
        cands = [k for k, t in enumerate(techs) if t.can_fill(req)]
        if len(cands) < req.count:
            names = ", ".join(techs[k].id for k in cands) or "nobody"
            raise InfeasibleError(
                f"task {task.id!r} needs {req.count} × {req.skill} at level ≥ {req.level}; "
                f"qualified: {names}"
            )
        cands.sort(key=lambda k: (flexibility[k], k))
        task_slots.extend((cands, g) for _ in range(req.count))
    task_slots.sort(key=lambda x: (len(x[0]), x[1]))
    rel = sorted({k for s, _ in task_slots for k in s})
    missing = unfillable_slot([s for s, _ in task_slots], set(rel))
    if missing is not None:
        want = ", ".join(f"{r.count} × {r.skill} at level ≥ {r.level}" for r in task.requirements)
        skill = task.requirements[task_slots[missing][1]].skill
        raise InfeasibleError(
            f"task {task.id!r} needs {len(task_slots)} distinct people ({want}) but its "
            f"qualified technicians ({', '.join(techs[k].id for k in rel)}) cannot fill "
            f"every slot, one slot each: no one is left for {skill}"
        )
    return task_slots, rel


def _check_windows(problem: Problem, inst: _search.Instance, blocked: list[bool] | None) -> None:
    """Each task alone must fit in a common window of enough qualified technicians.

    With `blocked` (allow_unplaced) a task that fits none is marked there instead of raising.
    """
    if problem.availability is None:
        return
    for i, task in enumerate(problem.tasks):
        if not inst.slots[i]:
            continue
        single = _search.Instance(
            durations=[task.duration],
            releases=[task.release],
            dues=[None],
            weights=[1.0],
            preds=[[]],
            succs=[[]],
            slots=[inst.slots[i]],
            slot_groups=[inst.slot_groups[i]],
            relevant=[inst.relevant[i]],
            win_starts=inst.win_starts,
            win_ends=inst.win_ends,
            n_techs=inst.n_techs,
        )
        if _search.decode(single, [0], "makespan").missing:
            if blocked is not None:
                blocked[i] = True
                continue
            raise InfeasibleError(
                f"task {task.id!r} ({task.duration} min, released at {task.release}) fits in no "
                "availability window shared by enough qualified technicians; lengthen their "
                "shifts or split the task"
            )


def to_schedule(
    problem: Problem,
    inst: _search.Instance,
    starts: Sequence[int],
    teams: Sequence[Sequence[int]],
    *,
    proven: bool,
    placed: Sequence[bool] | None = None,
) -> Schedule:
    """Read a plain solution (a start and a technician per slot, per task) back as a Schedule.

    Tasks not `placed` go to ``Schedule.unplaced``, in the problem's order.
    """
    entries = []
    for i, task in enumerate(problem.tasks):
        if placed is not None and not placed[i]:
            continue
        roles: dict[str, str] = {}
        for s, k in enumerate(teams[i]):
            req = task.requirements[inst.slot_groups[i][s]]
            roles[problem.technicians[k].id] = req.skill
        entries.append(
            Entry(
                task_id=task.id,
                start=starts[i],
                end=starts[i] + inst.durations[i],
                technicians=dict(sorted(roles.items())),
            )
        )
    entries.sort(key=lambda e: (e.start, e.end, e.task_id))
    unplaced = (
        ()
        if placed is None
        else tuple(t.id for t, ok in zip(problem.tasks, placed, strict=True) if not ok)
    )
    return Schedule(entries=tuple(entries), proven_optimal=proven, unplaced=unplaced)


# -- solve -------------------------------------------------------------------------------------


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_budget(time_limit: float | None, seed: int, iterations: int | None, workers: int) -> None:
    """Refuse a search budget that is not a number of the kind stated (HosplogiError)."""
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit)
        or time_limit < 0
    ):
        raise HosplogiError(
            f"time_limit must be a non-negative number of seconds or None, got {brief(time_limit)}"
        )
    if not _whole(seed):
        raise HosplogiError(
            f"seed must be a whole number (the same seed gives the same schedule), "
            f"got {brief(seed)}"
        )
    if iterations is not None and (not _whole(iterations) or iterations < 0):
        raise HosplogiError(
            f"iterations must be a whole number, zero or more, or None, got {brief(iterations)}"
        )
    if not _whole(workers) or workers < 1:
        raise HosplogiError(f"workers must be a whole number, at least 1, got {brief(workers)}")
    if time_limit is None and iterations is None:
        raise HosplogiError("give a time_limit, an iterations budget, or both")


@guarded
def solve(
    problem: Problem,
    *,
    objective: Objective = "weighted_tardiness",
    time_limit: float | None = 1.0,
    seed: int = 0,
    iterations: int | None = None,
    backend: Literal["heuristic", "cp-sat"] = "heuristic",
    workers: int = 1,
    allow_unplaced: bool = False,
) -> Schedule:
    """Return a good (often optimal) feasible schedule of `problem` within `time_limit` seconds.

    The default backend is a genetic algorithm over activity lists: each list is decoded by a
    serial schedule-generation scheme that places tasks in list order at the earliest time when
    the free, on-shift qualified technicians can fill every skill slot (a bipartite matching that
    prefers the least flexible people), improved by forward-backward justification for the
    makespan. It is anytime: it returns the best schedule found when the budget runs out, as
    soon as a lower bound proves it optimal, or once 2000 candidates in a row have brought no
    improvement. With travel between locations (``Problem.travel``), a technician's next task
    starts no earlier than the walk from the previous one allows, and each task ends early
    enough to walk to the next.

    Parameters
    ----------
    problem : Problem
    objective : {"weighted_tardiness", "makespan"}
        Σ weight × max(0, end − due), or the end of the last task. Ties are broken by the sum of
        end times (a more compact plan).
    time_limit : float or None
        Seconds of search; None for no cap (then give `iterations`).
    seed : int
        Seed of the search's random numbers (a whole number; None is refused).
    iterations : int, optional
        Budget of candidate schedules (a whole number, zero or more).
    backend : {"heuristic", "cp-sat"}
        ``"cp-sat"`` solves the same model exactly with OR-Tools (extra ``hosplogi[cpsat]``),
        practical for small problems and for measuring the heuristic.
    workers : int
        CP-SAT search workers (1 is deterministic).
    allow_unplaced : bool
        For an overloaded day: instead of raising `InfeasibleError` when not every task fits,
        return a feasible schedule of what fits and list the rest in ``Schedule.unplaced``. The
        objective then charges each task left out its weight times a penalty larger than any
        schedule's objective — the least total weight is left out, then the fewest tasks, then
        the objective counts. The successors of an unplaced task are unplaced too. A task that no
        one can ever staff, or that fits no shift, is unplaced rather than an error. Heuristic
        backend only.

    Returns
    -------
    Schedule

    Raises
    ------
    InfeasibleError
        Without `allow_unplaced`: a task needs a skill or level that not enough technicians
        have, or fits no availability window (the message names the task and the skill), or no
        order of the tasks fits them all into the shifts.
    HosplogiError
        The precedences form a cycle (named), an unknown objective or backend, a `seed`,
        `iterations`, `time_limit` or `workers` that is not a number of the kind stated (None,
        NaN, negative, a bool), or OR-Tools is not installed for ``backend="cp-sat"``.

    Notes
    -----
    Determinism: for a given `problem`, `objective`, `seed` and `iterations` the result is
    identical on every machine and in every run — the search draws from ``random.Random(seed)``
    and decodes with integers only. `time_limit` only caps the wall time: when it runs out first,
    the search stops early and returns the best schedule so far, which then depends on the
    machine's speed. Pass ``time_limit=None`` with `iterations` to never let the clock decide.
    With `time_limit` alone the search is anytime and not reproducible.

    Bounds: compiling costs tasks × technicians steps (a :class:`Problem` holds at most 10,000 of
    each); each candidate costs one decoding, about tasks × slots matchings; the search stops
    after `iterations` candidates, `time_limit` seconds, 2000 candidates without improvement, or
    at a lower bound, whichever comes first. The first candidate is decoded even when
    `time_limit` is already spent, so that a schedule exists.

    Examples
    --------
    >>> from hosplogi import SkillRequirement, Technician
    >>> techs = (Technician(id="A", skills={"hvac": 1}), Technician(id="B", skills={"hvac": 1}))
    >>> need = (SkillRequirement(skill="hvac"),)
    >>> p = Problem(tasks=tuple(Task(id=f"J{i}", duration=d, requirements=need)
    ...                         for i, d in enumerate([3, 3, 2, 2, 2])), technicians=techs)
    >>> solve(p, objective="makespan", iterations=100).makespan
    6
    >>> bad = Problem(tasks=(Task(id="J9", duration=5,
    ...                           requirements=(SkillRequirement(skill="lifts"),)),),
    ...               technicians=techs)
    >>> solve(bad)
    Traceback (most recent call last):
    ...
    hosplogi.errors.InfeasibleError: task 'J9' needs 1 × lifts at level ≥ 1; qualified: nobody
    """
    if objective not in ("weighted_tardiness", "makespan"):
        raise HosplogiError(
            f"unknown objective {objective!r}; use 'weighted_tardiness' or 'makespan'"
        )
    check_budget(time_limit, seed, iterations, workers)
    if not isinstance(allow_unplaced, bool):
        raise HosplogiError(f"allow_unplaced must be True or False, got {brief(allow_unplaced)}")
    if backend == "cp-sat" and allow_unplaced:
        raise HosplogiError(
            "allow_unplaced=True needs the heuristic backend; CP-SAT places every task or none"
        )
    inst = compile_problem(problem, allow_unplaced=allow_unplaced)
    if backend == "cp-sat":
        found = _cpsat.solve_cpsat(
            inst, objective, time_limit=time_limit, seed=seed, workers=workers
        )
        return to_schedule(problem, inst, found.starts, found.teams, proven=found.optimal)
    if backend != "heuristic":
        raise HosplogiError(f"unknown backend {backend!r}; use 'heuristic' or 'cp-sat'")
    if not problem.tasks:
        return Schedule(entries=(), proven_optimal=True)
    result = _search.search(
        inst, objective, seed=seed, iterations=iterations, time_limit=time_limit
    )
    if result is None:
        raise InfeasibleError(
            "no order of the tasks fits them all inside the technicians' availability windows; "
            "lengthen the shifts, add technicians or move tasks to another day"
        )
    dec = result.decoded
    return to_schedule(
        problem, inst, dec.starts, dec.teams, proven=result.proven, placed=dec.placed
    )
