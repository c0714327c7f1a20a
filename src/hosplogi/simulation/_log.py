"""One order's log as the event engine writes it, and the order value built from it when read.

The lifecycle methods (:meth:`WorkOrder.dispatch <hosplogi.orders.WorkOrder.dispatch>`, …) check
one move and return a copy of the order with one more event: a model copy and a validated event
per move, the larger part of a simulated year. The engine makes its moves through
:class:`OrderLog` instead: each move is checked against the lifecycle's one table
(:func:`hosplogi.orders.lifecycle.next_status`) and its time against the last event's, exactly as
the lifecycle methods check it, and the order value is built once when someone reads it — a policy
choosing among waiting orders, or the results.

The orders and events are built without validation, from values the engine makes valid by
construction: the scenario's validated fields, aware fixed-offset instants from its clock,
technician ids, the hospital's department names (identifiers), ``"desk"``, ``"stores"``, ratings
2, 4 or 5. The tests check the result against the reference: every order of runs with each policy
equals the order :meth:`WorkOrder.report` and the lifecycle methods give for the same moves, and
reads back from its own JSON (which validates every field and replays the whole log).

An event's fields are set one by one rather than as a ready dict: CPython then keeps them inline
in the object, sharing the keys of every event, and builds a ``__dict__`` only if someone asks
for it (pydantic does, to compare or serialise). A year's quarter of a million events then are a
quarter of a million objects fewer for the garbage collector to walk, and a third smaller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from hosplogi._types import FrozenModel, shared_fields_set
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, Event, Status, WorkOrder
from hosplogi.orders.lifecycle import next_status

__all__ = ["OrderLog"]

_M = TypeVar("_M", bound=FrozenModel)

_EVENT_DEFAULTS: dict[str, Any] = {
    name: None if field.is_required() else field.default
    for name, field in Event.model_fields.items()
}
"""Every field of an event, in declaration order, with its default (None for the required ones)."""

_ORDER_DEFAULTS: dict[str, Any] = {
    name: None if field.is_required() else field.default
    for name, field in WorkOrder.model_fields.items()
}


_NEXT: dict[tuple[Status, Action, Status], Status] = {}
"""The lifecycle's allowed moves met so far: (status, action, status before a hold) → the
status :func:`~hosplogi.orders.lifecycle.next_status` gives (it refuses the others each time)."""


def _valid(cls: type[_M], values: dict[str, Any], given: Iterable[str]) -> _M:
    """A `cls` from already-valid `values` (every field), not re-checked; `given` as if passed."""
    model: _M = object.__new__(cls)
    _set(model, "__dict__", values)
    _set_private(model, given)
    return model


def _event(values: dict[str, Any], given: Iterable[str]) -> Event:
    """An :class:`Event` as :func:`_valid` makes it, its fields kept inline (see the module)."""
    event = object.__new__(Event)
    for name, value in values.items():  # always in the order of the fields: the keys are shared
        _set(event, name, value)
    _set_private(event, given)
    return event


_set = object.__setattr__  # past the frozen models' own __setattr__


def _set_private(model: FrozenModel, given: Iterable[str]) -> None:
    """Set pydantic's own attributes of a model built without validation."""
    _set(model, "__pydantic_fields_set__", shared_fields_set(tuple(given)))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)


class OrderLog:
    """A reported order and the moves made since, with the order value built on demand.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> reported = WorkOrder.report(id="WO-1", title="t", trade="hvac", priority="routine",
    ...                             reported_at=t, location="L1")
    >>> log = OrderLog(reported)
    >>> log.move(Action.DISPATCH, t, by="desk", assignees=("T1",))
    >>> log.move(Action.START, t, by="T1")
    >>> log.order == reported.dispatch(("T1",), at=t, by="desk").start(at=t, by="T1")
    True
    >>> log.move(Action.CLOSE, t, by="desk", note=None)
    Traceback (most recent call last):
    ...
    hosplogi.errors.TransitionError: order WO-1 cannot go IN_PROGRESS → CLOSED (close); allowed \
from IN_PROGRESS: DISPATCHED (dispatch), ON_HOLD (hold), COMPLETED (complete), CANCELLED \
(cancel), unchanged (reprioritize)
    """

    __slots__ = ("_before_hold", "_built", "_events", "_order", "status")

    def __init__(self, order: WorkOrder) -> None:
        self._order = order
        self._events: list[Event] = list(order.events)
        self._built = len(self._events)
        self.status = order.status
        self._before_hold = Status.REPORTED

    @classmethod
    def report(cls, *, by: str, **fields: Any) -> OrderLog:
        """A new request as :meth:`WorkOrder.report` takes it, from `fields` the engine made valid.

        `fields` are those of :class:`~hosplogi.orders.WorkOrder` but the log and the status,
        with `priority` and `reported_at`; `by` is who took the request.
        """
        taken = {
            "action": Action.REPORT,
            "status": Status.REPORTED,
            "at": fields["reported_at"],
            "by": by,
            "note": None,
            "priority": fields["priority"],
        }
        event = _event({**_EVENT_DEFAULTS, **taken}, taken)
        given = {**fields, "events": (event,), "status": Status.REPORTED}
        return cls(_valid(WorkOrder, {**_ORDER_DEFAULTS, **given}, given))

    @property
    def fixed(self) -> WorkOrder:
        """The order as last built: its fixed fields (id, department, …) are current."""
        return self._order

    @property
    def order(self) -> WorkOrder:
        """The order with every move so far."""
        if self._built != len(self._events):
            new = self._events[self._built :]
            update: dict[str, Any] = {"events": tuple(self._events), "status": self.status}
            for event in new:  # what each lifecycle call would have updated, in turn
                if event.assignees:
                    update["assignees"] = event.assignees
                if event.priority is not None:
                    update["priority"] = event.priority
            before = self._order
            given = (*before.model_fields_set, *update)
            self._order = _valid(WorkOrder, {**before.__dict__, **update}, given)
            self._built = len(self._events)
        return self._order

    def move(self, action: Action, at: datetime, **fields: Any) -> None:
        """Record `action` at `at` with the event `fields` the lifecycle method would give.

        Raises
        ------
        TransitionError
            If the lifecycle does not allow `action` now.
        HosplogiError
            If `at` is earlier than the last event.
        """
        last = self._events[-1].at
        if at < last:
            raise HosplogiError(
                f"order {self._order.id}: {action.value} at {at.isoformat()} is earlier than the "
                f"last event at {last.isoformat()}"
            )
        if action is Action.HOLD:
            self._before_hold = self.status
        move = (self.status, action, self._before_hold)
        target = _NEXT.get(move)
        if target is None:
            target = _NEXT[move] = next_status(self._order.id, *move)
        values = {**_EVENT_DEFAULTS, "action": action, "status": target, "at": at, **fields}
        self._events.append(_event(values, ("action", "status", "at", *fields)))
        self.status = target
