"""From work orders to scheduling: an order's requirements, and a day's orders as a Problem."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from hosplogi._checks import guarded
from hosplogi._types import FrozenDict, require_aware
from hosplogi.crews import CERTIFICATE_RULES, SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.orders import Priority, Status, WorkOrder
from hosplogi.scheduling.models import Problem, Task
from hosplogi.sla import SlaPolicy, evaluate  # scheduling reads sla due times (ARCHITECTURE.md)

__all__ = ["PRIORITY_WEIGHTS", "needs", "problem_from_orders"]


PRIORITY_WEIGHTS: Mapping[Priority, float] = {
    Priority.EMERGENCY: 8.0,
    Priority.URGENT: 4.0,
    Priority.ROUTINE: 2.0,
    Priority.PLANNED: 1.0,
}
"""Tardiness weight per priority in :func:`problem_from_orders` (emergencies first, 001:413)."""


def needs(order: WorkOrder) -> tuple[SkillRequirement, ...]:
    """The order's requirements, or one person of its trade when it lists none.

    Examples
    --------
    >>> from datetime import timezone
    >>> order = WorkOrder.report(id="WO-1", title="Tap", trade="plumbing",
    ...     priority=Priority.ROUTINE, reported_at=datetime(2026, 3, 2, tzinfo=timezone.utc),
    ...     location="W3")
    >>> needs(order)
    (SkillRequirement(skill='plumbing', count=1, level=1),)
    """
    return order.requirements or (SkillRequirement(skill=order.trade),)


_FAR = 10**7
"""Minutes (about 19 years): the open end of a technician with no shift limit."""


def _minutes(delta: timedelta, *, up: bool) -> int:
    value = delta.total_seconds() / 60
    return math.ceil(value) if up else math.floor(value)


@guarded
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
    travel: Mapping[str, Mapping[str, int]] | None = None,
    default_travel: int = 0,
) -> Problem:
    """Turn open work orders into a :class:`Problem` in minutes from `now`.

    Each order in one of `statuses` becomes a task: ``duration = estimated_minutes``, its
    requirements (one person of its trade when it lists none), a release at its report time if
    that is after `now`, a weight by priority (`weights`), its location, and a due time: the
    resolution due time of the SLA clock when a `policy` is given (``sla.evaluate(order, policy,
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
    travel : mapping of location to mapping of location to minutes, optional
        Walking (or driving) minutes between the orders' locations (``Problem.travel``); each
        task takes its order's ``location``.
    default_travel : int
        Minutes between two locations that `travel` does not list.

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
    missing = [p.value for p in Priority if p not in weights]
    if missing:
        raise HosplogiError(
            f"weights must give a weight for every priority; missing: {', '.join(missing)}"
        )
    keep = frozenset(statuses)
    tasks = []
    for order in orders:
        if order.status not in keep:
            continue
        due_at = order.due_at
        if policy is not None:
            # an order reported after `now` (a release) is read at its report: no clock runs before
            clock_due = evaluate(order, policy, max(now, order.reported_at)).resolution.due_at
            if clock_due is not None:
                due_at = clock_due
        release = max(0, _minutes(order.reported_at - now, up=True))
        tasks.append(
            Task(
                id=order.id,
                duration=order.estimated_minutes,
                requirements=needs(order),
                release=release,
                due=None if due_at is None else _minutes(due_at - now, up=False),
                weight=float(weights[order.priority]),
                location=order.location,
            )
        )
    day = now.date()
    techs = []
    for t in technicians:
        skills = {
            s: lv
            for s, lv in t.skills.items()
            if t.may_work(SkillRequirement(skill=s, level=lv), day, certificate_rules)
        }
        techs.append(
            t if skills == t.skills else t.model_copy(update={"skills": FrozenDict(skills)})
        )
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
    return Problem(
        tasks=tuple(tasks),
        technicians=tuple(techs),
        availability=availability or None,
        travel=travel,
        default_travel=default_travel,
    )
