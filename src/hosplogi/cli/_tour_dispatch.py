"""The demo's dispatch-day section: tomorrow's plan with walks, an emergency at 10:40, the re-plan.

Orchestration only: the orders still open at the end of the demo day and tomorrow's new requests
become a problem with a travel matrix (``problem_from_orders``; due 1, 4, 8 or 24 hours after the
report by priority); ``solve`` plans the day, and
``replan`` keeps what has started by 10:40, adds the emergency and says what moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from itertools import pairwise

from hosplogi.cli._text import render_table
from hosplogi.cli.demo import DEMO_DATE, DEMO_ZONE
from hosplogi.crews import SkillRequirement, Technician
from hosplogi.orders import Priority, Source, Status, WorkOrder
from hosplogi.scheduling import Problem, Schedule, problem_from_orders, replan, solve

__all__ = ["DEMO_WALKS", "dispatch_day_section"]

_ZONES = {
    "inpatient": ("ICU bed 2", "ICU bed 6", "Ward 5 sluice", "Ward 7 nurses' station",
                  "Ward 9 pantry"),
    "surgical": ("OR 4 plant room", "CSSD", "Block B lift 3"),
    "outpatient": ("OPD room 12", "OPD corridor 3"),
    "utilities": ("Boiler house", "Generator house"),
}  # fmt: skip
_BETWEEN = {
    frozenset({"inpatient", "surgical"}): 6,
    frozenset({"inpatient", "outpatient"}): 8,
    frozenset({"inpatient", "utilities"}): 12,
    frozenset({"surgical", "outpatient"}): 7,
    frozenset({"surgical", "utilities"}): 10,
    frozenset({"outpatient", "utilities"}): 15,
}


def _walks() -> dict[str, dict[str, int]]:
    zone_of = {place: zone for zone, places in _ZONES.items() for place in places}
    return {
        a: {b: 4 if za == zb else _BETWEEN[frozenset({za, zb})] for b, zb in zone_of.items()
            if b != a}
        for a, za in zone_of.items()
    }  # fmt: skip


DEMO_WALKS = _walks()
"""Minutes on foot between the demo hospital's work locations: 4 within a building, 6–15 across."""

_TOMORROW = DEMO_DATE + timedelta(days=1)
_DUE = {Priority.EMERGENCY: 1, Priority.URGENT: 4, Priority.ROUTINE: 8, Priority.PLANNED: 24}
"""Hours from report to the due time the desk sets, by priority."""


def _at(hh: int, mm: int) -> datetime:
    return datetime.combine(_TOMORROW, time(hh, mm), DEMO_ZONE)


def _req(skill: str, level: int = 1) -> SkillRequirement:
    return SkillRequirement(skill=skill, level=level)


_NEW = (
    ("WO-0401", (7, 30), "Pantry sink draining slowly", Priority.ROUTINE, "plumbing", "Ward 9 pantry", (_req("plumbing"),), 30),  # noqa: E501
    ("WO-0402", (7, 40), "Radiator leaking", Priority.ROUTINE, "plumbing", "Ward 7 nurses' station", (_req("plumbing", 2),), 45),  # noqa: E501
    ("WO-0403", (7, 55), "Theatre 4 humidity high", Priority.URGENT, "hvac", "OR 4 plant room", (_req("hvac", 3), _req("electrical", 2)), 60),  # noqa: E501
    ("WO-0404", (8, 10), "Boiler feed pump noisy", Priority.URGENT, "boiler", "Boiler house", (_req("boiler", 3),), 50),  # noqa: E501
    ("WO-0405", (8, 20), "Monitor arm loose", Priority.ROUTINE, "medical_devices", "ICU bed 6", (_req("medical_devices", 2),), 30),  # noqa: E501
    ("WO-0406", (8, 45), "Lift 3 door sensor", Priority.URGENT, "lifts", "Block B lift 3", (_req("lifts", 3),), 40),  # noqa: E501
    ("WO-0407", (9, 0), "Consulting room socket dead", Priority.ROUTINE, "electrical", "OPD room 12", (_req("electrical", 2),), 30),  # noqa: E501
    ("WO-0408", (9, 30), "Sterile store AC filter", Priority.PLANNED, "hvac", "CSSD", (_req("hvac", 2),), 60),  # noqa: E501
    ("WO-0409", (11, 0), "Boiler safety valve test", Priority.PLANNED, "boiler", "Boiler house", (_req("boiler", 3),), 90),  # noqa: E501
    ("WO-0410", (11, 30), "Ward 5 sluice drain slow", Priority.ROUTINE, "plumbing", "Ward 5 sluice", (_req("plumbing", 2),), 30),  # noqa: E501
)  # fmt: skip


def _report(
    oid: str,
    at: tuple[int, int],
    title: str,
    priority: Priority,
    trade: str,
    where: str,
    reqs: tuple[SkillRequirement, ...],
    minutes: int,
) -> WorkOrder:
    return WorkOrder.report(
        id=oid, title=title, trade=trade, priority=priority, reported_at=_at(*at),
        location=where, requirements=reqs, estimated_minutes=minutes, source=Source.PHONE,
        due_at=_at(*at) + timedelta(hours=_DUE[priority]), by="desk",
    )  # fmt: skip


def _rows(schedule: Schedule, problem: Problem, origin: datetime) -> list[list[str]]:
    where = {t.id: t.location or "-" for t in problem.tasks}
    rows = []
    for e in sorted(schedule.entries, key=lambda e: (e.start, e.task_id)):
        start = origin + timedelta(minutes=e.start)
        end = origin + timedelta(minutes=e.end)
        team = ", ".join(f"{t} ({skill})" for t, skill in sorted(e.technicians.items()))
        rows.append([e.task_id, where[e.task_id], f"{start:%H:%M}–{end:%H:%M}", team])
    return rows


def _walking(schedule: Schedule, problem: Problem) -> int:
    """Minutes the technicians walk between consecutive jobs in `schedule`."""
    where = {t.id: t.location for t in problem.tasks}
    jobs: dict[str, list[tuple[int, str]]] = {}
    for e in schedule.entries:
        for person in e.technicians:
            jobs.setdefault(person, []).append((e.start, e.task_id))
    total = 0
    for days in jobs.values():
        days.sort()
        for (_, a), (_, b) in pairwise(days):
            total += problem.travel_minutes(where[a], where[b])
    return total


def dispatch_day_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    """Lines of the dispatch-day section: tomorrow's plan with walks, then a 10:40 emergency.

    Examples
    --------
    >>> from hosplogi.cli.demo import demo_day, demo_technicians, end_of_day
    >>> lines = dispatch_day_section(demo_day(), demo_technicians(), end_of_day())
    >>> lines[0]
    "Tomorrow's plan with walks between locations (hosplogi.scheduling.solve, travel=)"
    """
    origin = _at(8, 0)
    shifts = {t.id: [(origin, origin + timedelta(hours=9))] for t in technicians}
    still_open = [o for o in orders if o.status in (Status.REPORTED, Status.DISPATCHED)]
    planned = [*still_open, *(_report(*row) for row in _NEW)]

    def day(work: Sequence[WorkOrder]) -> Problem:
        return problem_from_orders(work, technicians, now=origin, shifts=shifts, travel=DEMO_WALKS)

    problem = day(planned)
    plan = solve(problem, time_limit=None, iterations=300, seed=1)
    out = ["Tomorrow's plan with walks between locations (hosplogi.scheduling.solve, travel=)"]
    out.append(render_table(["order", "where", "when", "who (role)"], _rows(plan, problem, origin)))
    out.append(
        f"violations: {len(plan.violations(problem))}; weighted tardiness "
        f"{plan.weighted_tardiness(problem):g}; minutes walking {_walking(plan, problem)} "
        "(4 within a building, 6–15 across)"
    )
    alarm = _report(
        "WO-0411", (10, 40), "Water through the ceiling over ICU bed 2", Priority.EMERGENCY,
        "plumbing", "ICU bed 2", (_req("plumbing", 3),), 60,
    )  # fmt: skip
    at = int((alarm.reported_at - origin) / timedelta(minutes=1))
    later = day([*planned, alarm])
    new = replan(plan, later, now=at, time_limit=None, iterations=300, seed=1)
    out.append(
        f"10:40 emergency {alarm.id}: {alarm.title} (a plumber at level ≥ 3, done within the "
        "hour). Re-planned "
        "(hosplogi.scheduling.replan): what started before 10:40 stays, the rest moves as "
        "little as it can:"
    )
    out.append(render_table(["order", "where", "when", "who (role)"], _rows(new, later, origin)))
    before = {e.task_id: e for e in plan.entries}
    after = {e.task_id: e for e in new.entries}
    rows = []
    for tid in new.changes(plan):
        cells = [tid]
        for e in (before.get(tid), after.get(tid)):
            when = "" if e is None else f"{origin + timedelta(minutes=e.start):%H:%M}"
            cells.append("-" if e is None else f"{when} {'+'.join(sorted(e.technicians))}")
        rows.append(cells)
    out.append(render_table(["changed", "before", "after"], rows))
    kept = len(plan.entries) - sum(1 for r in rows if r[1] != "-")
    out.append(
        f"{kept} of {len(plan.entries)} planned jobs unchanged; violations "
        f"{len(new.violations(later))}; weighted tardiness {new.weighted_tardiness(later):g}\n"
    )
    return out
