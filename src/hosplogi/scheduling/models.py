"""The scheduling models: tasks, problems, schedules and their independent checker.

Time is integer minutes from an origin the caller chooses. :meth:`Schedule.violations` checks a
schedule against a :class:`Problem` apart from any solver; the solvers live in
:mod:`hosplogi.scheduling.solve`, the dispatching answers (:class:`Recommendation`,
:class:`AssignReport`) are built in :mod:`hosplogi.scheduling.dispatch`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from hosplogi._types import Finite, FrozenDict, FrozenModel, Identifier, require_unique
from hosplogi.crews import SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.scheduling.travel import (
    MAX_LOCATIONS,
    Travel,
    TravelMinutes,
    check_travel,
    travel_minutes,
)

__all__ = [
    "MAX_MINUTES",
    "MAX_TASKS",
    "MAX_TECHNICIANS",
    "MAX_WEIGHT",
    "AssignReport",
    "Entry",
    "Problem",
    "Recommendation",
    "Schedule",
    "Task",
    "Unassigned",
    "UnassignedReason",
    "merge_windows",
]


MAX_MINUTES = 10**10
"""Bound on every time of the scheduling core, in minutes either side of the origin (19,000 years:
any two datetimes are closer); sums of thousands of them stay far inside 64-bit integers."""
MAX_WEIGHT = 1e6
"""Bound on a task's tardiness weight, so that weight × minutes late stays a finite float."""
MAX_TASKS = 10_000
"""Tasks per :class:`Problem`; compiling costs tasks × technicians steps."""
MAX_TECHNICIANS = 10_000
"""Technicians per :class:`Problem`."""

Minutes = Annotated[int, Field(ge=-MAX_MINUTES, le=MAX_MINUTES, strict=True)]
"""Integer minutes from the origin, within ±:data:`MAX_MINUTES`."""


class Task(FrozenModel):
    """One job to schedule: how long, who it needs, when it may start and is due.

    Parameters
    ----------
    id : str
    duration : int
        Minutes, from 0 to :data:`MAX_MINUTES` (10¹⁰, more than any two datetimes apart).
    requirements : tuple[SkillRequirement, ...]
        People needed; each technician fills at most one slot.
    release : int
        Earliest start, in minutes from the origin.
    due : int, optional
        Due time for the weighted-tardiness objective (may be negative: already overdue).
    weight : float
        Tardiness weight per minute late, finite, from 0 to :data:`MAX_WEIGHT` (10⁶).
    predecessors : tuple[str, ...]
        Ids of tasks that must end before this one starts.
    location : str, optional
        Where the work is done; a technician needs the problem's travel time to get here from
        the location of their previous task. A task without a location needs no travel.

    Examples
    --------
    >>> Task(id="T1", duration=45, requirements=(SkillRequirement(skill="hvac", count=2),)).duration
    45
    """

    id: Identifier
    duration: int = Field(ge=0, le=MAX_MINUTES, strict=True)
    requirements: tuple[SkillRequirement, ...] = ()
    release: int = Field(default=0, ge=0, le=MAX_MINUTES, strict=True)
    due: Minutes | None = None
    weight: Finite = Field(default=1.0, ge=0.0, le=MAX_WEIGHT)
    predecessors: tuple[Identifier, ...] = ()
    location: str | None = None

    @model_validator(mode="after")
    def _check_predecessors(self) -> Self:
        if self.id in self.predecessors:
            raise ValueError(f"task {self.id!r} lists itself as a predecessor")
        require_unique(self.predecessors, f"the predecessors of task {self.id!r}")
        return self


class Problem(FrozenModel):
    """Tasks, the technicians who can do them, when each technician works and how far they walk.

    `availability` maps a technician id to working windows ``[start, end)`` in minutes (a shift);
    a technician missing from the mapping, or ``availability=None``, is always available. It is
    stored read-only (a :class:`~hosplogi._types.FrozenDict` of tuples). At most
    :data:`MAX_TASKS` tasks and :data:`MAX_TECHNICIANS` technicians; times within
    ±:data:`MAX_MINUTES`.

    `travel` gives the minutes from one location to another (it may differ each way); a pair it
    does not list takes `default_travel`; the same location is 0 and a task without a location
    needs no travel. A technician who does task A and then, as their next task, task B needs
    ``travel[A.location][B.location]`` minutes between A's end and B's start. Travel times are
    whole minutes from 0 to :data:`MAX_TRAVEL`; with travel that is not all zero, the tasks may name
    at most :data:`MAX_LOCATIONS` distinct locations.

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
    >>> walk = Problem(tasks=(), technicians=(), travel={"Ward 7": {"Boiler house": 12}},
    ...                default_travel=5)
    >>> walk.travel_minutes("Ward 7", "Boiler house"), walk.travel_minutes("Boiler house", "Ward 7")
    (12, 5)
    """

    tasks: tuple[Task, ...] = Field(max_length=MAX_TASKS)
    technicians: tuple[Technician, ...] = Field(max_length=MAX_TECHNICIANS)
    availability: FrozenDict[Identifier, tuple[tuple[Minutes, Minutes], ...]] | None = None
    travel: Travel | None = None
    default_travel: TravelMinutes = 0

    @model_validator(mode="before")
    @classmethod
    def _check_travel_first(cls, data: Any) -> Any:
        # bound the matrix before pydantic builds it, and name the bad pair
        if isinstance(data, Mapping) and data.get("travel") is not None:
            check_travel(data["travel"], data.get("default_travel", 0))
        return data

    @property
    def has_travel(self) -> bool:
        """Whether any travel time can be above zero (a default or a listed time)."""
        if self.default_travel:
            return True
        return self.travel is not None and any(any(row.values()) for row in self.travel.values())

    def travel_minutes(self, origin: str | None, destination: str | None) -> int:
        """Minutes from `origin` to `destination` (see :func:`travel_minutes`)."""
        return travel_minutes(self.travel, self.default_travel, origin, destination)

    @model_validator(mode="after")
    def _check_ids(self) -> Self:
        ids = [t.id for t in self.tasks]
        require_unique(ids, "task ids")
        tech_ids = [t.id for t in self.technicians]
        require_unique(tech_ids, "technician ids")
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
        if self.has_travel:
            places = {t.location for t in self.tasks if t.location is not None}
            if len(places) > MAX_LOCATIONS:
                raise ValueError(
                    f"the tasks name {len(places)} distinct locations; with travel at most "
                    f"{MAX_LOCATIONS} are accepted (group rooms into zones)"
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
    technicians: FrozenDict[Identifier, Identifier] = Field(default_factory=FrozenDict)


class Schedule(FrozenModel):
    """A solution: one :class:`Entry` per task placed, and the ids of the tasks left out.

    `proven_optimal` is True when the solver reached a lower bound (or CP-SAT proved optimality).
    `unplaced` lists the tasks an overloaded day could not take (``solve(...,
    allow_unplaced=True)``); it is empty otherwise.

    Examples
    --------
    >>> s = Schedule(entries=(Entry(task_id="A", start=0, end=30),))
    >>> s.makespan
    30
    """

    entries: tuple[Entry, ...]
    proven_optimal: bool = False
    unplaced: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _check_unplaced(self) -> Self:
        require_unique(self.unplaced, "unplaced task ids")
        return self

    def changes(self, other: Schedule) -> tuple[str, ...]:
        """Ids of the tasks whose people or start differ between this schedule and `other`.

        A task placed in one schedule and not in the other counts as changed; the people are
        compared as a set (who fills which role aside). Symmetric, sorted, and empty when both
        place the same tasks at the same times with the same people. Linear in the entries.

        Examples
        --------
        >>> a = Schedule(entries=(Entry(task_id="A", start=0, end=30, technicians={"X": "hvac"}),
        ...                       Entry(task_id="B", start=30, end=40, technicians={"X": "hvac"})))
        >>> b = Schedule(entries=(Entry(task_id="A", start=0, end=30, technicians={"X": "hvac"}),
        ...                       Entry(task_id="B", start=35, end=45, technicians={"X": "hvac"})))
        >>> a.changes(b), b.changes(a), a.changes(a)
        (('B',), ('B',), ())
        """
        mine = {e.task_id: (e.start, frozenset(e.technicians)) for e in self.entries}
        theirs = {e.task_id: (e.start, frozenset(e.technicians)) for e in other.entries}
        return tuple(sorted(t for t in mine.keys() | theirs.keys() if mine.get(t) != theirs.get(t)))

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
        work lies inside the technician's availability; between two consecutive tasks of a
        technician (tasks of zero minutes aside) lies at least the travel time from the first's
        location to the second's. A task listed in `unplaced` needs no entry, but then none of
        its successors may have one.

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
        left_out = set(self.unplaced)
        for tid in self.unplaced:
            if tid not in tasks:
                out.append(f"unplaced lists unknown task {tid!r}")
            elif tid in by_task:
                out.append(f"task {tid!r} is both scheduled and listed as unplaced")
        for tid in tasks:
            if tid not in by_task and tid not in left_out:
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
                if pe is None and p in left_out:
                    out.append(
                        f"task {tid!r} is scheduled but its predecessor {p!r} is unplaced; the "
                        "successors of an unplaced task are unplaced too"
                    )
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
                    if not any(a <= e.start and e.end <= b for a, b in merge_windows(windows)):
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
                    continue
                here, there = tasks[a.task_id].location, tasks[b.task_id].location
                need = problem.travel_minutes(here, there)
                if b.start - a.end < need:
                    out.append(
                        f"technician {person!r} needs {need} min from {here!r} (task "
                        f"{a.task_id!r} ends at {a.end}) to {there!r} (task {b.task_id!r} starts "
                        f"at {b.start}): {need - (b.start - a.end)} min short"
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
    score: Finite
    reasons: tuple[str, ...] = ()
    roles: FrozenDict[Identifier, Identifier] = Field(default_factory=FrozenDict)
    """Technician id → the skill that person fills."""
    available_at: datetime | None = None
    """When the whole team is free (``now`` if everyone is free now)."""


class UnassignedReason(StrEnum):
    """Why :func:`~hosplogi.scheduling.assign_report` left an open order unassigned."""

    NOBODY_QUALIFIED = "nobody_qualified"
    """Not even the whole roster, busy or free, holds enough people who may do it today."""
    NOBODY_FREE = "nobody_free"
    """People who may do it exist, but not enough of them are free now."""
    OUTRANKED = "outranked"
    """The free people could staff it alone, but they staff orders that rank before it."""


class Unassigned(FrozenModel):
    """One open order left unassigned, and why.

    Examples
    --------
    >>> Unassigned(order_id="WO-3", reason="outranked", taken_by=("WO-1",)).reason
    <UnassignedReason.OUTRANKED: 'outranked'>
    """

    order_id: Identifier
    reason: UnassignedReason
    detail: str = ""
    taken_by: tuple[Identifier, ...] = ()
    """For ``outranked``: the assigned orders holding people who could have done this one."""


class AssignReport(FrozenModel):
    """The assignment of :func:`~hosplogi.scheduling.assign_report`, and what was left out, why.

    Examples
    --------
    >>> r = AssignReport(assignment={"WO-1": ("P1",)}, unassigned=(), exact=True)
    >>> r.assignment["WO-1"]
    ('P1',)
    """

    assignment: FrozenDict[Identifier, tuple[Identifier, ...]]
    """Order id → technician ids, most urgent order first (what :func:`assign` returns)."""
    unassigned: tuple[Unassigned, ...] = ()
    """Each open (``REPORTED``) order not assigned, most urgent first."""
    skipped: tuple[Identifier, ...] = ()
    """Orders given that were not open (not ``REPORTED``), in the order given."""
    exact: bool = True
    """Whether the search proved the choice of orders best (see ``assign_report``'s Notes)."""


def merge_windows(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort `windows` and merge those that overlap or touch into one.

    Examples
    --------
    >>> merge_windows([(60, 90), (0, 30), (30, 45)])
    [(0, 45), (60, 90)]
    """
    out: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
