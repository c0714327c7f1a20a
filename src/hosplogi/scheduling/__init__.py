"""Multi-skill crew scheduling: solve a day plan, recommend a team, assign open orders.

One repair often needs several trades, and hospital crews were merged around multi-skilled
technicians — 一专多能, 一岗多能 (002:61, 003:349); licensed trades need a valid certificate —
持证上岗 (003:347); zones and backup roles matter (区域化管理, 003:315); medical devices and
emergencies come first (001:413). This module answers three questions:

- :func:`solve` — a planner's day: place every task (with several skill requirements, release
  times, due dates, precedences and technician shifts) and choose who does it, minimising the
  weighted tardiness or the makespan within a time limit;
- :func:`recommend` — a dispatcher's question about one new order: which teams fit best right now,
  and why;
- :func:`assign` — one-shot assignment of the open orders to the free technicians.

Time in the scheduling core is integer minutes from an origin the caller chooses;
:func:`problem_from_orders` converts work orders (minutes from ``now``) and :func:`load_mspsp`
reads the public MSPSP benchmark files.

Examples
--------
>>> from hosplogi import SkillRequirement as Need, Technician
>>> techs = (Technician(id="E1", skills={"electrical": 3}),
...          Technician(id="P1", skills={"plumbing": 2}),
...          Technician(id="M1", skills={"electrical": 2, "plumbing": 3}))
>>> problem = Problem(
...     tasks=(Task(id="boiler-room", duration=90, due=120,
...                 requirements=(Need(skill="electrical"), Need(skill="plumbing", count=2))),
...            Task(id="ward-3-light", duration=30, due=60,
...                 requirements=(Need(skill="electrical", level=3),))),
...     technicians=techs)
>>> schedule = solve(problem, seed=1, iterations=50)
>>> [(e.task_id, e.start, e.end, sorted(e.technicians)) for e in schedule.entries]
[('ward-3-light', 0, 30, ['E1']), ('boiler-room', 30, 120, ['E1', 'M1', 'P1'])]
>>> schedule.violations(problem)
[]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import combinations, pairwise, product
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from hosplogi._types import FrozenModel, Identifier, require_aware
from hosplogi.crews import CERTIFICATE_RULES, SkillRequirement, Technician
from hosplogi.errors import HosplogiError, InfeasibleError
from hosplogi.orders import Priority, Status, WorkOrder
from hosplogi.scheduling import _search
from hosplogi.scheduling._matching import team_for, unfillable_slot
from hosplogi.sla import SlaPolicy, evaluate  # scheduling reads sla due times (ARCHITECTURE.md)

__all__ = [
    "PRIORITY_WEIGHTS",
    "Entry",
    "Problem",
    "Recommendation",
    "Schedule",
    "Task",
    "assign",
    "load_mspsp",
    "problem_from_orders",
    "recommend",
    "solve",
    "team_for",
]


PRIORITY_WEIGHTS: Mapping[Priority, float] = {
    Priority.EMERGENCY: 8.0,
    Priority.URGENT: 4.0,
    Priority.ROUTINE: 2.0,
    Priority.PLANNED: 1.0,
}
"""Tardiness weight per priority in :func:`problem_from_orders` (emergencies first, 001:413)."""

Objective = Literal["weighted_tardiness", "makespan"]


# -- models ------------------------------------------------------------------------------------


class Task(FrozenModel):
    """One job to schedule: how long, who it needs, when it may start and is due.

    Parameters
    ----------
    id : str
    duration : int
        Minutes, zero or more.
    requirements : tuple[SkillRequirement, ...]
        People needed; each technician fills at most one slot.
    release : int
        Earliest start, in minutes from the origin.
    due : int, optional
        Due time for the weighted-tardiness objective (may be negative: already overdue).
    weight : float
        Tardiness weight per minute late, zero or more.
    predecessors : tuple[str, ...]
        Ids of tasks that must end before this one starts.

    Examples
    --------
    >>> Task(id="T1", duration=45, requirements=(SkillRequirement(skill="hvac", count=2),)).duration
    45
    """

    id: Identifier
    duration: int = Field(ge=0, strict=True)
    requirements: tuple[SkillRequirement, ...] = ()
    release: int = Field(default=0, ge=0, strict=True)
    due: int | None = None
    weight: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)
    predecessors: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _check_predecessors(self) -> Self:
        if self.id in self.predecessors:
            raise ValueError(f"task {self.id!r} lists itself as a predecessor")
        dupes = sorted({p for p in self.predecessors if self.predecessors.count(p) > 1})
        if dupes:
            raise ValueError(
                f"task {self.id!r} lists predecessor(s) {', '.join(dupes)} more than once"
            )
        return self


Window = tuple[int, int]


class Problem(FrozenModel):
    """Tasks, the technicians who can do them and when each technician works.

    `availability` maps a technician id to working windows ``[start, end)`` in minutes (a shift);
    a technician missing from the mapping, or ``availability=None``, is always available.

    Examples
    --------
    >>> p = Problem(tasks=(Task(id="A", duration=10), Task(id="B", duration=5,
    ...                    predecessors=("A",))),
    ...             technicians=(Technician(id="X", skills={"hvac": 1}),),
    ...             availability={"X": [(0, 480)]})
    >>> p.availability["X"]
    ((0, 480),)
    >>> Problem(tasks=(Task(id="A", duration=1, predecessors=("Z",)),), technicians=())
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Problem
      Value error, task 'A' has unknown predecessor 'Z'; known task ids: A ...
    """

    tasks: tuple[Task, ...]
    technicians: tuple[Technician, ...]
    availability: Mapping[Identifier, tuple[tuple[int, int], ...]] | None = None

    @model_validator(mode="after")
    def _check_ids(self) -> Self:
        ids = [t.id for t in self.tasks]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"task ids must be unique; repeated: {', '.join(dupes)}")
        tech_ids = [t.id for t in self.technicians]
        dupes = sorted({i for i in tech_ids if tech_ids.count(i) > 1})
        if dupes:
            raise ValueError(f"technician ids must be unique; repeated: {', '.join(dupes)}")
        known = set(ids)
        for task in self.tasks:
            for p in task.predecessors:
                if p not in known:
                    shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
                    raise ValueError(
                        f"task {task.id!r} has unknown predecessor {p!r}; known task ids: {shown}"
                    )
        if self.availability is not None:
            techs = set(tech_ids)
            for tech, windows in self.availability.items():
                if tech not in techs:
                    raise ValueError(
                        f"availability names unknown technician {tech!r}; "
                        "give windows only for technicians of the problem"
                    )
                for a, b in windows:
                    if b < a:
                        raise ValueError(
                            f"availability window ({a}, {b}) of {tech!r} ends before it starts; "
                            "a window is (start, end) with end >= start"
                        )
        return self


class Entry(FrozenModel):
    """One scheduled task: when, and which technician fills which skill.

    Examples
    --------
    >>> Entry(task_id="A", start=0, end=30, technicians={"E1": "electrical"}).end
    30
    """

    task_id: Identifier
    start: int
    end: int
    technicians: dict[Identifier, Identifier] = Field(default_factory=dict)


class Schedule(FrozenModel):
    """A solution: one :class:`Entry` per task.

    `proven_optimal` is True when the solver reached a lower bound (or CP-SAT proved optimality).

    Examples
    --------
    >>> s = Schedule(entries=(Entry(task_id="A", start=0, end=30),))
    >>> s.makespan
    30
    """

    entries: tuple[Entry, ...]
    proven_optimal: bool = False

    @property
    def makespan(self) -> int:
        """The end of the last task (0 for an empty schedule)."""
        return max((e.end for e in self.entries), default=0)

    def entry(self, task_id: str) -> Entry:
        """Return the entry of `task_id`; a HosplogiError naming it if absent."""
        for e in self.entries:
            if e.task_id == task_id:
                return e
        raise HosplogiError(f"the schedule has no entry for task {task_id!r}")

    def weighted_tardiness(self, problem: Problem) -> float:
        """Σ weight × max(0, end − due) over the tasks of `problem` that have a due time.

        Examples
        --------
        >>> p = Problem(tasks=(Task(id="A", duration=30, due=20, weight=2.0),), technicians=())
        >>> Schedule(entries=(Entry(task_id="A", start=0, end=30),)).weighted_tardiness(p)
        20.0
        """
        ends = {e.task_id: e.end for e in self.entries}
        total = 0.0
        for t in problem.tasks:
            if t.due is not None and t.id in ends:
                total += t.weight * max(0, ends[t.id] - t.due)
        return total

    def violations(self, problem: Problem) -> list[str]:
        """Every way the schedule breaks the rules of `problem`; empty when feasible.

        Checked independently of the solver: each task appears exactly once with
        ``end = start + duration``; each requirement is filled by `count` distinct technicians
        with the skill at the level; nobody fills two slots of a task or works on two overlapping
        tasks; predecessors end before successors start; nothing starts before its release;
        work lies inside the technician's availability.

        Examples
        --------
        >>> p = Problem(tasks=(Task(id="A", duration=30,
        ...                         requirements=(SkillRequirement(skill="hvac", level=2),)),),
        ...             technicians=(Technician(id="X", skills={"hvac": 1}),))
        >>> Schedule(entries=(Entry(task_id="A", start=0, end=30,
        ...                         technicians={"X": "hvac"}),)).violations(p)
        ["task 'A': technician 'X' has hvac at level 1, below the required 2",
         "task 'A' needs 1 × hvac at level ≥ 2, got 0"]
        """
        out: list[str] = []
        tasks = {t.id: t for t in problem.tasks}
        techs = {t.id: t for t in problem.technicians}
        by_task: dict[str, Entry] = {}
        for e in self.entries:
            if e.task_id not in tasks:
                out.append(f"entry for unknown task {e.task_id!r}")
            elif e.task_id in by_task:
                out.append(f"task {e.task_id!r} is scheduled more than once")
            else:
                by_task[e.task_id] = e
        for tid in tasks:
            if tid not in by_task:
                out.append(f"task {tid!r} is not scheduled")
        for tid, e in by_task.items():
            task = tasks[tid]
            if e.end - e.start != task.duration:
                out.append(
                    f"task {tid!r} runs {e.start}–{e.end} ({e.end - e.start} min), "
                    f"but its duration is {task.duration}"
                )
            if e.start < task.release:
                out.append(f"task {tid!r} starts at {e.start}, before its release {task.release}")
            for p in task.predecessors:
                pe = by_task.get(p)
                if pe is not None and pe.end > e.start:
                    out.append(
                        f"task {tid!r} starts at {e.start} before its predecessor {p!r} ends "
                        f"at {pe.end}"
                    )
            filled: dict[str, list[str]] = {}
            for person, skill in e.technicians.items():
                tech = techs.get(person)
                if tech is None:
                    out.append(f"task {tid!r}: unknown technician {person!r}")
                    continue
                filled.setdefault(skill, []).append(person)
            out.extend(_requirement_violations(task, filled, techs))
            if problem.availability is not None:
                for person in e.technicians:
                    windows = problem.availability.get(person)
                    if windows is None or person not in techs:
                        continue
                    if not any(a <= e.start and e.end <= b for a, b in _merge(windows)):
                        out.append(
                            f"task {tid!r}: technician {person!r} works {e.start}–{e.end} "
                            f"outside the availability {list(windows)}"
                        )
        jobs: dict[str, list[Entry]] = {}
        for e in by_task.values():
            if e.end > e.start:
                for person in e.technicians:
                    jobs.setdefault(person, []).append(e)
        for person, entries in sorted(jobs.items()):
            entries.sort(key=lambda x: (x.start, x.end))
            for a, b in pairwise(entries):
                if b.start < a.end:
                    out.append(
                        f"technician {person!r} works on {a.task_id!r} ({a.start}–{a.end}) and "
                        f"{b.task_id!r} ({b.start}–{b.end}) at the same time"
                    )
        return out


def _requirement_violations(
    task: Task, filled: dict[str, list[str]], techs: Mapping[str, Technician]
) -> list[str]:
    out: list[str] = []
    by_skill: dict[str, list[SkillRequirement]] = {}
    for r in task.requirements:
        by_skill.setdefault(r.skill, []).append(r)
    for skill, people in filled.items():
        if skill not in by_skill:
            out.append(
                f"task {task.id!r}: {', '.join(people)} fill {skill}, which it does not need"
            )
    for skill, reqs in by_skill.items():
        people = filled.get(skill, [])
        for person in people:
            level = techs[person].level(skill)
            lowest = min(r.level for r in reqs)
            if level < lowest:
                out.append(
                    f"task {task.id!r}: technician {person!r} has {skill} at level {level}, "
                    f"below the required {lowest}"
                )
        # requirements of one skill at several levels: fill the strictest first
        levels = sorted((techs[p].level(skill) for p in people), reverse=True)
        need = sorted(((r.level, r.count) for r in reqs), reverse=True)
        it = iter(levels)
        ok = True
        for level, count in need:
            for _ in range(count):
                got = next(it, 0)
                if got < level:
                    ok = False
        if not ok or len(levels) != sum(c for _, c in need):
            want = " + ".join(f"{c} × {skill} at level ≥ {lv}" for lv, c in need)
            ok_people = sum(1 for lv in levels if lv >= min(lv for lv, _ in need))
            out.append(f"task {task.id!r} needs {want}, got {ok_people}")
    return out


class Recommendation(FrozenModel):
    """A proposed team for one order, its score (higher is better) and why.

    Examples
    --------
    >>> Recommendation(technician_ids=("E1",), score=0.9, reasons=("E1: free now",)).score
    0.9
    """

    technician_ids: tuple[Identifier, ...]
    score: float
    reasons: tuple[str, ...] = ()
    roles: dict[Identifier, Identifier] = Field(default_factory=dict)
    """Technician id → the skill that person fills."""
    available_at: datetime | None = None
    """When the whole team is free (``now`` if everyone is free now)."""


# -- compiling a problem to ints ---------------------------------------------------------------


def _merge(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


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


def _compile(problem: Problem) -> _search.Instance:
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
    for task in tasks:
        task_slots: list[tuple[list[int], int]] = []
        for g, req in enumerate(task.requirements):
            cands = [k for k, t in enumerate(techs) if t.skills.get(req.skill, 0) >= req.level]
            if len(cands) < req.count:
                names = ", ".join(techs[k].id for k in cands) or "nobody"
                raise InfeasibleError(
                    f"task {task.id!r} needs {req.count} × {req.skill} at level ≥ {req.level}; "
                    f"qualified: {names}"
                )
            cands.sort(key=lambda k: (flexibility[k], k))
            task_slots.extend((cands, g) for _ in range(req.count))
        task_slots.sort(key=lambda x: (len(x[0]), x[1]))
        slots.append([s for s, _ in task_slots])
        groups.append([g for _, g in task_slots])
        rel = sorted({k for s, _ in task_slots for k in s})
        relevant.append(rel)
        missing = unfillable_slot(slots[-1], set(rel))
        if missing is not None:
            want = ", ".join(
                f"{r.count} × {r.skill} at level ≥ {r.level}" for r in task.requirements
            )
            skill = task.requirements[groups[-1][missing]].skill
            raise InfeasibleError(
                f"task {task.id!r} needs {len(task_slots)} distinct people ({want}) but its "
                f"qualified technicians ({', '.join(techs[k].id for k in rel)}) cannot fill "
                f"every slot, one slot each: no one is left for {skill}"
            )
    win_starts: list[list[int] | None] = []
    win_ends: list[list[int] | None] = []
    for t in techs:
        windows = None if problem.availability is None else problem.availability.get(t.id)
        if windows is None:
            win_starts.append(None)
            win_ends.append(None)
        else:
            merged = _merge(windows)
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
    _check_windows(problem, inst)
    return inst


def _check_windows(problem: Problem, inst: _search.Instance) -> None:
    """Each task alone must fit in a common window of enough qualified technicians."""
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
        if _search.decode(single, [0], "makespan").cost[0]:
            raise InfeasibleError(
                f"task {task.id!r} ({task.duration} min, released at {task.release}) fits in no "
                "availability window shared by enough qualified technicians; lengthen their "
                "shifts or split the task"
            )


def _to_schedule(
    problem: Problem, inst: _search.Instance, dec: _search.Decoded, proven: bool
) -> Schedule:
    entries = []
    for i, task in enumerate(problem.tasks):
        roles: dict[str, str] = {}
        for s, k in enumerate(dec.teams[i]):
            req = task.requirements[inst.slot_groups[i][s]]
            roles[problem.technicians[k].id] = req.skill
        entries.append(
            Entry(
                task_id=task.id,
                start=dec.starts[i],
                end=dec.ends[i],
                technicians=dict(sorted(roles.items())),
            )
        )
    entries.sort(key=lambda e: (e.start, e.end, e.task_id))
    return Schedule(entries=tuple(entries), proven_optimal=proven)


# -- solve -------------------------------------------------------------------------------------


def solve(
    problem: Problem,
    *,
    objective: Objective = "weighted_tardiness",
    time_limit: float | None = 1.0,
    seed: int = 0,
    iterations: int | None = None,
    backend: Literal["heuristic", "cp-sat"] = "heuristic",
    workers: int = 1,
) -> Schedule:
    """Return a good (often optimal) feasible schedule of `problem` within `time_limit` seconds.

    The default backend is a genetic algorithm over activity lists: each list is decoded by a
    serial schedule-generation scheme that places tasks in list order at the earliest time when
    the free, on-shift qualified technicians can fill every skill slot (a bipartite matching that
    prefers the least flexible people), improved by forward-backward justification for the
    makespan. It is anytime: it returns the best schedule found when the budget runs out, as
    soon as a lower bound proves it optimal, or once 2000 candidates in a row have brought no
    improvement.

    Parameters
    ----------
    problem : Problem
    objective : {"weighted_tardiness", "makespan"}
        Σ weight × max(0, end − due), or the end of the last task. Ties are broken by the sum of
        end times (a more compact plan).
    time_limit : float or None
        Seconds of search; None for no cap (then give `iterations`).
    seed : int
        Seed of the search's random numbers.
    iterations : int, optional
        Budget of candidate schedules; for a given `seed` and `iterations` the result is the same
        on every machine as long as `time_limit` does not cut the search first.
    backend : {"heuristic", "cp-sat"}
        ``"cp-sat"`` solves the same model exactly with OR-Tools (extra ``hosplogi[cpsat]``),
        practical for small problems and for measuring the heuristic.
    workers : int
        CP-SAT search workers (1 is deterministic).

    Returns
    -------
    Schedule

    Raises
    ------
    InfeasibleError
        A task needs a skill or level that not enough technicians have, or fits no availability
        window; the message names the task and the skill.
    HosplogiError
        The precedences form a cycle (named), an unknown objective or backend, or OR-Tools is not
        installed for ``backend="cp-sat"``.

    Examples
    --------
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
    if time_limit is not None and (not math.isfinite(time_limit) or time_limit < 0):
        raise HosplogiError(
            f"time_limit must be a non-negative number of seconds, got {time_limit!r}"
        )
    if iterations is not None and iterations < 0:
        raise HosplogiError(f"iterations must be zero or more, got {iterations!r}")
    if time_limit is None and iterations is None:
        raise HosplogiError("give a time_limit, an iterations budget, or both")
    inst = _compile(problem)
    if backend == "cp-sat":
        from hosplogi.scheduling._cpsat import solve_cpsat

        return solve_cpsat(
            problem, inst, objective, time_limit=time_limit, seed=seed, workers=workers
        )
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
    return _to_schedule(problem, inst, result.decoded, result.proven)


# -- MSPSP benchmark files ---------------------------------------------------------------------

_DZN_ASSIGN = re.compile(
    r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?);", re.MULTILINE | re.DOTALL
)


def _dzn_values(text: str) -> dict[str, str]:
    text = re.sub(r"%[^\n]*", "", text)
    return {m.group(1): m.group(2) for m in _DZN_ASSIGN.finditer(text)}


def _dzn_list(raw: str, name: str) -> list[str]:
    body = raw.strip().strip("[]").replace("|", ",")
    items = [x.strip() for x in body.split(",") if x.strip()]
    if not items and raw.strip() not in ("[]", "[||]", "[| |]"):
        raise HosplogiError(f"cannot read the list {name!r} from the MSPSP file: {raw[:60]!r}")
    return items


def load_mspsp(path: str | Path) -> Problem:
    """Read an MSPSP benchmark instance (DataZinc ``.dzn``) as a :class:`Problem`.

    Activities become tasks ``"a2"``, ``"a3"``, … (the dummy start and end activities are left
    out; their precedences only bound the others), durations in minutes; resources become
    technicians ``"r1"``, … with the skills they master (``"s1"``, …) at level 1; ``sreq[a, s] = n``
    becomes ``SkillRequirement(skill="s<s>", count=n)``. The makespan of a schedule of the problem
    equals the end of the instance's dummy end activity.

    Parameters
    ----------
    path : str or Path
        A file of the MSPSP instance library (Young, Feydy and Schutt 2017).

    Returns
    -------
    Problem

    Raises
    ------
    HosplogiError
        If a required field is missing or malformed.

    Examples
    --------
    >>> import tempfile, os
    >>> text = '''nActs = 4; dur = [0,3,2,0]; nSkills = 2;
    ... sreq = [| 0,0, | 1,0, | 0,2, | 0,0, |]; nResources = 2;
    ... mastery = [| true,true, | false,true, |];
    ... nPrecs = 4; pred = [1,1,2,3]; succ = [2,3,4,4];'''
    >>> with tempfile.NamedTemporaryFile("w", suffix=".dzn", delete=False) as f:
    ...     _ = f.write(text)
    >>> p = load_mspsp(f.name); os.unlink(f.name)
    >>> [(t.id, t.duration, [(r.skill, r.count) for r in t.requirements]) for t in p.tasks]
    [('a2', 3, [('s1', 1)]), ('a3', 2, [('s2', 2)])]
    >>> solve(p, objective="makespan", iterations=10).makespan
    5
    """
    text = Path(path).read_text(encoding="utf-8")
    values = _dzn_values(text)
    for key in ("nActs", "dur", "nSkills", "sreq", "nResources", "mastery", "pred", "succ"):
        if key not in values:
            raise HosplogiError(f"{path}: the MSPSP field {key!r} is missing")
    n_acts = int(values["nActs"])
    n_skills = int(values["nSkills"])
    n_res = int(values["nResources"])
    dur = [int(x) for x in _dzn_list(values["dur"], "dur")]
    sreq = [int(x) for x in _dzn_list(values["sreq"], "sreq")]
    mastery = [x == "true" for x in _dzn_list(values["mastery"], "mastery")]
    pred = [int(x) for x in _dzn_list(values["pred"], "pred")]
    succ = [int(x) for x in _dzn_list(values["succ"], "succ")]
    if (
        len(dur) != n_acts
        or len(sreq) != n_acts * n_skills
        or len(mastery) != n_res * n_skills
        or len(pred) != len(succ)
    ):
        raise HosplogiError(
            f"{path}: the sizes of dur ({len(dur)}), sreq ({len(sreq)}), mastery ({len(mastery)}) "
            f"or pred/succ ({len(pred)}/{len(succ)}) do not match nActs={n_acts}, "
            f"nSkills={n_skills}, nResources={n_res}"
        )
    real = range(2, n_acts)  # 1-based; 1 and n_acts are the dummies
    predecessors: dict[int, list[int]] = {a: [] for a in real}
    for p, s in zip(pred, succ, strict=True):
        if p in predecessors and s in predecessors:
            predecessors[s].append(p)
    tasks = tuple(
        Task(
            id=f"a{a}",
            duration=dur[a - 1],
            requirements=tuple(
                SkillRequirement(skill=f"s{s + 1}", count=sreq[(a - 1) * n_skills + s])
                for s in range(n_skills)
                if sreq[(a - 1) * n_skills + s] > 0
            ),
            predecessors=tuple(f"a{p}" for p in sorted(set(predecessors[a]))),
        )
        for a in real
    )
    technicians = tuple(
        Technician(
            id=f"r{r + 1}",
            skills={f"s{s + 1}": 1 for s in range(n_skills) if mastery[r * n_skills + s]},
        )
        for r in range(n_res)
    )
    return Problem(tasks=tasks, technicians=technicians)


# -- dispatching: recommend and assign ---------------------------------------------------------

_WAIT_PENALTY_PER_HOUR: Mapping[Priority, float] = {
    Priority.EMERGENCY: 2.0,
    Priority.URGENT: 1.0,
    Priority.ROUTINE: 0.25,
    Priority.PLANNED: 0.1,
}
_DISPATCHABLE = frozenset({Status.REPORTED})


def _needs(order: WorkOrder) -> tuple[SkillRequirement, ...]:
    """The order's requirements, or one person of its trade when it lists none."""
    return order.requirements or (SkillRequirement(skill=order.trade),)


def _eligible(
    tech: Technician, req: SkillRequirement, rules: Mapping[str, str], now: datetime
) -> bool:
    if tech.skills.get(req.skill, 0) < req.level:
        return False
    kind = rules.get(req.skill)
    return kind is None or tech.licensed(kind, on=now.date())


def _why_not(
    req: SkillRequirement,
    technicians: Sequence[Technician],
    rules: Mapping[str, str],
    now: datetime,
) -> str:
    kind = rules.get(req.skill)
    skilled = [t for t in technicians if t.skills.get(req.skill, 0) >= req.level]
    text = f"{req.count} × {req.skill} at level ≥ {req.level}"
    if kind is not None:
        text += f" with a valid {kind} certificate on {now.date()}"
        unlicensed = [t.id for t in skilled if not t.licensed(kind, on=now.date())]
        if unlicensed:
            text += f" (no valid certificate: {', '.join(unlicensed[:10])})"
    ok = [t.id for t in skilled if _eligible(t, req, rules, now)]
    return f"{text}; eligible: {', '.join(ok[:10]) or 'nobody'}"


def _check_unique(technicians: Sequence[Technician]) -> None:
    ids = [t.id for t in technicians]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise HosplogiError(f"technician ids must be unique; repeated: {', '.join(dupes)}")


def _member_score(
    tech: Technician, req: SkillRequirement, zone: str | None, load: int
) -> tuple[float, list[str]]:
    level = tech.skills[req.skill]
    score = 1.0 - 0.05 * (level - req.level) - 0.02 * (len(tech.skills) - 1) - 0.1 * load
    reasons = [f"{tech.id} fills {req.skill}: level {level} (needs ≥ {req.level})"]
    if zone is not None and tech.zone is not None:
        if tech.zone == zone:
            score += 0.3
            reasons.append(f"{tech.id} works in zone {zone}, the order's zone")
        else:
            reasons.append(f"{tech.id} works in zone {tech.zone}, not the order's zone {zone}")
    if load:
        reasons.append(f"{tech.id} has {load} job(s) open")
    return score, reasons


def recommend(
    order: WorkOrder,
    technicians: Sequence[Technician],
    *,
    now: datetime,
    busy_until: Mapping[str, datetime] | None = None,
    k: int = 3,
    load: Mapping[str, int] | None = None,
    zone: str | None = None,
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
) -> list[Recommendation]:
    """Return up to `k` teams for `order`, best first, each with a score and its reasons.

    A team fills every requirement of the order (one person of the order's trade when it lists
    none) with distinct technicians having the skill at the level — and, for a licensed skill in
    `certificate_rules`, a certificate valid on ``now``'s date (持证上岗, 003:347): a technician
    whose certificate has expired is never proposed for that skill. Each member scores 1, minus 0.05
    per level above the one required and 0.02 per extra skill (keep experts and multi-skilled
    people free), plus 0.3 in the order's zone (区域化管理, 003:315), minus 0.1 per open job; the
    team's score is its members' mean minus a waiting penalty per hour until the whole team is
    free (2 for an emergency, 1 urgent, 0.25 routine, 0.1 planned).

    Parameters
    ----------
    order : WorkOrder
    technicians : sequence of Technician
    now : datetime
        Timezone-aware; never read from the clock.
    busy_until : mapping of technician id to datetime, optional
        When each busy technician becomes free; absent or past means free now.
    k : int
        How many teams to return, at least 1.
    load : mapping of technician id to int, optional
        Open jobs per technician.
    zone : str, optional
        The order's service zone; defaults to ``order.location``.
    certificate_rules : mapping of skill to certificate kind
        Defaults to :data:`CERTIFICATE_RULES`.

    Returns
    -------
    list of Recommendation

    Raises
    ------
    InfeasibleError
        When no team can be formed; the message names the skill and who lacks a certificate.

    Examples
    --------
    >>> from datetime import date, datetime, timedelta, timezone
    >>> from hosplogi import Certificate, Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> order = WorkOrder.report(id="WO-7", title="Lift stuck", trade="lifts",
    ...     priority=Priority.EMERGENCY, reported_at=t0, location="A")
    >>> techs = [
    ...     Technician(id="L1", skills={"lifts": 3}, zone="A",
    ...                certificates=(Certificate(kind="lift", expires_on=date(2027, 1, 1)),)),
    ...     Technician(id="L2", skills={"lifts": 4}, zone="B",
    ...                certificates=(Certificate(kind="lift", expires_on=date(2026, 1, 1)),)),
    ...     Technician(id="L3", skills={"lifts": 2, "electrical": 2}, zone="B",
    ...                certificates=(Certificate(kind="lift"),))]
    >>> recs = recommend(order, techs, now=t0, busy_until={"L1": t0 + timedelta(minutes=30)})
    >>> [(r.technician_ids, round(r.score, 2)) for r in recs]
    [(('L3',), 0.93), (('L1',), 0.2)]
    >>> for reason in recs[1].reasons:
    ...     print(reason)
    L1 fills lifts: level 3 (needs ≥ 1)
    L1 holds a valid lift certificate
    L1 works in zone A, the order's zone
    L1 is busy until 09:30 (30 min)
    """
    require_aware(now, "now")
    if k < 1:
        raise HosplogiError(f"k must be at least 1, got {k}")
    _check_unique(technicians)
    busy = busy_until or {}
    loads = load or {}
    where = zone if zone is not None else order.location
    needs = _needs(order)
    wait_rate = _WAIT_PENALTY_PER_HOUR[order.priority]
    # per requirement: a shortlist of (solo score, tech, member score, reasons, free_at)
    shortlists: list[list[tuple[float, int, float, list[str], datetime]]] = []
    everyone: list[list[tuple[float, int, float, list[str], datetime]]] = []
    for req in needs:
        kind = certificate_rules.get(req.skill)
        cands = []
        for idx, tech in enumerate(technicians):
            if not _eligible(tech, req, certificate_rules, now):
                continue
            score, reasons = _member_score(tech, req, where, loads.get(tech.id, 0))
            if kind is not None:
                reasons.insert(1, f"{tech.id} holds a valid {kind} certificate")
            free_at = busy.get(tech.id, now)
            if free_at > now:
                minutes = math.ceil((free_at - now).total_seconds() / 60)
                reasons.append(f"{tech.id} is busy until {free_at:%H:%M} ({minutes} min)")
            else:
                free_at = now
                reasons.append(f"{tech.id} is free now")
            solo = score - wait_rate * (free_at - now).total_seconds() / 3600
            cands.append((solo, idx, score, reasons, free_at))
        if len(cands) < req.count:
            raise InfeasibleError(
                f"no team for order {order.id!r}: it needs "
                f"{_why_not(req, technicians, certificate_rules, now)}"
            )
        cands.sort(key=lambda c: (-c[0], c[1]))
        everyone.append(cands)
        shortlists.append(cands[: req.count + k + 1])
    best: dict[frozenset[int], tuple[float, tuple[str, ...], tuple[tuple[Any, ...], ...]]] = {}
    combos: Iterable[tuple[tuple[Any, ...], ...]] = _team_combos(needs, shortlists)
    for attempt in range(2):
        for combo in combos:
            _score_team(combo, best, technicians, wait_rate, now)
        if len(best) >= k or attempt or len(needs) == 1:
            break
        # shortlists of the same people for several requirements: build teams by matching
        combos = _matched_teams(needs, everyone)
    if not best:
        raise InfeasibleError(
            f"no team for order {order.id!r}: its requirements "
            f"({', '.join(f'{r.count} × {r.skill} at level ≥ {r.level}' for r in needs)}) "
            "cannot be filled by distinct eligible technicians"
        )
    ranked = sorted(best.values(), key=lambda x: (-x[0], x[1]))[:k]
    out = []
    for score, ids, combo in ranked:
        members = [m for group in combo for m in group]
        roles = {}
        for req, group in zip(needs, combo, strict=True):
            for m in group:
                roles[technicians[m[1]].id] = req.skill
        out.append(
            Recommendation(
                technician_ids=ids,
                score=score,
                reasons=tuple(r for m in members for r in m[3]),
                roles=roles,
                available_at=max(m[4] for m in members),
            )
        )
    return out


_MAX_COMBOS = 4096


def _score_team(
    combo: tuple[tuple[Any, ...], ...],
    best: dict[frozenset[int], tuple[float, tuple[str, ...], tuple[tuple[Any, ...], ...]]],
    technicians: Sequence[Technician],
    wait_rate: float,
    now: datetime,
) -> None:
    members = [m for group in combo for m in group]
    idxs = frozenset(m[1] for m in members)
    if len(idxs) != len(members):
        return
    ready = max(m[4] for m in members)
    score = sum(m[2] for m in members) / len(members)
    score -= wait_rate * (ready - now).total_seconds() / 3600
    if idxs in best and best[idxs][0] >= score:
        return
    best[idxs] = (score, tuple(technicians[m[1]].id for m in members), combo)


def _matched_teams(
    needs: Sequence[SkillRequirement], everyone: Sequence[Sequence[Any]]
) -> list[tuple[tuple[Any, ...], ...]]:
    """The best team by min-cost flow, then one more team per member of it, that member banned.

    Used when several requirements compete for the same people, so that the shortlists hold no
    team of distinct people (the first step of Murty's k-best assignments).
    """
    import networkx as nx

    def solve_with(banned: set[int]) -> tuple[tuple[Any, ...], ...] | None:
        graph = nx.DiGraph()
        total = sum(r.count for r in needs)
        for g, (req, cands) in enumerate(zip(needs, everyone, strict=True)):
            graph.add_edge("source", ("req", g), capacity=req.count, weight=0)
            for c in cands:
                if c[1] not in banned:
                    cost = -round(c[0] * 1000)
                    graph.add_edge(("req", g), ("tech", c[1]), capacity=1, weight=cost)
                    graph.add_edge(("tech", c[1]), "sink", capacity=1, weight=0)
        if not graph.has_node("sink"):
            return None
        flow = nx.max_flow_min_cost(graph, "source", "sink")
        if sum(flow["source"].values()) < total:
            return None
        combo = []
        for g, cands in enumerate(everyone):
            chosen = {node[1] for node, f in flow[("req", g)].items() if f > 0}
            combo.append(tuple(c for c in cands if c[1] in chosen))
        return tuple(combo)

    first = solve_with(set())
    if first is None:
        return []
    teams = [first]
    for group in first:
        for member in group:
            other = solve_with({member[1]})
            if other is not None:
                teams.append(other)
    return teams


def _team_combos(
    needs: Sequence[SkillRequirement], shortlists: Sequence[Sequence[Any]]
) -> Iterable[tuple[tuple[Any, ...], ...]]:
    """Every choice of `count` shortlisted people per requirement (a cartesian product).

    Shortlists are trimmed (the longest first, keeping the best-scored people) until the product
    has at most 4096 teams, so an order with many requirements stays fast.
    """
    lists = [list(s) for s in shortlists]

    def size() -> int:
        total = 1
        for req, s in zip(needs, lists, strict=True):
            total *= math.comb(len(s), req.count)
        return total

    while size() > _MAX_COMBOS:
        longest = max(range(len(lists)), key=lambda i: len(lists[i]) - needs[i].count)
        if len(lists[longest]) <= needs[longest].count:
            break
        lists[longest].pop()
    shortlists = lists
    per_req = [list(combinations(s, req.count)) for req, s in zip(needs, shortlists, strict=True)]
    return product(*per_req)


def assign(
    orders: Iterable[WorkOrder],
    technicians: Sequence[Technician],
    *,
    now: datetime,
    busy_until: Mapping[str, datetime] | None = None,
    load: Mapping[str, int] | None = None,
    zones: Mapping[str, str] | None = None,
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
) -> dict[str, tuple[str, ...]]:
    """Assign open orders to free technicians at once, emergencies first.

    Priority classes are served in turn (EMERGENCY, URGENT, ROUTINE, PLANNED), each with the
    technicians the classes before it left free. Within a class a min-cost maximum flow
    (source → order requirement → eligible free technician → sink, networkx) fills as many slots
    as possible at the least cost; an order not fully staffed is set aside and the flow re-run
    without it (latest reported first), so that whole orders are covered; set-aside orders are
    then retried one by one. The cost of a person on a slot is ``1000 × fit + open jobs``, where
    fit counts levels above the one required, extra skills (keep the multi-skilled free) and
    three for a zone other than the order's: ties are broken by fit, then by load.

    Only orders in ``REPORTED`` status are assigned (the rest are already dispatched, under way
    or finished). Eligibility is that of :func:`recommend`, certificates included.

    Parameters
    ----------
    orders : iterable of WorkOrder
    technicians : sequence of Technician
    now : datetime
        Timezone-aware.
    busy_until : mapping of technician id to datetime, optional
        A technician busy after ``now`` is not free.
    load : mapping of technician id to int, optional
    zones : mapping of order id to zone, optional
        Defaults to each order's ``location``.
    certificate_rules : mapping of skill to certificate kind

    Returns
    -------
    dict of order id to technician ids
        Only the orders that could be fully staffed, most urgent first.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> def report(i, trade, priority):
    ...     return WorkOrder.report(id=i, title=i, trade=trade, priority=priority,
    ...                             reported_at=t0, location="A")
    >>> orders = [report("WO-1", "plumbing", Priority.ROUTINE),
    ...           report("WO-2", "plumbing", Priority.EMERGENCY),
    ...           report("WO-3", "hvac", Priority.URGENT)]
    >>> techs = [Technician(id="P1", skills={"plumbing": 2}),
    ...          Technician(id="M1", skills={"plumbing": 1, "hvac": 1})]
    >>> assign(orders, techs, now=t0)
    {'WO-2': ('P1',), 'WO-3': ('M1',)}
    """
    require_aware(now, "now")
    _check_unique(technicians)
    busy = busy_until or {}
    loads = load or {}
    where = zones or {}
    free = [t for t in technicians if busy.get(t.id, now) <= now]
    todo = sorted(
        (o for o in orders if o.status in _DISPATCHABLE),
        key=lambda o: (o.priority.rank, o.reported_at, o.id),
    )
    active = list(todo)
    set_aside: list[WorkOrder] = []
    staffed: dict[str, tuple[str, ...]] = {}
    while active:
        staffed = _flow_assign(active, free, set(), now, loads, where, certificate_rules)
        short = [o for o in active if o.id not in staffed and _touched(o, staffed)]
        if not short:
            break
        drop = max(short, key=lambda o: (o.priority.rank, o.reported_at, o.id))
        active.remove(drop)
        set_aside.append(drop)
    used = {person for team in staffed.values() for person in team}
    for order in sorted(set_aside, key=lambda o: (o.priority.rank, o.reported_at, o.id)):
        single = _flow_assign([order], free, used, now, loads, where, certificate_rules)
        if order.id in single:
            staffed[order.id] = single[order.id]
            used.update(single[order.id])
    return {o.id: staffed[o.id] for o in todo if o.id in staffed}


def _touched(order: WorkOrder, staffed: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the flow gave `order` some people but not all (recorded under a private key)."""
    return f"partial:{order.id}" in staffed


def _fit_cost(
    tech: Technician, req: SkillRequirement, zone: str | None, loads: Mapping[str, int]
) -> int:
    fit = 2 * (tech.skills[req.skill] - req.level) + (len(tech.skills) - 1)
    if zone is not None and tech.zone is not None and tech.zone != zone:
        fit += 3
    return 1000 * fit + loads.get(tech.id, 0)


def _flow_assign(
    orders: Sequence[WorkOrder],
    free: Sequence[Technician],
    used: set[str],
    now: datetime,
    loads: Mapping[str, int],
    zones: Mapping[str, str],
    rules: Mapping[str, str],
) -> dict[str, tuple[str, ...]]:
    """Min-cost flow of free technicians to order slots with lexicographic priority rewards.

    Each slot of an order of priority rank r earns ``-reward[r] / slots`` (a negative cost);
    rewards grow by a factor larger than every order's total reward below them, so one more
    covered emergency outweighs any number of urgent ones, and fit costs only break ties. A
    source → sink bypass lets slots go unfilled. Returns the fully staffed orders, plus keys
    ``"partial:<id>"`` for orders given only some of their people.
    """
    import networkx as nx

    graph = nx.DiGraph()
    slots_total = 0
    edges: list[tuple[Any, Any, int, int]] = []
    techs_used: set[str] = set()
    for o in orders:
        zone = zones.get(o.id, o.location)
        for g, req in enumerate(_needs(o)):
            slots_total += req.count
            for t in free:
                if t.id not in used and _eligible(t, req, rules, now):
                    techs_used.add(t.id)
                    edges.append(((o.id, g), (o.id, t.id), 1, 0))
                    edges.append(((o.id, t.id), t.id, 1, _fit_cost(t, req, zone, loads)))
    if not techs_used:
        return {}
    fit_cap = slots_total * max(e[3] for e in edges) + 1
    scale = max(2, len(orders) + 1)
    for o in orders:
        needs = _needs(o)
        n_slots = sum(r.count for r in needs)
        # every order of a rank is worth the same, however many people it needs
        per_slot = fit_cap * scale ** (len(Priority) - 1 - o.priority.rank) * 60 // n_slots
        for g, req in enumerate(needs):
            edges.append(("source", (o.id, g), req.count, -per_slot))
    for tid in sorted(techs_used):
        edges.append((tid, "sink", 1, 0))
    edges.append(("source", "sink", slots_total, 0))
    for u, v, cap, cost in edges:
        graph.add_edge(("n", u), ("n", v), capacity=cap, weight=cost)
    graph.nodes[("n", "source")]["demand"] = -slots_total
    graph.nodes[("n", "sink")]["demand"] = slots_total
    flow = nx.min_cost_flow(graph)
    staffed: dict[str, tuple[str, ...]] = {}
    for o in orders:
        team: list[str] = []
        complete = True
        for g, req in enumerate(_needs(o)):
            got = sorted(node[1][1] for node, f in flow[("n", (o.id, g))].items() if f > 0)
            complete = complete and len(got) == req.count
            team.extend(got)
        if complete:
            staffed[o.id] = tuple(team)
        elif team:
            staffed[f"partial:{o.id}"] = tuple(team)
    return staffed


# -- adapters ----------------------------------------------------------------------------------

_FAR = 10**7
"""Minutes (about 19 years): the open end of a technician with no shift limit."""


def _minutes(delta: timedelta, *, up: bool) -> int:
    value = delta.total_seconds() / 60
    return math.ceil(value) if up else math.floor(value)


def problem_from_orders(
    orders: Iterable[WorkOrder],
    technicians: Sequence[Technician],
    *,
    now: datetime,
    policy: SlaPolicy | None = None,
    shifts: Mapping[str, Sequence[tuple[datetime, datetime]]] | None = None,
    busy_until: Mapping[str, datetime] | None = None,
    weights: Mapping[Priority, float] = PRIORITY_WEIGHTS,
    statuses: Iterable[Status] = (Status.REPORTED, Status.DISPATCHED),
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
) -> Problem:
    """Turn open work orders into a :class:`Problem` in minutes from `now`.

    Each order in one of `statuses` becomes a task: ``duration = estimated_minutes``, its
    requirements (one person of its trade when it lists none), a release at its report time if
    that is after `now`, a weight by priority (`weights`), and a due time: the resolution due
    time of the SLA clock when a `policy` is given (``sla.evaluate(order, policy,
    now).resolution.due_at``), else the order's own ``due_at``. A licensed skill is removed from
    a technician whose certificate is not valid on ``now``'s date, so the solver never uses it.

    Parameters
    ----------
    orders : iterable of WorkOrder
    technicians : sequence of Technician
    now : datetime
        The origin (minute 0); timezone-aware.
    policy : SlaPolicy, optional
    shifts : mapping of technician id to (start, end) datetimes, optional
        Working windows; a technician not listed works at any time.
    busy_until : mapping of technician id to datetime, optional
        Technicians still busy with other work until then.
    weights : mapping of Priority to float
    statuses : iterable of Status
        Which orders to plan; default ``REPORTED`` and ``DISPATCHED``.
    certificate_rules : mapping of skill to certificate kind

    Returns
    -------
    Problem

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    >>> order = WorkOrder.report(id="WO-1", title="Tap", trade="plumbing", estimated_minutes=40,
    ...     priority=Priority.URGENT, reported_at=t0 - timedelta(minutes=15), location="W3",
    ...     due_at=t0 + timedelta(hours=2))
    >>> p = problem_from_orders([order], [Technician(id="P1", skills={"plumbing": 1})],
    ...     now=t0, shifts={"P1": [(t0, t0 + timedelta(hours=8))]})
    >>> p.tasks[0].duration, p.tasks[0].due, p.tasks[0].weight, p.availability
    (40, 120, 4.0, {'P1': ((0, 480),)})
    """
    require_aware(now, "now")
    keep = frozenset(statuses)
    tasks = []
    for order in orders:
        if order.status not in keep:
            continue
        due_at = order.due_at
        if policy is not None:
            clock_due = evaluate(order, policy, now).resolution.due_at
            if clock_due is not None:
                due_at = clock_due
        release = max(0, _minutes(order.reported_at - now, up=True))
        tasks.append(
            Task(
                id=order.id,
                duration=order.estimated_minutes,
                requirements=_needs(order),
                release=release,
                due=None if due_at is None else _minutes(due_at - now, up=False),
                weight=float(weights[order.priority]),
            )
        )
    day = now.date()
    techs = []
    for t in technicians:
        skills = {
            s: lv
            for s, lv in t.skills.items()
            if s not in certificate_rules or t.licensed(certificate_rules[s], on=day)
        }
        techs.append(t if skills == t.skills else t.model_copy(update={"skills": skills}))
    availability: dict[str, tuple[tuple[int, int], ...]] = {}
    busy = busy_until or {}
    for t in technicians:
        windows: list[tuple[int, int]]
        if shifts is not None and t.id in shifts:
            windows = [
                (max(0, _minutes(a - now, up=True)), _minutes(b - now, up=False))
                for a, b in (
                    (require_aware(a, "shift start"), require_aware(b, "shift end"))
                    for a, b in shifts[t.id]
                )
            ]
            windows = [(a, b) for a, b in windows if b >= a]
        elif t.id in busy:
            windows = [(0, _FAR)]
        else:
            continue
        if t.id in busy:
            free_from = _minutes(require_aware(busy[t.id], "busy_until") - now, up=True)
            windows = [(max(a, free_from), b) for a, b in windows if b >= max(a, free_from)]
        availability[t.id] = tuple(windows)
    return Problem(tasks=tuple(tasks), technicians=tuple(techs), availability=availability or None)
