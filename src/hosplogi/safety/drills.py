"""Emergency plans (应急预案) and drills (演练): what was drilled, where and when, and what is due.

The seeds name 20 emergency plans, each drilled at least twice a year — fire, water cut, power cut,
lift failure, oxygen failure (003:307) — and regular security and safety drills (004:113, 004:161).
The Joint Commission (EC.02.03.03, not in the seeds) asks for a fire drill once per shift per
quarter in each inpatient building, a stricter rule some hospitals adopt: an
:class:`EmergencyPlan` with ``drills_per_year=4, per_shift=True, quarterly=True`` and its buildings.

A drill's corrective actions become rectification (整改) work orders through the inspections'
own path: :func:`drill_inspection` reads the drill as an inspection whose failed items are its
corrective actions, and :func:`drill_rectification_orders` hands that to
:func:`hosplogi.inspections.rectification_orders` (one rule in one place), so
:func:`hosplogi.inspections.findings` follows them to closure as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from hosplogi._checks import checked, guarded
from hosplogi._types import FrozenModel, Identifier, Instant, NonNegativeInt, brief, require_unique
from hosplogi.errors import HosplogiError
from hosplogi.inspections import (
    Checklist,
    ChecklistItem,
    Inspection,
    ItemResult,
    rectification_orders,
)
from hosplogi.orders import Priority, WorkOrder

__all__ = [
    "Drill",
    "DrillCompliance",
    "EmergencyPlan",
    "drill_compliance",
    "drill_inspection",
    "drill_rectification_orders",
]

QUARTERS = 4
Slot = tuple[str | None, str | None]
"""A (building, shift) pair a plan counts drills in; None where the plan does not split."""


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError(f"must be non-empty text, got {value!r}")
    return value.strip()


Text = Annotated[str, AfterValidator(_text)]


class EmergencyPlan(FrozenModel):
    """An emergency plan and how often it must be drilled.

    Parameters
    ----------
    id : str
    name : str
    hazard : str
        Fire, power cut, water cut, lift failure, oxygen failure, … (003:307).
    drills_per_year : int
        At least 1; default 2 (003:307).
    per_shift : bool
        Count the drills on every one of `shifts` separately (Joint Commission EC.02.03.03 style).
    shifts : tuple[str, ...]
        The shifts, default day, evening and night; unique.
    buildings : tuple[str, ...]
        With buildings, the count is required in each building (and on each shift of each
        building when `per_shift`); unique.
    quarterly : bool
        Spread the yearly count evenly: each quarter needs ``drills_per_year / 4`` drills in each
        slot, and a quarter's surplus does not make up for another quarter. `drills_per_year` must
        then be a multiple of 4.

    Examples
    --------
    >>> EmergencyPlan(id="EP-FIRE", name="Fire", hazard="fire").drills_per_year
    2
    >>> EmergencyPlan(id="EP-JC", name="Fire", hazard="fire", drills_per_year=2, quarterly=True)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for EmergencyPlan
      Value error, plan EP-JC: a quarterly plan needs drills_per_year a multiple of 4 (one share \
per quarter), got 2 [type=value_error, ...
    """

    id: Identifier
    name: str
    hazard: Text
    drills_per_year: int = Field(default=2, ge=1, strict=True)
    per_shift: bool = False
    shifts: tuple[Identifier, ...] = ("day", "evening", "night")
    buildings: tuple[Identifier, ...] = ()
    quarterly: bool = False

    @model_validator(mode="after")
    def _check_slots(self) -> Self:
        require_unique(self.shifts, f"plan {self.id}: shifts")
        require_unique(self.buildings, f"plan {self.id}: buildings")
        if self.per_shift and not self.shifts:
            raise ValueError(f"plan {self.id}: per_shift needs at least one shift")
        if self.quarterly and self.drills_per_year % QUARTERS:
            raise ValueError(
                f"plan {self.id}: a quarterly plan needs drills_per_year a multiple of 4 (one "
                f"share per quarter), got {self.drills_per_year}"
            )
        return self

    @property
    def slots(self) -> tuple[Slot, ...]:
        """The (building, shift) pairs drills are counted in, buildings first."""
        buildings: tuple[str | None, ...] = self.buildings or (None,)
        shifts: tuple[str | None, ...] = self.shifts if self.per_shift else (None,)
        return tuple((b, s) for b in buildings for s in shifts)


class Drill(FrozenModel):
    """One drill of an emergency plan.

    Parameters
    ----------
    id : str
    plan_id : str
    at : datetime
        Timezone-aware. The drill counts for the calendar year (and quarter) of `at` on the
        wall clock of the offset it was recorded in.
    building, shift : str, optional
        Required when the plan counts by building or by shift, and then one of the plan's.
    participants : int
    duration : timedelta
    findings, corrective_actions : tuple[str, ...]
        What the drill showed, and what must be put right (each becomes a rectification order,
        :func:`drill_rectification_orders`).
    closed_at : datetime, optional
        When the corrective actions were closed; not before `at`.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> d = Drill(id="D1", plan_id="EP-FIRE", at=datetime(2026, 3, 2, 15, tzinfo=timezone.utc),
    ...           corrective_actions=("Re-hang the fire door on floor 3",))
    >>> d.action_references
    ('D1#A1',)
    """

    id: Identifier
    plan_id: Identifier
    at: Instant
    building: Identifier | None = None
    shift: Identifier | None = None
    participants: NonNegativeInt = 0
    duration: timedelta = timedelta(0)
    findings: tuple[Text, ...] = ()
    corrective_actions: tuple[Text, ...] = ()
    closed_at: Instant | None = None

    @model_validator(mode="after")
    def _check_times(self) -> Self:
        if self.duration < timedelta(0):
            raise ValueError(f"drill {self.id}: duration must be zero or more, got {self.duration}")
        if self.closed_at is not None and self.closed_at < self.at:
            raise ValueError(
                f"drill {self.id}: closed_at {self.closed_at.isoformat()} is before the drill at "
                f"{self.at.isoformat()}"
            )
        return self

    @property
    def action_references(self) -> tuple[str, ...]:
        """``"<drill id>#A<n>"`` for each corrective action: the ids of its rectification orders."""
        return tuple(f"{self.id}#{code}" for code in _codes(self))

    @property
    def quarter(self) -> int:
        """The calendar quarter (1–4) of `at`, on the wall clock it was recorded in."""
        return (self.at.month - 1) // 3 + 1


def _codes(drill: Drill) -> list[str]:
    return [f"A{n}" for n in range(1, len(drill.corrective_actions) + 1)]


class DrillCompliance(FrozenModel):
    """How one plan's drills measure up for a year (or a quarter of it).

    Attributes
    ----------
    plan_id : str
    year : int
    quarter : int or None
        The quarter reported on, or None for the whole year.
    required : int
        Drills due in the period over all slots.
    held : int
        The plan's drills in the period (surplus included).
    missing : int
        Drills short, summed slot by slot (and quarter by quarter for a quarterly plan): a
        surplus in one slot does not make up for another.
    missing_slots : tuple[tuple[str | None, str | None], ...]
        The (building, shift) pairs short of drills; None where the plan does not split.
    last_drill : datetime or None
        The latest drill of the plan up to the end of the period, in any earlier year too.
    open_actions : tuple[str, ...]
        References (``"<drill id>#A<n>"``) of corrective actions of drills up to the end of the
        period that are not closed.

    Examples
    --------
    >>> DrillCompliance(plan_id="EP-FIRE", year=2026, required=2, held=2, missing=0).ok
    True
    """

    plan_id: Identifier
    year: int
    quarter: int | None = None
    required: NonNegativeInt
    held: NonNegativeInt
    missing: NonNegativeInt
    missing_slots: tuple[tuple[str | None, str | None], ...] = ()
    last_drill: Instant | None = None
    open_actions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No drill missing."""
        return self.missing == 0


def _slot_of(plan: EmergencyPlan, drill: Drill) -> Slot:
    """The slot `drill` counts in, or a HosplogiError naming what the plan accepts."""
    building = shift = None
    if plan.buildings:
        if drill.building not in plan.buildings:
            raise HosplogiError(
                f"drill {drill.id}: building {drill.building!r} is not one of plan {plan.id}'s "
                f"buildings: {', '.join(plan.buildings)}"
            )
        building = drill.building
    if plan.per_shift:
        if drill.shift not in plan.shifts:
            raise HosplogiError(
                f"drill {drill.id}: shift {drill.shift!r} is not one of plan {plan.id}'s "
                f"shifts: {', '.join(plan.shifts)}"
            )
        shift = drill.shift
    return building, shift


@guarded
def drill_compliance(
    plans: Iterable[EmergencyPlan],
    drills: Iterable[Drill],
    *,
    year: int,
    quarter: int | None = None,
) -> list[DrillCompliance]:
    """Required, held and missing drills of each plan in `year` (or one quarter of it).

    A drill counts in the calendar year and quarter of its `at`. A plan requires
    `drills_per_year` in each slot — each building, each shift of each building when
    `per_shift` — and a quarterly plan a quarter of that in each slot in each quarter.

    Parameters
    ----------
    plans : iterable of EmergencyPlan
        Unique ids.
    drills : iterable of Drill
        Unique ids; every drill's plan must be among `plans`, and its building and shift among
        the plan's where the plan counts by them.
    year : int
        1 to 9999.
    quarter : int, optional
        1 to 4: report that quarter only. Only quarterly plans have a quarter's requirement; a
        yearly plan is refused rather than given an invented one.

    Returns
    -------
    list[DrillCompliance]
        One per plan, in the order of `plans`.

    Raises
    ------
    HosplogiError
        A drill for an unknown plan, building or shift; repeated ids; a bad `year` or `quarter`;
        a `quarter` with a plan that is not quarterly.

    Notes
    -----
    O(P + D + S) for P plans, D drills and S slots (buildings × shifts summed over the plans).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> fire = EmergencyPlan(id="EP-FIRE", name="Fire", hazard="fire",
    ...                      buildings=("Inpatient", "Outpatient"))
    >>> drills = [Drill(id=f"D{i}", plan_id="EP-FIRE", building=b,
    ...                 at=datetime(2026, m, 10, 15, tzinfo=timezone.utc))
    ...           for i, (b, m) in enumerate([("Inpatient", 3), ("Inpatient", 9),
    ...                                       ("Outpatient", 4)])]
    >>> [c] = drill_compliance([fire], drills, year=2026)
    >>> c.required, c.held, c.missing, c.missing_slots
    (4, 3, 1, (('Outpatient', None),))
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise HosplogiError(f"year must be an int from 1 to 9999, got {brief(year)}")
    if quarter is not None and (
        isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= QUARTERS
    ):
        raise HosplogiError(f"quarter must be None or an int from 1 to 4, got {brief(quarter)}")
    plans = list(plans)
    for plan in plans:
        if not isinstance(plan, EmergencyPlan):
            raise HosplogiError(f"expected EmergencyPlan records, got {brief(plan)}")
        if quarter is not None and not plan.quarterly:
            raise HosplogiError(
                f"plan {plan.id} is drilled {plan.drills_per_year} times a year with no quarterly "
                "share; report it by year (quarter=None) or make it quarterly"
            )
    require_unique((p.id for p in plans), "plan ids")
    by_id = {p.id: p for p in plans}
    period_end = (year, QUARTERS if quarter is None else quarter)
    # per plan: drills per (slot, quarter) in the period, held, last drill and open actions
    counts: dict[str, dict[tuple[Slot, int], int]] = {p.id: {} for p in plans}
    held = dict.fromkeys(by_id, 0)
    last: dict[str, Drill] = {}
    open_actions: dict[str, list[tuple[datetime, str, int, str]]] = {p.id: [] for p in plans}
    seen: set[str] = set()
    for drill in drills:
        if not isinstance(drill, Drill):
            raise HosplogiError(f"expected Drill records, got {brief(drill)}")
        if drill.id in seen:
            raise HosplogiError(f"drill ids must be unique; got {drill.id} more than once")
        seen.add(drill.id)
        found = by_id.get(drill.plan_id)
        if found is None:
            known = ", ".join(sorted(by_id)) or "none"
            raise HosplogiError(
                f"drill {drill.id} is for plan {drill.plan_id!r}, which is not among the plans "
                f"given ({known})"
            )
        plan = found
        slot = _slot_of(plan, drill)
        if (drill.at.year, drill.quarter) > period_end:
            continue
        previous = last.get(plan.id)
        if previous is None or (drill.at, drill.id) > (previous.at, previous.id):
            last[plan.id] = drill
        if drill.closed_at is None:
            open_actions[plan.id] += [
                (drill.at, drill.id, n, ref) for n, ref in enumerate(drill.action_references)
            ]
        if drill.at.year == year and (quarter is None or drill.quarter == quarter):
            held[plan.id] += 1
            key = (slot, drill.quarter if plan.quarterly else 0)
            counts[plan.id][key] = counts[plan.id].get(key, 0) + 1
    out = []
    for plan in plans:
        required, missing, short = _shortfall(plan, counts[plan.id], quarter)
        newest = last.get(plan.id)
        out.append(
            DrillCompliance(
                plan_id=plan.id,
                year=year,
                quarter=quarter,
                required=required,
                held=held[plan.id],
                missing=missing,
                missing_slots=short,
                last_drill=None if newest is None else newest.at,
                open_actions=tuple(ref for *_, ref in sorted(open_actions[plan.id])),
            )
        )
    return out


def _shortfall(
    plan: EmergencyPlan, counts: dict[tuple[Slot, int], int], quarter: int | None
) -> tuple[int, int, tuple[Slot, ...]]:
    """Required and missing drills of `plan` and the slots short, from the period's counts."""
    if plan.quarterly:
        periods = list(range(1, QUARTERS + 1)) if quarter is None else [quarter]
        each = plan.drills_per_year // QUARTERS
    else:
        periods, each = [0], plan.drills_per_year
    slots = plan.slots
    missing = 0
    short = []
    for slot in slots:
        gap = sum(max(0, each - counts.get((slot, p), 0)) for p in periods)
        if gap:
            missing += gap
            short.append(slot)
    return each * len(periods) * len(slots), missing, tuple(short)


@checked
def drill_inspection(drill: Drill, *, location: str | None = None) -> Inspection:
    """Read `drill` as an inspection whose failed items are its corrective actions.

    Item ``A<n>`` is the n-th corrective action; the inspection has the drill's id and time, the
    plan's id as checklist, and `location` (default: the drill's building, else its plan id).
    This lets :func:`hosplogi.inspections.rectification_orders` and
    :func:`hosplogi.inspections.findings` serve drills unchanged.

    Raises
    ------
    HosplogiError
        If the drill has no corrective actions.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> d = Drill(id="D1", plan_id="EP-O2", at=datetime(2026, 3, 2, 15, tzinfo=timezone.utc),
    ...           corrective_actions=("Label the oxygen shut-off valves",))
    >>> insp = drill_inspection(d)
    >>> insp.id, [i.text for i in insp.failed_items], insp.location
    ('D1', ['Label the oxygen shut-off valves'], 'EP-O2')
    """
    if not drill.corrective_actions:
        raise HosplogiError(f"drill {drill.id} has no corrective actions to rectify")
    codes = _codes(drill)
    checklist = Checklist(
        id=drill.plan_id,
        name=f"Corrective actions of drill {drill.id}",
        items=tuple(
            ChecklistItem(code=code, text=text)
            for code, text in zip(codes, drill.corrective_actions, strict=True)
        ),
    )
    return Inspection(
        id=drill.id,
        checklist=checklist,
        at=drill.at,
        location=location or drill.building or drill.plan_id,
        results=tuple(ItemResult(code=code, passed=False) for code in codes),
    )


@checked
def drill_rectification_orders(
    drill: Drill,
    *,
    location: str | None = None,
    due_after: timedelta = timedelta(hours=24),
    trade: str = "general",
    priority: Priority = Priority.ROUTINE,
) -> list[WorkOrder]:
    """One rectification (整改) work order per corrective action of `drill`.

    The orders are exactly those :func:`hosplogi.inspections.rectification_orders` makes for
    :func:`drill_inspection` (``Source.INSPECTION``, id and reference ``"<drill id>#A<n>"``, due
    `due_after` after the drill); a drill without corrective actions gives none. Calling it twice
    gives the same orders.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> d = Drill(id="D1", plan_id="EP-LIFT", at=datetime(2026, 3, 2, 15, tzinfo=timezone.utc),
    ...           building="Inpatient", corrective_actions=("Fix the lift intercom",))
    >>> [(o.id, o.source.value, o.location, o.due_at.day)
    ...  for o in drill_rectification_orders(d, trade="lifts")]
    [('D1#A1', 'inspection', 'Inpatient', 3)]
    """
    if not drill.corrective_actions:
        return []
    return rectification_orders(
        drill_inspection(drill, location=location),
        due_after=due_after,
        trade=trade,
        priority=priority,
    )
