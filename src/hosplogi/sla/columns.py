"""The column engine: the SLA clocks of many orders at once, with numpy over whole columns.

Input: the event logs of many orders as numpy columns (:class:`EventColumns`: where each order's
rows start, action codes, instants as int64 UTC microseconds, hold reason codes, the priority in
force after each event). Output: both clocks of every order as numpy columns
(:class:`SlaArrays`). No Python loop runs per event or per order; loops run over the few
priorities and the two clocks.

How. Within one order the events are in time order and those after `now` are ignored, so the
events an order has seen form a prefix of its rows. Each of them opens a *segment* up to the next
seen event (or to `now`). After each event, a clock is

- **stopped** — response: some START or CANCEL has happened; resolution: the last COMPLETE,
  REJECT or CANCEL is not a REJECT;
- else **paused** — the last HOLD or RESUME is a HOLD for a pausing reason;
- else **running**.

(Under the lifecycle of :mod:`hosplogi.orders` — a START only from DISPATCHED, a COMPLETE only
from IN_PROGRESS, holds never nested — this is exactly what the per-order replay of
:func:`hosplogi.sla.evaluate` does, which the tests check on generated orders.) The last
event of a kind at or before each row is a running maximum of row numbers, kept within the order
by comparing it with the order's first row. A clock's elapsed (paused) time is the sum of the
lengths of its running (paused) segments, per order by ``np.add.reduceat`` on int64 — exact.
Business time measures a segment by open-time positions (``searchsorted`` on the calendar's
interval arrays); due and breach instants in business time invert positions with
``searchsorted`` on the cumulative open time. The breach instant lies in the first running
segment where the running sum within the order reaches the target.

Bounds: O(m log k) for m events and a calendar of k intervals, and O(m) memory (a few dozen
bytes per event); a calendar builds at most ``MAX_SPAN_YEARS`` years, as for any query.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

import numpy as np

from hosplogi._types import brief, fixed_zone, require_aware
from hosplogi.calendars import CalendarTimeline, IntervalArrays
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, HoldReason, Priority
from hosplogi.sla.models import SlaPolicy

__all__ = [
    "ACTIONS",
    "HOLD_REASONS",
    "NONE",
    "PAUSED",
    "PRIORITIES",
    "RUNNING",
    "STATES",
    "STOPPED",
    "ClockArrays",
    "EventColumns",
    "SlaArrays",
    "pinned_instant",
    "sla_arrays",
    "to_us",
]

ACTIONS: tuple[Action, ...] = tuple(Action)
"""Action codes: ``ACTIONS[code]``."""
HOLD_REASONS: tuple[HoldReason, ...] = tuple(HoldReason)
"""Hold reason codes (-1: none)."""
PRIORITIES: tuple[Priority, ...] = tuple(Priority)
"""Priority codes."""
RUNNING, PAUSED, STOPPED = 0, 1, 2
STATES = ("running", "paused", "stopped")
"""Clock state codes: ``STATES[code]``."""
NONE = np.iinfo(np.int64).min
"""An absent instant in an int64 column (the bit pattern of ``NaT``)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
_MAX_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US
_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_MAX_BUCKETS = 1 << 21
_CHUNK_ROWS = 1 << 18
_CAP = 2**62
"""Targets are computed with at most this many µs (146,000 years: far past the year 9999)."""
_START, _HOLD, _RESUME = (ACTIONS.index(a) for a in (Action.START, Action.HOLD, Action.RESUME))
_COMPLETE, _REJECT, _CANCEL = (
    ACTIONS.index(a) for a in (Action.COMPLETE, Action.REJECT, Action.CANCEL)
)


_FIRST_US = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // _US
_LAST_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US


def to_us(at: datetime, name: str = "at") -> int:
    """Microseconds since the Unix epoch of an aware datetime (exact).

    Examples
    --------
    >>> to_us(datetime(1970, 1, 1, 8, tzinfo=timezone(timedelta(hours=8))))
    0
    """
    require_aware(at, name)
    us = (at - _EPOCH) // _US
    if not _FIRST_US <= us <= _LAST_US:  # year 1 at +14:00 is year 0 in UTC, and so on
        raise HosplogiError(
            f"{name} {at.isoformat()} lies outside the instants datetimes can hold in UTC "
            "(the years 1 to 9999)"
        )
    return us


def pinned_instant(us: int, tz: tzinfo | None) -> datetime:
    """The instant `us` (epoch microseconds) in zone `tz`, pinned to its fixed UTC offset.

    Examples
    --------
    >>> pinned_instant(0, timezone(timedelta(hours=8)))
    datetime.datetime(1970, 1, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=28800)))
    """
    local = (_EPOCH + us * _US).astimezone(tz or UTC)
    if type(tz) is timezone:
        return local
    return local.astimezone(fixed_zone(local.utcoffset() or _ZERO))


@dataclass(frozen=True)
class EventColumns:
    """The event logs of many orders as columns, rows grouped by order, each log in its order.

    Attributes
    ----------
    offsets : ndarray of int64, length orders + 1
        Order *i*'s events are the rows ``offsets[i]:offsets[i + 1]``; each order has one or more.
    action : ndarray of int8
        Codes into :data:`ACTIONS`; an order's first row is its report.
    at_us : ndarray of int64
        Instants, UTC microseconds, never decreasing within an order.
    hold_reason : ndarray of int8
        Codes into :data:`HOLD_REASONS`, -1 where none.
    priority : ndarray of int8
        Codes into :data:`PRIORITIES`: the priority in force after the event.
    order_id : callable
        ``order_id(i)``: the id of order *i* (for error messages).
    recorded : callable
        ``recorded(row)``: the event's instant as recorded, with its UTC offset (for error
        messages and ``stopped_at``).
    """

    offsets: np.ndarray
    action: np.ndarray
    at_us: np.ndarray
    hold_reason: np.ndarray
    priority: np.ndarray
    order_id: Callable[[int], str]
    recorded: Callable[[int], datetime]

    @property
    def orders(self) -> int:
        """How many orders."""
        return len(self.offsets) - 1


@dataclass(frozen=True)
class ClockArrays:
    """One clock of every order: int64 microseconds (:data:`NONE` where absent), codes, flags.

    ``state`` codes :data:`STATES`; ``priority`` is the priority (code) the clock is measured
    against (in force at `now`, or when it stopped); ``target`` is capped at 2**62 µs;
    ``stop_row`` is the event row that stopped the clock (-1 when
    it has not stopped), whose instant is ``stopped_at`` as recorded; ``warned`` counts the
    policy's ``warn_at`` levels reached.
    """

    state: np.ndarray
    priority: np.ndarray
    target: np.ndarray
    elapsed: np.ndarray
    paused: np.ndarray
    due_at: np.ndarray
    breached_at: np.ndarray
    stop_row: np.ndarray
    stopped_at: np.ndarray
    warned: np.ndarray

    @property
    def remaining(self) -> np.ndarray:
        """``target − elapsed`` (negative once breached)."""
        return np.asarray(self.target - self.elapsed)

    @property
    def breached(self) -> np.ndarray:
        """``elapsed > target``: the one breach rule, column-wise."""
        return np.asarray(self.elapsed > self.target)

    @property
    def percent(self) -> np.ndarray:
        """``elapsed / target × 100`` (as ``Clock.percent`` computes it, to the last bit)."""
        return np.asarray(self.elapsed / self.target * 100.0)


@dataclass(frozen=True)
class SlaArrays:
    """Both clocks of every order at `now`, from :func:`sla_arrays`."""

    now: datetime
    """`now`, pinned to its UTC offset (as :class:`~hosplogi.sla.SlaStatus` holds it)."""
    zone: tzinfo | None
    """`now`'s own zone, in which due and breach instants are given."""
    now_us: int
    priority: np.ndarray
    """The priority in force at `now` (codes into :data:`PRIORITIES`)."""
    cancelled: np.ndarray
    response: ClockArrays
    resolution: ClockArrays


class _Open:
    """A calendar's interval arrays as numpy: open-time positions and their inverse."""

    def __init__(self, timeline: CalendarTimeline, arrays: IntervalArrays) -> None:
        self.timeline = timeline
        self.load(arrays)

    def load(self, arrays: IntervalArrays) -> None:
        self.arrays = arrays
        self.starts = np.asarray(arrays.starts, dtype=np.int64)
        self.ends = np.asarray(arrays.ends, dtype=np.int64)
        self.cum = np.asarray(arrays.cum, dtype=np.int64)
        # Buckets of equal width over the arrays' span, each knowing the last interval starting
        # at or before it: an instant's interval is then a lookup plus a step or two, instead of
        # a binary search that mispredicts at every level (about 4 times faster on a million
        # events in random order).
        span = max(arrays.hi_us - arrays.lo_us, 1)
        self.width = max(_HOUR_US, -(-span // _MAX_BUCKETS))
        edges = arrays.lo_us + self.width * np.arange(-(-span // self.width) + 1, dtype=np.int64)
        self.bucket = np.searchsorted(self.starts, edges, side="right") - 1
        self.steps = int(np.diff(self.bucket).max()) if len(self.bucket) > 1 else 0

    def interval(self, us: np.ndarray) -> np.ndarray:
        """``bisect_right(starts, us) - 1`` for every instant, exactly."""
        b = np.clip((us - self.arrays.lo_us) // self.width, 0, len(self.bucket) - 1)
        i = self.bucket[b]
        last = len(self.starts) - 1
        for _ in range(self.steps + 1):  # at most `steps` intervals start within one bucket
            ahead = np.minimum(i + 1, last)
            i = np.where((i < last) & (self.starts[ahead] <= us), i + 1, i)
        return np.asarray(i)

    def position(self, us: np.ndarray) -> np.ndarray:
        """``IntervalArrays.opentime`` of every instant (the arrays must cover them)."""
        if not len(self.starts):
            return np.full(len(us), self.cum[0], dtype=np.int64)
        i = self.interval(us)
        j = np.maximum(i, 0)
        inside = self.cum[j] + np.minimum(us, self.ends[j]) - self.starts[j]
        return np.asarray(np.where(i < 0, self.cum[0], inside), dtype=np.int64)

    def instant(self, goal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The instants at the open-time positions `goal`, and where the arrays end too soon."""
        k = np.searchsorted(self.cum, goal, side="left")
        short = k >= len(self.cum)
        k = np.clip(k, 1, max(len(self.cum) - 1, 1))
        if not len(self.starts):
            return np.zeros(len(goal), dtype=np.int64), np.ones(len(goal), dtype=bool)
        return np.asarray(self.starts[k - 1] + goal - self.cum[k - 1], dtype=np.int64), short

    def reach(
        self, goal: np.ndarray, now_us: int, pos_now: int, now: datetime
    ) -> HosplogiError | None:
        """Build years until the positions `goal` (past `pos_now`) are covered, if possible."""
        while len(goal) and goal.max() > self.cum[-1]:
            try:
                self.timeline.add_us(now_us, int(goal.max()) - pos_now, now)
            except HosplogiError as error:
                return error
            self.load(self.timeline.cover(now_us, now))
        return None


def _goals(policy: SlaPolicy) -> tuple[np.ndarray, ...]:
    """Per priority code and clock: target (µs), business flag, warn levels (µs, padded)."""
    levels = max(1, len(policy.warn_at))
    target = np.zeros((2, len(PRIORITIES)), dtype=np.int64)
    business = np.zeros((2, len(PRIORITIES)), dtype=bool)
    warn = np.full((2, len(PRIORITIES), levels), np.iinfo(np.int64).max, dtype=np.int64)
    for p, code in zip(PRIORITIES, range(len(PRIORITIES)), strict=True):
        for side, goal in enumerate(policy.goals[p]):
            target[side, code] = min(goal.target // _US, _CAP)
            business[side, code] = goal.business_hours
            for k, level in enumerate(goal.warn_elapsed):
                warn[side, code, k] = min(level // _US, _CAP)
    return target, business, warn


def _last(mask: np.ndarray, first_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the last row at or before it, in its order, where `mask` holds; and if any."""
    rows = np.maximum.accumulate(np.where(mask, np.arange(len(mask)), -1))
    found = rows >= first_row
    return np.where(found, rows, first_row), found


def sla_arrays(events: EventColumns, policy: SlaPolicy, now: datetime) -> SlaArrays:
    """Both SLA clocks of every order of `events` at `now`, computed over whole columns.

    Parameters
    ----------
    events : EventColumns
        The orders' logs; each must be a log :class:`~hosplogi.orders.WorkOrder` accepts (the
        callers check: orders are validated models, tables are checked by ``hosplogi.tables``).
    policy : SlaPolicy
    now : datetime
        Timezone-aware. Events after it are ignored.

    Returns
    -------
    SlaArrays
        Row *i* holds the values of ``evaluate(order i, policy, now)``.

    Raises
    ------
    HosplogiError
        The error ``evaluate`` raises for the first order (in order) that has one: `now` before
        its report, a business-hours target needing calendar years the calendar does not cover,
        a due time after the year 9999. Nothing is returned half-computed.

    Examples
    --------
    >>> from hosplogi import SlaTarget
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> us = to_us(t0)
    >>> events = EventColumns(
    ...     offsets=np.array([0, 2]), action=np.array([0, 2], np.int8),   # report, start
    ...     at_us=np.array([us, us + 600_000_000]), hold_reason=np.array([-1, -1], np.int8),
    ...     priority=np.array([1, 1], np.int8), order_id=lambda i: "WO-1",
    ...     recorded=lambda row: t0)
    >>> out = sla_arrays(events, policy, t0 + timedelta(hours=1))
    >>> out.response.elapsed // 60_000_000, [STATES[s] for s in out.resolution.state]
    (array([10]), ['running'])
    """
    if not isinstance(policy, SlaPolicy):
        raise HosplogiError(f"policy must be an SlaPolicy, got {brief(policy)}")
    now_us = to_us(now, "now")
    pinned_now = pinned_instant(now_us, now.tzinfo)
    business_any = any(t.business_hours for t in policy.targets.values())
    open_: _Open | None = None
    if policy.calendar is not None and business_any:
        timeline = policy.calendar.timeline
        open_ = _Open(timeline, timeline.cover(now_us, now))
    parts = []
    for chunk, _first_order, first_row in _chunks(events):
        while True:  # more than once only when an order's report needs earlier calendar years
            result = _compute(chunk, policy, now, now_us, pinned_now, open_)
            if isinstance(result, SlaArrays):
                break
        parts.append(_shifted(result, first_row))
    if len(parts) == 1:
        return parts[0]
    return _joined(parts, pinned_now, now.tzinfo, now_us)


def _chunks(events: EventColumns) -> Iterator[tuple[EventColumns, int, int]]:
    """Runs of whole orders of about ``_CHUNK_ROWS`` events each, their first order and row.

    The engine makes a few dozen temporary arrays per chunk; at a quarter of a million events
    they stay in the processor's cache and in the allocator's heap, where whole-batch arrays
    would be handed back to the system and mapped afresh, page by page, for every temporary.
    """
    offsets = np.asarray(events.offsets, dtype=np.int64)
    n = len(offsets) - 1
    if n == 0 or offsets[-1] <= _CHUNK_ROWS:
        yield events, 0, 0
        return
    cuts = np.unique(np.searchsorted(offsets, np.arange(0, offsets[-1], _CHUNK_ROWS), "right") - 1)
    bounds = [*cuts.tolist(), n]
    for a, b in itertools.pairwise(bounds):
        if b <= a:
            continue
        lo, hi = int(offsets[a]), int(offsets[b])
        yield (
            EventColumns(
                offsets=offsets[a : b + 1] - lo,
                action=events.action[lo:hi],
                at_us=events.at_us[lo:hi],
                hold_reason=events.hold_reason[lo:hi],
                priority=events.priority[lo:hi],
                order_id=_Offset(events.order_id, a),
                recorded=_Offset(events.recorded, lo),
            ),
            a,
            lo,
        )


class _Offset:
    """A callback on global numbers, called with numbers local to a chunk."""

    def __init__(self, function: Callable[[int], Any], base: int) -> None:
        self.function, self.base = function, base

    def __call__(self, i: int) -> Any:
        return self.function(int(i) + self.base)


def _shifted(result: SlaArrays, first_row: int) -> SlaArrays:
    """`result` with its stop rows counted from the first row of the whole input."""
    if not first_row:
        return result

    def moved(clock: ClockArrays) -> ClockArrays:
        rows = np.where(clock.stop_row >= 0, clock.stop_row + first_row, -1)
        return dataclasses.replace(clock, stop_row=rows)

    return dataclasses.replace(
        result, response=moved(result.response), resolution=moved(result.resolution)
    )


def _joined(parts: list[SlaArrays], now: datetime, zone: tzinfo | None, now_us: int) -> SlaArrays:
    def clock(side: str) -> ClockArrays:
        clocks = [getattr(p, side) for p in parts]
        return ClockArrays(
            **{
                f.name: np.concatenate([getattr(c, f.name) for c in clocks])
                for f in dataclasses.fields(ClockArrays)
            }
        )

    return SlaArrays(
        now=now,
        zone=zone,
        now_us=now_us,
        priority=np.concatenate([p.priority for p in parts]),
        cancelled=np.concatenate([p.cancelled for p in parts]),
        response=clock("response"),
        resolution=clock("resolution"),
    )


def _compute(
    ev: EventColumns,
    policy: SlaPolicy,
    now: datetime,
    now_us: int,
    pinned_now: datetime,
    open_: _Open | None,
) -> SlaArrays | None:
    n = ev.orders
    offsets = np.asarray(ev.offsets, dtype=np.int64)
    firsts = offsets[:-1]
    counts = np.diff(offsets)
    m = int(offsets[-1]) if n else 0
    at, action = ev.at_us, ev.action
    order = np.repeat(np.arange(n), counts)
    first_row = np.repeat(firsts, counts)
    rows = np.arange(m)
    rep = at[firsts] if n else np.zeros(0, np.int64)
    early = rep > now_us

    # -- which calendar years: cover every report of the batch, or mark the orders that cannot
    outside = np.zeros(n, dtype=bool)
    if open_ is not None and n:
        while True:
            below = rep < open_.arrays.lo_us
            if not below.any():
                break
            lowest = int(np.argmin(np.where(below, rep, np.iinfo(np.int64).max)))
            try:
                open_.load(open_.timeline.cover(int(rep[lowest]), ev.recorded(int(firsts[lowest]))))
            except HosplogiError:
                outside = below
                break

    # -- the state of each clock after each event
    seen = at <= now_us
    seen[firsts] = True  # an order reported after `now` is refused below; keep its shape
    code = np.where(seen, action, -1)
    pausing = np.array([r in policy.pausing for r in HOLD_REASONS] + [False])  # [-1]: none
    hold = code == _HOLD
    last_hr, any_hr = _last(hold | (code == _RESUME), first_row)
    paused = any_hr & hold[last_hr] & pausing[ev.hold_reason[last_hr]]
    r_stop_mask = (code == _START) | (code == _CANCEL)
    _, r_stopped = _last(r_stop_mask, first_row)
    last_s, any_s = _last((code == _COMPLETE) | (code == _REJECT) | (code == _CANCEL), first_row)
    s_stopped = any_s & (code[last_s] != _REJECT)
    r_state = np.where(r_stopped, STOPPED, np.where(paused, PAUSED, RUNNING)).astype(np.int8)
    s_state = np.where(s_stopped, STOPPED, np.where(paused, PAUSED, RUNNING)).astype(np.int8)

    # -- segments: from each seen event to the next seen one of its order, or to `now`
    nxt = np.minimum(rows + 1, max(m - 1, 0))
    closes = (rows + 1 < np.repeat(offsets[1:], counts)) & seen[nxt]
    wall = np.where(seen, np.where(closes, at[nxt], now_us) - at, 0)
    pos = pos_now = None
    bus = wall
    if open_ is not None:
        pos = open_.position(at)
        pos_now = int(open_.position(np.array([now_us]))[0])
        bus = np.where(seen, np.where(closes, pos[nxt], pos_now) - pos, 0)

    def per_order(values: np.ndarray) -> np.ndarray:
        return np.asarray(np.add.reduceat(values, firsts) if m else np.zeros(n, np.int64))

    last_seen = firsts + per_order(seen.astype(np.int64)) - 1
    prio_now = ev.priority[last_seen].astype(np.int8)
    cancelled = per_order((code == _CANCEL).astype(np.int64)) > 0
    first_stop = np.minimum.reduceat(np.where(r_stop_mask, rows, m), firsts) if m else firsts
    target_of, business_of, warn_of = _goals(policy)

    clocks = []
    errors: list[tuple[np.ndarray, Callable[[int], HosplogiError]]] = []
    needs_calendar = np.zeros(n, dtype=bool)
    for side, state, stop_row in (
        (0, r_state, first_stop),
        (1, s_state, last_s[last_seen] if m else firsts),
    ):
        final = state[last_seen] if m else np.zeros(0, np.int8)
        stopped = final == STOPPED
        stop_row = np.where(stopped, stop_row, -1)
        prio = np.where(stopped, ev.priority[np.maximum(stop_row, 0)], prio_now)
        target = target_of[side][prio]
        business = business_of[side][prio]
        running = (state == RUNNING) & seen
        length = np.where(business[order], bus, wall)
        elapsed = per_order(np.where(running, length, 0))
        paused_time = per_order(np.where((state == PAUSED) & seen, length, 0))
        # the breach: the first running segment where the running sum reaches the target
        breached = elapsed > target
        run_len = np.where(running, length, 0)
        total = np.cumsum(run_len)
        before = (total - run_len)[firsts] if m else firsts
        reach = total - before[order] if m else total
        hit = running & (reach >= target[order])
        k = np.minimum.reduceat(np.where(hit, rows, m), firsts) if m else firsts
        k = np.where(breached, np.minimum(k, max(m - 1, 0)), 0)
        rest = target - (reach[k] - run_len[k]) if m else target
        breached_at = np.where(breached, at[k] + rest if m else rest, NONE)
        calendar_error: HosplogiError | None = None
        too_far = ~stopped & ~breached & (now_us + target - elapsed > _MAX_US)
        cal_failed = np.zeros(n, dtype=bool)
        if open_ is not None and pos is not None and pos_now is not None:
            in_business = breached & business
            if in_business.any():
                found, _ = open_.instant(pos[k[in_business]] + rest[in_business])
                breached_at[in_business] = found
            # open time never runs faster than the wall clock: past the year 9999 either way
            due_business = ~stopped & ~breached & business & (elapsed < target) & ~too_far
            goal = pos_now + (target - elapsed)[due_business]
            calendar_error = open_.reach(goal, now_us, pos_now, now)
            found, short = open_.instant(goal)
            due_b = np.full(n, NONE, dtype=np.int64)
            due_b[due_business] = found
            cal_failed[due_business] = short
        else:
            due_business = np.zeros(n, dtype=bool)
            due_b = np.full(n, NONE, dtype=np.int64)
        due_at = np.where(
            stopped,
            NONE,
            np.where(
                breached, breached_at, np.where(due_business, due_b, now_us + target - elapsed)
            ),
        )
        overflow = _overflowing(np.where(too_far, NONE, due_at), now.tzinfo) | too_far
        if calendar_error is not None:
            errors.append((cal_failed, _Raise(calendar_error)))
        errors.append((overflow, lambda i: _after_9999(ev.order_id(i))))
        needs_calendar |= business
        warned = (elapsed[:, None] >= warn_of[side][prio]).sum(axis=1).astype(np.int8)
        warned = np.minimum(warned, len(policy.warn_at)).astype(np.int8)
        stopped_at = np.where(stopped, at[np.maximum(stop_row, 0)] if m else 0, NONE)
        clocks.append(
            ClockArrays(
                state=final,
                priority=prio.astype(np.int8),
                target=target,
                elapsed=elapsed,
                paused=paused_time,
                due_at=due_at,
                breached_at=breached_at,
                stop_row=stop_row,
                stopped_at=stopped_at,
                warned=warned,
            )
        )
    if n:
        failing: list[tuple[np.ndarray, Callable[[int], HosplogiError] | None]] = [
            (early, lambda i: _too_early(ev, i, pinned_now)),
            (outside & needs_calendar, None),
            *errors,
        ]
        firsts_bad = [int(np.argmax(mask)) if mask.any() else n for mask, _ in failing]
        worst = min(firsts_bad)
        if worst < n:
            kind = firsts_bad.index(worst)  # the checks in the order the replay makes them
            raise_for = failing[kind][1]
            if raise_for is None:  # raises the calendar's own error for this order's report
                assert open_ is not None
                open_.load(open_.timeline.cover(int(rep[worst]), ev.recorded(int(firsts[worst]))))
                return None  # covered after all (another order lay further out): again
            raise raise_for(worst)
    return SlaArrays(
        now=pinned_now,
        zone=now.tzinfo,
        now_us=now_us,
        priority=prio_now,
        cancelled=cancelled,
        response=clocks[0],
        resolution=clocks[1],
    )


class _Raise:
    """The same calendar error for any order."""

    def __init__(self, error: HosplogiError) -> None:
        self.error = error

    def __call__(self, i: int) -> HosplogiError:
        return self.error


def _too_early(ev: EventColumns, i: int, now: datetime) -> HosplogiError:
    reported = ev.recorded(int(ev.offsets[i]))
    return HosplogiError(
        f"order {ev.order_id(i)}: now {now.isoformat()} is earlier than reported_at "
        f"{reported.isoformat()}; evaluate at or after the report"
    )


def _after_9999(order_id: str) -> HosplogiError:
    return HosplogiError(
        f"order {order_id}: a due or breach time falls after the year 9999, the last a datetime "
        "can hold; give targets that end before it"
    )


def _overflowing(us: np.ndarray, tz: tzinfo | None) -> np.ndarray:
    """Where an instant cannot be a datetime in zone `tz` (checked one by one near the end)."""
    near = (us != NONE) & (us > _MAX_US - 2 * _DAY_US)
    out = np.zeros(len(us), dtype=bool)
    for i in np.flatnonzero(near):  # only instants within two days of the year 10000
        try:
            pinned_instant(int(us[i]), tz)
        except OverflowError:
            out[i] = True
    return out
