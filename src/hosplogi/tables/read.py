"""Work orders back from an orders table and an events table, every rule checked.

The tables are checked whole, column by column and with numpy over whole columns, before any
order is built; then every order is validated by :class:`~hosplogi.orders.WorkOrder` itself, so a
log that breaks a lifecycle rule is refused exactly as ``WorkOrder.model_validate_json`` refuses it.
Nothing is returned half-built.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from enum import StrEnum
from itertools import islice
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import ValidationError

from hosplogi._checks import guarded
from hosplogi._types import fixed_zone
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, HoldReason, Priority, Source, Status, WorkOrder
from hosplogi.tables._columns import TableColumns, as_table
from hosplogi.tables._grouped import GroupedEvents

__all__ = ["orders_from_tables"]

_US = 1_000_000
_SETS_PRIORITY = np.array([a in (Action.REPORT, Action.REPRIORITIZE) for a in Action])


def _members(codes: np.ndarray, enum: type[StrEnum]) -> list[Any]:
    """Enum members (None for code -1), in one numpy take."""
    return np.array([*enum, None], dtype=object)[codes].tolist()  # type: ignore[no-any-return]


def _datetimes(us: np.ndarray, seconds: np.ndarray, valid: np.ndarray | None = None) -> list[Any]:
    """Aware datetimes in their recorded UTC offsets (None where not `valid`)."""
    walls = (us + seconds * _US).astype("datetime64[us]").tolist()
    zones = {int(s): fixed_zone(timedelta(seconds=int(s))) for s in np.unique(seconds)}
    out = [w.replace(tzinfo=zones[s]) for w, s in zip(walls, seconds.tolist(), strict=True)]
    if valid is not None and not valid.all():
        out = [d if ok else None for d, ok in zip(out, valid.tolist(), strict=True)]
    return out


def _instant_column(
    columns: TableColumns, name: str, offset_name: str, *, nullable: bool = False
) -> list[Any]:
    us = columns.instants(name, nullable=nullable)
    valid = None
    if nullable:
        valid = columns.table.column(name).is_valid().to_numpy(zero_copy_only=False)
    seconds = columns.offsets(offset_name, valid=valid) if columns.has(offset_name) else us * 0
    columns.check_wall_range(name, us, seconds)
    return _datetimes(us, seconds, valid)


def _order_fields(orders: TableColumns) -> tuple[list[str], list[list[Any]]]:
    """The names and the per-row values of every WorkOrder field the orders table gives."""
    text = {"title": False, "trade": False, "location": False, "description": False}
    text |= {"department": True, "asset_id": True, "requester": True, "reference": True}
    optional = {"description", "department", "asset_id", "requester", "reference"}
    names: list[str] = []
    values: list[list[Any]] = []

    def add(name: str, column: list[Any]) -> None:
        names.append(name)
        values.append(column)

    for name, nullable in text.items():
        if name not in optional or orders.has(name):
            add(name, orders.text(name, nullable=nullable).to_pylist())
    add("priority", _members(orders.codes("priority", Priority), Priority))
    add("reported_at", _instant_column(orders, "reported_at", "reported_offset_s"))
    if orders.has("due_at"):
        add("due_at", _instant_column(orders, "due_at", "due_offset_s", nullable=True))
    if orders.has("requirements"):
        add("requirements", [r or [] for r in orders.requirements("requirements").to_pylist()])
    if orders.has("estimated_minutes"):
        add("estimated_minutes", orders.ints("estimated_minutes").to_pylist())
    if orders.has("source"):
        add("source", _members(orders.codes("source", Source), Source))
    if orders.has("status"):
        add("status", _members(orders.codes("status", Status), Status))
    if orders.has("assignees"):
        add("assignees", [tuple(a or ()) for a in orders.names("assignees").to_pylist()])
    return names, values


class _Events(GroupedEvents):
    """The events table checked, grouped by order (in orders table order) and sorted by seq."""

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every event as a dict of Event fields, in grouped order."""
        c, perm = self.columns, self.perm
        action = self.grouped(c.codes("action", Action))
        priority = self.grouped(c.codes("priority", Priority, nullable=True))
        self.action, self.priority = action, priority
        set_here = _SETS_PRIORITY[action]
        take = pa.array(perm)
        fields = {
            "status": _members(self.grouped(c.codes("status", Status)), Status),
            "at": _datetimes(self.us, self.seconds),
            "action": _members(action, Action),
            "by": c.text("by", nullable=True).take(take).to_pylist() if c.has("by") else None,
            "note": c.text("note", nullable=True).take(take).to_pylist() if c.has("note") else None,
            "hold_reason": _members(
                self.grouped(c.codes("hold_reason", HoldReason, nullable=True)), HoldReason
            )
            if c.has("hold_reason")
            else None,
            "assignees": [tuple(a or ()) for a in c.names("assignees").take(take).to_pylist()]
            if c.has("assignees")
            else None,
            "priority": _members(np.where(set_here, priority, -1), Priority),
            "rating": c.ints("rating", nullable=True).take(take).to_pylist()
            if c.has("rating")
            else None,
        }
        given = {k: v for k, v in fields.items() if v is not None}
        keys = list(given)
        # made one order at a time as they are consumed: holding a dict per event for a whole
        # table would cost memory and garbage-collector passes over them all
        return (dict(zip(keys, row, strict=True)) for row in zip(*given.values(), strict=True))

    def check_priorities(self, id_list: list[str]) -> None:
        """Refuse a ``priority`` (in force) that disagrees with the log's report/reprioritize."""
        n = len(self.action)
        set_here = _SETS_PRIORITY[self.action]
        last = np.maximum.accumulate(np.where(set_here, np.arange(n), 0))
        in_force = self.priority[last]
        wrong = (self.priority != -1) & (self.priority != in_force)
        if wrong.any():
            at = int(np.flatnonzero(wrong)[0])
            order = int(np.searchsorted(self.starts, at, side="right") - 1)
            raise self.columns.fail(
                "priority",
                f"order {id_list[order]!r}: the priority in force after event seq "
                f"{at - int(self.starts[order])} is {list(Priority)[in_force[at]].value} by the "
                f"log, but the table says {list(Priority)[self.priority[at]].value}",
                self.perm[wrong],
            )


@guarded
def orders_from_tables(orders_table: Any, events_table: Any) -> list[WorkOrder]:
    """Build the work orders of `orders_table` with their logs from `events_table`.

    Parameters
    ----------
    orders_table : pyarrow.Table, pandas.DataFrame or polars.DataFrame
        One row per order, as :func:`orders_table` makes it. Required columns: ``order_id``,
        ``title``, ``trade``, ``priority``, ``reported_at``, ``location``; the others take the
        WorkOrder defaults when absent (``status`` and ``assignees`` are then derived from the
        log; when present they are checked against it). A missing offset column means UTC.
    events_table : pyarrow.Table, pandas.DataFrame or polars.DataFrame
        One row per event, as :func:`events_table` makes it, in any row order. Required columns:
        ``order_id``, ``seq``, ``action``, ``status``, ``at``, ``offset_s``, ``priority``
        (in force after the event; it may be null on events other than report and
        reprioritize).

    Returns
    -------
    list of WorkOrder
        In the orders table's row order.

    Raises
    ------
    HosplogiError
        Naming the table, column and first offending rows (0-based): a missing or mistyped
        column, a null where a value is required, an unknown action, status, priority, hold
        reason or source, an offset beyond ±24 h or not a whole minute, an instant outside years
        1–9999, a repeated order id, a repeated (order_id, seq) pair or a gap in seq, events out
        of time order, events of an order not in the orders table, an order with no events, a
        priority in force that disagrees with the log; or naming the order and its rows when
        :class:`~hosplogi.orders.WorkOrder` refuses it (its pydantic ``ValidationError`` is the
        cause).

    Notes
    -----
    Linear in rows, but for sorting the events by (order, seq): O(n log n) in events.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import WorkOrder
    >>> from hosplogi.tables import events_table, orders_table
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    >>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3").dispatch(["T01"], at=t0)
    >>> back = orders_from_tables(orders_table([o]), events_table([o]))
    >>> back == [o], back[0].events[1].at.utcoffset()
    (True, datetime.timedelta(seconds=28800))
    """
    orders = TableColumns(as_table(orders_table, "orders_table"), "orders_table")
    events = TableColumns(as_table(events_table, "events_table"), "events_table")
    ids = orders.text("order_id")
    id_list = ids.to_pylist()
    seen: dict[str, int] = {}
    for row, order_id in enumerate(id_list):
        if seen.setdefault(order_id, row) != row:
            raise orders.fail(
                "order_id",
                f"order id {order_id!r} is repeated; order ids must be unique",
                [seen[order_id], row],
            )
    names, values = _order_fields(orders)
    grouped = _Events(events, ids, id_list)
    logs = grouped.rows()
    starts, counts = grouped.starts.tolist(), grouped.counts.tolist()
    built = []
    for row, (order_id, fields) in enumerate(zip(id_list, zip(*values, strict=True), strict=True)):
        data = dict(zip(names, fields, strict=True))
        data["id"] = order_id
        data["events"] = list(islice(logs, counts[row]))
        try:
            built.append(WorkOrder.model_validate(data))
        except ValidationError as err:
            raise HosplogiError(_refusal(err, order_id, row, grouped.perm, starts[row])) from err
    grouped.check_priorities(id_list)
    return built


def _refusal(err: ValidationError, order_id: str, row: int, perm: np.ndarray, start: int) -> str:
    lines = []
    for e in err.errors():
        loc = e["loc"]
        where = ".".join(str(part) for part in loc) or "order"
        if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
            where += f" (events_table row {int(perm[start + loc[1]])})"
        lines.append(f"{where}: {e['msg']}")
    return f"order {order_id!r} (orders_table row {row}) is refused: " + "; ".join(lines)
