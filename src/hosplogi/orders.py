"""Work orders (工单) and their lifecycle, from the report (报修) to the follow-up call (回访).

A work order is a frozen value. Each lifecycle operation — :meth:`WorkOrder.dispatch`,
:meth:`~WorkOrder.start`, :meth:`~WorkOrder.hold`, :meth:`~WorkOrder.resume`,
:meth:`~WorkOrder.complete`, :meth:`~WorkOrder.verify`, :meth:`~WorkOrder.close`,
:meth:`~WorkOrder.cancel`, :meth:`~WorkOrder.reprioritize` — returns a *new* order with one more
:class:`Event`; the original is never changed. The status is derived from the event log, so the log
and the status cannot disagree, and an order read back from JSON has its whole log checked again.

The moves (``TRANSITIONS`` holds them as data)::

    action        from                                        to
    dispatch 派工  REPORTED, DISPATCHED, IN_PROGRESS           DISPATCHED (handover)
    start 到场     DISPATCHED                                  IN_PROGRESS
    hold 挂起      REPORTED, DISPATCHED, IN_PROGRESS           ON_HOLD
    resume        ON_HOLD                                     the status before the hold
    complete 完工  IN_PROGRESS                                 COMPLETED
    verify 验收    COMPLETED                                   VERIFIED
    reject        COMPLETED (acceptance refused)              IN_PROGRESS (rework)
    close 回访     VERIFIED                                    CLOSED (final)
    cancel 取消    REPORTED, DISPATCHED, IN_PROGRESS, ON_HOLD  CANCELLED (final)
    reprioritize  any status but CLOSED and CANCELLED         unchanged

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> order = WorkOrder.report(id="WO-1", title="Tap leaking", trade="plumbing",
...                          priority=Priority.URGENT, reported_at=t0, location="Ward 3")
>>> order = order.dispatch(("T01",), at=t0 + timedelta(minutes=5), by="dispatcher")
>>> order = order.start(at=t0 + timedelta(minutes=20), by="T01")
>>> order.status, order.started_by
(<Status.IN_PROGRESS: 'in_progress'>, 'T01')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import Field, model_validator

from hosplogi._types import (
    FrozenModel,
    Identifier,
    Instant,
    NonNegativeInt,
    require_aware,
    require_unique,
)
from hosplogi.crews import SkillRequirement
from hosplogi.errors import HosplogiError, TransitionError

__all__ = [
    "DONE_STATUSES",
    "TRANSITIONS",
    "Action",
    "Event",
    "HoldReason",
    "Priority",
    "Source",
    "Status",
    "WorkOrder",
]


class Priority(StrEnum):
    """How urgent a request is. Medical-device repairs and emergencies come first (001:413).

    Compare priorities by :attr:`rank` (0 is the most urgent), not by their string values.
    """

    EMERGENCY = "emergency"
    URGENT = "urgent"
    ROUTINE = "routine"
    PLANNED = "planned"

    @property
    def rank(self) -> int:
        """0 for EMERGENCY up to 3 for PLANNED: lower is more urgent.

        Examples
        --------
        >>> sorted([Priority.PLANNED, Priority.EMERGENCY], key=lambda p: p.rank)
        [<Priority.EMERGENCY: 'emergency'>, <Priority.PLANNED: 'planned'>]
        """
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {p: i for i, p in enumerate(Priority)}


class Status(StrEnum):
    """Where an order stands in its lifecycle."""

    REPORTED = "reported"
    """报修: the request has been taken."""
    DISPATCHED = "dispatched"
    """派工: technicians have been assigned."""
    IN_PROGRESS = "in_progress"
    """到场/维修中: someone is on site working."""
    ON_HOLD = "on_hold"
    """挂起: waiting, e.g. for material (001:385)."""
    COMPLETED = "completed"
    """完工: the technicians report the work done."""
    VERIFIED = "verified"
    """验收: the requesting department accepted the work."""
    CLOSED = "closed"
    """回访/关闭: followed up and closed. Final."""
    CANCELLED = "cancelled"
    """取消: withdrawn before completion. Final."""

    @property
    def is_final(self) -> bool:
        """Whether no further move is possible (CLOSED or CANCELLED)."""
        return self in (Status.CLOSED, Status.CANCELLED)

    @property
    def is_done(self) -> bool:
        """Whether the work is done: COMPLETED, VERIFIED or CLOSED (the one set of done statuses).

        Examples
        --------
        >>> Status.VERIFIED.is_done, Status.CANCELLED.is_done
        (True, False)
        """
        return self in DONE_STATUSES


DONE_STATUSES: frozenset[Status] = frozenset({Status.COMPLETED, Status.VERIFIED, Status.CLOSED})
"""The statuses in which an order's work is done (reported complete, verified or closed)."""


class HoldReason(StrEnum):
    """Why an order waits. Which reasons pause SLA clocks is a policy decision (`hosplogi.sla`)."""

    AWAITING_MATERIAL = "awaiting_material"
    AWAITING_REQUESTER = "awaiting_requester"
    AWAITING_VENDOR = "awaiting_vendor"
    AWAITING_ACCESS = "awaiting_access"
    OTHER = "other"


class Source(StrEnum):
    """How the order came in (seed 001:387 counts problems found on rounds separately)."""

    PHONE = "phone"
    APP = "app"
    WALK_IN = "walk_in"
    ROUNDS = "rounds"
    """Found on a proactive round (巡查)."""
    INSPECTION = "inspection"
    """A rectification (整改) raised by a failed inspection item."""
    PREVENTIVE = "preventive"
    """Generated by a preventive-maintenance plan."""

    @property
    def is_proactive(self) -> bool:
        """Whether the order was found by the logistics department itself, not reported to it."""
        return self in (Source.ROUNDS, Source.INSPECTION, Source.PREVENTIVE)


class Action(StrEnum):
    """The operation an event records; with the statuses it makes the audit trail."""

    REPORT = "report"
    DISPATCH = "dispatch"
    START = "start"
    HOLD = "hold"
    RESUME = "resume"
    COMPLETE = "complete"
    VERIFY = "verify"
    REJECT = "reject"
    CLOSE = "close"
    CANCEL = "cancel"
    REPRIORITIZE = "reprioritize"


_ACTIVE = frozenset({Status.REPORTED, Status.DISPATCHED, Status.IN_PROGRESS})
_NOT_FINAL = frozenset(s for s in Status if not s.is_final)

TRANSITIONS: Mapping[Action, tuple[frozenset[Status], Status | None]] = {
    Action.DISPATCH: (_ACTIVE, Status.DISPATCHED),
    Action.START: (frozenset({Status.DISPATCHED}), Status.IN_PROGRESS),
    Action.HOLD: (_ACTIVE, Status.ON_HOLD),
    Action.RESUME: (frozenset({Status.ON_HOLD}), None),
    Action.COMPLETE: (frozenset({Status.IN_PROGRESS}), Status.COMPLETED),
    Action.VERIFY: (frozenset({Status.COMPLETED}), Status.VERIFIED),
    Action.REJECT: (frozenset({Status.COMPLETED}), Status.IN_PROGRESS),
    Action.CLOSE: (frozenset({Status.VERIFIED}), Status.CLOSED),
    Action.CANCEL: (_ACTIVE | {Status.ON_HOLD}, Status.CANCELLED),
    Action.REPRIORITIZE: (_NOT_FINAL, None),
}
"""Action → (statuses it is allowed from, status it leads to). ``None`` as the target means: back to
the status before the hold (RESUME) or unchanged (REPRIORITIZE). REPORT only starts a log."""

_DEFAULT_ACTION = {
    Status.REPORTED: Action.REPORT,
    Status.DISPATCHED: Action.DISPATCH,
    Status.IN_PROGRESS: Action.START,
    Status.ON_HOLD: Action.HOLD,
    Status.COMPLETED: Action.COMPLETE,
    Status.VERIFIED: Action.VERIFY,
    Status.CLOSED: Action.CLOSE,
    Status.CANCELLED: Action.CANCEL,
}


class Event(FrozenModel):
    """One entry of an order's audit trail: what happened, when, by whom, and the status after it.

    Parameters
    ----------
    status : Status
        The order's status after the event.
    at : datetime
        Timezone-aware.
    by : str, optional
        Who did it: the call taker for a report (首接负责制 first-contact owner, 002:69), the
        dispatcher, the technician who started or completed the work, the verifier.
    note : str, optional
    hold_reason : HoldReason, optional
        Set on HOLD events only.
    assignees : tuple[str, ...]
        The technicians dispatched; set on DISPATCH events only.
    action : Action
        The operation; inferred from `status` when omitted (IN_PROGRESS → START).
    priority : Priority, optional
        Set on REPORT and REPRIORITIZE events only.
    rating : int, optional
        Satisfaction 1–5 given at acceptance (VERIFY or REJECT events).
    """

    status: Status
    at: Instant
    by: Identifier | None = None
    note: str | None = None
    hold_reason: HoldReason | None = None
    assignees: tuple[Identifier, ...] = ()
    action: Action
    priority: Priority | None = None
    rating: int | None = Field(default=None, ge=1, le=5, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _infer_action(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("action") is None and "status" in data:
            with suppress(ValueError):  # a bad status is reported by the field validator
                data = {**data, "action": _DEFAULT_ACTION[Status(data["status"])]}
        return data

    @model_validator(mode="after")
    def _fields_fit_action(self) -> Self:
        a = self.action
        if (a is Action.HOLD) != (self.hold_reason is not None):
            raise ValueError(
                f"{a.value} event: hold_reason must be given for hold events and only for them, "
                f"got {self.hold_reason!r}"
            )
        if a is Action.DISPATCH:
            if not self.assignees:
                raise ValueError("dispatch event needs at least one assignee")
            require_unique(self.assignees, "a dispatch event's assignees")
        elif self.assignees:
            raise ValueError(f"{a.value} event: assignees are recorded on dispatch events only")
        if (a in (Action.REPORT, Action.REPRIORITIZE)) != (self.priority is not None):
            raise ValueError(
                f"{a.value} event: priority must be given for report and reprioritize events "
                f"and only for them, got {self.priority!r}"
            )
        if self.rating is not None and a not in (Action.VERIFY, Action.REJECT):
            raise ValueError(f"{a.value} event: a rating belongs to verify or reject events")
        target = TRANSITIONS[a][1] if a in TRANSITIONS else Status.REPORTED
        if target is not None and self.status is not target:
            raise ValueError(
                f"{a.value} event must have status {target.name}, got {self.status.name}"
            )
        return self


def _next_status(order_id: str, current: Status, action: Action, before_hold: Status) -> Status:
    """Return the status `action` leads to from `current`, or raise TransitionError."""
    if current.is_final:
        raise TransitionError(
            f"order {order_id} is {current.name}, which is final; no {action.value} "
            "or any other move is allowed"
        )
    allowed_from, target = TRANSITIONS.get(action, (frozenset(), None))
    if current not in allowed_from:
        wanted = "" if target is None else f" → {target.name}"
        raise TransitionError(
            f"order {order_id} cannot go {current.name}{wanted} ({action.value}); "
            f"allowed from {current.name}: {_describe_moves(current)}"
        )
    if target is not None:
        return target
    return before_hold if action is Action.RESUME else current


def _describe_moves(current: Status) -> str:
    moves = []
    for action, (allowed_from, target) in TRANSITIONS.items():
        if current in allowed_from:
            to = "unchanged" if target is None and action is not Action.RESUME else None
            label = (target.name if target else to) or "the status before the hold"
            moves.append(f"{label} ({action.value})")
    return ", ".join(moves) or "none"


class WorkOrder(FrozenModel):
    """A request for logistics work and its full history.

    Build one with :meth:`report`; move it with the lifecycle methods, each of which returns a new
    order. `status`, `assignees` and `priority` are derived from `events` and checked against them.

    Parameters
    ----------
    id, title, trade : str
        `trade` is the crew's trade (水/电/气/暖/木工/空调/电梯/医疗器械 …), e.g. ``"plumbing"``.
    priority : Priority
        The priority in force (changed by :meth:`reprioritize`).
    reported_at : datetime
        Timezone-aware; the time of the first event.
    location : str
    department : str, optional
        The requesting department.
    asset_id : str, optional
        The equipment concerned (设备台账), for repeat-repair tracking.
    requester : str, optional
        The contact person (004:257).
    description : str
    requirements : tuple[SkillRequirement, ...]
        The people the job needs; one order often needs several trades (000:35).
    estimated_minutes : int
        Estimated work time, zero or more.
    source : Source
    due_at : datetime, optional
        A completion deadline set by the source (rectification, preventive maintenance).
    reference : str, optional
        A link to what raised the order (an inspection item, a maintenance plan).
    events : tuple[Event, ...]
        The audit trail, oldest first.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> o = WorkOrder.report(id="WO-2", title="No power to socket", trade="electrical",
    ...                      priority=Priority.ROUTINE, reported_at=t0, location="OR 2")
    >>> o.start(at=t0)
    Traceback (most recent call last):
    ...
    hosplogi.errors.TransitionError: order WO-2 cannot go REPORTED → IN_PROGRESS (start); allowed \
from REPORTED: DISPATCHED (dispatch), ON_HOLD (hold), CANCELLED (cancel), unchanged (reprioritize)
    """

    id: Identifier
    title: str
    trade: Identifier
    priority: Priority
    reported_at: Instant
    location: str
    department: str | None = None
    asset_id: str | None = None
    requester: str | None = None
    description: str = ""
    requirements: tuple[SkillRequirement, ...] = ()
    estimated_minutes: NonNegativeInt = 60
    source: Source = Source.PHONE
    due_at: Instant | None = None
    reference: str | None = None
    status: Status
    assignees: tuple[Identifier, ...] = ()
    events: tuple[Event, ...]

    @model_validator(mode="before")
    @classmethod
    def _derive_from_events(cls, data: Any) -> Any:
        """Fill `status` and `assignees` from the events when the input leaves them out."""
        if not isinstance(data, dict):
            return data
        events = data.get("events")
        if not isinstance(events, (list, tuple)) or not events:
            return data  # pydantic reports a missing or malformed log

        def field(event: Any, name: str) -> Any:
            if isinstance(event, Event):
                return getattr(event, name)
            return event.get(name) if isinstance(event, dict) else None

        data = dict(data)
        data.setdefault("status", field(events[-1], "status"))
        if "assignees" not in data:
            for e in reversed(events):
                names = field(e, "assignees")
                if names:
                    data["assignees"] = names
                    break
        return data

    @model_validator(mode="after")
    def _replay_events(self) -> Self:
        """Check the whole log: starts with a report, moves legally, times never go back."""
        first = self.events[0] if self.events else None
        if first is None or first.action is not Action.REPORT:
            raise ValueError(f"order {self.id}: the event log must start with a report event")
        if first.at != self.reported_at:
            raise ValueError(
                f"order {self.id}: reported_at {self.reported_at.isoformat()} differs from the "
                f"report event's time {first.at.isoformat()}"
            )
        status, priority = Status.REPORTED, first.priority
        assignees: tuple[str, ...] = ()
        before_hold, previous = Status.REPORTED, first
        for e in self.events[1:]:
            if e.action is Action.REPORT:
                raise ValueError(f"order {self.id}: only the first event may be a report")
            if e.at < previous.at:
                raise ValueError(
                    f"order {self.id}: event {e.action.value} at {e.at.isoformat()} is earlier "
                    f"than the event before it at {previous.at.isoformat()}"
                )
            if e.action is Action.HOLD:
                before_hold = status
            try:
                expected = _next_status(self.id, status, e.action, before_hold)
            except TransitionError as err:
                raise ValueError(str(err)) from None
            if e.status is not expected:
                raise ValueError(
                    f"order {self.id}: {e.action.value} from {status.name} leads to "
                    f"{expected.name}, but the event says {e.status.name}"
                )
            if e.action is Action.REPRIORITIZE and priority is not None and e.priority is priority:
                raise ValueError(
                    f"order {self.id}: reprioritize event at {e.at.isoformat()} keeps priority "
                    f"{priority.name}; a reprioritize event must change the priority"
                )
            status, previous = expected, e
            priority = e.priority or priority
            assignees = e.assignees or assignees
        if self.status is not status:
            raise ValueError(
                f"order {self.id}: status {self.status.name} disagrees with the event log, "
                f"which ends in {status.name}"
            )
        if self.priority is not priority:
            raise ValueError(
                f"order {self.id}: priority {self.priority.name} disagrees with the event log, "
                f"which says {priority.name if priority else None}"
            )
        if self.assignees != assignees:
            raise ValueError(
                f"order {self.id}: assignees {self.assignees} disagree with the last dispatch "
                f"{assignees}"
            )
        return self

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def report(
        cls,
        *,
        id: str,
        title: str,
        trade: str,
        priority: Priority,
        reported_at: datetime,
        location: str,
        by: str | None = None,
        note: str | None = None,
        **fields: Any,
    ) -> WorkOrder:
        """Take a new request (报修) and return an order in REPORTED.

        Parameters
        ----------
        id, title, trade, priority, reported_at, location
            See :class:`WorkOrder`.
        by : str, optional
            Who took the request: the first-contact owner (首接负责制, 002:69).
        note : str, optional
            Recorded on the report event.
        **fields
            Any other :class:`WorkOrder` field (department, requirements, estimated_minutes …).

        Returns
        -------
        WorkOrder

        Raises
        ------
        HosplogiError
            If `reported_at` is naive.
        pydantic.ValidationError
            If a field is malformed (empty id, negative estimate, unknown enum value …).

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> o = WorkOrder.report(id="WO-3", title="Lift stuck", trade="lifts",
        ...                      priority="emergency", location="Block B",
        ...                      reported_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
        >>> o.status, o.priority, len(o.events)
        (<Status.REPORTED: 'reported'>, <Priority.EMERGENCY: 'emergency'>, 1)
        """
        for derived in ("status", "assignees", "events"):
            if derived in fields:
                raise HosplogiError(
                    f"{derived} is derived from the event log and cannot be given to report(); "
                    "use the lifecycle methods"
                )
        require_aware(reported_at, "reported_at")
        event = Event(
            action=Action.REPORT,
            status=Status.REPORTED,
            at=reported_at,
            by=by,
            note=note,
            priority=priority,
        )
        return cls(
            id=id,
            title=title,
            trade=trade,
            priority=priority,
            reported_at=reported_at,
            location=location,
            events=(event,),
            status=Status.REPORTED,
            **fields,
        )

    # -- lifecycle ----------------------------------------------------------------------------

    def dispatch(self, assignees: Iterable[str], *, at: datetime, by: str | None = None) -> Self:
        """Assign technicians (派工); from DISPATCHED or IN_PROGRESS this is a handover.

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> o = WorkOrder.report(id="WO-4", title="t", trade="hvac", priority="routine",
        ...                      reported_at=t0, location="L1")
        >>> o.dispatch(["T01", "T02"], at=t0).dispatch(["T03"], at=t0).assignee_history
        (('T01', 'T02'), ('T03',))
        """
        names = tuple(assignees)
        if isinstance(assignees, str):
            raise HosplogiError(
                f"assignees must be a sequence of technician ids, got the string {assignees!r}; "
                f"write ({assignees!r},)"
            )
        return self._append(Action.DISPATCH, at, by=by, assignees=names)

    def start(self, *, at: datetime, by: str | None = None) -> Self:
        """Record that work has started on site (到场); `by` is who actually started it."""
        return self._append(Action.START, at, by=by)

    def hold(
        self, reason: HoldReason, *, at: datetime, by: str | None = None, note: str | None = None
    ) -> Self:
        """Put the order on hold (挂起), e.g. awaiting material (001:385) or access."""
        return self._append(Action.HOLD, at, by=by, note=note, hold_reason=HoldReason(reason))

    def resume(self, *, at: datetime, by: str | None = None) -> Self:
        """End a hold; the order returns to the status it had before the hold."""
        return self._append(Action.RESUME, at, by=by)

    def complete(self, *, at: datetime, by: str | None = None, note: str | None = None) -> Self:
        """Record the work as done (完工); `by` is who actually completed it."""
        return self._append(Action.COMPLETE, at, by=by, note=note)

    def verify(
        self,
        *,
        at: datetime,
        by: str | None = None,
        accepted: bool = True,
        rating: int | None = None,
        note: str | None = None,
    ) -> Self:
        """Record the department's acceptance (验收); refused acceptance sends it back to rework.

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> o = (WorkOrder.report(id="WO-5", title="t", trade="hvac", priority="routine",
        ...                       reported_at=t, location="L1")
        ...      .dispatch(["T01"], at=t).start(at=t).complete(at=t))
        >>> o.verify(at=t, accepted=False, rating=2).status
        <Status.IN_PROGRESS: 'in_progress'>
        """
        action = Action.VERIFY if accepted else Action.REJECT
        return self._append(action, at, by=by, note=note, rating=rating)

    def close(self, *, at: datetime, by: str | None = None, note: str | None = None) -> Self:
        """Close the order after the follow-up call (回访). CLOSED is final."""
        return self._append(Action.CLOSE, at, by=by, note=note)

    def cancel(self, *, at: datetime, by: str | None = None, reason: str) -> Self:
        """Cancel (取消) an order that is not yet completed; `reason` is required and recorded."""
        if not isinstance(reason, str) or not reason.strip():
            raise HosplogiError(f"cancel needs a non-empty reason, got {reason!r}")
        return self._append(Action.CANCEL, at, by=by, note=reason)

    def reprioritize(
        self, priority: Priority, *, at: datetime, by: str | None = None, note: str | None = None
    ) -> Self:
        """Change the priority in force (e.g. escalate ROUTINE → URGENT); the status is unchanged.

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> o = WorkOrder.report(id="WO-6", title="t", trade="hvac", priority="routine",
        ...                      reported_at=t, location="L1")
        >>> o.reprioritize(Priority.URGENT, at=t).priority
        <Priority.URGENT: 'urgent'>
        """
        new = Priority(priority)
        if new is self.priority:
            raise HosplogiError(
                f"order {self.id} already has priority {new.name}; give a different priority"
            )
        return self._append(Action.REPRIORITIZE, at, by=by, note=note, priority=new)

    def _append(self, action: Action, at: datetime, **event_fields: Any) -> Self:
        """Validate one move and return a copy with its event appended.

        Only the new move is checked (O(1)); the earlier log was checked when this order was built.
        """
        require_aware(at, "at")
        last = self.events[-1]
        target = _next_status(self.id, self.status, action, self._status_before_hold())
        if at < last.at:
            raise HosplogiError(
                f"order {self.id}: {action.value} at {at.isoformat()} is earlier than the last "
                f"event ({last.action.value}) at {last.at.isoformat()}; give a time at or after it"
            )
        event = Event(action=action, status=target, at=at, **event_fields)
        update: dict[str, Any] = {"events": (*self.events, event), "status": target}
        if event.assignees:
            update["assignees"] = event.assignees
        if event.priority is not None:
            update["priority"] = event.priority
        return self.model_copy(update=update)

    def _status_before_hold(self) -> Status:
        for i in range(len(self.events) - 1, 0, -1):
            if self.events[i].action is Action.HOLD:
                return self.events[i - 1].status
        return Status.REPORTED

    # -- derived facts ------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Whether the order can still move (not CLOSED or CANCELLED)."""
        return not self.status.is_final

    def allowed_actions(self) -> tuple[Action, ...]:
        """The lifecycle operations allowed now, in table order (useful for a user interface)."""
        if self.status.is_final:
            return ()
        return tuple(a for a, (src, _) in TRANSITIONS.items() if self.status in src)

    @property
    def assignee_history(self) -> tuple[tuple[str, ...], ...]:
        """Every team dispatched, oldest first; handovers show as more than one entry."""
        return tuple(e.assignees for e in self.events if e.action is Action.DISPATCH)

    @property
    def started_by(self) -> str | None:
        """Who recorded the first start on site, if anyone (not necessarily an assignee, 000:37)."""
        return next((e.by for e in self.events if e.action is Action.START), None)

    @property
    def completed_by(self) -> str | None:
        """Who recorded the last completion, if anyone."""
        return next((e.by for e in reversed(self.events) if e.action is Action.COMPLETE), None)

    def first_at(self, action: Action) -> datetime | None:
        """Time of the first event of `action`, or None.

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> o = WorkOrder.report(id="WO-7", title="t", trade="hvac", priority="routine",
        ...                      reported_at=t, location="L1")
        >>> o.first_at(Action.START) is None
        True
        """
        return next((e.at for e in self.events if e.action is action), None)

    def last_at(self, action: Action) -> datetime | None:
        """Time of the last event of `action`, or None."""
        return next((e.at for e in reversed(self.events) if e.action is action), None)
