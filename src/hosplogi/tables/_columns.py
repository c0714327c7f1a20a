"""The columns of the order and event tables: their Arrow types, and the checks that read them.

Every reader here takes one column of a table given by a caller (an Arrow table, or a pandas or
polars frame converted through Arrow), checks its type and its nulls, and returns it in one
canonical form, or raises a HosplogiError naming the table, the column and the first offending
rows (0-based positions in that table). Each reader is linear in the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hosplogi._types import brief
from hosplogi.errors import HosplogiError

__all__ = [
    "DAY_SECONDS",
    "ENUM",
    "EVENT_SCHEMA",
    "INSTANT",
    "NAME",
    "ORDER_SCHEMA",
    "REQUIREMENT",
    "TableColumns",
    "as_table",
    "describe_rows",
]

INSTANT = pa.timestamp("us", tz="UTC")
"""Instants are stored as UTC microseconds, with the UTC offset they were given in beside them."""
ENUM = pa.dictionary(pa.int8(), pa.string())
"""An enum column: codes into the enum's values, in the enum's order."""
NAME = pa.dictionary(pa.int32(), pa.string())
"""A string column of few distinct values (trades, locations, people): dictionary-encoded."""
REQUIREMENT = pa.struct([("skill", pa.string()), ("count", pa.int64()), ("level", pa.int8())])
DAY_SECONDS = 86_400
_SHOWN = 5
_US = 1_000_000
# The wall-clock microseconds since 1970 that a Python datetime can hold (years 1 to 9999).
_WALL_MIN = (datetime.min - datetime(1970, 1, 1)) // np.timedelta64(1, "us").item()
_WALL_MAX = (datetime.max - datetime(1970, 1, 1)) // np.timedelta64(1, "us").item()

EVENT_SCHEMA = pa.schema(
    [
        ("order_id", pa.dictionary(pa.int32(), pa.string()), False),
        ("seq", pa.int32(), False),
        ("action", ENUM, False),
        ("status", ENUM, False),
        ("at", INSTANT, False),
        ("offset_s", pa.int32(), False),
        ("by", NAME),
        ("hold_reason", ENUM),
        ("priority", ENUM, False),
        ("assignees", pa.list_(pa.string()), False),
        ("note", pa.string()),
        ("rating", pa.int8()),
    ]
)
"""The columns of :func:`~hosplogi.tables.events_table`, one row per event."""

ORDER_SCHEMA = pa.schema(
    [
        ("order_id", pa.string(), False),
        ("title", pa.string(), False),
        ("trade", NAME, False),
        ("priority", ENUM, False),
        ("status", ENUM, False),
        ("reported_at", INSTANT, False),
        ("reported_offset_s", pa.int32(), False),
        ("location", NAME, False),
        ("department", NAME),
        ("asset_id", pa.string()),
        ("requester", pa.string()),
        ("description", pa.string(), False),
        ("requirements", pa.list_(REQUIREMENT), False),
        ("estimated_minutes", pa.int64(), False),
        ("source", ENUM, False),
        ("due_at", INSTANT),
        ("due_offset_s", pa.int32()),
        ("reference", pa.string()),
        ("assignees", pa.list_(pa.string()), False),
    ]
)
"""The columns of :func:`~hosplogi.tables.orders_table`, one row per order."""


@cache
def _values(enum: type[StrEnum]) -> pa.Array:
    # Built on first use: pyarrow imports pandas (when installed) on its first pa.array call.
    return pa.array([m.value for m in enum], pa.string())


def _bad_offsets(seconds: np.ndarray) -> np.ndarray:
    return np.asarray((seconds <= -DAY_SECONDS) | (seconds >= DAY_SECONDS) | (seconds % 60 != 0))


_UNKNOWN = -2
_NO_CODES = np.zeros(0, dtype=np.int8)


def _chunk_codes(chunk: pa.Array, enum: type[StrEnum]) -> np.ndarray:
    """Codes into ``list(enum)`` of one string chunk: -1 where null, ``_UNKNOWN`` where unknown.

    A dictionary chunk is looked up once per dictionary entry and expanded with one numpy take.
    """
    if not pa.types.is_dictionary(chunk.type):
        chunk = chunk.cast(pa.string()).dictionary_encode()
    found = pc.index_in(chunk.dictionary.cast(pa.string()), value_set=_values(enum))
    table = np.append(found.fill_null(_UNKNOWN).to_numpy(zero_copy_only=False), -1).astype(np.int8)
    indices = chunk.indices
    if indices.null_count:
        indices = indices.fill_null(len(table) - 1)
    return np.asarray(table[indices.to_numpy(zero_copy_only=False)])


def as_table(data: Any, what: str) -> pa.Table:
    """Return `data` as a ``pyarrow.Table``: a table, a record batch, a pandas or polars frame.

    pandas and polars are never imported: a frame is recognised by its type's module and converted
    through Arrow (``pyarrow.Table.from_pandas``, ``polars.DataFrame.to_arrow``).
    """
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".", 1)[0]
    if module == "pandas" and type(data).__name__ == "DataFrame":
        return pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars" and type(data).__name__ == "DataFrame":
        return data.to_arrow()
    raise HosplogiError(
        f"{what} must be a pyarrow.Table, a pyarrow.RecordBatch, a pandas.DataFrame or a "
        f"polars.DataFrame, got {type(data).__name__} {brief(data)}"
    )


def describe_rows(rows: Any, shown: int = _SHOWN) -> str:
    """``'rows 3, 7'``: the first `shown` of `rows` (0-based), and how many more there are."""
    rows = [int(r) for r in np.asarray(rows).ravel()[: shown + 1]]
    head = ", ".join(str(r) for r in rows[:shown])
    more = " and more" if len(rows) > shown else ""
    return f"row{'s' if len(rows) > 1 else ''} {head}{more}"


def _is_string(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_string_view(t)
        or pa.types.is_null(t)
    )


def _is_list(t: pa.DataType) -> bool:
    return bool(
        pa.types.is_list(t)
        or pa.types.is_large_list(t)
        or pa.types.is_list_view(t)
        or pa.types.is_large_list_view(t)
    )


class TableColumns:
    """Typed, null-checked access to the columns of one caller's table."""

    def __init__(self, table: pa.Table, what: str) -> None:
        self.table = table
        self.what = what
        self.rows = table.num_rows

    def has(self, name: str) -> bool:
        """Whether the table has a column `name`."""
        return name in self.table.column_names

    def fail(self, name: str, problem: str, rows: Any = None) -> HosplogiError:
        """An error naming this table, the column `name` and, when given, the first `rows`."""
        where = "" if rows is None else f", {describe_rows(rows)}"
        return HosplogiError(f"{self.what} column {name!r}{where}: {problem}")

    def column(self, name: str, *, accepts: str, fits: bool | None = None) -> pa.ChunkedArray:
        """The column `name`; a missing column, or one of a type `fits` refuses, is an error."""
        if not self.has(name):
            raise HosplogiError(
                f"{self.what} has no column {name!r} ({accepts}); it has: "
                f"{', '.join(self.table.column_names) or 'no columns'}"
            )
        column = self.table.column(name)
        if fits is False:
            raise self.fail(name, f"has type {column.type}; expected {accepts}")
        return column

    def _no_nulls(self, name: str, column: pa.ChunkedArray, nullable: bool) -> None:
        if not nullable and column.null_count:
            nulls = np.flatnonzero(pc.is_null(column).to_numpy(zero_copy_only=False))
            raise self.fail(name, "is empty (null) where a value is required", nulls)

    def text(self, name: str, *, nullable: bool = False) -> pa.ChunkedArray:
        """A string column as ``string`` (dictionary, large and view strings accepted)."""
        accepts = "strings"
        column = self.column(name, accepts=accepts)
        if not _is_string(column.type):
            self.column(name, accepts=accepts, fits=False)
        self._no_nulls(name, column, nullable)
        return column.cast(pa.string())

    def codes(self, name: str, enum: type[StrEnum], *, nullable: bool = False) -> np.ndarray:
        """An enum column as codes into ``list(enum)`` (-1 where null); unknown values refused."""
        accepts = f"strings, one of: {', '.join(m.value for m in enum)}"
        column = self.column(name, accepts=accepts)
        if not _is_string(column.type):
            self.column(name, accepts=accepts, fits=False)
        self._no_nulls(name, column, nullable)
        codes = np.concatenate([_chunk_codes(c, enum) for c in column.chunks] or [_NO_CODES])
        unknown = codes == _UNKNOWN
        if unknown.any():
            rows = np.flatnonzero(unknown)
            value = column[int(rows[0])].as_py()
            raise self.fail(name, f"unknown value {brief(value)}; {accepts}", rows)
        return codes

    def ints(self, name: str, *, nullable: bool = False, narrow: bool = False) -> pa.ChunkedArray:
        """An integer column as ``int64`` (whole floats, as pandas makes of nullable ints, too).

        `narrow`: a signed integer column is given as it is (no widened copy).
        """
        accepts = "integers"
        column = self.column(name, accepts=accepts)
        t = column.type
        if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_null(t)):
            self.column(name, accepts=accepts, fits=False)
        self._no_nulls(name, column, nullable)
        if narrow and pa.types.is_signed_integer(t):
            return column
        if pa.types.is_floating(t):
            bad = pc.and_kleene(
                pc.is_valid(column),
                pc.or_(
                    pc.invert(pc.is_finite(column)),
                    pc.or_(
                        pc.not_equal(column, pc.floor(column)), pc.greater(pc.abs(column), 2**53)
                    ),
                ),
            )
            if pc.any(bad).as_py():
                rows = np.flatnonzero(bad.fill_null(False).to_numpy(zero_copy_only=False))
                value = column[int(rows[0])].as_py()
                raise self.fail(name, f"{brief(value)} is not a whole number; {accepts}", rows)
        try:
            return column.cast(pa.int64())
        except (pa.ArrowInvalid, OverflowError):
            top = pa.scalar(2**63 - 1, t if pa.types.is_unsigned_integer(t) else pa.int64())
            too_big = pc.greater(column, top).fill_null(False)
            rows = np.flatnonzero(too_big.to_numpy(zero_copy_only=False))
            raise self.fail(name, "is out of the range of 64-bit integers", rows) from None

    def instants(self, name: str, *, nullable: bool = False) -> np.ndarray:
        """A timezone-aware timestamp column as UTC microseconds (0 where null)."""
        accepts = "timezone-aware timestamps, e.g. timestamp[us, tz=UTC]"
        column = self.column(name, accepts=accepts)
        t = column.type
        if pa.types.is_timestamp(t) and t.tz is None:
            raise self.fail(
                name,
                f"has type {t}, naive timestamps; give the instants in UTC (tz='UTC') and their "
                "UTC offsets in the offset column",
            )
        if not (pa.types.is_timestamp(t) or pa.types.is_null(t)):
            self.column(name, accepts=accepts, fits=False)
        self._no_nulls(name, column, nullable)
        try:
            column = column.cast(INSTANT)
        except pa.ArrowInvalid as err:
            raise self.fail(name, f"cannot be held to the microsecond: {err}") from None
        column = column.cast(pa.int64())
        return np.asarray((column.fill_null(0) if column.null_count else column).to_numpy())

    def offsets(self, name: str, *, valid: np.ndarray | None = None) -> np.ndarray:
        """A UTC offset column in seconds: whole minutes strictly within ±24 h (0 where null).

        `valid` marks the rows that need an offset (those with an instant); others may be null.
        """
        column = self.checked_offsets(name, valid=valid)
        return np.asarray((column.fill_null(0) if column.null_count else column).to_numpy())

    def checked_offsets(self, name: str, *, valid: np.ndarray | None = None) -> pa.ChunkedArray:
        """:meth:`offsets` checked but left as an int64 Arrow column (no numpy copy is made).

        The checks read the column's distinct values (a table holds a handful of offsets).
        """
        column = self.ints(name, nullable=valid is not None)
        if valid is not None:
            missing = valid & pc.is_null(column).to_numpy(zero_copy_only=False)
            if missing.any():
                raise self.fail(name, "is empty (null) beside an instant", np.flatnonzero(missing))
        distinct = pc.unique(column).drop_null().to_numpy()
        if _bad_offsets(distinct).any():
            seconds = np.asarray(column.fill_null(0).to_numpy())
            rows = np.flatnonzero(_bad_offsets(seconds))
            raise self.fail(
                name,
                f"UTC offset {int(seconds[rows[0]])} s is not a whole number of minutes strictly "
                f"between -{DAY_SECONDS} and {DAY_SECONDS} seconds (±24 h)",
                rows,
            )
        return column

    def check_wall_range(
        self, name: str, us: np.ndarray, seconds: np.ndarray | Callable[[], np.ndarray]
    ) -> None:
        """Refuse instants whose wall-clock time falls outside years 1 to 9999.

        `seconds` (the UTC offsets) may be given as a function making them: they are needed
        only when some instant lies within a day of those limits.
        """
        day = DAY_SECONDS * _US  # offsets lie within ±24 h: most tables need no row-wise check
        if len(us) == 0 or _WALL_MIN + day <= us.min() <= us.max() <= _WALL_MAX - day:
            return
        if callable(seconds):
            seconds = seconds()
        wall = us + seconds * _US
        bad = (wall < _WALL_MIN) | (wall > _WALL_MAX) | (us < _WALL_MIN) | (us > _WALL_MAX)
        if bad.any():
            raise self.fail(
                name,
                "instant falls outside the supported range of years 1 to 9999",
                np.flatnonzero(bad),
            )

    def names(self, name: str) -> pa.ChunkedArray:
        """A list-of-strings column as ``list<string>`` (null rows read as empty lists)."""
        accepts = "lists of strings"
        column = self.column(name, accepts=accepts)
        t = column.type
        if not (pa.types.is_null(t) or (_is_list(t) and _is_string(t.value_type))):
            self.column(name, accepts=accepts, fits=False)
        return column.cast(pa.list_(pa.string()))

    def requirements(self, name: str) -> pa.ChunkedArray:
        """A list-of-requirements column as ``list<struct<skill, count, level>>``."""
        accepts = "lists of struct<skill: string, count: int, level: int>"
        column = self.column(name, accepts=accepts)
        t = column.type
        ok = pa.types.is_null(t) or (
            _is_list(t)
            and (
                pa.types.is_null(t.value_type)
                or (
                    pa.types.is_struct(t.value_type)
                    and sorted(f.name for f in t.value_type) == ["count", "level", "skill"]
                    and _is_string(t.value_type.field("skill").type)
                    and all(
                        pa.types.is_integer(t.value_type.field(f).type)
                        or pa.types.is_null(t.value_type.field(f).type)
                        for f in ("count", "level")
                    )
                )
            )
        )
        if not ok:
            self.column(name, accepts=accepts, fits=False)
        self._no_nulls(name, column, nullable=False)
        # Arrow casts structs field by field by name, so any field order is accepted.
        wide = pa.struct([("skill", pa.string()), ("count", pa.int64()), ("level", pa.int64())])
        return column.cast(pa.list_(wide))
