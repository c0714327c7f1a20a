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
        position = events.text("order_id")
        found = pc.index_in(position, value_set=ids.combine_chunks())
        orphans = found.is_null().to_numpy(zero_copy_only=False)
        if orphans.any():
            rows = np.flatnonzero(orphans)
            raise events.fail(
                "order_id",
                f"order {position[int(rows[0])].as_py()!r} is not in the orders table",
                rows,
            )
        pos = found.fill_null(0).to_numpy().astype(np.int64)
        seq = events.ints("seq").to_numpy()
        ordered = len(pos) < 2 or bool(
            np.all((np.diff(pos) > 0) | ((np.diff(pos) == 0) & (np.diff(seq) > 0)))
        )
        perm = np.arange(len(pos)) if ordered else np.lexsort((seq, pos))
        self.perm = perm
        pos, seq = pos[perm], seq[perm]
        counts = np.bincount(pos, minlength=len(id_list))
        if (counts == 0).any():
            empty = np.flatnonzero(counts == 0)
            raise HosplogiError(
                f"orders_table {describe_rows(empty)}: order {id_list[int(empty[0])]!r} has no "
                "events in the events table; every order's log starts with its report event"
            )
        starts = np.cumsum(counts) - counts
        self.starts, self.counts = starts, counts
        first = np.zeros(len(pos), dtype=bool)
        first[starts] = True
        expected = np.arange(len(pos)) - np.repeat(starts, counts)
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
        if gap.any():
            # name where each run of wrong numbers starts, not every row after a gap
            rows = np.sort(perm[gap & (first | ~np.concatenate(([False], gap[:-1])))])
            at = int(np.flatnonzero(gap)[0])
            raise events.fail(
                "seq",
                f"order {id_list[int(pos[at])]!r} has seq {int(seq[at])} where {int(expected[at])} "
                "was expected; seq runs 0, 1, 2, … within each order",
                rows,
            )
        us = events.instants("at")
        seconds = events.offsets("offset_s")
        events.check_wall_range("at", us, seconds)
        us, seconds = us[perm], seconds[perm]
        back = ~first & (np.diff(us, prepend=us[:1]) < 0)
        if back.any():
            at = int(np.flatnonzero(back)[0])
            raise events.fail(
                "at",
                f"order {id_list[int(pos[at])]!r}: event seq {int(seq[at])} is earlier than the "
                "event before it; events must be in time order",
                perm[back],
            )
        self.us, self.seconds = us, seconds
