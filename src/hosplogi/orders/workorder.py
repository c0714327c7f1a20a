"""The work order (工单): a frozen value whose status is derived from its event log.

Each lifecycle operation returns a *new* order with one more event; an order read back from JSON
has its whole log checked again (see :mod:`hosplogi.orders` for the table of moves).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any, Self, TypeVar

from pydantic import BaseModel, model_validator

from hosplogi._types import (
    FrozenModel,
    Identifier,
    Instant,
    NonNegativeInt,
    brief,
    require_aware,
)
from hosplogi.crews import SkillRequirement
from hosplogi.errors import HosplogiError, TransitionError
from hosplogi.orders.lifecycle import (
    TRANSITIONS,
    Action,
    Event,
    HoldReason,
    Priority,
    Source,
    Status,
    next_status,
)

__all__ = ["WorkOrder"]


_E = TypeVar("_E", bound=Enum)


def _member(kind: type[_E], value: object, name: str) -> _E:
    """`value` as a member of the enum `kind`, or a HosplogiError listing the accepted values."""
    try:
        return kind(value)
    except (ValueError, TypeError):
        accepted = ", ".join(str(m.value) for m in kind)
        raise HosplogiError(f"{name} must be one of {accepted}; got {brief(value)}") from None


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
                expected = next_status(self.id, status, e.action, before_hold)
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
        if isinstance(assignees, str):
            raise HosplogiError(
                f"assignees must be a sequence of technician ids, got the string {assignees!r}; "
                f"write ({assignees!r},)"
            )
        if not isinstance(assignees, Iterable):
            raise HosplogiError(
                f"assignees must be a sequence of technician ids, got "
                f"{type(assignees).__name__} {brief(assignees)}"
            )
        names = tuple(assignees)
        return self._append(Action.DISPATCH, at, by=by, assignees=names)

    def start(self, *, at: datetime, by: str | None = None) -> Self:
        """Record that work has started on site (到场); `by` is who actually started it."""
        return self._append(Action.START, at, by=by)

    def hold(
        self, reason: HoldReason, *, at: datetime, by: str | None = None, note: str | None = None
    ) -> Self:
        """Put the order on hold (挂起), e.g. awaiting material (001:385) or access."""
        return self._append(
            Action.HOLD, at, by=by, note=note, hold_reason=_member(HoldReason, reason, "reason")
        )

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
        new = _member(Priority, priority, "priority")
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
        target = next_status(self.id, self.status, action, self._status_before_hold())
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
        # The one new event was checked above; validating the copy would replay the whole log
        # on every move (O(n)), so the lifecycle takes pydantic's unvalidated copy.
        copied = BaseModel.model_copy(self, update=update)
        copied.model_post_init(None)  # what validation would run last: share the fields set
        return copied

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

    @property
    def needs(self) -> tuple[SkillRequirement, ...]:
        """The people the job needs: its `requirements`, or one person of its trade.

        The one rule every engine staffs an order by (dispatch, scheduling, simulation).

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> o = WorkOrder.report(id="WO-9", title="Leak", trade="plumbing", location="Ward 1",
        ...     priority=Priority.ROUTINE, reported_at=datetime(2026, 3, 2, tzinfo=timezone.utc))
        >>> o.needs
        (SkillRequirement(skill='plumbing', count=1, level=1),)
        """
        return self.requirements or (SkillRequirement(skill=self.trade),)

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
