"""Preventive-maintenance plans and the record of the work done (models of the package).

A :class:`MaintenancePlan` repeats on an RFC 5545 RRULE, a plain interval or a meter (every
500 running hours), fixed or floating; a :class:`Completion` records that its work was done;
a :class:`DueItem` is one due occurrence and what was done about it. :func:`completions` reads
completions from preventive orders; :func:`as_completions` and :func:`by_plan` gather a mixed
history per plan for the engines in :mod:`hosplogi.maintenance.occurrences` and
:mod:`hosplogi.maintenance.compliance`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal, Self

from pydantic import Field, model_validator

from hosplogi import recurrence
from hosplogi._checks import guarded
from hosplogi._types import Finite, FrozenModel, Identifier, Instant, NonNegativeInt
from hosplogi.crews import SkillRequirement
from hosplogi.orders import Action, Priority, WorkOrder
from hosplogi.recurrence import TimeZoneName

__all__ = [
    "Completion",
    "DueItem",
    "MaintenancePlan",
    "as_completions",
    "by_plan",
    "completions",
]

_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")


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


@guarded
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


def as_completions(history: Iterable[Completion | WorkOrder]) -> list[Completion]:
    """The completions of a mixed history: :class:`Completion` records, then completed orders.

    Examples
    --------
    >>> t = datetime(2026, 3, 2, tzinfo=timezone.utc)
    >>> [c.plan_id for c in as_completions([Completion(plan_id="P", done_at=t)])]
    ['P']
    """
    items = list(history)
    done = [h for h in items if isinstance(h, Completion)]
    done += completions(h for h in items if isinstance(h, WorkOrder))
    return done


def by_plan(done: Iterable[Completion]) -> dict[str, list[Completion]]:
    """Completions grouped by plan id (one pass, so many plans cost no more than one).

    Examples
    --------
    >>> t = datetime(2026, 3, 2, tzinfo=timezone.utc)
    >>> sorted(by_plan([Completion(plan_id="P", done_at=t), Completion(plan_id="Q", done_at=t)]))
    ['P', 'Q']
    """
    grouped: dict[str, list[Completion]] = {}
    for c in done:
        grouped.setdefault(c.plan_id, []).append(c)
    return grouped
