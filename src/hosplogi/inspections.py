"""Inspections (巡检/检查): checklists, scored rounds, RRULE plans and the rectification loop.

Supervision of logistics work runs on rounds: power plant patrols every two hours (003:311),
daily patrols of key posts plus weekly and monthly checklists, a joint committee's monthly
inspection of outsourced services (000:75), daily fire-equipment patrols (003:221). A finding is
corrected on site and re-checked (现场指正，定期复查整改效果, 000:75(3)).

This module gives

* :class:`Checklist` of :class:`ChecklistItem` (points, critical flag) with a pass mark;
* :class:`Inspection`, one round with a result per item, its :attr:`~Inspection.score`
  (passed points / all points × 100) and :attr:`~Inspection.passed` (score at or above the pass
  mark and no critical item failed);
* :class:`InspectionPlan` with an RFC 5545 RRULE evaluated in the plan's time zone,
  :func:`occurrences` and :func:`missed_inspections`;
* :func:`rectification_orders` (failed items → work orders with ``Source.INSPECTION`` and a due
  time) and :func:`findings`, which follows each finding through the four-part closure
  standard 有回复、有改进、有落实、有效果 (answered, improved, carried out, effective; 003:221):
  the finding is closed only when a re-inspection passes the item.

Examples
--------
>>> from datetime import datetime, timezone
>>> fire = Checklist(id="FIRE", name="Fire round", pass_mark=80, items=(
...     ChecklistItem(code="exit", text="Exits clear", points=4, critical=True),
...     ChecklistItem(code="ext", text="Extinguishers in date", points=3),
...     ChecklistItem(code="log", text="Log signed", points=3)))
>>> insp = Inspection(id="INSP-7", checklist=fire, location="Ward 3",
...     at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
...     results=(ItemResult(code="exit", passed=True), ItemResult(code="ext", passed=True),
...              ItemResult(code="log", passed=False)))
>>> insp.score, insp.passed
(70.0, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Self

from pydantic import Field, field_validator, model_validator

from hosplogi import recurrence
from hosplogi._checks import checked
from hosplogi._types import (
    Finite,
    FrozenModel,
    Identifier,
    Instant,
    require_aware,
    require_non_negative,
    require_unique,
    shift,
)
from hosplogi.errors import HosplogiError
from hosplogi.orders import Priority, Source, Status, WorkOrder
from hosplogi.recurrence import TimeZoneName

__all__ = [
    "Checklist",
    "ChecklistItem",
    "Finding",
    "FindingStage",
    "Inspection",
    "InspectionPlan",
    "ItemResult",
    "findings",
    "missed_inspections",
    "occurrences",
    "rectification_orders",
]


class ChecklistItem(FrozenModel):
    """One line of a checklist.

    Parameters
    ----------
    code : str
        Unique within the checklist; used in references such as ``"INSP-7#exit"``.
    text : str
        What the inspector checks.
    points : int
        Weight of the item in the score, at least 1.
    critical : bool
        A failed critical item fails the whole inspection whatever the score.
    trade : str, optional
        The trade that rectifies a failure (defaults to the caller's choice).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> ChecklistItem(code="exit", text="Fire exits clear", points=5, critical=True).critical
    True
    """

    code: Identifier
    text: str
    points: int = Field(default=1, ge=1, strict=True)
    critical: bool = False
    trade: Identifier | None = None


class Checklist(FrozenModel):
    """A versionable list of items with a pass mark (0–100).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> c = Checklist(id="CLN", name="Cleaning", items=(ChecklistItem(code="a", text="Floor"),))
    >>> c.pass_mark, c.total_points
    (80.0, 1)
    """

    id: Identifier
    name: str = ""
    items: tuple[ChecklistItem, ...] = Field(min_length=1)
    pass_mark: Finite = Field(default=80.0, ge=0.0, le=100.0)

    @field_validator("items")
    @classmethod
    def _unique_codes(cls, items: tuple[ChecklistItem, ...]) -> tuple[ChecklistItem, ...]:
        require_unique((i.code for i in items), "item codes")
        return items

    @property
    def total_points(self) -> int:
        """The points of all items."""
        return sum(i.points for i in self.items)

    def item(self, code: str) -> ChecklistItem:
        """Return the item `code`, or raise HosplogiError naming the codes on the checklist.

        Examples
        --------
        >>> from datetime import datetime, timedelta, timezone
        >>> Checklist(id="C", items=(ChecklistItem(code="a", text="x"),)).item("b")
        Traceback (most recent call last):
        ...
        hosplogi.errors.HosplogiError: item 'b' is not on checklist C; its items are: a
        """
        for i in self.items:
            if i.code == code:
                return i
        raise HosplogiError(
            f"item {code!r} is not on checklist {self.id}; its items are: "
            + ", ".join(i.code for i in self.items)
        )


class ItemResult(FrozenModel):
    """The result of one checklist item in one inspection.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> ItemResult(code="exit", passed=False, note="boxes in corridor").passed
    False
    """

    code: Identifier
    passed: bool
    note: str | None = None


class Inspection(FrozenModel):
    """One inspection round against a checklist (the checklist is kept as recorded that day).

    A regular inspection gives a result for every item. A re-inspection (`follow_up_of` set to the
    id of the inspection it re-checks, 复查) may cover only some items; its score is then over the
    items it covers.

    Parameters
    ----------
    id : str
    checklist : Checklist
    at : datetime
        Timezone-aware.
    location : str
    results : tuple[ItemResult, ...]
        One per item; an item not on the checklist is an error.
    inspector : str, optional
    plan_id : str, optional
        The :class:`InspectionPlan` this round fulfils (used by :func:`missed_inspections`).
    contract_id, vendor : str, optional
        The outsourcing contract and vendor inspected, so that settlement can tell evidence from
        another contract (`hosplogi.contracts.settle`).
    follow_up_of : str, optional
        The inspection this one re-checks.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> c = Checklist(id="C", items=(ChecklistItem(code="a", text="x"),))
    >>> Inspection(id="I1", checklist=c, at=datetime(2026, 3, 2, tzinfo=timezone.utc),
    ...            location="L", results=(ItemResult(code="b", passed=True),))
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Inspection
      Value error, inspection I1: result for item 'b', which is not on checklist C; its items \
are: a [type=value_error, ...
    """

    id: Identifier
    checklist: Checklist
    at: Instant
    location: str
    results: tuple[ItemResult, ...]
    inspector: Identifier | None = None
    plan_id: Identifier | None = None
    contract_id: Identifier | None = None
    vendor: Identifier | None = None
    follow_up_of: Identifier | None = None

    @model_validator(mode="after")
    def _check_results(self) -> Self:
        codes = {i.code for i in self.checklist.items}
        seen: set[str] = set()
        for r in self.results:
            if r.code not in codes:
                raise ValueError(
                    f"inspection {self.id}: result for item {r.code!r}, which is not on "
                    f"checklist {self.checklist.id}; its items are: "
                    + ", ".join(i.code for i in self.checklist.items)
                )
            if r.code in seen:
                raise ValueError(f"inspection {self.id}: item {r.code!r} has two results")
            seen.add(r.code)
        missing = [i.code for i in self.checklist.items if i.code not in seen]
        if self.follow_up_of is None and missing:
            raise ValueError(
                f"inspection {self.id}: no result for item(s) {', '.join(missing)} of checklist "
                f"{self.checklist.id}; a regular inspection covers every item (only a "
                "re-inspection with follow_up_of may cover some)"
            )
        if not self.results:
            raise ValueError(f"inspection {self.id}: at least one item result is needed")
        return self

    def _points(self) -> tuple[int, int]:
        items = {i.code: i for i in self.checklist.items}
        total = sum(items[r.code].points for r in self.results)
        passed = sum(items[r.code].points for r in self.results if r.passed)
        return passed, total

    @property
    def score(self) -> float:
        """Passed points / all points × 100 (over the items covered)."""
        passed, total = self._points()
        return passed * 100.0 / total

    @property
    def failed_items(self) -> tuple[ChecklistItem, ...]:
        """The checklist items that failed, in checklist order."""
        failed = {r.code for r in self.results if not r.passed}
        return tuple(i for i in self.checklist.items if i.code in failed)

    @property
    def critical_failures(self) -> tuple[ChecklistItem, ...]:
        """The failed items flagged critical."""
        return tuple(i for i in self.failed_items if i.critical)

    @property
    def passed(self) -> bool:
        """Score at or above the checklist's pass mark and no critical item failed."""
        return self.score >= self.checklist.pass_mark and not self.critical_failures

    def result(self, code: str) -> ItemResult | None:
        """The result of item `code`, or None if this (re-)inspection did not cover it."""
        self.checklist.item(code)
        return next((r for r in self.results if r.code == code), None)


class InspectionPlan(FrozenModel):
    """A recurring round: an RFC 5545 RRULE from a timezone-aware start, in the plan's zone.

    Parameters
    ----------
    id : str
    checklist_id : str
    location : str
    rrule : str
        e.g. ``"FREQ=HOURLY;INTERVAL=2"`` (power plant, 003:311), ``"FREQ=DAILY;BYHOUR=9"``,
        ``"FREQ=WEEKLY;BYDAY=MO,TH"``, ``"FREQ=MONTHLY;BYMONTHDAY=1"``.
    start : datetime
        DTSTART; must be timezone-aware. It is converted to `timezone` and the rule follows that
        zone's wall clock (08:00 stays 08:00 across daylight saving).
    timezone : str
        IANA name, default ``"Asia/Shanghai"``.
    tolerance : timedelta
        How far from a planned time an inspection still counts for it (default 1 hour).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> InspectionPlan(id="P1", checklist_id="C", location="L", rrule="FREQ=SOMETIMES",
    ...                start=datetime(2026, 3, 2, tzinfo=timezone.utc))
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for InspectionPlan
      Value error, rrule 'FREQ=SOMETIMES' has no valid FREQ; RFC 5545 §3.3.10 requires one of \
YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY [type=value_error, ...
    """

    id: Identifier
    checklist_id: Identifier
    location: str
    rrule: str
    start: Instant
    timezone: TimeZoneName = "Asia/Shanghai"
    tolerance: timedelta = timedelta(hours=1)
    title: str = ""

    @model_validator(mode="after")
    def _check_rule(self) -> Self:
        if self.tolerance < timedelta(0):
            raise ValueError(f"tolerance must be zero or more, got {self.tolerance}")
        recurrence.parse_rrule(self.rrule, self.start, self.timezone)
        return self


@checked
def occurrences(plan: InspectionPlan, start: datetime, end: datetime) -> list[datetime]:
    """Planned times of `plan` in ``[start, end)``: sorted, unique, in the plan's zone.

    Parameters
    ----------
    plan : InspectionPlan
    start, end : datetime
        Timezone-aware bounds; `end` before `start` gives an empty list.

    Returns
    -------
    list[datetime]

    Raises
    ------
    HosplogiError
        If the window holds more than :data:`hosplogi.recurrence.MAX_OCCURRENCES` (100,000)
        occurrences. The expansion starts near `start`, so the plan's age costs nothing.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> sh = ZoneInfo("Asia/Shanghai")
    >>> plan = InspectionPlan(id="PWR", checklist_id="PWR", location="Power plant",
    ...     rrule="FREQ=HOURLY;INTERVAL=2", start=datetime(2026, 3, 2, 0, tzinfo=sh))
    >>> [t.hour for t in occurrences(plan, datetime(2026, 3, 2, 7, tzinfo=sh),
    ...                              datetime(2026, 3, 2, 14, tzinfo=sh))]
    [8, 10, 12]
    """
    require_aware(start, "start")
    require_aware(end, "end")
    return recurrence.expand(plan.rrule, plan.start, plan.timezone, start, end)


@checked
def missed_inspections(
    plan: InspectionPlan,
    inspections: Iterable[Inspection],
    start: datetime,
    end: datetime,
    *,
    tolerance: timedelta | None = None,
) -> list[datetime]:
    """Planned times in ``[start, end)`` that no inspection of the plan fulfilled.

    An inspection fulfils a planned time if its `plan_id` is the plan's id and it took place
    within `tolerance` (default: the plan's) of the planned time. Each inspection fulfils at most
    one planned time; planned times are matched in order to the earliest unused inspection in
    their window, which for windows of equal width fulfils as many as possible.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> c = Checklist(id="FIRE", items=(ChecklistItem(code="x", text="x"),))
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> plan = InspectionPlan(id="DAILY-FIRE", checklist_id="FIRE", location="L",
    ...                       rrule="FREQ=DAILY", start=t0, timezone="UTC")
    >>> done = [Inspection(id="I1", checklist=c, location="L", plan_id="DAILY-FIRE",
    ...     at=t0 + timedelta(minutes=20), results=(ItemResult(code="x", passed=True),))]
    >>> [t.day for t in missed_inspections(plan, done, t0, t0 + timedelta(days=3))]
    [3, 4]
    """
    window = plan.tolerance if tolerance is None else require_non_negative(tolerance, "tolerance")
    planned = occurrences(plan, start, end)
    times = sorted(i.at for i in inspections if i.plan_id == plan.id)
    missed: list[datetime] = []
    k = 0
    for t in planned:
        while k < len(times) and times[k] < t - window:
            k += 1
        if k < len(times) and times[k] <= t + window:
            k += 1
        else:
            missed.append(t)
    return missed


def _reference(inspection_id: str, code: str) -> str:
    return f"{inspection_id}#{code}"


@checked
def rectification_orders(
    inspection: Inspection,
    *,
    due_after: timedelta = timedelta(hours=24),
    critical_due_after: timedelta = timedelta(hours=4),
    trade: str = "general",
    priority: Priority = Priority.ROUTINE,
    critical_priority: Priority = Priority.URGENT,
) -> list[WorkOrder]:
    """Turn each failed item of `inspection` into a rectification (整改) work order.

    Each order has id and `reference` ``"<inspection id>#<item code>"``, ``Source.INSPECTION``,
    `reported_at` = the inspection time, `due_at` = that time + `due_after` (`critical_due_after`
    for critical items), the inspection's location and the item's trade (else `trade`). Calling it
    twice gives the same orders, so a caller can skip ids it already holds.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> c = Checklist(id="FIRE", items=(ChecklistItem(code="exit", text="Exits clear",
    ...                                               critical=True, trade="security"),))
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> insp = Inspection(id="INSP-7", checklist=c, at=t0, location="Ward 3",
    ...                   results=(ItemResult(code="exit", passed=False),))
    >>> [(o.id, o.priority.value, o.due_at.hour) for o in rectification_orders(insp)]
    [('INSP-7#exit', 'urgent', 13)]
    """
    require_non_negative(due_after, "due_after")
    require_non_negative(critical_due_after, "critical_due_after")
    results = {r.code: r for r in inspection.results}
    orders = []
    for item in inspection.failed_items:
        ref = _reference(inspection.id, item.code)
        note = results[item.code].note
        orders.append(
            WorkOrder.report(
                id=ref,
                title=f"Rectify: {item.text}",
                trade=item.trade or trade,
                priority=critical_priority if item.critical else priority,
                reported_at=inspection.at,
                location=inspection.location,
                by=inspection.inspector,
                note=note,
                description=note or "",
                source=Source.INSPECTION,
                due_at=shift(
                    inspection.at,
                    critical_due_after if item.critical else due_after,
                    name="due time: inspection time",
                ),
                reference=ref,
            )
        )
    return orders


class FindingStage(StrEnum):
    """How far a finding has come through 有回复、有改进、有落实、有效果 (003:221)."""

    OPEN = "open"
    """No live rectification order yet (none, only reported, or cancelled)."""
    ANSWERED = "answered"
    """有回复: the order has been dispatched (or is in progress or on hold)."""
    IMPROVED = "improved"
    """有改进: the work is reported done."""
    CARRIED_OUT = "carried_out"
    """有落实: the work is accepted (verified or closed)."""
    EFFECTIVE = "effective"
    """有效果: a re-inspection passed the item. The finding is closed."""


class Finding(FrozenModel):
    """One failed item of an inspection and where its rectification stands.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> Finding(inspection_id="I1", code="exit", critical=True, stage=FindingStage.OPEN).closed
    False
    """

    inspection_id: Identifier
    code: Identifier
    critical: bool
    stage: FindingStage
    order_id: Identifier | None = None
    due_at: Instant | None = None
    closed_by: Identifier | None = None
    closed_at: Instant | None = None
    failed_rechecks: tuple[Identifier, ...] = ()
    overdue: bool = False

    @property
    def closed(self) -> bool:
        """Whether a re-inspection has passed the item (有效果)."""
        return self.stage is FindingStage.EFFECTIVE


_ORDER_STAGE = {
    Status.REPORTED: FindingStage.OPEN,
    Status.CANCELLED: FindingStage.OPEN,
    Status.DISPATCHED: FindingStage.ANSWERED,
    Status.IN_PROGRESS: FindingStage.ANSWERED,
    Status.ON_HOLD: FindingStage.ANSWERED,
    Status.COMPLETED: FindingStage.IMPROVED,
    Status.VERIFIED: FindingStage.CARRIED_OUT,
    Status.CLOSED: FindingStage.CARRIED_OUT,
}


@checked
def findings(
    inspection: Inspection,
    *,
    orders: Iterable[WorkOrder] = (),
    reinspections: Iterable[Inspection] = (),
    now: datetime,
) -> list[Finding]:
    """Follow every failed item of `inspection` through rectification to re-inspection.

    The rectification order of an item is the order whose `reference` is
    ``"<inspection id>#<item code>"`` (as made by :func:`rectification_orders`); its status gives
    the stage. A re-inspection (`follow_up_of` = the inspection's id, at or before `now`) that
    passes the item closes the finding (EFFECTIVE); one that fails it is listed in
    `failed_rechecks`. An unclosed finding is `overdue` once `now` is past the order's `due_at`.

    Parameters
    ----------
    inspection : Inspection
    orders : iterable of WorkOrder
    reinspections : iterable of Inspection
    now : datetime
        Timezone-aware; never read from the clock.

    Raises
    ------
    HosplogiError
        If a re-inspection uses a different checklist or is earlier than the inspection.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> c = Checklist(id="C", items=(ChecklistItem(code="exit", text="Exits clear"),))
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> insp = Inspection(id="I1", checklist=c, at=t0, location="L",
    ...                   results=(ItemResult(code="exit", passed=False),))
    >>> [order] = rectification_orders(insp)
    >>> order = order.dispatch(["T01"], at=t0).start(at=t0).complete(at=t0 + timedelta(hours=1))
    >>> [f.stage.value for f in findings(insp, orders=[order], now=t0 + timedelta(hours=2))]
    ['improved']
    >>> recheck = Inspection(id="I2", checklist=c, at=t0 + timedelta(hours=3), location="L",
    ...                      follow_up_of="I1", results=(ItemResult(code="exit", passed=True),))
    >>> [f.closed for f in findings(insp, orders=[order], reinspections=[recheck],
    ...                             now=t0 + timedelta(hours=4))]
    [True]
    """
    require_aware(now, "now")
    by_ref = {o.reference: o for o in orders if o.reference is not None}
    rechecks = sorted(
        (r for r in reinspections if r.follow_up_of == inspection.id and r.at <= now),
        key=lambda r: (r.at, r.id),
    )
    for r in rechecks:
        if r.checklist.id != inspection.checklist.id:
            raise HosplogiError(
                f"re-inspection {r.id} uses checklist {r.checklist.id}, but inspection "
                f"{inspection.id} used {inspection.checklist.id}; re-check with the same checklist"
            )
        if r.at < inspection.at:
            raise HosplogiError(
                f"re-inspection {r.id} at {r.at.isoformat()} is earlier than inspection "
                f"{inspection.id} at {inspection.at.isoformat()}"
            )
    out = []
    for item in inspection.failed_items:
        order = by_ref.get(_reference(inspection.id, item.code))
        stage = FindingStage.OPEN if order is None else _ORDER_STAGE[order.status]
        failed: list[str] = []
        closed_by: Inspection | None = None
        for r in rechecks:
            res = r.result(item.code)
            if res is None:
                continue
            if res.passed:
                closed_by = r
                break
            failed.append(r.id)
        due = order.due_at if order is not None else None
        if closed_by is not None:
            stage = FindingStage.EFFECTIVE
        out.append(
            Finding(
                inspection_id=inspection.id,
                code=item.code,
                critical=item.critical,
                stage=stage,
                order_id=order.id if order is not None else None,
                due_at=due,
                closed_by=closed_by.id if closed_by else None,
                closed_at=closed_by.at if closed_by else None,
                failed_rechecks=tuple(failed),
                overdue=closed_by is None and due is not None and now > due,
            )
        )
    return out
