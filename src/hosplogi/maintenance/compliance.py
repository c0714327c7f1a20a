"""How well preventive maintenance was done: PM compliance and "at least N times a year".

:func:`pm_compliance` gives done on time / due (optionally with the SMRP grace) for
`hosplogi.kpi`; :func:`check_minimum` checks a rule such as "AC filters at least twice a year"
(001:403) against the plan and against the work done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from hosplogi import recurrence
from hosplogi._checks import guarded
from hosplogi._types import Finite, FrozenModel, Identifier, NonNegativeInt, brief, require_aware
from hosplogi.assets import Meter, MeterReading, smrp_grace
from hosplogi.errors import HosplogiError
from hosplogi.maintenance.occurrences import due, next_due_after, plan_items
from hosplogi.maintenance.plans import (
    Completion,
    DueItem,
    MaintenancePlan,
    as_completions,
    by_plan,
)
from hosplogi.orders import WorkOrder

__all__ = ["MinimumCheck", "PmCompliance", "check_minimum", "pm_compliance"]


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


@guarded
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
    planned = len(plan_items(plan, y0, y1, ()))
    mine = by_plan(as_completions(history)).get(plan.id, ())
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


@guarded
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
    return smrp_grace(next_due_after(plan, item.due_at, item.due_at) - item.due_at)
