"""SLA compliance: met and breached counts, met rates and elapsed times per group of orders.

Counted on the column engine's arrays, with numpy per group. :class:`ComplianceCounts` adds up
batches of orders (a Parquet file read a row group at a time, partitions of a Dask frame) and
gives the same report as one call over all of them: counts, rates and mean times exactly, and the
90th percentile exactly too, by keeping the elapsed time of every stopped clock (8 bytes each).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta  # noqa: F401 (UTC: the doctests)
from typing import Literal

import numpy as np

from hosplogi._checks import guarded
from hosplogi._types import brief
from hosplogi.errors import HosplogiError
from hosplogi.orders import WorkOrder
from hosplogi.sla.batch import OrderColumns
from hosplogi.sla.columns import (
    CLOCKS,
    PRIORITIES,
    STOPPED,
    ClockArrays,
    SlaArrays,
    sla_arrays,
)
from hosplogi.sla.models import ComplianceReport, ComplianceRow, SlaPolicy

__all__ = ["ComplianceCounts", "compliance", "compliance_reports"]

_GROUPS = ("priority", "assignee")
_FIELDS = ("count", "cancelled", "met", "breached", "open", "elapsed_sum", "done")


def check_grouping(by: object, clock: object, fields: Iterable[str]) -> None:
    """Refuse an unknown clock or grouping (`fields`: what else may be grouped by).

    Examples
    --------
    >>> check_grouping("colour", "resolution", ["trade"])
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: cannot group by 'colour': give 'priority', 'assignee' or ...
    """
    if clock not in ("response", "resolution"):
        raise HosplogiError(f"clock must be 'response' or 'resolution', got {brief(clock)}")
    fields = list(fields)
    if not isinstance(by, str) or (by not in _GROUPS and by not in fields):
        raise HosplogiError(
            f"cannot group by {brief(by)}: give 'priority', 'assignee' or a WorkOrder field "
            f"({', '.join(f for f in fields if f != 'priority')})"
        )


class ComplianceCounts:
    """Per-group compliance counts of one clock, added up batch by batch.

    Memory: a few integers per group, plus 8 bytes per stopped clock (for the exact 90th
    percentile).

    Examples
    --------
    >>> counts = ComplianceCounts()
    >>> counts.report("trade", "resolution", datetime(2026, 3, 2, tzinfo=UTC)).total.count
    0
    """

    def __init__(self) -> None:
        self.keys: dict[str | None, int] = {}
        self.ints: list[np.ndarray] = []  # per batch: (groups, 6) counts for the groups known then
        self.done_group: list[np.ndarray] = []
        self.done_elapsed: list[np.ndarray] = []
        self.total = np.zeros(6, dtype=np.int64)
        self.total_done: list[np.ndarray] = []

    def code(self, key: str | None) -> int:
        """The group number of `key` (new keys get the next number)."""
        return self.keys.setdefault(key, len(self.keys))

    def add(
        self, clock: ClockArrays, cancelled: np.ndarray, member: np.ndarray, group: np.ndarray
    ) -> None:
        """Count a batch: order ``member[j]`` belongs to the group numbered ``group[j]``."""
        stopped = clock.state == STOPPED
        breached = clock.breached & ~cancelled
        met = ~breached & ~cancelled & stopped
        open_ = ~cancelled & ~breached & ~stopped
        done = (met | breached) & stopped
        per_order = np.stack(
            [
                np.ones(len(cancelled), np.int64),
                cancelled,
                met,
                breached,
                open_,
                np.where(done, clock.elapsed, 0),
            ],
            axis=1,
        ).astype(np.int64)
        self.total += per_order.sum(axis=0)
        self.total_done.append(clock.elapsed[done])
        sums = np.zeros((len(self.keys), 6), dtype=np.int64)
        np.add.at(sums, group, per_order[member])
        self.ints.append(sums)
        keep = done[member]
        self.done_group.append(group[keep])
        self.done_elapsed.append(clock.elapsed[member[keep]])

    def report(
        self, by: str, clock: Literal["response", "resolution"], now: datetime
    ) -> ComplianceReport:
        """The report over every batch added."""
        sums = np.zeros((len(self.keys), 6), dtype=np.int64)
        for part in self.ints:
            sums[: len(part)] += part
        group = np.concatenate([np.zeros(0, np.int64), *self.done_group])
        elapsed = np.concatenate([np.zeros(0, np.int64), *self.done_elapsed])
        order = np.lexsort((elapsed, group))
        group, elapsed = group[order], elapsed[order]
        bounds = np.searchsorted(group, np.arange(len(self.keys) + 1))
        rows = []
        for key in sorted(self.keys, key=lambda k: (k is None, k or "")):
            g = self.keys[key]
            if not sums[g, 0]:
                continue  # a group named but never met (a priority no order has)
            rows.append(_row(key, sums[g], elapsed[bounds[g] : bounds[g + 1]]))
        total_done = np.sort(np.concatenate([np.zeros(0, np.int64), *self.total_done]))
        return ComplianceReport(
            by=by,
            clock=clock,
            now=now,
            rows=tuple(rows),
            total=_row(None, self.total, total_done),
        )


def _row(key: str | None, sums: np.ndarray, done: np.ndarray) -> ComplianceRow:
    """One row from its counts and the sorted elapsed times (µs) of its stopped clocks."""
    count, cancelled, met, breached, open_, elapsed_sum = (int(v) for v in sums)
    decided = met + breached
    n = len(done)
    return ComplianceRow(
        key=key,
        count=count,
        cancelled=cancelled,
        met=met,
        breached=breached,
        open=open_,
        met_rate=met / decided * 100.0 if decided else None,
        mean_elapsed=timedelta(microseconds=elapsed_sum // n) if n else None,
        p90_elapsed=timedelta(microseconds=int(done[max(0, math.ceil(0.9 * n) - 1)]))
        if n
        else None,
    )


def _groups(
    orders: Sequence[WorkOrder], priority: np.ndarray, by: str, counts: ComplianceCounts
) -> tuple[np.ndarray, np.ndarray]:
    """Member order numbers and their group numbers (an order may be in several groups)."""
    if by == "priority":
        codes = np.array([counts.code(p.value) for p in PRIORITIES], dtype=np.int64)
        return np.arange(len(orders)), codes[priority]
    member: list[int] = []
    group: list[int] = []
    code = counts.code
    for i, order in enumerate(orders):
        if by == "assignee":
            keys: Iterable[str | None] = order.assignees or (None,)
        else:
            value = getattr(order, by)
            if isinstance(value, (tuple, list, frozenset, set)):
                keys = tuple(str(v) for v in value) or (None,)
            else:
                keys = (None if value is None else str(value),)
        for key in keys:
            member.append(i)
            group.append(code(key))
    return np.array(member, dtype=np.int64), np.array(group, dtype=np.int64)


@guarded
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
        Rows sorted by key (``None`` last) and the total over all orders. ``p90_elapsed`` is the
        nearest-rank 90th percentile of the stopped clocks' elapsed times.

    Notes
    -----
    The clocks come from the column engine (as :func:`~hosplogi.sla.evaluate_many`); the counts
    are numpy sums per group. Linear in events and in group memberships, but for sorting the
    stopped clocks' times.

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
    check_grouping(by, clock, WorkOrder.model_fields)
    cols = OrderColumns(orders)
    result = sla_arrays(cols.events, policy, now, clocks=(clock,))
    return _report(cols, result, by, clock, now)


@guarded
def compliance_reports(
    orders: Iterable[WorkOrder], policy: SlaPolicy, now: datetime, by: str = "priority"
) -> dict[str, ComplianceReport]:
    """Both clocks' :func:`compliance` reports from one pass over the orders' events.

    Parameters
    ----------
    orders, policy, now, by
        As for :func:`compliance`.

    Returns
    -------
    dict
        ``{"response": report, "resolution": report}``, each equal to :func:`compliance` with
        that `clock`; the orders are read and the column engine runs once, not twice.

    Examples
    --------
    >>> from hosplogi import Priority, SlaTarget, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> o = WorkOrder.report(id="WO-1", title="t", trade="hvac", priority="routine",
    ...                      reported_at=t0, location="L1").dispatch(["T01"], at=t0).start(at=t0)
    >>> reports = compliance_reports([o], policy, t0 + timedelta(hours=5))
    >>> reports["response"].total.met, reports["resolution"].total.breached
    (1, 1)
    """
    check_grouping(by, "resolution", WorkOrder.model_fields)
    cols = OrderColumns(orders)
    return reports_of_clocks(cols, sla_arrays(cols.events, policy, now), now, by)


def reports_of_clocks(
    cols: OrderColumns, clocks: SlaArrays, now: datetime, by: str = "priority"
) -> dict[str, ComplianceReport]:
    """:func:`compliance_reports` of ``cols.orders`` from clocks the caller already has.

    For a caller that needs the clock arrays for something else too (the simulation's scorecard
    reads its on-time rates from them), so the orders' events are read and the clocks computed
    once. Public in this module only, not re-exported.

    Parameters
    ----------
    cols : OrderColumns
    clocks : SlaArrays
        ``sla_arrays(cols.events, policy, now)`` with both clocks.
    now : datetime
        The instant `clocks` were computed at.
    by : str
        As for :func:`compliance`.

    Examples
    --------
    >>> from hosplogi import Priority, SlaTarget, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> o = WorkOrder.report(id="WO-1", title="t", trade="hvac", priority="routine",
    ...                      reported_at=t0, location="L1").dispatch(["T01"], at=t0).start(at=t0)
    >>> now = t0 + timedelta(hours=5)
    >>> cols = OrderColumns([o])
    >>> reports = reports_of_clocks(cols, sla_arrays(cols.events, policy, now), now)
    >>> reports == compliance_reports([o], policy, now)
    True
    """
    check_grouping(by, "resolution", WorkOrder.model_fields)
    return {clock: _report(cols, clocks, by, clock, now) for clock in CLOCKS}


def _report(
    cols: OrderColumns,
    result: SlaArrays,
    by: str,
    clock: Literal["response", "resolution"],
    now: datetime,
) -> ComplianceReport:
    counts = ComplianceCounts()
    member, group = _groups(cols.orders, result.priority, by, counts)
    counts.add(getattr(result, clock), result.cancelled, member, group)
    return counts.report(by, clock, now)
