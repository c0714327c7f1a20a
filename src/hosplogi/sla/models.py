"""The SLA models: targets, policies, clocks, statuses, columns and compliance reports.

Configuration (:class:`SlaTarget`, :class:`SlaPolicy`) and results (:class:`Clock`,
:class:`SlaStatus`, :class:`SlaColumns`, :class:`ComplianceRow`, :class:`ComplianceReport`) are
frozen, JSON-serialisable models. The replay that fills them is :mod:`hosplogi.sla.replay`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta  # noqa: F401 (datetime, UTC: the doctests)
from functools import cached_property
from typing import Any, Literal, NamedTuple, Self

from pydantic import computed_field, field_validator, model_validator

from hosplogi._types import Finite, FrozenDict, FrozenModel, Instant, NonNegativeInt, brief
from hosplogi.calendars import BusinessCalendar
from hosplogi.errors import HosplogiError
from hosplogi.orders import HoldReason, Priority

__all__ = [
    "Clock",
    "ClockState",
    "ComplianceReport",
    "ComplianceRow",
    "SlaColumns",
    "SlaPolicy",
    "SlaStatus",
    "SlaTarget",
]

ClockState = Literal["running", "paused", "stopped"]

_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
_COMPUTED = ("remaining", "breached", "percent")
MAX_WARN_LEVELS = 16
"""At most this many ``warn_at`` thresholds per policy."""


class SlaGoal(NamedTuple):
    """What one clock of one priority is measured against (see :attr:`SlaPolicy.goals`)."""

    target: timedelta
    """The limit."""
    business_hours: bool
    """Whether it counts only the open time of the policy's calendar."""
    warn_elapsed: tuple[timedelta, ...]
    """Per ``warn_at`` level, the least elapsed time that reaches it."""


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
        Fractions of the target (each strictly between 0 and 1; at most 16 of them) at which a clock
        reports a warning, e.g. notify the crew leader at 75 % and the department head at 90 %.
        Kept sorted, without repeats.

    Notes
    -----
    Immutable all the way down (`targets` is a read-only mapping) and hashable. The derived
    :attr:`goals` are computed once per policy.

    Examples
    --------
    >>> SlaPolicy(targets={Priority.URGENT: SlaTarget(respond=timedelta(minutes=15),
    ...                                                resolve=timedelta(hours=4))})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for SlaPolicy
      Value error, no target for priorities EMERGENCY, ROUTINE, PLANNED; ...
    """

    targets: FrozenDict[Priority, SlaTarget]
    calendar: BusinessCalendar | None = None
    pausing: frozenset[HoldReason] = frozenset(
        {HoldReason.AWAITING_MATERIAL, HoldReason.AWAITING_REQUESTER}
    )
    warn_at: tuple[Finite, ...] = (0.75, 0.9)

    @field_validator("warn_at")
    @classmethod
    def _fractions(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if len(value) > MAX_WARN_LEVELS:
            raise ValueError(
                f"warn_at takes at most {MAX_WARN_LEVELS} thresholds, got {len(value)}"
            )
        for w in value:
            if not 0.0 < w < 1.0:  # NaN fails this too; 1.0 would only repeat `breached`
                raise ValueError(
                    f"warn_at thresholds are fractions of the target strictly between 0 and 1, "
                    f"got {w!r}; write 0.75 for 75 %"
                )
        return tuple(sorted(set(value)))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with `update`, a new policy validated like any other.

        Examples
        --------
        >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
        ...     resolve=timedelta(hours=4)) for p in Priority})
        >>> policy.model_copy(update={"warn_at": [0.9, 0.5]}).warn_at
        (0.5, 0.9)
        """
        if not update:
            return super().model_copy(deep=deep)
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return self.model_validate({**fields, **update})

    @cached_property
    def goals(self) -> FrozenDict[Priority, tuple[SlaGoal, SlaGoal]]:
        """Per priority, the response and resolution goals the replay measures against.

        Each is the target, whether it counts business hours, and the warn levels as the least
        elapsed times that reach them: a level is reached when ``elapsed >= w × target``, and
        elapsed time being whole microseconds, that is the ceiling of the product. Computed once
        per policy; not a field (not serialised, compared or hashed).

        Examples
        --------
        >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
        ...     resolve=timedelta(hours=4)) for p in Priority}, warn_at=(0.5,))
        >>> policy.goals[Priority.URGENT][0]
        SlaGoal(target=datetime.timedelta(seconds=1800), business_hours=False, \
warn_elapsed=(datetime.timedelta(seconds=900),))
        """
        us = _US

        def levels(target: timedelta) -> tuple[timedelta, ...]:
            n = target // us  # the float product may round above n for huge targets: cap it
            return tuple(us * min(n, math.ceil(w * n)) for w in self.warn_at)

        return FrozenDict(
            {
                p: (
                    SlaGoal(t.respond, t.business_hours, levels(t.respond)),
                    SlaGoal(t.resolve, t.business_hours, levels(t.resolve)),
                )
                for p, t in self.targets.items()
            }
        )

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
        The limit of the priority in force; positive (a zero or negative target is refused, so
        `percent` is always defined and finite).
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
    warned: tuple[Finite, ...] = ()

    @field_validator("target")
    @classmethod
    def _positive_target(cls, value: timedelta) -> timedelta:
        if value <= _ZERO:
            raise ValueError(
                f"a clock's target must be positive (as every SlaTarget's is), got {value}"
            )
        return value

    @field_validator("elapsed", "paused")
    @classmethod
    def _not_negative(cls, value: timedelta, info: Any) -> timedelta:
        if value < _ZERO:
            raise ValueError(f"{info.field_name} must be zero or more, got {value}")
        return value

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
        return is_breached(self.elapsed, self.target)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def percent(self) -> float:
        """``elapsed / target × 100``."""
        return self.elapsed / self.target * 100.0


def is_breached(elapsed: timedelta, target: timedelta) -> bool:
    """The one breach rule: elapsed time beyond the target (reaching it exactly is on time).

    Examples
    --------
    >>> is_breached(timedelta(hours=1), timedelta(hours=1))
    False
    """
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


SLA_COLUMNS = (
    "order_id",
    "priority",
    "cancelled",
    *(f"{side}_{name}" for side in ("response", "resolution") for name in Clock.model_fields),
)
"""The field names of :class:`SlaColumns` that hold one entry per order, in replay order."""


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
    >>> from hosplogi import Priority, WorkOrder, evaluate, evaluate_many
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
    response_warned: tuple[tuple[Finite, ...], ...]
    resolution_state: tuple[ClockState, ...]
    resolution_target: tuple[timedelta, ...]
    resolution_elapsed: tuple[timedelta, ...]
    resolution_paused: tuple[timedelta, ...]
    resolution_due_at: tuple[Instant | None, ...]
    resolution_breached_at: tuple[Instant | None, ...]
    resolution_stopped_at: tuple[Instant | None, ...]
    resolution_warned: tuple[tuple[Finite, ...], ...]

    @model_validator(mode="after")
    def _same_length(self) -> SlaColumns:
        lengths = {name: len(getattr(self, name)) for name in SLA_COLUMNS}
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
        >>> from hosplogi import Priority, WorkOrder, evaluate_many
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
            return tuple(map(is_breached, self.response_elapsed, self.response_target))
        if clock == "resolution":
            return tuple(map(is_breached, self.resolution_elapsed, self.resolution_target))
        raise HosplogiError(f"clock must be 'response' or 'resolution', got {clock!r}")

    def status(self, i: int) -> SlaStatus:
        """Row `i` as the :class:`SlaStatus` that ``evaluate`` gives for that order.

        Raises
        ------
        HosplogiError
            If `i` is not the index of a row (``0 <= i < len(order_id)``).

        Examples
        --------
        >>> from hosplogi import evaluate_many
        >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
        ...     resolve=timedelta(hours=4)) for p in Priority})
        >>> evaluate_many([], policy, datetime(2026, 3, 2, tzinfo=UTC), columns=True).status(0)
        Traceback (most recent call last):
        ...
        hosplogi.errors.HosplogiError: row 0 does not exist; the columns have 0 rows (0 to -1)
        """
        rows = len(self.order_id)
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < rows:
            raise HosplogiError(
                f"row {brief(i)} does not exist; the columns have {rows} rows (0 to {rows - 1})"
            )

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
    count: NonNegativeInt
    cancelled: NonNegativeInt
    met: NonNegativeInt
    breached: NonNegativeInt
    open: NonNegativeInt
    met_rate: Finite | None
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
    >>> from hosplogi import Priority, compliance
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
