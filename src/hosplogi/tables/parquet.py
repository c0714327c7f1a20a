"""Work orders in a Parquet file: one row per order, its event log nested beside it.

The file holds the columns of :func:`~hosplogi.tables.orders_table` and one more, ``events``: a
``list<struct<…>>`` of the order's event rows, each with the columns of
:func:`~hosplogi.tables.events_table` but ``order_id`` and ``seq`` (the list position is the seq).
An order and its whole log always sit in the same row of the same row group, so a file can be read
a batch of orders at a time with bounded memory, and any Parquet reader (pandas, polars, DuckDB,
Spark) reads it as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hosplogi._checks import guarded
from hosplogi.errors import HosplogiError
from hosplogi.orders import WorkOrder
from hosplogi.tables._columns import EVENT_SCHEMA, ORDER_SCHEMA, TableColumns
from hosplogi.tables.build import events_table, orders_table
from hosplogi.tables.read import orders_from_tables

__all__ = [
    "FILE_SCHEMA",
    "iter_parquet_batches",
    "iter_parquet_tables",
    "read_parquet",
    "read_parquet_tables",
    "write_parquet",
]

_NESTED = [f for f in EVENT_SCHEMA if f.name not in ("order_id", "seq")]
FILE_SCHEMA = pa.schema(
    [*ORDER_SCHEMA, pa.field("events", pa.list_(pa.struct(_NESTED)), nullable=False)],
    metadata={"hosplogi.tables": "1"},
)
"""The schema of a file :func:`write_parquet` writes: the orders table plus a nested ``events``."""

Path = str | os.PathLike[str]


def _nested_table(orders: list[WorkOrder]) -> pa.Table:
    events = events_table(orders)
    ends = np.cumsum([0, *(len(o.events) for o in orders)], dtype=np.int32)
    struct = pa.StructArray.from_arrays(
        [events.column(f.name).combine_chunks() for f in _NESTED], fields=_NESTED
    )
    nested = pa.ListArray.from_arrays(pa.array(ends), struct)
    return orders_table(orders).append_column("events", nested).cast(FILE_SCHEMA)


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise HosplogiError(f"{name} must be a whole number of orders, 1 or more, got {value!r}")
    return value


@guarded
def write_parquet(orders: Iterable[WorkOrder], path: Path, *, row_group_size: int = 50_000) -> None:
    """Write `orders` with their event logs to one Parquet file at `path`.

    Parameters
    ----------
    orders : iterable of WorkOrder
        Consumed `row_group_size` orders at a time; ids must be unique.
    path : str or os.PathLike
        Overwritten if it exists.
    row_group_size : int
        Orders per row group: the unit :func:`iter_parquet_batches` reads at once.

    Raises
    ------
    HosplogiError
        If an item is not a WorkOrder, two orders share an id, or `row_group_size` is not a
        positive integer.

    Notes
    -----
    Memory: one row group's orders as tables, plus the set of ids seen so far. The layout is
    the module's: ``orders_table`` columns plus a nested ``events`` column (``FILE_SCHEMA``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    >>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3").dispatch(["T01"], at=t0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_parquet([o], pathlib.Path(folder) / "orders.parquet")
    ...     read_parquet(pathlib.Path(folder) / "orders.parquet") == [o]
    True
    """
    size = _positive(row_group_size, "row_group_size")
    if isinstance(orders, WorkOrder):
        raise HosplogiError("orders must be an iterable of WorkOrder, got one WorkOrder; wrap it")
    seen: set[str] = set()
    items = iter(orders)
    with pq.ParquetWriter(path, FILE_SCHEMA) as writer:
        while chunk := list(islice(items, size)):
            table = _nested_table(chunk)  # checks the items and the ids within the chunk
            again = next((o.id for o in chunk if o.id in seen), None)
            if again is not None:
                raise HosplogiError(f"order ids in a table must be unique; got {again} twice")
            seen.update(o.id for o in chunk)
            writer.write_table(table, row_group_size=size)


def _split(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The orders table and the flat events table of one table in the file's layout."""
    columns = TableColumns(table, "parquet file")
    accepts = "lists of event structs (the file layout of hosplogi.tables.write_parquet)"
    events = columns.column("events", accepts=accepts)
    t = events.type
    if not (
        (pa.types.is_list(t) or pa.types.is_large_list(t)) and pa.types.is_struct(t.value_type)
    ):
        columns.column("events", accepts=accepts, fits=False)
    ids = columns.text("order_id").combine_chunks()
    parents, seqs, flats, base = [], [], [], 0
    for chunk in events.chunks:
        if chunk.null_count:
            lengths = pc.list_value_length(chunk).fill_null(0).to_numpy()
        else:
            lengths = np.diff(chunk.offsets.to_numpy())
        total = int(lengths.sum())
        narrow = np.int32 if total < 2**31 else np.int64
        starts = (np.cumsum(lengths) - lengths).astype(narrow)
        parents.append(np.repeat(np.arange(base, base + len(chunk), dtype=np.int32), lengths))
        seqs.append(np.subtract(np.arange(total, dtype=narrow), np.repeat(starts, lengths)))
        flats.append(chunk.flatten())
        base += len(chunk)
    struct_type = t.value_type
    flat = pa.chunked_array(flats, type=struct_type)
    order = np.concatenate(parents) if parents else np.zeros(0, np.int32)
    seq = np.concatenate(seqs) if seqs else np.zeros(0, np.int32)
    nested = {
        f.name: pa.chunked_array([c.field(f.name) for c in flat.chunks], type=f.type)
        for f in struct_type
    }
    # each event's order id as a code into the orders' ids: no string is copied
    order_ids = pa.DictionaryArray.from_arrays(pa.array(order, pa.int32()), ids)
    flat_events = pa.table({"order_id": order_ids, "seq": pa.array(seq, pa.int32()), **nested})
    return table.drop_columns(["events"]), flat_events


def _not_parquet(path: Path, err: Exception) -> HosplogiError:
    return HosplogiError(f"{os.fspath(path)!r} cannot be read as a Parquet file: {err}")


def _leaves(file: pq.ParquetFile, columns: Iterable[str] | None) -> list[str] | None:
    """The file's leaf column paths that `columns` asks for (None: every column).

    `columns` names orders-table columns and event fields as ``events.<field>``; ``order_id``
    and the ``events`` list itself always come. Names the file does not have are left out: the
    reader of the tables names a missing column it needs.
    """
    if columns is None:
        return None
    if isinstance(columns, str):
        raise HosplogiError(
            f"columns must be an iterable of column names, got the string {columns!r}; wrap it"
        )
    wanted = {"order_id", *(_text(c, "columns") for c in columns)}
    paths = [file.schema.column(i).path for i in range(file.metadata.num_columns)]
    leaves = []
    for path in paths:
        top, _, rest = path.partition(".")
        field = rest.split(".")[2] if top == "events" and rest.count(".") >= 2 else None
        if top in wanted or (field is not None and f"events.{field}" in wanted):
            leaves.append(path)
    if not any(p.startswith("events.") for p in leaves):  # keep the logs' lengths
        leaves += [p for p in paths if p.startswith("events.")][:1]
    return leaves


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise HosplogiError(f"{name} must hold column names (strings), got {value!r}")
    return value


def _open(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise _not_parquet(path, err) from None


@guarded
def read_parquet_tables(
    path: Path, *, columns: Iterable[str] | None = None
) -> tuple[pa.Table, pa.Table]:
    """The orders table and the events table of a file :func:`write_parquet` wrote.

    No order is built: this is the column path for large files and for other engines.

    Parameters
    ----------
    path : str or os.PathLike
    columns : iterable of str, optional
        Read only these: orders-table columns by name, event fields as ``events.<field>``
        (``order_id`` and each event's ``order_id`` and ``seq`` always come). Parquet stores
        columns apart, so the others are never decoded.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_parquet([o, o.model_copy(update={"id": "WO-2"})], pathlib.Path(folder) / "o.pq")
    ...     orders, events = read_parquet_tables(pathlib.Path(folder) / "o.pq")
    >>> orders.num_rows, events.column("order_id").to_pylist()
    (2, ['WO-1', 'WO-2'])
    """
    with _open(path) as file:
        leaves = _leaves(file, columns)
        if leaves is None:
            try:
                table = pq.read_table(path)
            except pa.ArrowInvalid as err:
                raise _not_parquet(path, err) from None
        else:
            # one row group at a time: Arrow reads nested columns no other way
            batches = [
                batch
                for group in range(file.num_row_groups)
                for batch in file.iter_batches(row_groups=[group], columns=leaves)
            ]
            table = pa.Table.from_batches(batches, schema=_read_schema(file, leaves))
    return _split(table)


def _read_schema(file: pq.ParquetFile, leaves: list[str] | None) -> pa.Schema:
    """The Arrow schema of `leaves` of `file` (an empty read: no row is decoded)."""
    return file.schema_arrow if leaves is None else file.read_row_groups([], columns=leaves).schema


@guarded
def read_parquet(path: Path) -> list[WorkOrder]:
    """The orders of a file :func:`write_parquet` wrote, every log checked as on any read.

    Raises
    ------
    HosplogiError
        As :func:`~hosplogi.tables.orders_from_tables` raises it; a missing ``events`` column is
        named as a column of the "parquet file".

    Examples
    --------
    See :func:`write_parquet`.
    """
    return orders_from_tables(*read_parquet_tables(path))


@guarded
def iter_parquet_tables(
    path: Path, batch_size: int = 10_000, *, columns: Iterable[str] | None = None
) -> Iterator[tuple[pa.Table, pa.Table]]:
    """Yield (orders table, events table) pairs of at most `batch_size` orders each.

    Memory is bounded by one row group being decoded plus one batch, whatever the file's size.
    `columns` chooses what is read, as for :func:`read_parquet_tables`.

    Examples
    --------
    See :func:`iter_parquet_batches`.
    """
    size = _positive(batch_size, "batch_size")
    with _open(path) as file:
        leaves = _leaves(file, columns)
        schema = _read_schema(file, leaves)
        pending, count = [], 0
        # Arrow reads nested columns one row group at a time, so batches are cut per row group
        # and joined here to `size` orders.
        for group in range(file.num_row_groups):
            for batch in file.iter_batches(batch_size=size, row_groups=[group], columns=leaves):
                pending.append(batch)
                count += batch.num_rows
                while count >= size:
                    table = pa.Table.from_batches(pending, schema=schema)
                    yield _split(table.slice(0, size))
                    pending, count = table.slice(size).to_batches(), count - size
        if count:
            yield _split(pa.Table.from_batches(pending, schema=schema))


@guarded
def iter_parquet_batches(path: Path, batch_size: int = 10_000) -> Iterator[list[WorkOrder]]:
    """Yield the orders of a Parquet file as lists of at most `batch_size` orders, in file order.

    Each batch is checked as :func:`read_parquet` checks a whole file, but order ids are checked
    for repeats only within a batch. Memory is bounded by one row group being decoded plus one
    batch of orders.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = WorkOrder.report(id="WO-0", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3")
    >>> orders = [o.model_copy(update={"id": f"WO-{i}"}) for i in range(5)]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_parquet(orders, pathlib.Path(folder) / "o.pq", row_group_size=2)
    ...     [len(b) for b in iter_parquet_batches(pathlib.Path(folder) / "o.pq", batch_size=3)]
    [3, 2]
    """
    for orders, events in iter_parquet_tables(path, batch_size):
        yield orders_from_tables(orders, events)
