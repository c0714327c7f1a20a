"""Preventive maintenance (定期维护保养): plans, due dates, work orders and compliance.

Equipment is looked after on fixed cycles: generator oil and filters, motor grease and insulation
tests, AC fan filters cleaned "at least twice a year" (每年至少两次, 001:397–409), autoclave
descaling, lift overhauls by years in service (003:215). A :class:`MaintenancePlan` repeats on an
RFC 5545 RRULE or a plain interval, either **fixed** (due dates come from the schedule, whatever
happened) or **floating** (the next due date counts from the last completion).

* :func:`due` lists what falls due in ``[start, end)`` and what was done about it;
* :func:`generate_orders` raises PREVENTIVE work orders with **stable ids**
  ``f"{plan.id}@{due_date.isoformat()}"`` (the due date in the plan's zone), so running it twice
  creates nothing new;
* :func:`check_minimum` checks a rule "at least N times a year" against the plan and against the
  work done;
* :func:`pm_compliance` gives PM compliance (done on time / due) for `hosplogi.kpi`.

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> filters = MaintenancePlan(id="AHU-1-filters", asset_id="AHU-1", title="Clean AC fan filters",
...     trade="hvac", rrule="FREQ=MONTHLY;INTERVAL=6", minimum_per_year=2, timezone="UTC",
...     start=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), lead_time=timedelta(days=7))
>>> [o.id for o in generate_orders([filters], datetime(2026, 1, 1, tzinfo=timezone.utc),
...                                datetime(2027, 1, 1, tzinfo=timezone.utc))]
['AHU-1-filters@2026-03-02', 'AHU-1-filters@2026-09-02']
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal, Self

from pydantic import Field, model_validator

from hosplogi import recurrence
from hosplogi._types import (
    Finite,
    FrozenModel,
    Identifier,
    Instant,
    NonNegativeInt,
    brief,
    require_aware,
    require_unique,
    shift,
)
from hosplogi.assets import Meter, MeterReading, MeterSeries, meter_series, smrp_grace
from hosplogi.crews import SkillRequirement
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, Priority, Source, Status, WorkOrder
from hosplogi.recurrence import TimeZoneName

__all__ = [
    "Completion",
    "DueItem",
    "MaintenancePlan",
    "MinimumCheck",
    "PmCompliance",
    "check_minimum",
    "completions",
    "due",
    "generate_orders",
    "pm_compliance",
]

_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_NEVER = datetime.max.replace(tzinfo=UTC)  # the next due time of a schedule that has ended


class MaintenancePlan(FrozenModel):
    """A preventive-maintenance task that repeats for one asset.

    Parameters
    ----------
    id : str
        Stable; generated order ids are ``f"{id}@{due_date.isoformat()}"``.
    asset_id : str, optional
        The equipment in the ledger (设备台账, 004:107).
    title, trade : str
    location : str
    requirements : tuple[SkillRequirement, ...]
    estimated_minutes : int
    rrule : str, optional
        An RFC 5545 RRULE, at most daily (``FREQ=DAILY`` … ``FREQ=YEARLY``), e.g.
        ``"FREQ=MONTHLY;INTERVAL=6"``.
    interval : timedelta, optional
        A plain interval of at least one day, added on the plan's wall clock. Give exactly one
        of `rrule` and `interval`.
    start : datetime
        The first due time (DTSTART), timezone-aware.
    timezone : str
        IANA zone whose wall clock and dates the plan follows (default ``"Asia/Shanghai"``).
    anchor : {"fixed", "floating"}
        ``"fixed"``: due times come from the schedule. ``"floating"``: the next due time is one
        step of the schedule after the last completion.
    lead_time : timedelta
        How long before the due time the order is raised (`reported_at` = due − lead time).
    tolerance : timedelta
        Work done no later than due + tolerance is on time (default one day).
    priority : Priority
        Priority of generated orders (default PLANNED).
    minimum_per_year : int, optional
        A rule "at least N times a year" (e.g. 2 for AC filters, 001:403).
    meter, every : str and float, optional
        A meter rule: due when the meter (on `asset_id`) has counted `every` units (500 running
        hours); with a calendar rule too, at whichever comes first. Both count from `start` (the
        last service), then from each completion (floating) or due time (fixed).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> MaintenancePlan(id="GEN", title="Generator oil", trade="electrical", interval=timedelta(
    ...     hours=6), start=datetime(2026, 1, 1, tzinfo=timezone.utc))
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for MaintenancePlan
      Value error, plan GEN: interval 6:00:00 is shorter than a day; preventive maintenance is \
at most daily (use an inspection plan for rounds) [type=value_error, ...
    """

    id: Identifier
    title: str
    trade: Identifier
    start: Instant
    asset_id: Identifier | None = None
    location: str = ""
    requirements: tuple[SkillRequirement, ...] = ()
    estimated_minutes: NonNegativeInt = 60
    rrule: str | None = None
    interval: timedelta | None = None
    timezone: TimeZoneName = "Asia/Shanghai"
    anchor: Literal["fixed", "floating"] = "fixed"
    lead_time: timedelta = timedelta(0)
    tolerance: timedelta = timedelta(days=1)
    priority: Priority = Priority.PLANNED
    minimum_per_year: int | None = Field(default=None, ge=1, strict=True)
    meter: Identifier | None = None
    every: Finite | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _check(self) -> Self:
        calendar = (self.rrule is not None) + (self.interval is not None)
        if calendar > 1 or (calendar == 0 and self.meter is None):
            raise ValueError(f"plan {self.id}: give exactly one of rrule and interval, got "
                             f"rrule={self.rrule!r}, interval={self.interval!r} (or a meter "
                             "rule alone)")  # fmt: skip
        if (self.meter is None) != (self.every is None) or (self.meter and not self.asset_id):
            raise ValueError(f"plan {self.id}: a meter rule needs meter, every and asset_id, got "
                             f"{self.meter!r}, {self.every!r}, {self.asset_id!r}")  # fmt: skip
        if self.interval is not None and self.interval < timedelta(days=1):
            raise ValueError(
                f"plan {self.id}: interval {self.interval} is shorter than a day; preventive "
                "maintenance is at most daily (use an inspection plan for rounds)"
            )
        if self.rrule is not None:
            body = recurrence.normalise_rrule(self.rrule)
            freq = recurrence.freq_of(body)
            if freq in _SUB_DAILY:
                raise ValueError(
                    f"plan {self.id}: rrule {self.rrule!r} repeats {freq}; preventive "
                    "maintenance is at most daily (FREQ=DAILY…YEARLY) so that ids "
                    "plan@date are unique"
                )
            recurrence.parse_rrule(self.rrule, self.start, self.timezone)
        for name in ("lead_time", "tolerance"):
            value: timedelta = getattr(self, name)
            if value < timedelta(0):
                raise ValueError(f"plan {self.id}: {name} must be zero or more, got {value}")
        return self

    def order_id(self, due_at: datetime) -> str:
        """The stable id of the order due at `due_at`: ``f"{id}@{local due date}"``.

        Examples
        --------
        >>> from datetime import datetime, timedelta, timezone
        >>> p = MaintenancePlan(id="P", title="t", trade="hvac", interval=timedelta(days=7),
        ...     start=datetime(2026, 3, 1, 20, tzinfo=timezone.utc))
        >>> p.order_id(p.start)  # 04:00 on 2 March in Shanghai
        'P@2026-03-02'
        """
        return f"{self.id}@{due_at.astimezone(recurrence.zone(self.timezone)).date().isoformat()}"


class Completion(FrozenModel):
    """A record that a plan's work was done (from a work order or a paper ledger).

    Parameters
    ----------
    plan_id : str
    done_at : datetime
    due_at : datetime, optional
        The due time it fulfils, when known (a generated order carries it). Without it, a fixed
        plan attributes the work to the occurrence whose lead window was open when it was done.
    order_id, by : str, optional

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> Completion(plan_id="P", done_at=datetime(2026, 3, 2, tzinfo=timezone.utc)).due_at is None
    True
    """

    plan_id: Identifier
    done_at: Instant
    due_at: Instant | None = None
    order_id: Identifier | None = None
    by: Identifier | None = None


class DueItem(FrozenModel):
    """One due occurrence of a plan and what was done about it.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t = datetime(2026, 3, 2, tzinfo=timezone.utc)
    >>> DueItem(plan_id="P", id="P@2026-03-02", due_at=t, release_at=t).on_time is None
    True
    """

    plan_id: Identifier
    id: Identifier
    due_at: Instant
    release_at: Instant
    done_at: Instant | None = None
    on_time: bool | None = None
    counted_from: Instant | None = None  # a meter rule's reference: last service or due time


def completions(orders: Iterable[WorkOrder]) -> list[Completion]:
    """Completions recorded by preventive orders (`reference` = plan id, work done).

    An order counts once it is COMPLETED, VERIFIED or CLOSED; the time is its last completion.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = WorkOrder.report(id="P@2026-03-02", title="t", trade="hvac", priority="planned",
    ...     reported_at=t, location="L", reference="P", due_at=t, source="preventive")
    >>> completions([o.dispatch(["T1"], at=t).start(at=t).complete(at=t)])[0].order_id
    'P@2026-03-02'
    """
    out = []
    for o in orders:
        done = o.last_at(Action.COMPLETE)
        if o.reference is None or not o.status.is_done or done is None:
            continue
        out.append(
            Completion(
                plan_id=o.reference, done_at=done, due_at=o.due_at, order_id=o.id,
                by=o.completed_by,
            )
        )  # fmt: skip
    return out


def _as_completions(history: Iterable[Completion | WorkOrder]) -> list[Completion]:
    items = list(history)
    done = [h for h in items if isinstance(h, Completion)]
    done += completions(h for h in items if isinstance(h, WorkOrder))
    return done


def _by_plan(done: Iterable[Completion]) -> dict[str, list[Completion]]:
    """Completions grouped by plan id (one pass, so many plans cost no more than one)."""
    grouped: dict[str, list[Completion]] = {}
    for c in done:
        grouped.setdefault(c.plan_id, []).append(c)
    return grouped


def _normal(t: datetime, tz_name: str) -> datetime:
    return recurrence.local(t, tz_name)


def _schedule(
    plan: MaintenancePlan, anchor: datetime, start: datetime, end: datetime
) -> list[datetime]:
    """Schedule times in ``[start, end)`` of the plan anchored (DTSTART) at `anchor`."""
    if plan.rrule is not None:
        return recurrence.expand(plan.rrule, anchor, plan.timezone, start, end)
    assert plan.interval is not None
    local = _normal(anchor, plan.timezone).astimezone(recurrence.zone(plan.timezone))
    k = max(0, (start - anchor) // plan.interval - 1)
    out: list[datetime] = []
    while True:
        try:
            wall = local + k * plan.interval
        except OverflowError:  # past the year 9999, so past `end`
            return out
        t = _normal(wall, plan.timezone)
        if t >= end:
            return out
        if t >= start and (not out or t > out[-1]):
            out.append(t)
        k += 1


def _after(plan: MaintenancePlan, anchor: datetime, t: datetime) -> datetime:
    """The first schedule time (anchored at `anchor`) strictly after `t`."""
    if plan.rrule is not None:
        whole = anchor.replace(microsecond=0)  # a completion time may have microseconds
        nxt = recurrence.next_after(plan.rrule, whole, plan.timezone, t)
        return _NEVER if nxt is None else nxt
    assert plan.interval is not None  # a plan has an rrule or an interval
    try:
        window = (t + timedelta(microseconds=1), t + plan.interval * 2)
    except OverflowError:
        return _NEVER
    got = _schedule(plan, anchor, *window)
    return got[0] if got else _NEVER


def _release(plan: MaintenancePlan, at: datetime) -> datetime:
    """When the order for the occurrence due `at` is raised: `lead_time` before it."""
    return shift(at.astimezone(UTC), -plan.lead_time, name=f"plan {plan.id}: release of")


def _item(plan: MaintenancePlan, at: datetime, done: Completion | None,
          since: datetime | None = None) -> DueItem:  # fmt: skip
    done_at = done.done_at if done is not None else None
    return DueItem(
        counted_from=since,
        plan_id=plan.id,
        id=plan.order_id(at),
        due_at=at,
        release_at=_normal(_release(plan, at), plan.timezone),
        done_at=done_at,
        on_time=None if done_at is None else done_at <= at + plan.tolerance,
    )


def _fixed(
    plan: MaintenancePlan, start: datetime, end: datetime, done: Sequence[Completion]
) -> list[DueItem]:
    times = _schedule(plan, plan.start, start, end)
    if not times:
        return []
    following = _after(plan, plan.start, times[-1])
    releases = [_release(plan, t) for t in times]
    releases.append(_NEVER if following == _NEVER else _release(plan, following))
    keyed: dict[str, Completion] = {}
    loose: list[Completion] = []
    for c in sorted(done, key=lambda c: c.done_at):
        if c.due_at is None:
            loose.append(c)
        else:
            keyed.setdefault(plan.order_id(c.due_at), c)
    loose_at = [c.done_at for c in loose]
    out = []
    for k, t in enumerate(times):
        match = keyed.get(plan.order_id(t))
        if match is None:  # the first loose completion in the lead window [release, next release)
            i = bisect_left(loose_at, releases[k])
            if i < len(loose) and loose_at[i] < releases[k + 1]:
                match = loose[i]
        out.append(_item(plan, t, match))
    return out


def _floating(
    plan: MaintenancePlan, start: datetime, end: datetime, done: Sequence[Completion]
) -> list[DueItem]:
    out: list[DueItem] = []
    current = _normal(plan.start, plan.timezone)
    for c in sorted(done, key=lambda c: c.done_at):
        if current >= end:
            break
        if current >= start:
            out.append(_item(plan, current, c))
        current = _after(plan, c.done_at, c.done_at)
    while current < end:
        if current >= start:
            out.append(_item(plan, current, None))
        current = _after(plan, current, current)
    return out


def _metered(
    plan: MaintenancePlan, start: datetime, end: datetime, done: Sequence[Completion],
    meters: Mapping[str, MeterSeries],
) -> list[DueItem]:  # fmt: skip
    series = meters.get(plan.meter or "")
    if series is None or series.meter.asset_id != plan.asset_id or plan.every is None:
        where = "not among the meters given" if series is None else f"on {series.meter.asset_id}"
        raise HosplogiError(f"plan {plan.id} counts meter {plan.meter} of asset {plan.asset_id}, "
                            f"but that meter is {where}")  # fmt: skip
    out: list[DueItem] = []
    ref, last_id, pending = plan.start, "", iter(sorted(done, key=lambda c: c.done_at))
    while True:
        met = series.reaching(ref, plan.every)
        cal = None if plan.rrule is None and plan.interval is None else _after(plan, ref, ref)
        at = min((t for t in (met, cal) if t is not None), default=None)
        if at is None or at >= end:
            return out
        at = _normal(at, plan.timezone)
        if plan.order_id(at) == last_id:
            raise HosplogiError(f"plan {plan.id}: the meter reaches every={plan.every} twice on "
                                f"{last_id}; preventive maintenance is at most daily")  # fmt: skip
        last_id, c = plan.order_id(at), next(pending, None)
        if at >= start:
            out.append(_item(plan, at, c, ref))
        ref = c.done_at if c is not None and plan.anchor == "floating" else at


def _plan_items(
    plan: MaintenancePlan, start: datetime, end: datetime, mine: Sequence[Completion],
    meters: Mapping[str, MeterSeries] | None = None,
) -> list[DueItem]:  # fmt: skip
    """The plan's occurrences in ``[start, end)``, given the plan's own completions `mine`."""
    if plan.meter is not None:
        return _metered(plan, start, end, mine, meters or {})
    if plan.anchor == "fixed":
        return _fixed(plan, start, end, mine)
    return _floating(plan, start, end, mine)


def _check_range(start: datetime, end: datetime) -> None:
    require_aware(start, "start")
    require_aware(end, "end")


def _check_unique(plans: Sequence[MaintenancePlan]) -> None:
    require_unique((p.id for p in plans), "plan ids")


def due(
    plans: Iterable[MaintenancePlan],
    start: datetime,
    end: datetime,
    history: Iterable[Completion | WorkOrder] = (),
    *,
    readings: Iterable[MeterReading] = (),
    meters: Iterable[Meter] = (),
) -> list[DueItem]:
    """Occurrences of `plans` due in ``[start, end)``, with the work done for each.

    Fixed plans take due times from the schedule; a completion is attributed to the occurrence
    with the same due date (when it carries `due_at`) or else to the occurrence whose lead window
    ``[release, next release)`` contains it. Floating plans start at `plan.start`; each completion
    fulfils the occurrence then due and the next one falls one schedule step after the completion;
    beyond the last completion the schedule is projected as if done on time.

    Parameters
    ----------
    plans : iterable of MaintenancePlan
    start, end : datetime
        Timezone-aware.
    history : iterable of Completion or WorkOrder
        Work done; orders count once completed (see :func:`completions`).
    readings, meters : iterables of MeterReading and Meter
        For meter rules (:class:`MaintenancePlan`): the meters, on the plans' assets (else a
        HosplogiError), and readings from the plans' starts (beyond the last, usage is unknown).

    Returns
    -------
    list[DueItem]
        Sorted by due time, then plan id.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
    >>> plan = MaintenancePlan(id="BOILER", title="Descale", trade="boiler", timezone="UTC",
    ...     interval=timedelta(days=30), anchor="floating", start=t0)
    >>> done = [Completion(plan_id="BOILER", done_at=t0 + timedelta(days=3))]
    >>> [i.due_at.date().isoformat() for i in due([plan], t0, t0 + timedelta(days=70), done)]
    ['2026-01-05', '2026-02-07', '2026-03-09']
    """
    _check_range(start, end)
    plan_list = list(plans)
    _check_unique(plan_list)
    done = _by_plan(_as_completions(history))
    series = meter_series(meters, readings)
    items = [i for p in plan_list for i in _plan_items(p, start, end, done.get(p.id, ()), series)]
    items.sort(key=lambda i: (i.due_at, i.plan_id))
    return items


def generate_orders(
    plans: Iterable[MaintenancePlan],
    start: datetime,
    end: datetime,
    existing: Iterable[WorkOrder] = (),
    history: Iterable[Completion] = (),
    readings: Iterable[MeterReading] = (),
    meters: Iterable[Meter] = (),
) -> list[WorkOrder]:
    """PREVENTIVE work orders for occurrences due in ``[start, end)`` that do not exist yet.

    Each order has id ``f"{plan.id}@{due_date.isoformat()}"`` (due date in the plan's zone),
    priority = the plan's (PLANNED by default), ``source=Source.PREVENTIVE``, `due_at` = the due
    time, `reported_at` = due − lead time, and `reference` = the plan id. Orders whose id is in
    `existing` and occurrences already done are skipped, so running it twice creates nothing new.
    A floating or metered plan has at most one open order: its next occurrence is raised only
    when none is open (its date depends on when that one is done); `readings`, `meters`: as `due`.

    Parameters
    ----------
    plans : iterable of MaintenancePlan
    start, end : datetime
        Timezone-aware; occurrences are selected by due time. To raise orders `lead_time` ahead,
        pass an `end` that far in the future.
    existing : iterable of WorkOrder
        Orders already raised (any status); completed ones also count as history.
    history : iterable of Completion
        Work recorded outside orders.

    Returns
    -------
    list[WorkOrder]
        Sorted by due time, then id.

    Raises
    ------
    HosplogiError
        If two occurrences of a plan fall on the same local date (their ids would clash).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> plan = MaintenancePlan(id="GEN-1", title="Generator oil", trade="electrical",
    ...     rrule="FREQ=WEEKLY;BYDAY=MO", timezone="UTC", start=t0, lead_time=timedelta(days=1))
    >>> first = generate_orders([plan], t0, t0 + timedelta(days=14))
    >>> [(o.id, o.reported_at.day) for o in first]
    [('GEN-1@2026-03-02', 1), ('GEN-1@2026-03-09', 8)]
    >>> generate_orders([plan], t0, t0 + timedelta(days=14), existing=first)
    []
    """
    _check_range(start, end)
    plan_list = list(plans)
    _check_unique(plan_list)
    old = list(existing)
    have = {o.id for o in old}
    open_refs = {o.reference for o in old if o.reference is not None and not o.status.is_done
                 and o.status is not Status.CANCELLED}  # fmt: skip
    done = _by_plan(_as_completions([*history, *old]))
    series = meter_series(meters, readings)
    orders: list[WorkOrder] = []
    for plan in plan_list:
        items = _plan_items(plan, start, end, done.get(plan.id, ()), series)
        require_unique(
            (i.id for i in items),
            f"plan {plan.id}: several occurrences on one date (keep preventive plans at most "
            "daily); order ids plan@date",
        )
        pending = [i for i in items if i.done_at is None and i.id not in have]
        if plan.anchor == "floating" or plan.meter is not None:
            if plan.id in open_refs:
                continue
            pending = pending[:1]
        orders.extend(_order(plan, i) for i in pending)
    orders.sort(key=lambda o: (o.due_at, o.id))
    return orders


def _order(plan: MaintenancePlan, item: DueItem) -> WorkOrder:
    return WorkOrder.report(
        id=item.id,
        title=plan.title,
        trade=plan.trade,
        priority=plan.priority,
        reported_at=item.release_at,
        location=plan.location,
        asset_id=plan.asset_id,
        requirements=plan.requirements,
        estimated_minutes=plan.estimated_minutes,
        source=Source.PREVENTIVE,
        due_at=item.due_at,
        reference=plan.id,
    )


class MinimumCheck(FrozenModel):
    """Result of a rule "at least `required` times a year" for one plan and year.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> MinimumCheck(plan_id="P", year=2026, required=2, planned=2, done=1).done_ok
    False
    """

    plan_id: Identifier
    year: int
    required: int
    planned: int
    done: int

    @property
    def plan_ok(self) -> bool:
        """Whether the plan schedules at least the required number of times."""
        return self.planned >= self.required

    @property
    def done_ok(self) -> bool:
        """Whether the work was done at least the required number of times."""
        return self.done >= self.required


def check_minimum(
    plan: MaintenancePlan,
    year: int,
    history: Iterable[Completion | WorkOrder] = (),
    *,
    times: int | None = None,
) -> MinimumCheck:
    """Check "at least `times` a year" (default: the plan's `minimum_per_year`) for `year`.

    `planned` counts the plan's due times in the calendar year (plan's zone; a floating plan as if
    done on time), `done` counts completions of the plan in that year.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> plan = MaintenancePlan(id="AC", title="AC filters", trade="hvac", minimum_per_year=2,
    ...     rrule="FREQ=YEARLY", start=datetime(2026, 4, 1, tzinfo=timezone.utc))
    >>> c = check_minimum(plan, 2026)
    >>> (c.planned, c.plan_ok)
    (1, False)
    """
    required = plan.minimum_per_year if times is None else times
    if required is None or required < 1:
        raise HosplogiError(
            f"plan {plan.id}: no minimum to check; give times=N (N ≥ 1) or set "
            f"minimum_per_year on the plan, got times={times!r}"
        )
    if isinstance(year, bool) or not isinstance(year, int) or not 1 < year < 9999:
        raise HosplogiError(f"year must be an int from 2 to 9998, got {brief(year)}")
    tz = recurrence.zone(plan.timezone)
    y0, y1 = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    planned = len(_plan_items(plan, y0, y1, ()))
    mine = _by_plan(_as_completions(history)).get(plan.id, ())
    done = sum(1 for c in mine if y0 <= c.done_at < y1)
    return MinimumCheck(plan_id=plan.id, year=year, required=required, planned=planned, done=done)


class PmCompliance(FrozenModel):
    """PM compliance: occurrences due, done, done on time, and the on-time rate in percent.

    `rate` is on_time / due × 100, and 100.0 when nothing was due.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> PmCompliance(due=4, done=3, on_time=2, rate=50.0).missed
    1
    """

    due: NonNegativeInt
    done: NonNegativeInt
    on_time: NonNegativeInt
    rate: Finite
    late_ids: tuple[str, ...] = ()
    missed_ids: tuple[str, ...] = ()

    @property
    def missed(self) -> int:
        """Occurrences due and not done."""
        return self.due - self.done


def pm_compliance(
    plans: Iterable[MaintenancePlan],
    start: datetime,
    end: datetime,
    history: Iterable[Completion | WorkOrder] = (),
    *,
    now: datetime | None = None,
    grace: Literal["plan", "smrp"] = "plan",
    readings: Iterable[MeterReading] = (),
    meters: Iterable[Meter] = (),
) -> PmCompliance:
    """PM compliance over occurrences due in ``[start, end)``: done on time / due.

    With `now`, occurrences not done whose due time + tolerance is still after `now` are left
    out (they are not late yet). Unlike an order-based measure, an occurrence for which no order
    was ever raised counts as missed. Feed the rate to the balanced scorecard as
    ``{"pm_compliance": result.rate}`` (`hosplogi.kpi` indicator code).

    ``grace="smrp"`` replaces the plans' tolerance by :func:`hosplogi.assets.smrp_grace` of the
    frequency: the calendar step, or for a meter rule alone, the time its counters ran.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> plan = MaintenancePlan(id="P", title="t", trade="hvac", interval=timedelta(days=7),
    ...     timezone="UTC", start=t0, tolerance=timedelta(0))
    >>> done = [Completion(plan_id="P", done_at=t0, due_at=t0),
    ...         Completion(plan_id="P", done_at=t0 + timedelta(days=8),
    ...                    due_at=t0 + timedelta(days=7))]
    >>> c = pm_compliance([plan], t0, t0 + timedelta(days=21), done)
    >>> (c.due, c.done, c.on_time, round(c.rate, 2), c.missed_ids)
    (3, 2, 1, 33.33, ('P@2026-03-16',))
    """
    if now is not None:
        require_aware(now, "now")
    plan_list = list(plans)
    if grace not in ("plan", "smrp"):
        raise HosplogiError(f"grace must be 'plan' or 'smrp', got {grace!r}")
    items = due(plan_list, start, end, history, readings=readings, meters=meters)
    plan_of = {p.id: p for p in plan_list}
    allowed = {i.id: _grace(plan_of[i.plan_id], i, grace) for i in items}
    if now is not None:
        items = [i for i in items if i.done_at is not None or i.due_at + allowed[i.id] <= now]
    done = [i for i in items if i.done_at is not None]
    on_time = {i.id for i in done if i.done_at and i.done_at <= i.due_at + allowed[i.id]}
    return PmCompliance(
        due=len(items),
        done=len(done),
        on_time=len(on_time),
        rate=100.0 if not items else len(on_time) * 100.0 / len(items),
        late_ids=tuple(i.id for i in done if i.id not in on_time),
        missed_ids=tuple(i.id for i in items if i.done_at is None),
    )


def _grace(plan: MaintenancePlan, item: DueItem, grace: str) -> timedelta:
    if grace == "plan":
        return plan.tolerance
    if plan.rrule is None and plan.interval is None:  # a meter rule alone: the time it ran
        return smrp_grace(item.due_at - (item.counted_from or item.due_at))
    return smrp_grace(_after(plan, item.due_at, item.due_at) - item.due_at)
