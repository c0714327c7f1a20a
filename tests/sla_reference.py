"""An independent, plain replay of SLA clocks: the oracle the optimised one is tested against.

This was the library's first implementation of :func:`hosplogi.sla.evaluate` — one readable pass
per order, in integer microseconds. The library now has a readable per-order replay
(``hosplogi.sla.replay``) and a column engine (``hosplogi.sla.columns``) behind the batch
functions; this copy, written independently of both, lives with the tests so that all three can
be compared on generated orders, policies and calendars.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from hosplogi._types import fixed_zone, require_aware
from hosplogi.calendars import CalendarTimeline
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, WorkOrder
from hosplogi.sla import Clock, SlaPolicy, SlaStatus

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_ZERO = timedelta(0)


def _instant(us: int, tz: tzinfo | None) -> datetime:
    local = (_EPOCH + us * _US).astimezone(tz or UTC)
    if type(tz) is timezone:
        return local
    return local.astimezone(fixed_zone(local.utcoffset() or _ZERO))


def _fast_model(cls: type[Any], fields: Any, values: dict[str, Any]) -> Any:
    return cls.model_construct(**values)


_HOLD, _RESUME, _START, _COMPLETE = Action.HOLD, Action.RESUME, Action.START, Action.COMPLETE
_REJECT, _CANCEL, _REPRIORITIZE = Action.REJECT, Action.CANCEL, Action.REPRIORITIZE
_CLOCK_FIELDS = None
_STATUS_FIELDS = None


class _Context:
    """What every order of one call shares, in integer microseconds."""

    def __init__(self, policy: SlaPolicy, now: datetime) -> None:
        require_aware(now, "now")
        self.now_us = (now - _EPOCH) // _US
        self.tz = now.tzinfo
        self.now = _instant(self.now_us, now.tzinfo)
        self.pausing = policy.pausing
        self.warn = policy.warn_at
        self.targets = {
            p: (
                (t.respond, t.respond // _US, t.business_hours),
                (t.resolve, t.resolve // _US, t.business_hours),
            )
            for p, t in policy.targets.items()
        }
        self.timeline: CalendarTimeline | None = None
        self.pos_now = 0
        if policy.calendar is not None and any(t.business_hours for t in policy.targets.values()):
            self.timeline = policy.calendar.timeline
            self.pos_now = self.timeline.cover(self.now_us, now).opentime(self.now_us)


def _clock(
    ctx: _Context,
    segs: list[int],
    pauses: list[int],
    state: str,
    stopped_at: datetime | None,
    target: tuple[timedelta, int, bool],
) -> Clock:
    """Measure the running and paused intervals of one clock and build its result."""
    target_td, target_us, business = target
    tl = ctx.timeline if business else None
    now_us = ctx.now_us
    elapsed = paused = 0
    if tl is not None:
        timeline = tl

        def pos(us: int) -> int:
            return timeline.cover(us, ctx.now).opentime(us)

        pos_now = ctx.pos_now
        for i in range(0, len(segs), 2):
            b = segs[i + 1]
            elapsed += (pos_now if b == now_us else pos(b)) - pos(segs[i])
        for i in range(0, len(pauses), 2):
            b = pauses[i + 1]
            paused += (pos_now if b == now_us else pos(b)) - pos(pauses[i])
    else:
        for i in range(0, len(segs), 2):
            elapsed += segs[i + 1] - segs[i]
        for i in range(0, len(pauses), 2):
            paused += pauses[i + 1] - pauses[i]
    tz = ctx.tz
    breached_at = due_at = None
    if elapsed > target_us:
        acc = 0
        for i in range(0, len(segs), 2):
            a, b = segs[i], segs[i + 1]
            length = (pos(b) - pos(a)) if tl is not None else b - a
            if acc + length >= target_us:
                rest = target_us - acc
                at_us = tl.add_us(a, rest, ctx.now) if rest and tl is not None else a + rest
                breached_at = _instant(at_us, tz)
                break
            acc += length
        if state != "stopped":
            due_at = breached_at
    elif state != "stopped":
        rest = target_us - elapsed
        if tl is not None:
            due_at = _instant(tl.add_us(now_us, rest, ctx.now) if rest else now_us, tz)
        else:
            due_at = _instant(now_us + rest, tz)
    warn = ctx.warn
    k = 0
    for w in warn:
        if elapsed >= w * target_us:
            k += 1
        else:
            break
    return _fast_model(  # type: ignore[no-any-return]
        Clock,
        _CLOCK_FIELDS,
        {
            "state": state,
            "target": target_td,
            "elapsed": timedelta(microseconds=elapsed) if elapsed else _ZERO,
            "paused": timedelta(microseconds=paused) if paused else _ZERO,
            "due_at": due_at,
            "breached_at": breached_at,
            "stopped_at": stopped_at,
            "warned": warn[:k],
        },
    )


def _evaluate(order: WorkOrder, ctx: _Context) -> SlaStatus:
    """Replay the event log once, plainly."""
    events = order.events
    now_us = ctx.now_us
    first = events[0]
    rep = (first.at - _EPOCH) // _US
    if rep > now_us:
        raise HosplogiError(
            f"order {order.id}: now {ctx.now.isoformat()} is earlier than reported_at "
            f"{order.reported_at.isoformat()}; evaluate at or after the report"
        )
    pausing = ctx.pausing
    prio = first.priority or order.priority
    r_run: int | None = rep  # response clock: running since / paused since / stopped at
    r_pause: int | None = None
    r_stop: datetime | None = None
    r_prio = prio
    r_segs: list[int] = []  # flat [start, end, start, end, ...]: no tuples for the collector
    r_pauses: list[int] = []
    s_run: int | None = rep  # resolution clock
    s_pause: int | None = None
    s_stop: datetime | None = None
    s_prio = prio
    s_segs: list[int] = []
    s_pauses: list[int] = []
    cancelled = False
    last_us = rep
    for e in events[1:]:
        a = e.action
        if a is _HOLD:
            if e.hold_reason not in pausing:
                continue
        elif a is not _RESUME and a is not _START and a is not _COMPLETE:
            if a is _REPRIORITIZE:
                if e.at <= ctx.now and e.priority is not None:
                    prio = e.priority
                continue
            if a is not _REJECT and a is not _CANCEL:
                continue
        us = (e.at - _EPOCH) // _US
        if us > now_us:
            break
        last_us = us
        if a is _HOLD:
            if r_run is not None:
                r_segs += (r_run, us)
                r_run, r_pause = None, us
            if s_run is not None:
                s_segs += (s_run, us)
                s_run, s_pause = None, us
        elif a is _RESUME:
            if r_pause is not None:
                r_pauses += (r_pause, us)
                r_pause, r_run = None, us
            if s_pause is not None:
                s_pauses += (s_pause, us)
                s_pause, s_run = None, us
        elif a is _START:
            if r_run is not None:
                r_segs += (r_run, us)
                r_run, r_stop, r_prio = None, e.at, prio
        elif a is _COMPLETE:
            if s_run is not None:
                s_segs += (s_run, us)
                s_run, s_stop, s_prio = None, e.at, prio
        elif a is _REJECT:
            s_run, s_stop = us, None
        else:  # cancel
            cancelled = True
            if r_run is not None:
                r_segs += (r_run, us)
            if r_pause is not None:
                r_pauses += (r_pause, us)
            if r_stop is None:
                r_run, r_pause, r_stop, r_prio = None, None, e.at, prio
            if s_run is not None:
                s_segs += (s_run, us)
            if s_pause is not None:
                s_pauses += (s_pause, us)
            if s_stop is None:
                s_run, s_pause, s_stop, s_prio = None, None, e.at, prio
    r_state = "stopped"
    if r_run is not None:
        r_segs += (r_run, now_us)
        r_state, r_prio = "running", prio
    elif r_pause is not None:
        r_pauses += (r_pause, now_us)
        r_state, r_prio = "paused", prio
    s_state = "stopped"
    if s_run is not None:
        s_segs += (s_run, now_us)
        s_state, s_prio = "running", prio
    elif s_pause is not None:
        s_pauses += (s_pause, now_us)
        s_state, s_prio = "paused", prio
    targets = ctx.targets
    r_t = targets[r_prio][0]
    s_t = targets[s_prio][1]
    tl = ctx.timeline
    if tl is not None and (r_t[2] or s_t[2]):
        tl.cover(rep, first.at)  # raises for a year the calendar does not cover
        tl.cover(last_us, first.at)
    response = _clock(ctx, r_segs, r_pauses, r_state, r_stop, r_t)
    resolution = _clock(ctx, s_segs, s_pauses, s_state, s_stop, s_t)
    return _fast_model(  # type: ignore[no-any-return]
        SlaStatus,
        _STATUS_FIELDS,
        {
            "order_id": order.id,
            "priority": prio,
            "now": ctx.now,
            "response": response,
            "resolution": resolution,
            "cancelled": cancelled,
        },
    )


def reference_evaluate(order: WorkOrder, policy: SlaPolicy, now: datetime) -> SlaStatus:
    """The clocks of `order` at `now` by the plain replay."""
    return _evaluate(order, _Context(policy, now))
