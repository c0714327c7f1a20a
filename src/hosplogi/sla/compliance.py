"""SLA compliance: met and breached counts, met rates and elapsed times per group of orders."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta  # noqa: F401 (UTC: the doctests)
from typing import Literal

from hosplogi._types import brief
from hosplogi.errors import HosplogiError
from hosplogi.orders import Priority, WorkOrder
from hosplogi.sla.batch import check_orders, column_lists
from hosplogi.sla.models import ComplianceReport, ComplianceRow, SlaPolicy, is_breached
from hosplogi.sla.replay import ReplayContext

__all__ = ["compliance"]

_US = timedelta(microseconds=1)
_GROUPS = ("priority", "assignee")


def _nearest_rank(sorted_values: Sequence[int], q: float) -> int:
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def _row(key: str | None, rows: list[int], clock: _ClockColumns) -> ComplianceRow:
    """Count the orders `rows` (indices into the columns of one clock)."""
    cancelled_col, state_col, elapsed_col, target_col = clock
    met = breached = open_ = cancelled = 0
    done: list[int] = []
    for i in rows:
        elapsed = elapsed_col[i]
        if cancelled_col[i]:
            cancelled += 1
        elif is_breached(elapsed, target_col[i]):
            breached += 1
            if state_col[i] == "stopped":
                done.append(elapsed // _US)
        elif state_col[i] == "stopped":
            met += 1
            done.append(elapsed // _US)
        else:
            open_ += 1
    decided = met + breached
    done.sort()
    return ComplianceRow(
        key=key,
        count=len(rows),
        cancelled=cancelled,
        met=met,
        breached=breached,
        open=open_,
        met_rate=met / decided * 100.0 if decided else None,
        mean_elapsed=timedelta(microseconds=sum(done) // len(done)) if done else None,
        p90_elapsed=timedelta(microseconds=_nearest_rank(done, 0.9)) if done else None,
    )


_ClockColumns = tuple[list[bool], list[str], list[timedelta], list[timedelta]]


def _keys(order: WorkOrder, priority: Priority, by: str) -> tuple[str | None, ...]:
    if by == "priority":
        return (priority.value,)
    if by == "assignee":
        return tuple(order.assignees) or (None,)
    value = getattr(order, by)  # compliance() checked that `by` is a field
    if isinstance(value, (tuple, list, frozenset, set)):
        return tuple(str(v) for v in value) or (None,)
    return (None if value is None else str(value),)


def compliance(
    orders: Iterable[WorkOrder],
    policy: SlaPolicy,
    now: datetime,
    by: str = "priority",
    *,
    clock: Literal["response", "resolution"] = "resolution",
) -> ComplianceReport:
    """Met and breached counts, met rate and elapsed times per group, at `now`.

    Parameters
    ----------
    orders : iterable of WorkOrder
    policy : SlaPolicy
    now : datetime
    by : str
        ``"priority"`` (the priority in force at `now`), ``"assignee"`` (each member of the last
        dispatched team; an order counts once for each) or any WorkOrder attribute
        (``"trade"``, ``"department"``, ``"source"`` …). Tuple values count in each element's group.
    clock : {"resolution", "response"}
        Which clock to report.

    Returns
    -------
    ComplianceReport
        Rows sorted by key (``None`` last) and the total over all orders.

    Examples
    --------
    >>> from hosplogi import Priority, SlaTarget, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> def done(i, hours):
    ...     o = WorkOrder.report(id=f"WO-{i}", title="t", trade="hvac", priority="routine",
    ...                          reported_at=t0, location="L1")
    ...     o = o.dispatch(["T01"], at=t0).start(at=t0)
    ...     return o.complete(at=t0 + timedelta(hours=hours))
    >>> report = compliance([done(1, 2), done(2, 3), done(3, 5)], policy, t0 + timedelta(days=1))
    >>> row = report.rows[0]
    >>> row.key, row.met, row.breached, round(row.met_rate, 1), row.p90_elapsed
    ('routine', 2, 1, 66.7, datetime.timedelta(seconds=18000))
    """
    if clock not in ("response", "resolution"):
        raise HosplogiError(f"clock must be 'response' or 'resolution', got {brief(clock)}")
    if not isinstance(by, str) or (by not in _GROUPS and by not in WorkOrder.model_fields):
        raise HosplogiError(
            f"cannot group by {brief(by)}: give 'priority', 'assignee' or a WorkOrder field "
            f"({', '.join(f for f in WorkOrder.model_fields if f != 'priority')})"
        )
    check_orders(orders)
    ctx = ReplayContext(policy, now)
    listed = list(orders)
    lists = column_lists(listed, ctx)
    columns = (
        lists["cancelled"],
        lists[f"{clock}_state"],
        lists[f"{clock}_elapsed"],
        lists[f"{clock}_target"],
    )
    groups: dict[str | None, list[int]] = {}
    for i, (order, priority) in enumerate(zip(listed, lists["priority"], strict=True)):
        for key in _keys(order, priority, by):
            groups.setdefault(key, []).append(i)
    keys = sorted(groups, key=lambda k: (k is None, k or ""))
    return ComplianceReport(
        by=by,
        clock=clock,
        now=now,
        rows=tuple(_row(k, groups[k], columns) for k in keys),
        total=_row(None, list(range(len(listed))), columns),
    )
