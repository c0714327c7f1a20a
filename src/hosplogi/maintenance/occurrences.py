"""When preventive maintenance falls due, and the work orders it raises.

:func:`due` lists the occurrences of plans in ``[start, end)`` with the work done for each;
:func:`generate_orders` raises the PREVENTIVE orders with stable ids ``plan@date``. Fixed plans
follow their schedule, floating plans count from the last completion, meter plans from the
meter's counts (whichever of calendar and meter comes first). :func:`plan_items` and
:func:`next_due_after` are the per-plan steps, shared with :mod:`hosplogi.maintenance.compliance`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from hosplogi import recurrence
from hosplogi._checks import guarded
from hosplogi._types import require_aware, require_unique, shift
from hosplogi.assets import Meter, MeterReading, MeterSeries, meter_series
from hosplogi.errors import HosplogiError
from hosplogi.maintenance.plans import (
    Completion,
    DueItem,
    MaintenancePlan,
    as_completions,
    by_plan,
)
from hosplogi.orders import Source, Status, WorkOrder

__all__ = ["due", "generate_orders", "next_due_after", "plan_items"]

_NEVER = datetime.max.replace(tzinfo=UTC)  # the next due time of a schedule that has ended


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


def next_due_after(plan: MaintenancePlan, anchor: datetime, t: datetime) -> datetime:
    """The first calendar due time of `plan`, its schedule anchored at `anchor`, strictly after `t`.

    A far-future sentinel (``datetime.max`` in UTC) when the schedule has ended.

    Examples
    --------
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> p = MaintenancePlan(id="P", title="t", trade="hvac", interval=timedelta(days=7),
    ...     timezone="UTC", start=t0)
    >>> next_due_after(p, t0, t0).isoformat()
    '2026-03-09T08:00:00+00:00'
    """
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
    following = next_due_after(plan, plan.start, times[-1])
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
        current = next_due_after(plan, c.done_at, c.done_at)
    while current < end:
        if current >= start:
            out.append(_item(plan, current, None))
        current = next_due_after(plan, current, current)
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
        calendar = plan.rrule is not None or plan.interval is not None
        cal = next_due_after(plan, ref, ref) if calendar else None
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


def plan_items(
    plan: MaintenancePlan, start: datetime, end: datetime, mine: Sequence[Completion],
    meters: Mapping[str, MeterSeries] | None = None,
) -> list[DueItem]:  # fmt: skip
    """The plan's occurrences in ``[start, end)``, given the plan's own completions `mine`.

    `meters` maps meter id → :class:`~hosplogi.assets.MeterSeries` for a meter rule (a
    HosplogiError names the plan when its meter is missing). :func:`due` is this over many plans.

    Examples
    --------
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> p = MaintenancePlan(id="P", title="t", trade="hvac", interval=timedelta(days=7),
    ...     timezone="UTC", start=t0)
    >>> [i.id for i in plan_items(p, t0, t0 + timedelta(days=14), ())]
    ['P@2026-03-02', 'P@2026-03-09']
    """
    if plan.meter is not None:
        return _metered(plan, start, end, mine, meters or {})
    if plan.anchor == "fixed":
        return _fixed(plan, start, end, mine)
    return _floating(plan, start, end, mine)


MAX_WINDOW_YEARS = 200
"""The longest window one call of :func:`due` or :func:`generate_orders` covers, in years."""


def _check_range(start: datetime, end: datetime) -> None:
    require_aware(start, "start")
    require_aware(end, "end")
    if end - start > timedelta(days=366 * MAX_WINDOW_YEARS):
        raise HosplogiError(
            f"the window {start.isoformat()} to {end.isoformat()} spans more than "
            f"{MAX_WINDOW_YEARS} years; ask for at most {MAX_WINDOW_YEARS} years per call"
        )


def _check_unique(plans: Sequence[MaintenancePlan]) -> None:
    require_unique((p.id for p in plans), "plan ids")


@guarded
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
    done = by_plan(as_completions(history))
    series = meter_series(meters, readings)
    items = [i for p in plan_list for i in plan_items(p, start, end, done.get(p.id, ()), series)]
    items.sort(key=lambda i: (i.due_at, i.plan_id))
    return items


@guarded
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
    done = by_plan(as_completions([*history, *old]))
    series = meter_series(meters, readings)
    orders: list[WorkOrder] = []
    for plan in plan_list:
        items = plan_items(plan, start, end, done.get(plan.id, ()), series)
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
