"""An events table checked and grouped by order: the checks every reader of events shares."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hosplogi.errors import HosplogiError
from hosplogi.tables._columns import TableColumns, describe_rows

__all__ = ["GroupedEvents"]


class GroupedEvents:
    """An events table checked and grouped by order (in orders table order), sorted by seq.

    Refuses, naming the column and the first rows: events of an order not in the orders table, an
    order without events, a repeated (order_id, seq) pair or a gap in seq, a mistyped or null
    instant or offset, an offset beyond ±24 h, events out of time order. ``perm`` takes the
    table's rows to grouped order; ``starts``/``counts`` give each order's rows there; ``us`` and
    ``seconds`` are the instants and offsets in grouped order. O(m) when the table is already
    grouped and sorted (as :func:`~hosplogi.tables.events_table` makes it), else O(m log m).
    """

    def __init__(self, events: TableColumns, ids: pa.ChunkedArray, id_list: Sequence[str]) -> None:
        self.columns = events
        seq = np.asarray(events.ints("seq", narrow=True).to_numpy())
        self.size = m = len(seq)
        self._perm: np.ndarray | None = None
        heads = _coded_runs(events.column("order_id", accepts="strings"), ids)
        if heads is None:
            heads = _in_runs(events.text("order_id").combine_chunks(), ids)
        if heads is not None and _numbered(seq, heads):
            counts = np.diff(heads, append=m)
        else:
            position = events.text("order_id").combine_chunks()
            counts = self._sort(events, position, ids, seq, id_list)
        self.counts = counts
        self.starts = starts = np.cumsum(counts) - counts
        us = events.instants("at")
        self._offsets = offsets = events.checked_offsets("offset_s")
        self._seconds: np.ndarray | None = None
        events.check_wall_range("at", us, lambda: np.asarray(offsets.to_numpy()))
        us = self.grouped(us)
        back = us[1:] < us[:-1]
        back[starts[1:] - 1] = False  # an order's first event may be earlier than the last one's
        if back.any():
            at = int(np.flatnonzero(back)[0]) + 1
            order = int(np.searchsorted(starts, at, side="right") - 1)
            raise events.fail(
                "at",
                f"order {id_list[order]!r}: event seq {at - int(starts[order])} is earlier than "
                "the event before it; events must be in time order",
                self.perm[np.flatnonzero(back) + 1],
            )
        self.us = us

    @property
    def seconds(self) -> np.ndarray:
        """The UTC offsets in seconds (int64), in grouped order; made when first asked for."""
        if self._seconds is None:
            self._seconds = self.grouped(np.asarray(self._offsets.to_numpy()))
        return self._seconds

    @property
    def perm(self) -> np.ndarray:
        """The events table's row of each grouped row."""
        if self._perm is None:
            self._perm = np.arange(self.size)
        return self._perm

    def grouped(self, values: np.ndarray) -> np.ndarray:
        """`values`, one per row of the events table, in grouped order."""
        return values if self._perm is None else values[self._perm]

    def _sort(
        self,
        events: TableColumns,
        position: pa.Array,
        ids: pa.ChunkedArray,
        seq: np.ndarray,
        id_list: Sequence[str],
    ) -> np.ndarray:
        """Join the events to the orders by hashing, sort them by order and seq, check seq."""
        found = pc.index_in(position, value_set=ids.combine_chunks())
        orphans = found.is_null().to_numpy(zero_copy_only=False)
        if orphans.any():
            rows = np.flatnonzero(orphans)
            raise events.fail(
                "order_id",
                f"order {position[int(rows[0])].as_py()!r} is not in the orders table",
                rows,
            )
        pos = np.asarray(found.fill_null(0).to_numpy(), dtype=np.int64)
        self._perm = perm = np.lexsort((seq, pos))
        pos, seq = pos[perm], seq[perm]
        counts = np.bincount(pos, minlength=len(id_list))
        if (counts == 0).any():
            empty = np.flatnonzero(counts == 0)
            raise HosplogiError(
                f"orders_table {describe_rows(empty)}: order {id_list[int(empty[0])]!r} has no "
                "events in the events table; every order's log starts with its report event"
            )
        starts = np.cumsum(counts) - counts
        expected = _seq_expected(starts, counts, len(pos))
        if np.array_equal(seq, expected):
            return counts
        first = np.zeros(len(pos), dtype=bool)
        first[starts] = True
        repeated = ~first & (np.diff(seq, prepend=-1) == 0)
        if repeated.any():
            twice = np.flatnonzero(repeated)
            rows = np.unique(np.concatenate([perm[twice - 1], perm[twice]]))
            raise events.fail(
                "seq",
                f"order {id_list[int(pos[repeated][0])]!r} has seq {int(seq[repeated][0])} more "
                "than once; (order_id, seq) pairs must be unique",
                rows,
            )
        gap = seq != expected
        # name where each run of wrong numbers starts, not every row after a gap
        rows = np.sort(perm[gap & (first | ~np.concatenate(([False], gap[:-1])))])
        at = int(np.flatnonzero(gap)[0])
        raise events.fail(
            "seq",
            f"order {id_list[int(pos[at])]!r} has seq {int(seq[at])} where {int(expected[at])} "
            "was expected; seq runs 0, 1, 2, … within each order",
            rows,
        )


def _numbered(seq: np.ndarray, heads: np.ndarray) -> bool:
    """Whether `seq` runs 0, 1, 2, … from each of `heads` (the starts of the orders' rows)."""
    if len(seq) and seq.min() < 0:  # (the differences of non-negative integers never wrap)
        return False
    steps = np.diff(seq) == 1
    steps[heads[1:] - 1] = True
    return bool(steps.all() and not seq[heads].any())


def _seq_expected(starts: np.ndarray, counts: np.ndarray, m: int) -> np.ndarray:
    """0, 1, 2, … within each order's rows."""
    expected = np.arange(m)
    expected -= np.repeat(starts, counts)
    return expected


def _in_runs(position: pa.Array, ids: pa.ChunkedArray) -> np.ndarray | None:
    """Where each order's events start, when they come in runs, one per order in table order.

    That is how :func:`~hosplogi.tables.events_table` and the Parquet files lay them out; the
    check compares neighbours (O(m)) instead of hashing every id. None when they do not.
    """
    m = len(position)
    if m == 0:
        return None
    changes = pc.indices_nonzero(pc.not_equal(position.slice(1), position.slice(0, m - 1)))
    heads = np.concatenate([np.zeros(1, np.int64), changes.to_numpy().astype(np.int64) + 1])
    if len(heads) != len(ids) or not pc.all(pc.equal(position.take(heads), ids)).as_py():
        return None
    return heads


def _coded_runs(column: pa.ChunkedArray, ids: pa.ChunkedArray) -> np.ndarray | None:
    """As :func:`_in_runs`, for order ids dictionary-encoded against the orders' own ids.

    That is how :func:`~hosplogi.tables.read_parquet_tables` gives them (and how pandas
    categoricals arrive): the runs are read off the integer codes, no string is compared but
    the dictionary's. None when the column is not so encoded or not so grouped.
    """
    if column.num_chunks != 1 or not pa.types.is_dictionary(column.type):
        return None
    chunk = column.chunk(0)
    n = len(ids)
    if chunk.null_count or len(chunk) == 0 or len(chunk.dictionary) != n:
        return None
    if not pc.all(pc.equal(chunk.dictionary.cast(pa.string()), ids)).as_py():
        return None
    codes = np.asarray(chunk.indices.to_numpy(zero_copy_only=False))
    steps = np.diff(codes)
    if codes[0] != 0 or codes[-1] != n - 1 or not ((steps == 0) | (steps == 1)).all():
        return None
    return np.concatenate([np.zeros(1, np.int64), np.flatnonzero(steps).astype(np.int64) + 1])
