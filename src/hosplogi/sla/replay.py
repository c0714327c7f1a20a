"""The readable replay: one pass over one order's event log gives its two SLA clocks at `now`.

:func:`evaluate` is the definition of the clock rules in code, kept plain: a small
:class:`ClockRun` per clock records its running and paused intervals as the events are read,
then measures them. The batch functions (:func:`hosplogi.sla.evaluate_many`,
:func:`hosplogi.sla.compliance`, ``hosplogi.tables.sla_table``) use the column engine
(:mod:`hosplogi.sla.columns`), which the tests check against this replay.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hosplogi._checks import guarded
from hosplogi.calendars import CalendarTimeline
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, Priority, WorkOrder
from hosplogi.sla.columns import pinned_instant, to_us
from hosplogi.sla.models import Clock, ClockState, SlaGoal, SlaPolicy, SlaStatus

__all__ = ["ClockRun", "evaluate"]

_US = timedelta(microseconds=1)
_MAX_US = (datetime.max.replace(tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)) // _US


class ClockRun:
    """One clock while an order's log is read: its intervals, in epoch microseconds.

    Examples
    --------
    >>> run = ClockRun(0, Priority.URGENT)
    >>> run.pause(10); run.resume(25); run.stop(40, None, Priority.URGENT)
    >>> run.runs, run.pauses, run.state
    ([(0, 10), (25, 40)], [(10, 25)], 'stopped')
    """

    def __init__(self, reported: int, priority: Priority) -> None:
        self.running_since: int | None = reported
        self.paused_since: int | None = None
        self.stopped = False
        self.stopped_at: datetime | None = None
        self.priority = priority  # measured against: updated when it stops, or at the end
        self.runs: list[tuple[int, int]] = []
        self.pauses: list[tuple[int, int]] = []

    @property
    def state(self) -> ClockState:
        """``"running"``, ``"paused"`` or ``"stopped"``."""
        if self.stopped:
            return "stopped"
        return "running" if self.running_since is not None else "paused"

    def pause(self, t: int) -> None:
        """A hold for a pausing reason: a running clock pauses."""
        if self.running_since is not None:
            self.runs.append((self.running_since, t))
            self.running_since, self.paused_since = None, t

    def resume(self, t: int) -> None:
        """A resume: a paused clock runs again."""
        if self.paused_since is not None:
            self.pauses.append((self.paused_since, t))
            self.paused_since, self.running_since = None, t

    def stop(self, t: int, at: datetime | None, priority: Priority) -> None:
        """Start on site (response), completion (resolution) or cancellation (both)."""
        if self.stopped:
            return
        if self.running_since is not None:
            self.runs.append((self.running_since, t))
        if self.paused_since is not None:
            self.pauses.append((self.paused_since, t))
        self.running_since = self.paused_since = None
        self.stopped, self.stopped_at, self.priority = True, at, priority

    def restart(self, t: int) -> None:
        """Acceptance refused: the resolution clock runs again."""
        self.running_since, self.stopped, self.stopped_at = t, False, None

    def close(self, now: int, priority: Priority) -> None:
        """At `now`: close the open interval; a clock still open measures against `priority`."""
        if self.stopped:
            return
        if self.running_since is not None:
            self.runs.append((self.running_since, now))
        if self.paused_since is not None:
            self.pauses.append((self.paused_since, now))
        self.priority = priority


class _Measure:
    """Wall-clock or business time over the policy's calendar, for one call."""

    def __init__(self, timeline: CalendarTimeline | None, now: datetime) -> None:
        self.timeline, self.now = timeline, now

    def position(self, us: int) -> int:
        assert self.timeline is not None
        return self.timeline.cover(us, self.now).opentime(us)

    def length(self, a: int, b: int, business: bool) -> int:
        return self.position(b) - self.position(a) if business else b - a

    def add(self, us: int, amount: int, business: bool) -> int:
        """The instant after `amount` (> 0) of time from `us`."""
        if not business:
            return us + amount
        assert self.timeline is not None
        return self.timeline.add_us(us, amount, self.now)


def _clock(
    run: ClockRun,
    goal: SlaGoal,
    warn_at: tuple[float, ...],
    measure: _Measure,
    now_us: int,
    now: datetime,
) -> Clock:
    target_us = goal.target // _US
    business = goal.business_hours
    elapsed = sum(measure.length(a, b, business) for a, b in run.runs)
    paused = sum(measure.length(a, b, business) for a, b in run.pauses)
    breached_at: datetime | None = None
    due_at: datetime | None = None
    if elapsed > target_us:  # walk the runs to the instant the target was reached
        done = 0
        for a, b in run.runs:
            length = measure.length(a, b, business)
            if done + length >= target_us:
                breached_at = pinned_instant(measure.add(a, target_us - done, business), now.tzinfo)
                break
            done += length
        if not run.stopped:
            due_at = breached_at
    elif not run.stopped:
        rest = target_us - elapsed
        if now_us + rest > _MAX_US:  # open time never runs faster than the wall clock
            raise OverflowError
        due_us = measure.add(now_us, rest, business) if rest else now_us
        due_at = pinned_instant(due_us, now.tzinfo)
    levels = zip(warn_at, goal.warn_elapsed, strict=True)
    warned = tuple(w for w, level in levels if elapsed >= level // _US)
    return Clock(
        state=run.state,
        target=goal.target,
        elapsed=timedelta(microseconds=elapsed),
        paused=timedelta(microseconds=paused),
        due_at=due_at,
        breached_at=breached_at,
        stopped_at=run.stopped_at,
        warned=warned,
    )


@guarded
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
        needs calendar years the calendar does not cover, or a due time falls after the year 9999.

    Notes
    -----
    One pass over the event log; business time by interval lookup, O(e log n) for e events.

    Examples
    --------
    A job put on hold for material for an hour: the resolution clock pauses, and its due time
    moves an hour later.

    >>> from hosplogi import HoldReason, SlaTarget
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
    if not isinstance(policy, SlaPolicy):
        raise HosplogiError(f"policy must be an SlaPolicy, got {type(policy).__name__}")
    if not isinstance(order, WorkOrder):
        raise HosplogiError(f"order must be a WorkOrder, got {type(order).__name__}")
    now_us = to_us(now, "now")
    pinned_now = pinned_instant(now_us, now.tzinfo)
    timeline = None
    if policy.calendar is not None and any(t.business_hours for t in policy.targets.values()):
        timeline = policy.calendar.timeline
        timeline.cover(now_us, now)
    report = order.events[0]
    reported = to_us(report.at)
    if reported > now_us:
        raise HosplogiError(
            f"order {order.id}: now {pinned_now.isoformat()} is earlier than reported_at "
            f"{order.reported_at.isoformat()}; evaluate at or after the report"
        )
    priority = report.priority or order.priority
    response, resolution = ClockRun(reported, priority), ClockRun(reported, priority)
    cancelled = False
    for event in order.events[1:]:
        t = to_us(event.at)
        if t > now_us:
            break  # the log is in time order: every later event is after `now` too
        action = event.action
        if action is Action.REPRIORITIZE and event.priority is not None:
            priority = event.priority
        elif action is Action.HOLD and event.hold_reason in policy.pausing:
            response.pause(t)
            resolution.pause(t)
        elif action is Action.RESUME:
            response.resume(t)
            resolution.resume(t)
        elif action is Action.START:
            response.stop(t, event.at, priority)
        elif action is Action.COMPLETE:
            resolution.stop(t, event.at, priority)
        elif action is Action.REJECT:
            resolution.restart(t)
        elif action is Action.CANCEL:
            cancelled = True
            response.stop(t, event.at, priority)
            resolution.stop(t, event.at, priority)
    response.close(now_us, priority)
    resolution.close(now_us, priority)
    r_goal = policy.goals[response.priority][0]
    s_goal = policy.goals[resolution.priority][1]
    if timeline is not None and (r_goal.business_hours or s_goal.business_hours):
        timeline.cover(reported, report.at)  # raises for a year the calendar does not cover
    measure = _Measure(timeline, now)
    try:
        r_clock = _clock(response, r_goal, policy.warn_at, measure, now_us, now)
        s_clock = _clock(resolution, s_goal, policy.warn_at, measure, now_us, now)
    except OverflowError:  # a due or breach time past the datetime range (9999-12-31)
        raise HosplogiError(
            f"order {order.id}: a due or breach time falls after the year 9999, the last a "
            "datetime can hold; give targets that end before it"
        ) from None
    return SlaStatus(
        order_id=order.id,
        priority=priority,
        now=pinned_now,
        response=r_clock,
        resolution=s_clock,
        cancelled=cancelled,
    )
