"""The batch path: work orders to event columns (one pass over the events), the column engine,
and its results as :class:`SlaColumns` or :class:`SlaStatus` models (:func:`evaluate_many`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from itertools import chain, repeat
from operator import attrgetter, floordiv, sub
from typing import Any, Literal, overload

import numpy as np

from hosplogi._checks import guarded
from hosplogi._types import brief, fixed_zone
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, Event, HoldReason, Priority, WorkOrder
from hosplogi.sla.columns import (
    ACTIONS,
    HOLD_REASONS,
    NONE,
    PRIORITIES,
    STATES,
    ClockArrays,
    EventColumns,
    SlaArrays,
    sla_arrays,
)
from hosplogi.sla.models import SLA_COLUMNS, Clock, SlaColumns, SlaPolicy, SlaStatus

__all__ = ["OrderColumns", "evaluate_many", "order_columns", "sla_columns"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ACTION = {a: i for i, a in enumerate(ACTIONS)}
_HOLD: dict[HoldReason | None, int] = {None: -1, **{r: i for i, r in enumerate(HOLD_REASONS)}}
_PRIORITY: dict[Priority | None, int] = {None: -1, **{p: i for i, p in enumerate(PRIORITIES)}}
_US = timedelta(microseconds=1)


def check_orders(orders: Any) -> None:
    """Raise HosplogiError unless `orders` is an iterable (of work orders: checked one by one).

    Examples
    --------
    >>> check_orders(None)
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: orders must be an iterable of WorkOrder, got None
    """
    if isinstance(orders, (str, bytes, WorkOrder)) or not isinstance(orders, Iterable):
        raise HosplogiError(f"orders must be an iterable of WorkOrder, got {brief(orders)}")


def _microseconds(instants: list[datetime]) -> np.ndarray:
    """Epoch microseconds of aware datetimes, exactly.

    Stored instants share one ``timezone`` per UTC offset (``_types.Instant``); within one fixed
    offset, subtracting the epoch expressed in that zone is a plain subtraction, several times
    faster than one across zones.
    """
    zones = set(map(attrgetter("tzinfo"), instants))
    if len(zones) == 1:
        (zone,) = zones
        epoch = _EPOCH.astimezone(zone) if type(zone) is timezone else _EPOCH
    else:
        epoch = _EPOCH
    deltas = map(sub, instants, repeat(epoch))
    return np.fromiter(map(floordiv, deltas, repeat(_US)), np.int64, len(instants))


class OrderColumns:
    """Work orders as the engine's :class:`~hosplogi.sla.columns.EventColumns`, in one pass.

    Keeps the orders and their flat event list, to give back ids and recorded instants.

    Examples
    --------
    >>> from hosplogi import WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> o = WorkOrder.report(id="WO-1", title="t", trade="hvac", priority="urgent",
    ...                      reported_at=t0, location="L").dispatch(["T01"], at=t0)
    >>> cols = OrderColumns([o, o.model_copy(update={"id": "WO-2"})])
    >>> cols.events.offsets.tolist(), cols.events.priority.tolist()
    ([0, 2, 4], [1, 1, 1, 1])
    """

    def __init__(self, orders: Iterable[WorkOrder], logs: Iterable[Sequence[Event]] | None = None):
        check_orders(orders)
        self.orders = orders = list(orders)
        for i, order in enumerate(orders):
            if not isinstance(order, WorkOrder):
                raise HosplogiError(
                    f"orders must be WorkOrder objects; item {i} is {type(order).__name__} "
                    f"{brief(order)}"
                )
        self.logs = list(logs) if logs is not None else list(map(attrgetter("events"), orders))
        counts = np.fromiter(map(len, self.logs), dtype=np.int64, count=len(self.logs))
        offsets = np.zeros(len(orders) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        self.flat = flat = list(chain.from_iterable(self.logs))
        m = len(flat)
        # One pass reads each event's four fields while it is in the CPU cache (a year's events
        # lie scattered in memory, so four passes cost four cache misses each), into lists of
        # objects that already exist: no tuple per event for the garbage collector to track.
        actions: list[Action] = []
        at: list[datetime] = []
        reasons: list[HoldReason | None] = []
        priorities: list[Priority | None] = []
        for event in flat:
            actions.append(event.action)
            at.append(event.at)
            reasons.append(event.hold_reason)
            priorities.append(event.priority)
        self.at = at
        given = np.fromiter(map(_PRIORITY.__getitem__, priorities), np.int8, m)
        rows = np.arange(m)
        last = np.maximum.accumulate(np.where(given >= 0, rows, 0)) if m else rows
        self.events = EventColumns(
            offsets=offsets,
            action=np.fromiter(map(_ACTION.__getitem__, actions), np.int8, m),
            at_us=_microseconds(at) if m else np.zeros(0, np.int64),
            hold_reason=np.fromiter(map(_HOLD.__getitem__, reasons), np.int8, m),
            priority=given[last],  # a log's first event (its report) gives one
            order_id=lambda i: self.orders[i].id,
            recorded=lambda row: self.at[row],
        )


def order_columns(orders: Iterable[WorkOrder]) -> EventColumns:
    """The event columns of `orders` (see :class:`OrderColumns`).

    Examples
    --------
    >>> order_columns([]).offsets.tolist()
    [0]
    """
    return OrderColumns(orders).events


def _instants(us: np.ndarray, tz: Any) -> list[datetime | None]:
    """Aware datetimes in zone `tz`, pinned to their UTC offset (None where absent)."""
    present = us != NONE
    out: list[datetime | None] = [None] * len(us)
    if not present.any():
        return out
    values = us[present]
    deltas = values.astype("timedelta64[us]").tolist()
    if type(tz) is timezone:  # the epoch in that zone plus a duration: exact, and fast
        made = list(map(_EPOCH.astimezone(tz).__add__, deltas))
    else:
        made = []
        for delta in deltas:
            local = (_EPOCH + delta).astimezone(tz)
            made.append(local.astimezone(fixed_zone(local.utcoffset() or timedelta(0))))
    for i, value in zip(np.flatnonzero(present).tolist(), made, strict=True):
        out[i] = value
    return out


def _clock_lists(
    clock: ClockArrays, side: int, policy: SlaPolicy, cols: OrderColumns, zone: tzinfo | None
) -> dict[str, list[Any]]:
    """The fields of one clock of every order as Python values, in ``Clock`` field order."""
    targets = [policy.goals[p][side].target for p in PRIORITIES]
    warn = policy.warn_at
    levels = [warn[:k] for k in range(len(warn) + 1)]
    at = cols.at
    return {
        "state": [STATES[s] for s in clock.state.tolist()],
        "target": [targets[p] for p in clock.priority.tolist()],
        "elapsed": clock.elapsed.astype("timedelta64[us]").tolist(),
        "paused": clock.paused.astype("timedelta64[us]").tolist(),
        "due_at": _instants(clock.due_at, zone),
        "breached_at": _instants(clock.breached_at, zone),
        "stopped_at": [at[r] if r >= 0 else None for r in clock.stop_row.tolist()],
        "warned": [levels[k] for k in clock.warned.tolist()],
    }


def sla_columns(cols: OrderColumns, result: SlaArrays, policy: SlaPolicy) -> SlaColumns:
    """The engine's arrays as an :class:`SlaColumns` model (tuples of Python values).

    Examples
    --------
    >>> from hosplogi import Priority, SlaTarget
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> now = datetime(2026, 3, 2, tzinfo=UTC)
    >>> cols = OrderColumns([])
    >>> sla_columns(cols, sla_arrays(cols.events, policy, now), policy).order_id
    ()
    """
    values: dict[str, Any] = {
        "now": result.now,
        "order_id": tuple(o.id for o in cols.orders),
        "priority": tuple(PRIORITIES[p] for p in result.priority.tolist()),
        "cancelled": tuple(result.cancelled.tolist()),
    }
    for side, name, clock in (
        (0, "response", result.response),
        (1, "resolution", result.resolution),
    ):
        for field, column in _clock_lists(clock, side, policy, cols, result.zone).items():
            values[f"{name}_{field}"] = tuple(column)
    assert set(values) == {"now", *SLA_COLUMNS}
    return SlaColumns.model_construct(**values)


def sla_statuses(cols: SlaColumns) -> list[SlaStatus]:
    """One :class:`SlaStatus` per row of `cols` (models built without re-validating values).

    Examples
    --------
    >>> from hosplogi import Priority, SlaTarget
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> sla_statuses(evaluate_many([], policy, datetime(2026, 3, 2, tzinfo=UTC), columns=True))
    []
    """
    names = tuple(Clock.model_fields)
    now = cols.now
    construct_clock, construct_status = Clock.model_construct, SlaStatus.model_construct

    def clocks(side: str) -> list[Clock]:
        fields = [getattr(cols, f"{side}_{name}") for name in names]
        return [
            construct_clock(**dict(zip(names, row, strict=True)))
            for row in zip(*fields, strict=True)
        ]

    return [
        construct_status(order_id=i, priority=p, now=now, response=r, resolution=s, cancelled=c)
        for i, p, r, s, c in zip(
            cols.order_id,
            cols.priority,
            clocks("response"),
            clocks("resolution"),
            cols.cancelled,
            strict=True,
        )
    ]


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
@guarded
def evaluate_many(
    orders: Iterable[WorkOrder], policy: SlaPolicy, now: datetime, *, columns: bool = False
) -> list[SlaStatus] | SlaColumns:
    """Evaluate many orders at one instant, on the column engine.

    Parameters
    ----------
    orders : iterable of WorkOrder
        Read once.
    policy : SlaPolicy
    now : datetime
    columns : bool
        Return one :class:`SlaColumns` (parallel tuples) instead of a list of :class:`SlaStatus`:
        the same values without three models per order (benchmarks/bench_tables.py; docs/sla.md,
        "Speed").

    Returns
    -------
    list of SlaStatus, or SlaColumns
        ``[evaluate(o, policy, now) for o in orders]``, value for value.

    Raises
    ------
    HosplogiError
        What ``evaluate`` raises for the first order that fails; nothing is half-computed.

    Notes
    -----
    One pass over the events turns the orders into numpy columns
    (:mod:`hosplogi.sla.columns`); the clocks are then computed over whole columns. Time and
    memory are linear in the events (O(m log k) with a calendar of k intervals).

    Examples
    --------
    >>> from hosplogi import Priority, SlaTarget, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> orders = [WorkOrder.report(id=f"WO-{i}", title="t", trade="hvac", priority="routine",
    ...                            reported_at=t0 + timedelta(minutes=20 * i), location="L1")
    ...           for i in range(3)]
    >>> [s.response.breached for s in evaluate_many(orders, policy, t0 + timedelta(minutes=45))]
    [True, False, False]
    """
    cols = OrderColumns(orders)
    table = sla_columns(cols, sla_arrays(cols.events, policy, now), policy)
    return table if columns else sla_statuses(table)
