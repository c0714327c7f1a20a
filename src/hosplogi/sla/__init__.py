"""Service-level clocks: response and resolution times of work orders against targets.

The seeds demand a response time limit for every request (首接负责制, 明确服务响应时限, 002:69) and
timeliness for every service; outsourcing contracts are paid on it. An :class:`SlaPolicy` gives a
target per priority; :func:`evaluate` replays an order's event log once and returns its two
clocks at an instant `now`:

- the **response** clock runs from ``reported_at`` until the first start on site
  (``IN_PROGRESS``);
- the **resolution** clock runs until ``COMPLETED``, runs again when acceptance is refused
  (rework) and stops at the next completion;
- a cancellation stops both clocks (the order is then left out of met/breached counts);
- either clock is *paused* while the order is ``ON_HOLD`` for a reason in ``policy.pausing``;
- a business-hours target counts only open time of ``policy.calendar``; pause time is measured
  the same way.

**Priority changes** (:meth:`WorkOrder.reprioritize`): the clock keeps the time already elapsed
and is measured against the target of the priority *in force* — at `now` for a running or paused
clock, at the moment it stopped for a stopped one. The whole running history is measured with
that target's rule (wall-clock or business hours). Events later than `now` are ignored, so
``evaluate(order, policy, now=t)`` tells how the order stood at `t`.

Examples
--------
>>> from datetime import UTC, datetime, timedelta, timezone, tzinfo
>>> from hosplogi import Priority, WorkOrder
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
>>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
...     resolve=timedelta(hours=4)) for p in Priority})
>>> order = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing",
...     priority=Priority.URGENT, reported_at=t0, location="Ward 3")
>>> s = evaluate(order, policy, now=t0 + timedelta(minutes=20))
>>> s.response.remaining, s.response.breached, s.response.due_at.time()
(datetime.timedelta(seconds=600), False, datetime.time(9, 30))
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cached_property
from typing import Any, Literal, overload

from pydantic import BaseModel, computed_field, field_validator, model_validator

from hosplogi._types import FrozenModel, Instant, fixed_zone, require_aware, shared_fields_set
from hosplogi.calendars import BusinessCalendar, _Arrays, _from_us, _Timeline
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, HoldReason, Priority, WorkOrder

__all__ = [
    "Clock",
    "ClockState",
    "ComplianceReport",
    "ComplianceRow",
    "SlaColumns",
    "SlaPolicy",
    "SlaStatus",
    "SlaTarget",
    "compliance",
    "evaluate",
    "evaluate_many",
]

ClockState = Literal["running", "paused", "stopped"]
_Goal = tuple[timedelta, bool, list[timedelta]]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
_COMPUTED = ("remaining", "breached", "percent")


class SlaTarget(FrozenModel):
    """The response and resolution limits of one priority.

    Parameters
    ----------
    respond : timedelta
        From the report to the first start on site. Must be positive.
    resolve : timedelta
        From the report to completion. Must be positive.
    business_hours : bool
        Count only the open time of the policy's calendar (default ``False``: wall-clock time).

    Examples
    --------
    >>> SlaTarget(respond=timedelta(minutes=15), resolve=timedelta(0))
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for SlaTarget
    resolve
      Value error, the resolve target must be positive, got 0:00:00...
    """

    respond: timedelta
    resolve: timedelta
    business_hours: bool = False

    @field_validator("respond", "resolve")
    @classmethod
    def _positive(cls, value: timedelta, info: Any) -> timedelta:
        if value <= _ZERO:
            raise ValueError(
                f"the {info.field_name} target must be positive, got {value}; give a duration "
                "such as timedelta(minutes=30)"
            )
        return value


class SlaPolicy(FrozenModel):
    """Targets per priority, the calendar for business hours, pausing reasons, warning levels.

    Parameters
    ----------
    targets : Mapping[Priority, SlaTarget]
        One target for **every** priority.
    calendar : BusinessCalendar, optional
        Required when a target counts business hours.
    pausing : frozenset[HoldReason]
        Hold reasons that pause the clocks; default awaiting material or the requester.
    warn_at : tuple[float, ...]
        Fractions of the target (each in (0, 1)) at which a clock reports a warning, e.g. notify
        the crew leader at 75 % and the department head at 90 %. Kept sorted.

    Examples
    --------
    >>> SlaPolicy(targets={Priority.URGENT: SlaTarget(respond=timedelta(minutes=15),
    ...                                                resolve=timedelta(hours=4))})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for SlaPolicy
      Value error, no target for priorities EMERGENCY, ROUTINE, PLANNED; ...
    """

    targets: dict[Priority, SlaTarget]
    calendar: BusinessCalendar | None = None
    pausing: frozenset[HoldReason] = frozenset(
        {HoldReason.AWAITING_MATERIAL, HoldReason.AWAITING_REQUESTER}
    )
    warn_at: tuple[float, ...] = (0.75, 0.9)

    @field_validator("warn_at")
    @classmethod
    def _fractions(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        for w in value:
            if not 0.0 < w < 1.0:
                raise ValueError(
                    f"warn_at thresholds are fractions of the target strictly between 0 and 1, "
                    f"got {w!r}; write 0.75 for 75 %"
                )
        return tuple(sorted(set(value)))

    @cached_property
    def _goals(self) -> dict[Priority, tuple[_Goal, _Goal]]:
        """Per priority, the response and resolution goals the replay measures against.

        Each is the target, whether it counts business hours, and the warn levels as the least
        elapsed times that reach them: a level is reached when ``elapsed >= w × target``, and
        elapsed time being whole microseconds, that is the ceiling of the product.
        """
        us = _US
        return {
            p: (
                (
                    t.respond,
                    t.business_hours,
                    [us * math.ceil(w * (t.respond // us)) for w in self.warn_at],
                ),
                (
                    t.resolve,
                    t.business_hours,
                    [us * math.ceil(w * (t.resolve // us)) for w in self.warn_at],
                ),
            )
            for p, t in self.targets.items()
        }

    @model_validator(mode="after")
    def _complete(self) -> SlaPolicy:
        missing = [p.name for p in Priority if p not in self.targets]
        if missing:
            raise ValueError(
                f"no target for priorities {', '.join(missing)}; every priority needs an SlaTarget"
            )
        business = [p.name for p, t in self.targets.items() if t.business_hours]
        if business and self.calendar is None:
            raise ValueError(
                f"the targets of {', '.join(business)} count business hours but the policy has no "
                "calendar; give calendar=BusinessCalendar.china() or another calendar"
            )
        return self


class Clock(FrozenModel):
    """One SLA clock (response or resolution) of one order at one instant.

    Attributes
    ----------
    state : {"running", "paused", "stopped"}
    target : timedelta
        The limit of the priority in force.
    elapsed : timedelta
        Running time so far (open time for a business-hours target).
    paused : timedelta
        Total time paused by pausing holds, measured like `elapsed`.
    due_at : datetime or None
        When the clock breaches if it runs from `now` on without a new pause; the instant it
        breached if it already has; ``None`` once stopped. Every pause moves it later.
    breached_at : datetime or None
        The instant `elapsed` reached `target`, if it has.
    stopped_at : datetime or None
        When the clock stopped (start on site, completion or cancellation).
    warned : tuple[float, ...]
        The policy's `warn_at` thresholds the clock has reached, e.g. ``(0.75,)``.
    remaining, breached, percent
        Derived: ``target − elapsed`` (negative once breached), ``elapsed > target``,
        ``elapsed / target × 100``.

    Examples
    --------
    >>> c = Clock(state="running", target=timedelta(hours=1), elapsed=timedelta(minutes=50))
    >>> c.remaining, c.breached, round(c.percent, 1)
    (datetime.timedelta(seconds=600), False, 83.3)
    """

    state: ClockState
    target: timedelta
    elapsed: timedelta
    paused: timedelta = _ZERO
    due_at: Instant | None = None
    breached_at: Instant | None = None
    stopped_at: Instant | None = None
    warned: tuple[float, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        """Accept dumped clocks: the derived values are recomputed, not stored."""
        if isinstance(data, dict) and any(k in data for k in _COMPUTED):
            data = {k: v for k, v in data.items() if k not in _COMPUTED}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def remaining(self) -> timedelta:
        """``target − elapsed``; negative once breached."""
        return self.target - self.elapsed

    @computed_field  # type: ignore[prop-decorator]
    @property
    def breached(self) -> bool:
        """Whether the elapsed time exceeds the target."""
        return _breached(self.elapsed, self.target)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def percent(self) -> float:
        """``elapsed / target × 100``."""
        return self.elapsed / self.target * 100.0


def _breached(elapsed: timedelta, target: timedelta) -> bool:
    """The one breach rule: elapsed time beyond the target (reaching it exactly is on time)."""
    return elapsed > target


class SlaStatus(FrozenModel):
    """Both clocks of one order at `now`.

    Attributes
    ----------
    order_id : str
    priority : Priority
        The priority in force at `now`.
    now : datetime
    response, resolution : Clock
    cancelled : bool
        The order was cancelled by `now` (both clocks stopped at the cancellation).

    Examples
    --------
    >>> c = Clock(state="stopped", target=timedelta(hours=1), elapsed=timedelta(minutes=5))
    >>> s = SlaStatus(order_id="WO-1", priority="urgent", response=c, resolution=c,
    ...               now=datetime(2026, 3, 2, tzinfo=UTC))
    >>> SlaStatus.model_validate_json(s.model_dump_json()) == s
    True
    """

    order_id: str
    priority: Priority
    now: Instant
    response: Clock
    resolution: Clock
    cancelled: bool = False


_COLUMNS = (
    "order_id",
    "priority",
    "cancelled",
    *(f"{side}_{name}" for side in ("response", "resolution") for name in Clock.model_fields),
)


class SlaColumns(FrozenModel):
    """The results of ``evaluate_many(..., columns=True)``: a tuple per field, row i = order i.

    The light form of a batch: parallel tuples instead of an :class:`SlaStatus` with two
    :class:`Clock` models per order, so a million results take a fraction of the memory and time
    to build. Row *i* holds exactly the values of ``evaluate(orders[i], policy, now)``;
    :meth:`status` rebuilds that :class:`SlaStatus`.

    Attributes
    ----------
    now : datetime
    order_id, priority, cancelled : tuple
        As in :class:`SlaStatus`.
    response_state, response_target, response_elapsed, response_paused, response_due_at, \
response_breached_at, response_stopped_at, response_warned : tuple
        The fields of the response :class:`Clock` (``remaining``, ``breached`` and ``percent``
        are derived: see :meth:`status`).
    resolution_state, resolution_target, … resolution_warned : tuple
        The same for the resolution clock.

    Examples
    --------
    >>> from hosplogi import Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> orders = [WorkOrder.report(id=f"WO-{i}", title="t", trade="hvac", priority="routine",
    ...                            reported_at=t0 + timedelta(minutes=20 * i), location="L1")
    ...           for i in range(3)]
    >>> cols = evaluate_many(orders, policy, t0 + timedelta(minutes=45), columns=True)
    >>> cols.order_id, cols.response_elapsed[2]
    (('WO-0', 'WO-1', 'WO-2'), datetime.timedelta(seconds=300))
    >>> cols.status(1) == evaluate(orders[1], policy, t0 + timedelta(minutes=45))
    True
    >>> SlaColumns.model_validate_json(cols.model_dump_json()) == cols
    True
    """

    now: Instant
    order_id: tuple[str, ...]
    priority: tuple[Priority, ...]
    cancelled: tuple[bool, ...]
    response_state: tuple[ClockState, ...]
    response_target: tuple[timedelta, ...]
    response_elapsed: tuple[timedelta, ...]
    response_paused: tuple[timedelta, ...]
    response_due_at: tuple[Instant | None, ...]
    response_breached_at: tuple[Instant | None, ...]
    response_stopped_at: tuple[Instant | None, ...]
    response_warned: tuple[tuple[float, ...], ...]
    resolution_state: tuple[ClockState, ...]
    resolution_target: tuple[timedelta, ...]
    resolution_elapsed: tuple[timedelta, ...]
    resolution_paused: tuple[timedelta, ...]
    resolution_due_at: tuple[Instant | None, ...]
    resolution_breached_at: tuple[Instant | None, ...]
    resolution_stopped_at: tuple[Instant | None, ...]
    resolution_warned: tuple[tuple[float, ...], ...]

    @model_validator(mode="after")
    def _same_length(self) -> SlaColumns:
        lengths = {name: len(getattr(self, name)) for name in _COLUMNS}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"every column must have one entry per order, got lengths {lengths}; give "
                "parallel tuples of equal length"
            )
        return self

    def breached(self, clock: Literal["response", "resolution"]) -> tuple[bool, ...]:
        """Per order, whether `clock` is breached (:attr:`Clock.breached`, column-wise).

        Examples
        --------
        >>> from hosplogi import Priority, WorkOrder
        >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
        ...     resolve=timedelta(hours=4)) for p in Priority})
        >>> orders = [WorkOrder.report(id=f"WO-{i}", title="t", trade="hvac", priority="urgent",
        ...                            reported_at=t0 + timedelta(minutes=20 * i), location="L")
        ...           for i in range(2)]
        >>> evaluate_many(orders, policy, t0 + timedelta(minutes=45), columns=True).breached(
        ...     "response")
        (True, False)
        """
        if clock == "response":
            return tuple(map(_breached, self.response_elapsed, self.response_target))
        if clock == "resolution":
            return tuple(map(_breached, self.resolution_elapsed, self.resolution_target))
        raise HosplogiError(f"clock must be 'response' or 'resolution', got {clock!r}")

    def status(self, i: int) -> SlaStatus:
        """Row `i` as the :class:`SlaStatus` that ``evaluate`` gives for that order.

        Raises
        ------
        IndexError
            If there is no row `i`.
        """

        def clock(side: str) -> Clock:
            return Clock(
                **{name: getattr(self, f"{side}_{name}")[i] for name in Clock.model_fields}
            )

        return SlaStatus(
            order_id=self.order_id[i],
            priority=self.priority[i],
            now=self.now,
            response=clock("response"),
            resolution=clock("resolution"),
            cancelled=self.cancelled[i],
        )


class ComplianceRow(FrozenModel):
    """Counts and times of one group of orders for one clock.

    Attributes
    ----------
    key : str or None
        The group (e.g. ``"urgent"``, a trade, a technician id); ``None`` for orders without one.
    count : int
        Orders in the group, cancelled ones included.
    cancelled : int
        Cancelled orders: counted, but neither met nor breached.
    met : int
        Clocks stopped within target.
    breached : int
        Clocks over target, stopped or still open.
    open : int
        Clocks running or paused and not yet breached.
    met_rate : float or None
        ``met / (met + breached) × 100``; ``None`` when nothing is decided yet.
    mean_elapsed, p90_elapsed : timedelta or None
        Over the stopped, non-cancelled clocks; the 90th percentile by the nearest-rank method.

    Examples
    --------
    >>> row = ComplianceRow(key="plumbing", count=3, cancelled=0, met=2, breached=1, open=0,
    ...                     met_rate=200 / 3, mean_elapsed=timedelta(hours=2),
    ...                     p90_elapsed=timedelta(hours=5))
    >>> ComplianceRow.model_validate_json(row.model_dump_json()) == row
    True
    """

    key: str | None
    count: int
    cancelled: int
    met: int
    breached: int
    open: int
    met_rate: float | None
    mean_elapsed: timedelta | None
    p90_elapsed: timedelta | None


class ComplianceReport(FrozenModel):
    """SLA compliance per group, plus the total over all orders; built by :func:`compliance`.

    Attributes
    ----------
    by : str
        The grouping asked for (``"priority"``, ``"trade"``, ``"assignee"`` …).
    clock : {"response", "resolution"}
    now : datetime
    rows : tuple[ComplianceRow, ...]
        One per group, sorted by key, ``None`` last.
    total : ComplianceRow
        All orders once each (key ``None``).

    Examples
    --------
    >>> from hosplogi import Priority
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> report = compliance([], policy, datetime(2026, 3, 2, tzinfo=UTC))
    >>> report.rows, report.total.count, report.total.met_rate
    ((), 0, None)
    """

    by: str
    clock: Literal["response", "resolution"]
    now: Instant
    rows: tuple[ComplianceRow, ...]
    total: ComplianceRow


# -- the replay ---------------------------------------------------------------------------------


def _instant(us: int, tz: tzinfo | None) -> datetime:
    """The instant `us` (epoch microseconds) in zone `tz`, pinned to its fixed UTC offset."""
    local = _from_us(us, tz)
    if type(tz) is timezone:
        return local
    return local.astimezone(fixed_zone(local.utcoffset() or _ZERO))


def _fast_model(cls: type[FrozenModel], fields: set[str], values: dict[str, Any]) -> Any:
    """Build a model from already-valid values without validation (the batch hot path)."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", fields)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


_CLOCK_FIELDS = shared_fields_set(Clock.model_fields)
_STATUS_FIELDS = shared_fields_set(SlaStatus.model_fields)
_COLUMNS_FIELDS = shared_fields_set(SlaColumns.model_fields)


class _Context:
    """Per-call data shared by every order: `now`, the targets, the calendar timeline."""

    __slots__ = ("goals", "now", "now_t", "pausing", "timeline", "tz", "warn")

    def __init__(self, policy: SlaPolicy, now: datetime) -> None:
        require_aware(now, "now")
        self.now_t = now - _EPOCH
        self.tz = now.tzinfo
        self.now = _instant(self.now_t // _US, now.tzinfo)
        self.pausing = policy.pausing
        self.warn = policy.warn_at
        self.goals = policy._goals
        self.timeline: _Timeline | None = None
        if policy.calendar is not None and any(t.business_hours for t in policy.targets.values()):
            self.timeline = policy.calendar._timeline
            self.timeline.cover(self.now_t // _US, now)


_HOLD, _RESUME, _START = Action.HOLD, Action.RESUME, Action.START
_COMPLETE, _REJECT, _CANCEL, _REPRIORITIZE = (
    Action.COMPLETE,
    Action.REJECT,
    Action.CANCEL,
    Action.REPRIORITIZE,
)


# ``_statuses`` is the one replay behind evaluate, evaluate_many and compliance. tests/test_sla.py
# checks it against an independent plain replay (tests/sla_reference.py) on hypothesis orders
# under wall-clock, business-hours and mixed policies. It is written for a million orders a call:
# every per-call value is a local, the open-time lookups are inlined ``bisect`` calls on the
# calendar's arrays, event times become timedeltas since the epoch by a same-tzinfo subtraction
# when they can, and the result models are filled through the slot descriptors without validation.
# The bookkeeping of the two clocks (r_ response, s_ resolution) is written out for each rather
# than kept in a per-clock object, so that an event costs no call and no attribute access.

_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


_IGNORED = frozenset(Action) - {_HOLD, _RESUME, _START, _COMPLETE, _REJECT, _CANCEL, _REPRIORITIZE}


def _statuses(
    orders: Iterable[WorkOrder], ctx: _Context, columns: dict[str, list[Any]] | None = None
) -> Iterator[SlaStatus]:
    """Yield the SLA status of each order at ``ctx.now`` (one pass over each event log).

    With `columns` (a list per name of ``_COLUMNS``), append each field to its list instead and
    yield nothing.
    """
    now_t, now, tz, pausing = ctx.now_t, ctx.now, ctx.tz, ctx.pausing
    warn, goals, tl = ctx.warn, ctx.goals, ctx.timeline
    epoch, us_, zero = _EPOCH, _US, _ZERO
    hold, resume, start, complete = _HOLD, _RESUME, _START, _COMPLETE
    reject, reprioritize = _REJECT, _REPRIORITIZE
    new, clock_cls, status_cls = object.__new__, Clock, SlaStatus
    set_dict, set_fields, set_extra, set_private = _set_dict, _set_fields, _set_extra, _set_private
    clock_fields, status_fields = _CLOCK_FIELDS, _STATUS_FIELDS
    bisect = bisect_right
    ignored = _IGNORED
    if type(tz) is timezone:  # a fixed offset: the epoch in that zone plus a duration is exact
        epoch_here = epoch.astimezone(tz)

        def instant(t: timedelta) -> datetime:
            return epoch_here + t

    else:

        def instant(t: timedelta) -> datetime:
            return _instant(t // us_, tz)

    # Every instant is kept as the timedelta `t = at - epoch`: exact to the microsecond like an
    # integer, and a sixth of the cost of `(at - epoch) // 1 µs` (33 against 195 ns). With the
    # epoch in the event's own fixed-offset zone (the very same tzinfo object) the subtraction
    # is a naive one, three times faster again than one across zones. Stored instants share one
    # tzinfo object per UTC offset (_types.Instant), orders read from JSON included; a zone that
    # is not a `timezone` (a model built without validation) is only adopted when it is met
    # twice in a row.
    last_tz: tzinfo | None = None
    epoch_tz = epoch
    missed: tzinfo | None = None

    def adopt(tzi: tzinfo | None) -> tuple[tzinfo | None, datetime]:
        nonlocal missed
        if tzi is missed and type(tzi) is timezone:
            return tzi, epoch.astimezone(tzi)
        missed = tzi
        return last_tz, epoch_tz

    # Each instant that bounds a run or a pause is measured twice as it is read: `t` (wall-clock)
    # and `p`, its open-time position on the calendar (what _Arrays.opentime gives):
    #     j = bisect(starts, t); p = base[j] + min(t, ends_[j])
    # on the arrays of _Arrays.durations(). Without a business-hours target there is no
    # calendar and p = t. Each clock sums its runs and pauses in both measures as they close;
    # which one counts is only known at the end, from the target in force. The runs are kept
    # too, (t, p, t, p) each, for the walk to the breach instant.
    starts: list[timedelta] = []
    cum: list[timedelta] = []
    ends_: list[timedelta] = []
    base: list[timedelta] = []
    lo_t = pos_now = now_t

    def refresh(arrays: _Arrays) -> None:
        """Read from `arrays` (a build covering `now`; positions agree across builds)."""
        nonlocal starts, cum, ends_, base, lo_t, pos_now
        starts, cum, ends_, base = arrays.durations()
        lo_t = us_ * arrays.lo_us
        j = bisect(starts, now_t)
        pos_now = base[j] + (now_t if now_t < ends_[j] else ends_[j])

    if tl is not None:
        refresh(tl.cover(now_t // us_, now))

    def add(t: timedelta, pos: timedelta, amount: timedelta) -> timedelta:
        """_Timeline.add_us for amount > 0, given pos = opentime(t)."""
        goal = pos + amount
        k = bisect_left(cum, goal)
        if k < len(cum):
            return starts[k - 1] + goal - cum[k - 1]
        assert tl is not None
        # builds more years, or raises past the last one
        at_us = tl.add_us(t // us_, amount // us_, now)
        refresh(tl.cover(at_us, now))
        return us_ * at_us

    # bisect_right over a goal's warn levels counts the levels reached
    warned_after = tuple(warn[:n] for n in range(len(warn) + 1))

    def make_clock(
        elapsed: timedelta,
        paused: timedelta,
        runs: tuple[timedelta, ...],
        business: bool,
        state: str,
        stopped_at: datetime | None,
        goal: _Goal,
        app: tuple[Callable[[Any], None], ...] | None,
    ) -> Clock | None:
        """Finish one clock: `elapsed` and `paused` are in the measure of its target."""
        target, _, levels = goal
        breached_at = due_at = None
        if elapsed > target:  # walk the runs to the instant the target was reached
            acc = zero
            for k in range(1 if business else 0, len(runs), 4):
                a = runs[k]
                length = runs[k + 2] - a
                if acc + length >= target:
                    rest = target - acc
                    if not business:
                        breached_at = instant(a + rest)
                    elif rest:
                        breached_at = instant(add(runs[k - 1], a, rest))
                    else:
                        breached_at = instant(runs[k - 1])
                    break
                acc += length
            if state != "stopped":
                due_at = breached_at
        elif state != "stopped":
            rest = target - elapsed
            if not rest:
                due_at = instant(now_t)
            elif business:
                due_at = instant(add(now_t, pos_now, rest))
            else:
                due_at = instant(now_t + rest)
        warned = warned_after[bisect(levels, elapsed)]
        if app is not None:
            a_state, a_target, a_elapsed, a_paused, a_due, a_breached, a_stopped, a_warned = app
            a_state(state)
            a_target(target)
            a_elapsed(elapsed)
            a_paused(paused)
            a_due(due_at)
            a_breached(breached_at)
            a_stopped(stopped_at)
            a_warned(warned)
            return None
        obj = new(clock_cls)
        set_dict(
            obj,
            {
                "state": state,
                "target": target,
                "elapsed": elapsed,
                "paused": paused,
                "due_at": due_at,
                "breached_at": breached_at,
                "stopped_at": stopped_at,
                "warned": warned,
            },
        )
        set_fields(obj, clock_fields)
        set_extra(obj, None)
        set_private(obj, None)
        return obj

    r_app = s_app = None
    if columns is not None:
        app_id, app_priority, app_cancelled = (columns[k].append for k in _COLUMNS[:3])
        r_app = tuple(columns[k].append for k in _COLUMNS[3:11])
        s_app = tuple(columns[k].append for k in _COLUMNS[11:])
    for order in orders:
        events = order.events
        first = events[0]
        at = first.at
        if at.tzinfo is last_tz:
            rep = at - epoch_tz
        else:
            rep = at - epoch
            last_tz, epoch_tz = adopt(at.tzinfo)
        if rep > now_t:
            raise HosplogiError(
                f"order {order.id}: now {now.isoformat()} is earlier than reported_at "
                f"{order.reported_at.isoformat()}; evaluate at or after the report"
            )
        # Every event lies in [rep, now] and the timeline covers now: covering rep covers all.
        # A calendar that cannot cover rep only matters if a business target is in force at the
        # end, so the error waits until then (the positions meanwhile are meaningless).
        outside: HosplogiError | None = None
        if tl is None:
            p = rep
        else:
            if rep < lo_t:
                try:
                    refresh(tl.cover(rep // us_, at))
                except HosplogiError as error:
                    outside = error
            j = bisect(starts, rep)
            p = base[j] + (rep if rep < ends_[j] else ends_[j])
        prio = first.priority or order.priority
        # response clock: running since (r_run, r_run_p) or paused since (r_pause, r_pause_p) or
        # stopped at r_stop; elapsed (wall r_el, business r_bel) and paused (r_pa, r_bpa) sums
        r_run: timedelta | None = rep
        r_run_p = p
        r_pause: timedelta | None = None
        r_pause_p = zero
        r_stop: datetime | None = None
        r_prio = prio
        r_el = r_bel = r_pa = r_bpa = zero
        r_runs: tuple[timedelta, ...] = ()
        s_run: timedelta | None = rep  # resolution clock, the same
        s_run_p = p
        s_pause: timedelta | None = None
        s_pause_p = zero
        s_stop: datetime | None = None
        s_prio = prio
        s_el = s_bel = s_pa = s_bpa = zero
        s_runs: tuple[timedelta, ...] = ()
        cancelled = False
        for e in events:  # the report (first) is an ignored action: no slice needed
            a = e.action
            if a in ignored or (a is hold and e.hold_reason not in pausing):
                continue
            at = e.at
            if at.tzinfo is last_tz:
                t = at - epoch_tz
            else:
                t = at - epoch
                last_tz, epoch_tz = adopt(at.tzinfo)
            if t > now_t:
                break
            if a is reprioritize:  # no clock moves
                if e.priority is not None:
                    prio = e.priority
                continue
            if tl is None:
                p = t
            else:
                j = bisect(starts, t)
                p = base[j] + (t if t < ends_[j] else ends_[j])
            if a is hold:
                if r_run is not None:
                    r_el += t - r_run
                    r_bel += p - r_run_p
                    r_runs += (r_run, r_run_p, t, p)
                    r_run, r_pause, r_pause_p = None, t, p
                if s_run is not None:
                    s_el += t - s_run
                    s_bel += p - s_run_p
                    s_runs += (s_run, s_run_p, t, p)
                    s_run, s_pause, s_pause_p = None, t, p
            elif a is resume:
                if r_pause is not None:
                    r_pa += t - r_pause
                    r_bpa += p - r_pause_p
                    r_pause, r_run, r_run_p = None, t, p
                if s_pause is not None:
                    s_pa += t - s_pause
                    s_bpa += p - s_pause_p
                    s_pause, s_run, s_run_p = None, t, p
            elif a is start:
                if r_run is not None:
                    r_el += t - r_run
                    r_bel += p - r_run_p
                    r_runs += (r_run, r_run_p, t, p)
                    r_run, r_stop, r_prio = None, at, prio
            elif a is complete:
                if s_run is not None:
                    s_el += t - s_run
                    s_bel += p - s_run_p
                    s_runs += (s_run, s_run_p, t, p)
                    s_run, s_stop, s_prio = None, at, prio
            elif a is reject:
                s_run, s_run_p, s_stop = t, p, None
            else:  # cancel
                cancelled = True
                if r_run is not None:
                    r_el += t - r_run
                    r_bel += p - r_run_p
                    r_runs += (r_run, r_run_p, t, p)
                if r_pause is not None:
                    r_pa += t - r_pause
                    r_bpa += p - r_pause_p
                if r_stop is None:
                    r_run, r_pause, r_stop, r_prio = None, None, at, prio
                if s_run is not None:
                    s_el += t - s_run
                    s_bel += p - s_run_p
                    s_runs += (s_run, s_run_p, t, p)
                if s_pause is not None:
                    s_pa += t - s_pause
                    s_bpa += p - s_pause_p
                if s_stop is None:
                    s_run, s_pause, s_stop, s_prio = None, None, at, prio
        r_state = "stopped"
        if r_run is not None:
            r_el += now_t - r_run
            r_bel += pos_now - r_run_p
            r_runs += (r_run, r_run_p, now_t, pos_now)
            r_state, r_prio = "running", prio
        elif r_pause is not None:
            r_pa += now_t - r_pause
            r_bpa += pos_now - r_pause_p
            r_state, r_prio = "paused", prio
        s_state = "stopped"
        if s_run is not None:
            s_el += now_t - s_run
            s_bel += pos_now - s_run_p
            s_runs += (s_run, s_run_p, now_t, pos_now)
            s_state, s_prio = "running", prio
        elif s_pause is not None:
            s_pa += now_t - s_pause
            s_bpa += pos_now - s_pause_p
            s_state, s_prio = "paused", prio
        r_goal = goals[r_prio][0]
        s_goal = goals[s_prio][1]
        r_business = r_goal[1]
        s_business = s_goal[1]
        if outside is not None and (r_business or s_business):
            raise outside
        if r_business:
            r_el, r_pa = r_bel, r_bpa
        if s_business:
            s_el, s_pa = s_bel, s_bpa
        if columns is not None:
            app_id(order.id)
            app_priority(prio)
            app_cancelled(cancelled)
            make_clock(r_el, r_pa, r_runs, r_business, r_state, r_stop, r_goal, r_app)
            make_clock(s_el, s_pa, s_runs, s_business, s_state, s_stop, s_goal, s_app)
            continue
        obj = new(status_cls)
        set_dict(
            obj,
            {
                "order_id": order.id,
                "priority": prio,
                "now": now,
                "response": make_clock(
                    r_el, r_pa, r_runs, r_business, r_state, r_stop, r_goal, None
                ),
                "resolution": make_clock(
                    s_el, s_pa, s_runs, s_business, s_state, s_stop, s_goal, None
                ),
                "cancelled": cancelled,
            },
        )
        set_fields(obj, status_fields)
        set_extra(obj, None)
        set_private(obj, None)
        yield obj


def _column_lists(orders: Iterable[WorkOrder], ctx: _Context) -> dict[str, list[Any]]:
    """The replay's results as one list per name of ``_COLUMNS`` (no model per order)."""
    lists: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    for _ in _statuses(orders, ctx, lists):  # pragma: no cover - yields nothing
        pass
    return lists


def evaluate(order: WorkOrder, policy: SlaPolicy, now: datetime) -> SlaStatus:
    """Return the response and resolution clocks of `order` at `now`.

    Parameters
    ----------
    order : WorkOrder
    policy : SlaPolicy
    now : datetime
        Timezone-aware; never read from the clock. Events after `now` are ignored. ``due_at``
        and ``breached_at`` are given in `now`'s zone (pinned to their fixed UTC offset, like
        every stored instant); ``stopped_at`` is the event's time as the order recorded it.

    Returns
    -------
    SlaStatus

    Raises
    ------
    HosplogiError
        If `now` is naive or earlier than ``order.reported_at``, or a business-hours target
        needs calendar years the calendar does not cover.

    Notes
    -----
    One pass over the event log; business time by interval lookup, O(e log n) for e events.

    Examples
    --------
    A job put on hold for material for an hour: the resolution clock pauses, and its due time
    moves an hour later.

    >>> from hosplogi import HoldReason, Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> o = (WorkOrder.report(id="WO-9", title="Tap", trade="plumbing", priority="urgent",
    ...                       reported_at=t0, location="Ward 3")
    ...      .dispatch(["T01"], at=t0 + timedelta(minutes=5))
    ...      .start(at=t0 + timedelta(minutes=25))
    ...      .hold(HoldReason.AWAITING_MATERIAL, at=t0 + timedelta(hours=1)))
    >>> s = evaluate(o, policy, now=t0 + timedelta(hours=2))
    >>> s.response.state, s.response.elapsed, s.resolution.state, s.resolution.paused
    ('stopped', datetime.timedelta(seconds=1500), 'paused', datetime.timedelta(seconds=3600))
    >>> s.resolution.due_at.time()
    datetime.time(14, 0)
    """
    return next(_statuses((order,), _Context(policy, now)))


@overload
def evaluate_many(
    orders: Iterable[WorkOrder],
    policy: SlaPolicy,
    now: datetime,
    *,
    columns: Literal[False] = False,
) -> list[SlaStatus]: ...
@overload
def evaluate_many(
    orders: Iterable[WorkOrder], policy: SlaPolicy, now: datetime, *, columns: Literal[True]
) -> SlaColumns: ...
def evaluate_many(
    orders: Iterable[WorkOrder], policy: SlaPolicy, now: datetime, *, columns: bool = False
) -> list[SlaStatus] | SlaColumns:
    """Evaluate many orders at one instant (the batch path: validation done once per call).

    Parameters
    ----------
    orders : iterable of WorkOrder
        Read once.
    policy : SlaPolicy
    now : datetime
    columns : bool
        Return one :class:`SlaColumns` (parallel tuples) instead of a list of :class:`SlaStatus`:
        the same values, built about 1.5 times as fast and in about a quarter of the memory
        (benchmarks/bench_sla.py; docs/sla.md, "Speed").

    Returns
    -------
    list of SlaStatus, or SlaColumns
        ``[evaluate(o, policy, now) for o in orders]``, value for value.

    Examples
    --------
    >>> from hosplogi import Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> orders = [WorkOrder.report(id=f"WO-{i}", title="t", trade="hvac", priority="routine",
    ...                            reported_at=t0 + timedelta(minutes=20 * i), location="L1")
    ...           for i in range(3)]
    >>> [s.response.breached for s in evaluate_many(orders, policy, t0 + timedelta(minutes=45))]
    [True, False, False]
    """
    ctx = _Context(policy, now)
    # The collector is paused for the call and restored after: the loop allocates ~10 container
    # objects per order (models, their dicts, lists) and none of them can form a reference cycle,
    # so the generation-0 collections that every 700 allocations would trigger — and the older
    # generations' rescans of the growing result list — find nothing to free. On 1,000,000 orders
    # they cost 38 s against 23 s without them (benchmarks/bench_sla.py, before this batch path).
    # Cyclic garbage made meanwhile by other code (other threads too: the switch is per process)
    # is only collected later, not lost; the previous state is restored even on an error.
    enabled = gc.isenabled()
    gc.disable()
    try:
        if not columns:
            return list(_statuses(orders, ctx))
        lists = _column_lists(orders, ctx)
        values: dict[str, Any] = {"now": ctx.now}
        for name in _COLUMNS:
            values[name] = tuple(lists.pop(name))  # one column's list freed as the next is made
        return _fast_model(SlaColumns, _COLUMNS_FIELDS, values)  # type: ignore[no-any-return]
    finally:
        if enabled:
            gc.enable()


def _nearest_rank(sorted_values: Sequence[int], q: float) -> int:
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def _row(key: str | None, rows: list[int], clock: _ClockColumns) -> ComplianceRow:
    """Count the orders `rows` (indices into the columns of one clock)."""
    cancelled_col, state_col, elapsed_col, target_col = clock
    met = breached = open_ = cancelled = 0
    done: list[int] = []
    for i in rows:
        elapsed = elapsed_col[i]
        if cancelled_col[i]:
            cancelled += 1
        elif _breached(elapsed, target_col[i]):
            breached += 1
            if state_col[i] == "stopped":
                done.append(elapsed // _US)
        elif state_col[i] == "stopped":
            met += 1
            done.append(elapsed // _US)
        else:
            open_ += 1
    decided = met + breached
    done.sort()
    return ComplianceRow(
        key=key,
        count=len(rows),
        cancelled=cancelled,
        met=met,
        breached=breached,
        open=open_,
        met_rate=met / decided * 100.0 if decided else None,
        mean_elapsed=timedelta(microseconds=sum(done) // len(done)) if done else None,
        p90_elapsed=timedelta(microseconds=_nearest_rank(done, 0.9)) if done else None,
    )


_ClockColumns = tuple[list[bool], list[str], list[timedelta], list[timedelta]]


def _keys(order: WorkOrder, priority: Priority, by: str) -> tuple[str | None, ...]:
    if by == "priority":
        return (priority.value,)
    if by == "assignee":
        return tuple(order.assignees) or (None,)
    try:
        value = getattr(order, by)
    except AttributeError:
        raise HosplogiError(
            f"cannot group by {by!r}: work orders have no such attribute; use 'priority', "
            "'trade', 'department', 'assignee' or another WorkOrder field"
        ) from None
    if isinstance(value, (tuple, list, frozenset, set)):
        return tuple(str(v) for v in value) or (None,)
    return (None if value is None else str(value),)


def compliance(
    orders: Iterable[WorkOrder],
    policy: SlaPolicy,
    now: datetime,
    by: str = "priority",
    *,
    clock: Literal["response", "resolution"] = "resolution",
) -> ComplianceReport:
    """Met and breached counts, met rate and elapsed times per group, at `now`.

    Parameters
    ----------
    orders : iterable of WorkOrder
    policy : SlaPolicy
    now : datetime
    by : str
        ``"priority"`` (the priority in force at `now`), ``"assignee"`` (each member of the last
        dispatched team; an order counts once for each) or any WorkOrder attribute
        (``"trade"``, ``"department"``, ``"source"`` …). Tuple values count in each element's group.
    clock : {"resolution", "response"}
        Which clock to report.

    Returns
    -------
    ComplianceReport
        Rows sorted by key (``None`` last) and the total over all orders.

    Examples
    --------
    >>> from hosplogi import Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> def done(i, hours):
    ...     o = WorkOrder.report(id=f"WO-{i}", title="t", trade="hvac", priority="routine",
    ...                          reported_at=t0, location="L1")
    ...     o = o.dispatch(["T01"], at=t0).start(at=t0)
    ...     return o.complete(at=t0 + timedelta(hours=hours))
    >>> report = compliance([done(1, 2), done(2, 3), done(3, 5)], policy, t0 + timedelta(days=1))
    >>> row = report.rows[0]
    >>> row.key, row.met, row.breached, round(row.met_rate, 1), row.p90_elapsed
    ('routine', 2, 1, 66.7, datetime.timedelta(seconds=18000))
    """
    if clock not in ("response", "resolution"):
        raise HosplogiError(f"clock must be 'response' or 'resolution', got {clock!r}")
    ctx = _Context(policy, now)
    listed = list(orders)
    lists = _column_lists(listed, ctx)
    columns = (
        lists["cancelled"],
        lists[f"{clock}_state"],
        lists[f"{clock}_elapsed"],
        lists[f"{clock}_target"],
    )
    groups: dict[str | None, list[int]] = {}
    for i, (order, priority) in enumerate(zip(listed, lists["priority"], strict=True)):
        for key in _keys(order, priority, by):
            groups.setdefault(key, []).append(i)
    keys = sorted(groups, key=lambda k: (k is None, k or ""))
    return ComplianceReport(
        by=by,
        clock=clock,
        now=now,
        rows=tuple(_row(k, groups[k], columns) for k in keys),
        total=_row(None, list(range(len(listed))), columns),
    )
