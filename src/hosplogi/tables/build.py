"""Orders and their event logs as Arrow tables: one row per order, one row per event.

Each column is built in one pass over the orders (or their events) into a Python list and handed
to Arrow whole; no row is appended to Arrow one at a time. Instants are stored as UTC microseconds
(``timestamp[us, tz=UTC]``) with the UTC offset they were recorded in, in seconds, beside them, so
an order read back keeps its offsets exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic_core import PydanticSerializationError

from hosplogi._checks import guarded
from hosplogi._types import require_unique
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, HoldReason, Priority, Source, Status, WorkOrder
from hosplogi.tables._columns import EVENT_SCHEMA, INSTANT, ORDER_SCHEMA

__all__ = ["events_table", "orders_table"]


def _orders(orders: Iterable[WorkOrder]) -> Sequence[WorkOrder]:
    if isinstance(orders, WorkOrder):
        raise HosplogiError("orders must be an iterable of WorkOrder, got one WorkOrder; wrap it")
    orders = list(orders)
    for i, order in enumerate(orders):
        if not isinstance(order, WorkOrder):
            raise HosplogiError(
                f"orders must be WorkOrder objects; item {i} is {type(order).__name__}"
            )
    require_unique((o.id for o in orders), "order ids in a table")
    return orders


def _encodable(order: WorkOrder) -> bool:
    try:
        order.model_dump_json()
    except PydanticSerializationError:
        return False
    return True


def _table(
    columns: Callable[[Sequence[WorkOrder]], dict[str, pa.Array]],
    schema: pa.Schema,
    orders: Sequence[WorkOrder],
) -> pa.Table:
    """The table of `columns` of `orders`, or an error naming an order Arrow cannot store."""
    try:
        return pa.table(columns(orders), schema=schema)
    except UnicodeEncodeError as err:
        order = next((o.id for o in orders if not _encodable(o)), "?")
        raise HosplogiError(
            f"order {order} holds text that is not valid Unicode ({err.reason}: "
            f"{err.object[err.start : err.end]!r}); Arrow, Parquet and JSON store UTF-8 only"
        ) from None


def _enum_column(members: list[StrEnum | None], enum: type[StrEnum]) -> pa.Array:
    codes = {m: i for i, m in enumerate(enum)}
    indices = pa.array([None if m is None else codes[m] for m in members], pa.int8())
    return pa.DictionaryArray.from_arrays(indices, pa.array([m.value for m in enum]))


def _name_column(values: list[str | None]) -> pa.Array:
    return pa.array(values, pa.string()).dictionary_encode()


def _instants(values: list[datetime | None]) -> tuple[pa.Array, pa.Array]:
    """UTC microseconds and the UTC offset in seconds of each instant (null where None)."""
    offsets = pa.array([None if v is None else v.utcoffset() for v in values], pa.duration("s"))
    return pa.array(values, INSTANT), offsets.cast(pa.int64()).cast(pa.int32())


def _int_column(values: Sequence[int | None], type_: pa.DataType, what: str, ids: Any) -> pa.Array:
    try:
        return pa.array(values, type_)
    except (OverflowError, pa.ArrowInvalid):
        limit = 2 ** (type_.bit_width - 1)
        i = next(i for i, v in enumerate(values) if v is not None and not -limit <= v < limit)
        raise HosplogiError(
            f"{what} {values[i]} of order {ids[i]} does not fit a {type_} column "
            f"(at most {limit - 1})"
        ) from None


def _priorities_in_force(order: WorkOrder) -> Iterator[Priority]:
    priority = order.events[0].priority
    for event in order.events:
        priority = event.priority or priority
        assert priority is not None  # a validated log starts with a report, which has one
        yield priority


def _event_columns(orders: Sequence[WorkOrder]) -> dict[str, pa.Array]:
    events = [e for o in orders for e in o.events]
    at, offset = _instants([e.at for e in events])
    return {
        # a code into the orders' ids per event: the readers find each order's run by its codes
        "order_id": pa.DictionaryArray.from_arrays(
            pa.array([i for i, o in enumerate(orders) for _ in o.events], pa.int32()),
            pa.array([o.id for o in orders], pa.string()),
        ),
        "seq": pa.array([i for o in orders for i in range(len(o.events))], pa.int32()),
        "action": _enum_column([e.action for e in events], Action),
        "status": _enum_column([e.status for e in events], Status),
        "at": at,
        "offset_s": offset,
        "by": _name_column([e.by for e in events]),
        "hold_reason": _enum_column([e.hold_reason for e in events], HoldReason),
        "priority": _enum_column([p for o in orders for p in _priorities_in_force(o)], Priority),
        "assignees": pa.array([e.assignees for e in events], pa.list_(pa.string())),
        "note": pa.array([e.note for e in events], pa.string()),
        "rating": pa.array([e.rating for e in events], pa.int8()),
    }


def _order_columns(orders: Sequence[WorkOrder]) -> dict[str, pa.Array]:
    ids = [o.id for o in orders]
    reported_at, reported_offset = _instants([o.reported_at for o in orders])
    due_at, due_offset = _instants([o.due_at for o in orders])
    counts = [r.count for o in orders for r in o.requirements]
    owners = [o.id for o in orders for _ in o.requirements]
    requirements = pa.StructArray.from_arrays(
        [
            pa.array([r.skill for o in orders for r in o.requirements], pa.string()),
            _int_column(counts, pa.int64(), "requirement count", owners),
            pa.array([r.level for o in orders for r in o.requirements], pa.int8()),
        ],
        names=["skill", "count", "level"],
    )
    ends = np.cumsum([0, *(len(o.requirements) for o in orders)], dtype=np.int32)
    return {
        "order_id": pa.array(ids, pa.string()),
        "title": pa.array([o.title for o in orders], pa.string()),
        "trade": _name_column([o.trade for o in orders]),
        "priority": _enum_column([o.priority for o in orders], Priority),
        "status": _enum_column([o.status for o in orders], Status),
        "reported_at": reported_at,
        "reported_offset_s": reported_offset,
        "location": _name_column([o.location for o in orders]),
        "department": _name_column([o.department for o in orders]),
        "asset_id": pa.array([o.asset_id for o in orders], pa.string()),
        "requester": pa.array([o.requester for o in orders], pa.string()),
        "description": pa.array([o.description for o in orders], pa.string()),
        "requirements": pa.ListArray.from_arrays(pa.array(ends), requirements),
        "estimated_minutes": _int_column(
            [o.estimated_minutes for o in orders], pa.int64(), "estimated_minutes", ids
        ),
        "source": _enum_column([o.source for o in orders], Source),
        "due_at": due_at,
        "due_offset_s": due_offset,
        "reference": pa.array([o.reference for o in orders], pa.string()),
        "assignees": pa.array([o.assignees for o in orders], pa.list_(pa.string())),
    }


@guarded
def events_table(orders: Iterable[WorkOrder]) -> pa.Table:
    """One row per event of `orders`, in order and then log order.

    Parameters
    ----------
    orders : iterable of WorkOrder
        Order ids must be unique.

    Returns
    -------
    pyarrow.Table
        Columns (see ``EVENT_SCHEMA``): ``order_id`` (dictionary-encoded: a code into the
        orders' ids, in the orders' order), ``seq`` (0, 1, … within the order),
        ``action``, ``status`` (after the event), ``at`` (``timestamp[us, tz=UTC]``),
        ``offset_s`` (int32: the UTC offset the instant was recorded in, seconds), ``by``,
        ``hold_reason``, ``priority`` (in force after the event), ``assignees``
        (``list<string>``, set on dispatch events), ``note`` and ``rating``. Enum columns and
        ``by`` are dictionary-encoded.

    Raises
    ------
    HosplogiError
        If an item is not a WorkOrder or two orders share an id.

    Notes
    -----
    Linear in the number of events.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    >>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3").dispatch(["T01"], at=t0)
    >>> t = events_table([o])
    >>> t.column("action").to_pylist(), t.column("offset_s").to_pylist()
    (['report', 'dispatch'], [28800, 28800])
    """
    return _table(_event_columns, EVENT_SCHEMA, _orders(orders))


@guarded
def orders_table(orders: Iterable[WorkOrder]) -> pa.Table:
    """One row per order of `orders`, in their order, with every field of the order but its log.

    Parameters
    ----------
    orders : iterable of WorkOrder
        Order ids must be unique.

    Returns
    -------
    pyarrow.Table
        Columns (see ``ORDER_SCHEMA``): ``order_id``, ``title``, ``trade``, ``priority`` (in
        force), ``status``, ``reported_at`` and ``reported_offset_s``, ``location``,
        ``department``, ``asset_id``, ``requester``, ``description``, ``requirements``
        (``list<struct<skill, count, level>>``), ``estimated_minutes``, ``source``, ``due_at``
        and ``due_offset_s``, ``reference``, ``assignees`` (the last dispatch). ``status`` and
        ``assignees`` are derived from the log and checked against it when read back. The event
        log is :func:`events_table`.

    Raises
    ------
    HosplogiError
        If an item is not a WorkOrder, two orders share an id, or a number does not fit its
        column (``estimated_minutes`` and requirement counts are int64).

    Notes
    -----
    Linear in the number of orders and requirements.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3",
    ...                      requirements=[{"skill": "plumbing"}])
    >>> t = orders_table([o])
    >>> t.column("status").to_pylist(), t.column("requirements").to_pylist()
    (['reported'], [[{'skill': 'plumbing', 'count': 1, 'level': 1}]])
    """
    return _table(_order_columns, ORDER_SCHEMA, _orders(orders))
