"""The column engine: the SLA clocks of many orders at once, with numpy over whole columns.

Input: the event logs of many orders as numpy columns (:class:`EventColumns`: where each order's
rows start, action codes, instants as int64 UTC microseconds, hold reason codes, the priority in
force after each event). Output: the clocks of every order as numpy columns
(:class:`SlaArrays`), both or only the one a caller asks for. No Python loop runs per event or per
order; loops run over the few priorities, warn levels and the two clocks.

How. Within one order the events are in time order and those after `now` are ignored, so the
events an order has seen form a prefix of its rows. After each event, a clock is

- **stopped** — response: some START or CANCEL has happened; resolution: the last COMPLETE,
  REJECT or CANCEL is not a REJECT;
- else **paused** — the last HOLD or RESUME is a HOLD for a pausing reason;
- else **running**.

(Under the lifecycle of :mod:`hosplogi.orders` — a START only from DISPATCHED, a COMPLETE only
from IN_PROGRESS, holds never nested — this is exactly what the per-order replay of
:func:`hosplogi.sla.evaluate` does, which the tests check on generated orders.) Only the seen
*turns* — each order's report and its START, HOLD, RESUME, COMPLETE, REJECT and CANCEL events —
can change a clock; any other event (a dispatch, a verification, a close, a new priority, read
from the full columns) continues the state before it. So the engine keeps the turns alone
(about 60 % of a typical log) and each turn opens a *segment* up to the next turn of its order,
or to `now`. The last turn of a kind at or before
each turn is a running maximum of turn numbers, in which each order's first turn (its report,
which belongs to no kind) stops the search from reaching into the order before. A clock's
elapsed time is the sum of the lengths of its running segments, per order by
``np.add.reduceat`` on int64 — exact; its paused time adds up the few paused segments. Business
time measures a segment by open-time positions (``searchsorted`` on the calendar's interval
arrays), computed only for the turns of orders whose clock is measured in business hours; due
and breach instants in business time invert positions with ``searchsorted`` on the cumulative
open time. The breach instant lies in the first running segment where the running sum within
the order reaches the target: the report's own segment for most orders, else found by one
``searchsorted`` in the running sums of all orders one after another. A caller that needs one
clock (``clocks=``) saves the other's work.

Bounds: O(m log k) for m events and a calendar of k intervals, and O(m) memory (a few dozen
bytes per event); a calendar builds at most ``MAX_SPAN_YEARS`` years, as for any query.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

import numpy as np

from hosplogi._types import brief
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action
from hosplogi.sla._arrays import (
    ACTIONS,
    CLOCKS,
    HOLD_REASONS,
    NONE,
    PAUSED,
    PRIORITIES,
    RUNNING,
    STATES,
    STOPPED,
    ClockArrays,
    EventColumns,
    SlaArrays,
    chunks,
    joined,
    kept,
    pinned_instant,
    shifted,
    to_us,
)
from hosplogi.sla._opentime import OpenTime
from hosplogi.sla.models import SlaPolicy

__all__ = [
    "ACTIONS",
    "CLOCKS",
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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MAX_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US
_DAY_US = 86_400_000_000
_CHUNK_ROWS = 1 << 18
_CAP = 2**62
"""Targets are computed with at most this many µs (146,000 years: far past the year 9999)."""
_SEARCHABLE = 2**62
"""Breaches are searched for in running sums up to this many µs (summed over a chunk)."""
_START, _HOLD, _RESUME = (ACTIONS.index(a) for a in (Action.START, Action.HOLD, Action.RESUME))
_COMPLETE, _REJECT, _CANCEL = (
    ACTIONS.index(a) for a in (Action.COMPLETE, Action.REJECT, Action.CANCEL)
)
_TURNS = np.isin(np.arange(len(ACTIONS)), [_START, _HOLD, _RESUME, _COMPLETE, _REJECT, _CANCEL])
"""Per action code: may the event change a clock (a *turn*)."""


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


def _sides(clocks: object) -> tuple[int, ...]:
    """The clock numbers (0: response, 1: resolution) that `clocks` names."""
    accepted = f"a non-empty collection of {CLOCKS}"
    if isinstance(clocks, str) or not isinstance(clocks, Collection):
        raise HosplogiError(f"clocks must be {accepted}, got {brief(clocks)}")
    unknown = [c for c in clocks if c not in CLOCKS]
    if unknown or not clocks:
        raise HosplogiError(f"clocks must be {accepted}, got {brief(clocks)}")
    return tuple(side for side, name in enumerate(CLOCKS) if name in clocks)


def sla_arrays(
    events: EventColumns,
    policy: SlaPolicy,
    now: datetime,
    *,
    clocks: Collection[Literal["response", "resolution"]] = CLOCKS,
) -> SlaArrays:
    """The SLA clocks of every order of `events` at `now`, computed over whole columns.

    Parameters
    ----------
    events : EventColumns
        The orders' logs; each must be a log :class:`~hosplogi.orders.WorkOrder` accepts (the
        callers check: orders are validated models, tables are checked by ``hosplogi.tables``).
    policy : SlaPolicy
    now : datetime
        Timezone-aware. Events after it are ignored.
    clocks : collection of {"response", "resolution"}, default both
        The clocks to compute. A caller that needs one clock (with ``priority`` and
        ``cancelled``, always computed) saves the other's work; reading a clock not asked for
        raises :class:`~hosplogi.errors.HosplogiError`.

    Returns
    -------
    SlaArrays
        Row *i* holds the values of ``evaluate(order i, policy, now)``.

    Raises
    ------
    HosplogiError
        The error ``evaluate`` raises for the first order (in order) that has one: `now` before
        its report, a business-hours target needing calendar years the calendar does not cover,
        a due time after the year 9999 — whichever clocks are asked for: a clock left out is
        still computed when it might raise (a target reaching past the calendar's years or near
        the year 9999), so one clock never hides an error the other would have raised. Also
        `clocks` naming no clock or an unknown one. Nothing is returned half-computed.

    Examples
    --------
    >>> from hosplogi import Priority, SlaTarget
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
    >>> one = sla_arrays(events, policy, t0 + timedelta(hours=1), clocks=("resolution",))
    >>> one.clocks, one.resolution.elapsed // 60_000_000
    (('resolution',), array([60]))
    >>> one.response
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: the response clock was not computed: ...
    """
    if not isinstance(policy, SlaPolicy):
        raise HosplogiError(f"policy must be an SlaPolicy, got {brief(policy)}")
    asked = _sides(clocks)
    now_us = to_us(now, "now")
    pinned_now = pinned_instant(now_us, now.tzinfo)
    business_any = any(t.business_hours for t in policy.targets.values())
    open_: OpenTime | None = None
    if policy.calendar is not None and business_any:
        timeline = policy.calendar.timeline
        open_ = OpenTime(timeline, timeline.cover(now_us, now))
    goals = _goals(policy)
    quiet = tuple(s for s in range(2) if s not in asked and _cannot_fail(s, goals, now_us, open_))
    parts = []
    for chunk, _first_order, first_row in chunks(events, _CHUNK_ROWS):
        while True:  # more than once only when an order's report needs earlier calendar years
            result = _compute(chunk, policy, goals, now, now_us, pinned_now, open_, quiet)
            if isinstance(result, SlaArrays):
                break
        parts.append(kept(shifted(result, first_row), asked))
    if len(parts) == 1:
        return parts[0]
    return joined(parts, pinned_now, now.tzinfo, now_us)


def _cannot_fail(
    side: int, goals: tuple[np.ndarray, ...], now_us: int, open_: OpenTime | None
) -> bool:
    """Whether no order's clock `side` can raise at `now`, whatever its log (so may be skipped).

    A due or breach time lies before ``now + target`` on the wall clock, or before the open-time
    position ``position(now) + target`` in business hours; if those lie within the calendar
    arrays at hand and two days before the year 10000, no calendar year is missing and no
    instant overflows. (Reports before the arrays' years are checked per chunk.)
    """
    target, business = goals[0][side], goals[1][side]
    horizon = _MAX_US - 2 * _DAY_US
    if now_us + int(target.max()) > horizon:
        return False
    if open_ is None or not business.any():
        return True
    goal = open_.position(np.array([now_us])) + int(target[business].max())
    found, short = open_.instant(goal)
    return not short[0] and int(found[0]) <= horizon


def _compute(
    ev: EventColumns,
    policy: SlaPolicy,
    goals: tuple[np.ndarray, ...],
    now: datetime,
    now_us: int,
    pinned_now: datetime,
    open_: OpenTime | None,
    quiet: tuple[int, ...],
) -> SlaArrays | None:
    """The clocks of one chunk, or None to be called again (the calendar covers more years).

    The `quiet` clocks (not asked for, and unable to raise) are skipped, unless a report lies
    before the years the calendar can cover: whether that is an error depends on each clock.
    """
    n = ev.orders
    if not n:
        empty = _empty_clock()
        no = np.zeros(0, dtype=np.int8)
        return SlaArrays(pinned_now, now.tzinfo, now_us, no, no.astype(bool), (empty, empty))
    offsets = np.asarray(ev.offsets, dtype=np.int64)
    firsts, lasts = offsets[:-1], offsets[1:] - 1
    at = ev.at_us
    rep = at[firsts]
    early = rep > now_us

    # -- which calendar years: cover every report of the batch, or mark the orders that cannot
    outside = np.zeros(n, dtype=bool)
    if open_ is not None:
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
    sides = tuple(s for s in range(2) if s not in quiet or outside.any())

    # -- the turns each order has seen, numbered t; its report is always one (keeps its shape)
    turn = np.take(_TURNS, ev.action)
    last_seen = lasts
    if (at[lasts] > now_us).any():
        seen = at <= now_us
        seen[firsts] = True  # an order reported after `now` is refused below
        turn &= seen
        last_seen = firsts + np.add.reduceat(seen, firsts, dtype=np.int64) - 1
    turn[firsts] = True
    rows = np.flatnonzero(turn)
    turns = len(rows)
    t = np.arange(turns)
    per_order = np.add.reduceat(turn, firsts, dtype=np.int64)
    t_last = np.cumsum(per_order) - 1
    t_first = t_last - per_order + 1
    is_first = np.zeros(turns, dtype=bool)
    is_first[t_first] = True
    action, at_t = ev.action[rows], at[rows]

    def carried(kind: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per turn: the last turn of `kind` at or before it in its order (else the order's
        first), and `value` there — False at a report, which is of no kind."""
        last = np.maximum.accumulate(np.where(kind | is_first, t, 0))
        return last, value[last]

    # -- the state of each clock after each turn
    hold, cancel = action == _HOLD, action == _CANCEL
    pausing = np.array([r in policy.pausing for r in HOLD_REASONS] + [False])  # [-1]: none
    _, paused = carried(hold | (action == _RESUME), hold & pausing[ev.hold_reason[rows]])

    def stopping(side: int) -> tuple[np.ndarray, np.ndarray]:
        """Per turn: has clock `side` stopped; per order: the turn that stopped it, if any."""
        if side == 0:  # by the first START or CANCEL, for good
            of_kind = np.flatnonzero((action == _START) | cancel)  # about one per order
            order = _order_of(of_kind, t_first)
            first = np.diff(order, prepend=-1) != 0
            stop_turn = t_last + 1  # past the order's turns: never stopped
            stop_turn[order[first]] = of_kind[first]
            return t >= np.repeat(stop_turn, per_order), np.minimum(stop_turn, t_last)
        kind = (action == _COMPLETE) | (action == _REJECT) | cancel  # the last, unless a REJECT
        last, stopped = carried(kind, kind & (action != _REJECT))
        return stopped, last[t_last]

    prio_now = ev.priority[last_seen].astype(np.int8)
    cancelled = np.zeros(n, dtype=bool)
    cancelled[_order_of(np.flatnonzero(cancel), t_first)] = True
    target_of, business_of, warn_of = goals

    # -- per clock: stopped or not, the priority measured against, its target and rule
    heads = {}
    for side in sides:
        stopped_after, stop_t = stopping(side)
        state = np.where(stopped_after, np.int8(STOPPED), paused.view(np.int8))
        final = state[t_last]
        stopped = final == STOPPED
        prio = np.where(stopped, ev.priority[rows[stop_t]], prio_now).astype(np.int8)
        target, business = target_of[side][prio], business_of[side][prio]
        heads[side] = (state, final, stopped, stop_t, prio, target, business)

    # -- segments: from each turn to the next of its order, or to `now`; on the wall clock, or
    # between open-time positions for the orders measured in business hours (on either clock)
    clock_of: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    pos = pos_now = None
    need = np.zeros(n, dtype=bool)
    for head in heads.values():
        need |= head[-1]
    if open_ is not None and need.any():
        pos = at_t.copy()
        business_turns = np.flatnonzero(np.repeat(need, per_order))
        pos[business_turns] = open_.position(at_t[business_turns])
        pos_now = int(open_.position(np.array([now_us]))[0])

    def segments(business: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each turn's instant or position (its clock), `now` on each order's clock, and each
        turn's segment length."""
        for known, clock, end, length in clock_of:
            if np.array_equal(known, business):
                return clock, end, length
        clock, end = at_t, np.full(n, now_us)
        if pos is not None and pos_now is not None and business.any():
            same = np.array_equal(business, need)
            clock = pos if same else np.where(np.repeat(business, per_order), pos, at_t)
            end = np.where(business, pos_now, now_us)
        length = np.empty(turns, dtype=np.int64)
        np.subtract(clock[1:], clock[:-1], out=length[:-1])
        length[t_last] = end - clock[t_last]
        clock_of.append((business, clock, end, length))
        return clock, end, length

    computed: list[ClockArrays | None] = [None, None]
    errors: list[tuple[np.ndarray, Callable[[int], HosplogiError]]] = []
    needs_calendar = np.zeros(n, dtype=bool)
    for side, (state, final, stopped, stop_t, prio, target, business) in heads.items():
        clock, end, length = segments(business)
        running = state == RUNNING
        paused_turns = np.flatnonzero(state == PAUSED)  # few: sum them one by one
        paused_time = np.zeros(n, dtype=np.int64)
        np.add.at(paused_time, _order_of(paused_turns, t_first), length[paused_turns])
        run = None
        if side == 0:  # runs from the report until it stops for good, but for its pauses
            elapsed = np.where(stopped, clock[stop_t], end) - clock[t_first] - paused_time
        else:
            run = np.where(running, length, 0)
            elapsed = np.add.reduceat(run, t_first)
        # every running sum fits in int64 and never decreases (no order is reported after now)
        searchable = not early.any() and float(elapsed.sum(dtype=np.float64)) < _SEARCHABLE
        breached = elapsed > target
        breached_at = np.full(n, NONE, dtype=np.int64)
        if breached.any():  # in the first running segment where the running sum reaches target
            b = np.flatnonzero(breached)
            k, rest = _reaching(length, running, run, t_first, per_order, target, b, searchable)
            breached_at[b] = clock[k] + rest
            if open_ is not None and pos is not None and business[b].any():
                ours = business[b]
                breached_at[b[ours]] = open_.instant(clock[k[ours]] + rest[ours])[0]
        calendar_error: HosplogiError | None = None
        too_far = ~stopped & ~breached & (now_us + target - elapsed > _MAX_US)
        cal_failed = np.zeros(n, dtype=bool)
        due_business = np.zeros(n, dtype=bool)
        due_b = np.full(n, NONE, dtype=np.int64)
        if open_ is not None and pos_now is not None:
            # open time never runs faster than the wall clock: past the year 9999 either way
            due_business = ~stopped & ~breached & business & (elapsed < target) & ~too_far
            goal = pos_now + (target - elapsed)[due_business]
            calendar_error = open_.reach(goal, now_us, pos_now, now)
            found, short = open_.instant(goal)
            due_b[due_business] = found
            cal_failed[due_business] = short
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
        warned = np.zeros(n, dtype=np.int8)
        for levels in warn_of[side].T:  # a few levels, each per priority
            warned += elapsed >= levels[prio]
        computed[side] = ClockArrays(
            state=final,
            priority=prio,
            target=target,
            elapsed=elapsed,
            paused=paused_time,
            due_at=due_at,
            breached_at=breached_at,
            stop_row=np.where(stopped, rows[stop_t], -1),
            stopped_at=np.where(stopped, at_t[stop_t], NONE),
            warned=np.minimum(warned, len(policy.warn_at)).astype(np.int8),
        )
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
        computed=(computed[0], computed[1]),
    )


def _order_of(turns: np.ndarray, t_first: np.ndarray) -> np.ndarray:
    """The order of each of `turns` (a few), from the orders' first turns."""
    return np.searchsorted(t_first, turns, side="right") - 1


def _reaching(
    length: np.ndarray,
    running: np.ndarray,
    run: np.ndarray | None,
    t_first: np.ndarray,
    per_order: np.ndarray,
    target: np.ndarray,
    which: np.ndarray,
    searchable: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """For the orders `which` (breached): the turn in whose segment the running time reaches
    the target, and the running time still to go from that turn's start. (`run`: the running
    turns' lengths, 0 for the others, if at hand.)

    That turn is the first running one where the running sum within the order reaches the
    target. Mostly it is the order's first turn, the report, which always runs. For the others,
    the running sums of all orders, one after another, form one cumulative sum `total`; when it
    never decreases and fits in int64 (`searchable`), one ``searchsorted`` per order finds the
    first turn where `total` reaches the order's start plus its target — a running turn, since
    `total` grows there. Otherwise every turn is tested, with the sums taken within orders
    (exact even when `total` wraps past 2**63).
    """
    k = t_first[which]
    rest = target[which].copy()
    later = length[k] < rest  # the report's segment stops short of the target
    if later.any():
        if run is None:
            run = np.where(running, length, 0)
        total = np.cumsum(run)
        before = total[t_first] - run[t_first]  # the sum before each order
        goal = before + target
        others = which[later]
        if searchable:
            found = np.searchsorted(total, goal[others])
        else:
            over = total - np.repeat(goal, per_order)  # running sum within the order − target
            hit = np.where(running & (over >= 0), np.arange(len(run)), len(run))
            found = np.minimum.reduceat(hit, t_first)[others]
        k[later] = found
        rest[later] -= total[found] - run[found] - before[others]
    return k, rest


def _empty_clock() -> ClockArrays:
    none = np.zeros(0, dtype=np.int64)
    codes = np.zeros(0, dtype=np.int8)
    return ClockArrays(codes, codes, none, none, none, none, none, none, none, codes)


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
