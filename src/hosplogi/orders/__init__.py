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

from hosplogi.orders.lifecycle import (
    DONE_STATUSES,
    TRANSITIONS,
    Action,
    Event,
    HoldReason,
    Priority,
    Source,
    Status,
)
from hosplogi.orders.workorder import WorkOrder

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
