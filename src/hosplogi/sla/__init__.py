"""Service-level clocks: response and resolution times of work orders against targets.

The seeds demand a response time limit for every request (首接负责制, 明确服务响应时限, 002:69) and
timeliness for every service; outsourcing contracts are paid on it. An :class:`SlaPolicy` gives a
target per priority; :func:`evaluate` replays an order's event log once and returns its two
clocks at an instant `now`:

- the **response** clock runs from ``reported_at`` until the first start on site
  (``IN_PROGRESS``);
- the **resolution** clock runs until ``COMPLETED``, runs again when acceptance is refused
  (rework) and stops at the next completion;
- a cancellation stops both clocks (the order is then left out of met/breached counts);
- either clock is *paused* while the order is ``ON_HOLD`` for a reason in ``policy.pausing``;
- a business-hours target counts only open time of ``policy.calendar``; pause time is measured
  the same way.

**Priority changes** (:meth:`WorkOrder.reprioritize`): the clock keeps the time already elapsed
and is measured against the target of the priority *in force* — at `now` for a running or paused
clock, at the moment it stopped for a stopped one. The whole running history is measured with
that target's rule (wall-clock or business hours). Events later than `now` are ignored, so
``evaluate(order, policy, now=t)`` tells how the order stood at `t`.

Examples
--------
>>> from datetime import UTC, datetime, timedelta, timezone, tzinfo
>>> from hosplogi import Priority, WorkOrder
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
>>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
...     resolve=timedelta(hours=4)) for p in Priority})
>>> order = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing",
...     priority=Priority.URGENT, reported_at=t0, location="Ward 3")
>>> s = evaluate(order, policy, now=t0 + timedelta(minutes=20))
>>> s.response.remaining, s.response.breached, s.response.due_at.time()
(datetime.timedelta(seconds=600), False, datetime.time(9, 30))
"""

from hosplogi.sla.batch import evaluate_many
from hosplogi.sla.compliance import compliance, compliance_reports
from hosplogi.sla.models import (
    Clock,
    ClockState,
    ComplianceReport,
    ComplianceRow,
    SlaColumns,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
)
from hosplogi.sla.replay import evaluate

__all__ = [
    "Clock",
    "ClockState",
    "ComplianceReport",
    "ComplianceRow",
    "SlaColumns",
    "SlaPolicy",
    "SlaStatus",
    "SlaTarget",
    "compliance",
    "compliance_reports",
    "evaluate",
    "evaluate_many",
]
