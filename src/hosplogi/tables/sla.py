"""SLA clocks and compliance on tables: Arrow columns in, the column engine of :mod:`hosplogi.sla`.

An adapter with no rule of its own. The tables are checked whole (types, nulls, codes, grouping,
time order and the lifecycle moves of every log, with numpy over whole columns), turned into the
engine's :class:`~hosplogi.sla.columns.EventColumns` without building an order, and the engine's
arrays become an Arrow table. :func:`sla_parquet` and :func:`compliance_parquet` do the same over
a Parquet file a batch at a time, in bounded memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hosplogi._checks import guarded
from hosplogi._types import fixed_zone
from hosplogi.errors import HosplogiError
from hosplogi.orders import TRANSITIONS, Action, HoldReason, Priority, Status, WorkOrder
from hosplogi.sla import ComplianceReport, SlaPolicy
from hosplogi.sla.columns import NONE, STATES, ClockArrays, EventColumns, SlaArrays, sla_arrays
from hosplogi.sla.compliance import ComplianceCounts, check_grouping
from hosplogi.tables._columns import INSTANT, TableColumns, as_table
from hosplogi.tables._grouped import GroupedEvents
from hosplogi.tables.parquet import iter_parquet_tables

__all__ = ["compliance_parquet", "compliance_table", "sla_parquet", "sla_table"]

_ACTIONS, _STATUSES = list(Action), list(Status)
_A = {a: i for i, a in enumerate(_ACTIONS)}
_S = {s: i for i, s in enumerate(_STATUSES)}
_SETS_PRIORITY = np.array([a in (Action.REPORT, Action.REPRIORITIZE) for a in _ACTIONS])
_BEFORE_HOLD = -2
_ALLOWED = np.zeros(len(_ACTIONS) * len(_STATUSES), dtype=bool)
_EXPECTED = np.full(len(_ACTIONS) * len(_STATUSES), -1, dtype=np.int16)
for _action, (_sources, _target) in TRANSITIONS.items():
    for _source in Status:
        _move = _A[_action] * len(_STATUSES) + _S[_source]
        _ALLOWED[_move] = _source in _sources
        if _target is not None:
            _EXPECTED[_move] = _S[_target]
        else:  # RESUME: back to the status before the hold; REPRIORITIZE: unchanged
            _EXPECTED[_move] = _BEFORE_HOLD if _action is Action.RESUME else _S[_source]

# (action, status before, status after) → a legal move; RESUME's status is checked apart
_LEGAL = (
    _ALLOWED[:, None]
    & ((_EXPECTED[:, None] == np.arange(len(_STATUSES))) | (_EXPECTED[:, None] == _BEFORE_HOLD))
).ravel()
_LEGAL[_A[Action.REPORT] * len(_STATUSES) ** 2 : (_A[Action.REPORT] + 1) * len(_STATUSES) ** 2] = (
    False
)


@cache
def _dictionary(values: tuple[str, ...]) -> pa.Array:
    # Built on first use: pyarrow imports pandas (when installed) on its first pa.array call.
    return pa.array(values, pa.string())


class _Ids(Sequence[str]):
    """Order ids by position, read one at a time (only error messages need them)."""

    def __init__(self, ids: pa.ChunkedArray) -> None:
        self.ids = ids

    def __getitem__(self, i: Any) -> Any:
        return str(self.ids[int(i)].as_py())

    def __len__(self) -> int:
        return len(self.ids)


def _refuse_repeated(orders: TableColumns, ids: pa.Array) -> None:
    """Refuse an order id given twice (a sort, then neighbours compared)."""
    ranked = ids.take(pc.sort_indices(ids))
    n = len(ranked)
    if n < 2 or not pc.any(pc.equal(ranked.slice(1), ranked.slice(0, n - 1))).as_py():
        return
    codes = ids.dictionary_encode().indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)
    again = int(np.setdiff1d(np.arange(n), first)[0])
    raise orders.fail(
        "order_id",
        f"order id {ids[again].as_py()!r} is repeated; order ids must be unique",
        np.flatnonzero(codes == codes[again]),
    )


class _Checked:
    """The orders and events tables checked, as the engine's event columns."""

    def __init__(self, orders_table: Any, events_table: Any) -> None:
        self.orders = orders = TableColumns(as_table(orders_table, "orders_table"), "orders_table")
        events = TableColumns(as_table(events_table, "events_table"), "events_table")
        self.ids = ids = orders.text("order_id")
        _refuse_repeated(orders, ids.combine_chunks())
        names = _Ids(ids)
        self.names = names
        self.grouped = grouped = GroupedEvents(events, ids, names)
        self.action = grouped.grouped(events.codes("action", Action))
        self.status = grouped.grouped(events.codes("status", Status))
        self.hold = grouped.grouped(events.codes("hold_reason", HoldReason, nullable=True))
        given = grouped.grouped(events.codes("priority", Priority, nullable=True))
        self.us = grouped.us
        self.starts = grouped.starts
        self.offsets = np.append(grouped.starts, grouped.size).astype(np.int64)
        self.events = events
        self.priority = self._priorities(given)
        self._lifecycle()
        self._against_orders()

    def fail(self, column: str, rows: np.ndarray, problem: str) -> HosplogiError:
        """An events-table error at grouped `rows`, naming the order of the first."""
        first = int(rows[0])
        order = int(np.searchsorted(self.starts, first, side="right") - 1)
        seq = first - int(self.starts[order])
        return self.events.fail(
            column,
            f"order {self.names[order]!r}, event seq {seq}: {problem}",
            np.sort(self.grouped.perm[rows]),
        )

    def _priorities(self, given: np.ndarray) -> np.ndarray:
        sets = _SETS_PRIORITY[self.action]
        missing = sets & (given < 0)
        if missing.any():
            rows = np.flatnonzero(missing)
            raise self.fail(
                "priority", rows, "a report or reprioritize event needs the priority it sets"
            )
        if len(given) and given.min() >= 0 and not (np.diff(given) != 0)[~sets[1:]].any():
            return given  # every row gives the priority in force, and only settings change it
        rows = np.arange(len(given), dtype=np.int32 if len(given) < 2**31 else np.int64)
        source = np.maximum.accumulate(np.where(sets, rows, 0))
        in_force = given[source]
        wrong = (given >= 0) & (given != in_force)
        if wrong.any():
            at = np.flatnonzero(wrong)
            raise self.fail(
                "priority",
                at,
                f"the priority in force is {list(Priority)[in_force[at[0]]].value} by the log, "
                f"but the table says {list(Priority)[given[at[0]]].value}",
            )
        return in_force.astype(np.int8)

    def _lifecycle(self) -> None:
        """Every log moves as :class:`~hosplogi.orders.WorkOrder` allows (TRANSITIONS)."""
        if not self._legal():
            self._refuse_moves()
        hold = self.action == _A[Action.HOLD]
        mismatched = hold != (self.hold >= 0)
        if mismatched.any():
            raise self.fail(
                "hold_reason",
                np.flatnonzero(mismatched),
                "hold_reason must be given for hold events and only for them",
            )
        same = self.action[1:] == _A[Action.REPRIORITIZE]
        same &= self.priority[1:] == self.priority[:-1]
        if same.any():  # (a first row is a report: checked above)
            rows = np.flatnonzero(same) + 1
            raise self.fail("priority", rows, "a reprioritize event must change the priority")

    def _legal(self) -> bool:
        """Whether every move is legal: one table lookup per event (the fast path)."""
        a, s = self.action, self.status
        prev = np.empty_like(s)
        prev[0], prev[1:] = 0, s[:-1]
        code = a.astype(np.int16)  # (action, status before, status after) as one small code
        code *= len(_STATUSES)
        code += prev
        code *= len(_STATUSES)
        code += s
        legal = _LEGAL[code]
        firsts = self.starts
        legal[firsts] = (a[firsts] == _A[Action.REPORT]) & (s[firsts] == _S[Status.REPORTED])
        if not legal.all():
            return False
        resumes = np.flatnonzero(a == _A[Action.RESUME])
        if len(resumes):  # back to the status before the last hold
            holds = np.flatnonzero(a == _A[Action.HOLD])
            k = np.searchsorted(holds, resumes) - 1
            if (k < 0).any():
                return False
            return bool((s[resumes] == s[np.maximum(holds[k] - 1, 0)]).all())
        return True

    def _refuse_moves(self) -> None:
        """Raise for the first kind of illegal move, naming its rows."""
        a, s, n = self.action.astype(np.int16), self.status.astype(np.int16), len(self.action)
        first = np.zeros(n, dtype=bool)
        first[self.starts] = True
        report = a == _A[Action.REPORT]
        bad = first & ~(report & (s == _S[Status.REPORTED]))
        if bad.any():
            raise self.fail(
                "action", np.flatnonzero(bad), "a log starts with a report (status reported)"
            )
        if (report & ~first).any():
            rows = np.flatnonzero(report & ~first)
            raise self.fail("action", rows, "only the first event of a log may be a report")
        prev = np.empty_like(s)
        prev[0], prev[1:] = 0, s[:-1]
        move = a * len(_STATUSES) + prev  # one small code per (action, status before)
        expected = _EXPECTED[move]
        hold = a == _A[Action.HOLD]
        resumes = np.flatnonzero(expected == _BEFORE_HOLD)
        if len(resumes):  # back to the status before the last hold (none: refused below)
            holds = np.flatnonzero(hold)
            k = np.searchsorted(holds, resumes) - 1
            expected[resumes] = np.where(k >= 0, s[np.maximum(holds[np.maximum(k, 0)] - 1, 0)], -1)
        illegal = ~first & ~_ALLOWED[move]
        if illegal.any():
            at = np.flatnonzero(illegal)
            step = f"{_ACTIONS[a[at[0]]].value} from {_STATUSES[prev[at[0]]].name}"
            raise self.fail("action", at, f"{step} is not an allowed move (see TRANSITIONS)")
        wrong = ~first & (s != expected)
        if wrong.any():
            at = np.flatnonzero(wrong)
            raise self.fail(
                "status",
                at,
                f"{_ACTIONS[a[at[0]]].value} from {_STATUSES[prev[at[0]]].name} leads to "
                f"{_STATUSES[expected[at[0]]].name}, but the table says {_STATUSES[s[at[0]]].name}",
            )
        raise AssertionError("_legal refused a log _refuse_moves accepts")  # pragma: no cover

    def _against_orders(self) -> None:
        """The orders table agrees with the logs: reported_at, priority (and status if given)."""
        orders = self.orders
        reported = orders.instants("reported_at")
        off = self.us[self.starts] != reported
        if off.any():
            raise orders.fail(
                "reported_at",
                "differs from the time of the order's report event",
                np.flatnonzero(off),
            )
        last = self.offsets[1:] - 1
        checks: list[tuple[str, type[StrEnum], np.ndarray]] = [
            ("priority", Priority, self.priority[last])
        ]
        if orders.has("status"):
            checks.append(("status", Status, self.status[last]))
        for name, enum, from_log in checks:
            wrong = orders.codes(name, enum) != from_log
            if wrong.any():
                raise orders.fail(name, "disagrees with the event log", np.flatnonzero(wrong))

    def columns(self) -> EventColumns:
        """The engine's input."""
        us, grouped = self.us, self.grouped

        def recorded(row: int) -> datetime:
            seconds = grouped.seconds
            zone = fixed_zone(timedelta(seconds=int(seconds[row])))
            return (
                datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(us[row]))
            ).astimezone(zone)

        return EventColumns(
            offsets=self.offsets,
            action=self.action,
            at_us=us,
            hold_reason=self.hold,
            priority=self.priority,
            order_id=self.names.__getitem__,
            recorded=recorded,
        )


def _instants(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)  # its buffer becomes the column's
    valid = values != NONE
    nulls = len(values) - int(np.count_nonzero(valid))
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(INSTANT, len(values), [bitmap, pa.py_buffer(values)], nulls)


def _durations(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)  # its buffer becomes the column's
    return pa.Array.from_buffers(pa.duration("us"), len(values), [None, pa.py_buffer(values)])


def _clock_columns(
    name: str, clock: ClockArrays, warn_at: tuple[float, ...]
) -> dict[str, pa.Array]:
    warned = clock.warned.astype(np.int64)
    ends = np.zeros(len(warned) + 1, dtype=np.int32)
    np.cumsum(warned, out=ends[1:])
    within = np.arange(int(ends[-1])) - np.repeat(ends[:-1], warned)
    levels = np.asarray(warn_at, dtype=np.float64)[within]
    return {
        f"{name}_state": pa.DictionaryArray.from_arrays(
            pa.array(clock.state, pa.int8()), _dictionary(STATES)
        ),
        f"{name}_target": _durations(clock.target),
        f"{name}_elapsed": _durations(clock.elapsed),
        f"{name}_remaining": _durations(clock.remaining),
        f"{name}_breached": pa.array(clock.breached, pa.bool_()),
        f"{name}_due_at": _instants(clock.due_at),
        f"{name}_paused": _durations(clock.paused),
        f"{name}_percent": pa.array(clock.percent, pa.float64()),
        f"{name}_breached_at": _instants(clock.breached_at),
        f"{name}_stopped_at": _instants(clock.stopped_at),
        f"{name}_warned": pa.ListArray.from_arrays(pa.array(ends), pa.array(levels, pa.float64())),
    }


def _table(ids: pa.ChunkedArray, result: SlaArrays, policy: SlaPolicy) -> pa.Table:
    columns: dict[str, Any] = {"order_id": ids}
    columns |= _clock_columns("response", result.response, policy.warn_at)
    columns |= _clock_columns("resolution", result.resolution, policy.warn_at)
    columns["priority"] = pa.DictionaryArray.from_arrays(
        pa.array(result.priority, pa.int8()), _dictionary(tuple(p.value for p in Priority))
    )
    columns["cancelled"] = pa.array(result.cancelled, pa.bool_())
    return pa.table(columns)


@guarded
def sla_table(orders_table: Any, events_table: Any, policy: SlaPolicy, now: datetime) -> pa.Table:
    """Both SLA clocks of every order of the tables at `now`, one row per order.

    Parameters
    ----------
    orders_table, events_table : pyarrow.Table, pandas.DataFrame or polars.DataFrame
        As :func:`~hosplogi.tables.orders_table` and :func:`~hosplogi.tables.events_table` make
        them. Required: ``order_id``, ``priority``, ``reported_at`` in the orders table (and
        ``status``, checked, when present); ``order_id``, ``seq``, ``action``, ``status``,
        ``at``, ``offset_s``, ``hold_reason``, ``priority`` (in force; may be null but on report
        and reprioritize events) in the events table, in any row order.
    policy : SlaPolicy
    now : datetime

    Returns
    -------
    pyarrow.Table
        In the orders table's row order: ``order_id``; then for ``response`` and ``resolution``
        every :class:`~hosplogi.sla.Clock` field, ``<clock>_state``, ``_target``, ``_elapsed``,
        ``_remaining`` (``duration[us]``), ``_breached`` (bool), ``_due_at``
        (``timestamp[us, tz=UTC]``, null once stopped), ``_paused``, ``_percent``,
        ``_breached_at``, ``_stopped_at`` and ``_warned`` (``list<double>``); then ``priority``
        (in force at `now`) and ``cancelled``. Equal, field by field, to ``evaluate`` on the
        orders ``orders_from_tables`` builds from the same tables (instants in UTC).

    Raises
    ------
    HosplogiError
        Naming the table, the column and the first offending rows: a missing or mistyped
        column, a null where a value is needed, an unknown action, status, hold reason or
        priority, an offset beyond ±24 h, duplicate (order_id, seq) pairs or a gap in seq, events
        out of time order, a move the lifecycle does not allow, an orders table that disagrees
        with its logs; or what ``evaluate`` raises for the first order that fails. Nothing is
        half-computed.

    Notes
    -----
    No order is built: the checks and the clocks run with numpy over whole columns, O(m log k)
    for m events and a calendar of k intervals (plus a sort when the events are not grouped by
    order and seq), memory a few dozen bytes per event.

    Examples
    --------
    >>> from datetime import UTC
    >>> from hosplogi import SlaTarget
    >>> from hosplogi.tables import events_table, orders_table
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3").dispatch(["T01"], at=t0)
    >>> t = sla_table(orders_table([o]), events_table([o]), policy, t0 + timedelta(minutes=45))
    >>> t.column("response_breached").to_pylist(), t.column("response_remaining").to_pylist()
    ([True], [datetime.timedelta(days=-1, seconds=85500)])
    """
    checked = _Checked(orders_table, events_table)
    return _table(checked.ids, sla_arrays(checked.columns(), policy, now), policy)


def _group_column(by: str) -> str:
    """The orders-table column a grouping reads (``"assignee"``: each of ``assignees``)."""
    return "assignees" if by == "assignee" else by


def _groups(
    checked: _Checked, result: SlaArrays, by: str, counts: ComplianceCounts
) -> tuple[np.ndarray, np.ndarray]:
    """Member order numbers and their group numbers, from a column of the orders table."""
    n = len(result.priority)
    if by == "priority":
        codes = np.array([counts.code(p.value) for p in Priority], dtype=np.int64)
        return np.arange(n), codes[result.priority]
    orders = checked.orders
    name = _group_column(by)
    if by == "assignee" or (orders.has(name) and pa.types.is_list(orders.table.column(name).type)):
        lists = orders.names(name).combine_chunks()
        lengths = pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False)
        values = lists.flatten()
        member = np.repeat(np.arange(n), lengths)
        empty = np.flatnonzero(lengths == 0)
        keys = values.dictionary_encode()
        table = np.array([counts.code(str(v)) for v in keys.dictionary.to_pylist()] or [0])
        group = table[keys.indices.to_numpy(zero_copy_only=False)] if len(values) else member
        none = counts.code(None) if len(empty) else 0
        member = np.concatenate([member, empty])
        group = np.concatenate([group, np.full(len(empty), none)]).astype(np.int64)
        return member, group
    column = orders.column(name, accepts="strings, integers or booleans")
    t = column.type
    if not (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_dictionary(t)
        or pa.types.is_integer(t)
        or pa.types.is_boolean(t)
        or pa.types.is_null(t)
    ):
        orders.column(name, accepts="strings, integers or booleans", fits=False)
    encoded = (
        column.combine_chunks().dictionary_encode()
        if not pa.types.is_dictionary(t)
        else column.combine_chunks()
    )
    keys = [None if v is None else str(v) for v in encoded.dictionary.cast(pa.string()).to_pylist()]
    table = np.array([counts.code(k) for k in keys] + [counts.code(None)], dtype=np.int64)
    indices = encoded.indices.fill_null(len(keys)).to_numpy(zero_copy_only=False)
    return np.arange(n), table[indices]


@guarded
def compliance_table(
    orders_table: Any,
    events_table: Any,
    policy: SlaPolicy,
    now: datetime,
    by: str = "priority",
    *,
    clock: Literal["response", "resolution"] = "resolution",
) -> ComplianceReport:
    """Met and breached counts per group, as :func:`~hosplogi.sla.compliance` gives them.

    Parameters
    ----------
    orders_table, events_table, policy, now
        As for :func:`sla_table`.
    by : str
        ``"priority"`` (in force at `now`), ``"assignee"`` (the orders table's ``assignees``:
        each member of the last team) or a column of the orders table named as the WorkOrder
        field (``"trade"``, ``"department"``, ``"source"`` …; strings, integers or booleans).
    clock : {"resolution", "response"}

    Returns
    -------
    ComplianceReport
        Equal to ``compliance(orders, policy, now, by, clock=clock)`` on the same orders.

    Raises
    ------
    HosplogiError
        As :func:`sla_table`; or an unknown grouping or clock.

    Examples
    --------
    >>> from datetime import UTC
    >>> from hosplogi import SlaTarget
    >>> from hosplogi.tables import events_table, orders_table
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3")
    >>> report = compliance_table(orders_table([o]), events_table([o]), policy,
    ...                           t0 + timedelta(hours=5), by="trade")
    >>> [(row.key, row.breached) for row in report.rows]
    [('plumbing', 1)]
    """
    counts = ComplianceCounts()
    _count(counts, orders_table, events_table, policy, now, by, clock)
    return counts.report(by, clock, now)


def _count(
    counts: ComplianceCounts,
    orders_table: Any,
    events_table: Any,
    policy: SlaPolicy,
    now: datetime,
    by: str,
    clock: Literal["response", "resolution"],
) -> None:
    check_grouping(by, clock, [f for f in WorkOrder.model_fields if f not in ("id", "events")])
    checked = _Checked(orders_table, events_table)
    result = sla_arrays(checked.columns(), policy, now, clocks=(clock,))
    member, group = _groups(checked, result, by, counts)
    counts.add(getattr(result, clock), result.cancelled, member, group)


Path = str | os.PathLike[str]
_READ = (
    *("priority", "status", "reported_at"),
    *(f"events.{f}" for f in ("action", "status", "at", "offset_s", "hold_reason", "priority")),
)
"""What the clocks read of a Parquet file (:class:`_Checked` reads no other column)."""


@guarded
def sla_parquet(
    path: Path, policy: SlaPolicy, now: datetime, *, batch_size: int = 100_000
) -> Iterator[pa.Table]:
    """Yield :func:`sla_table` of a Parquet file, `batch_size` orders at a time, in file order.

    Parameters
    ----------
    path : str or os.PathLike
        A file :func:`~hosplogi.tables.write_parquet` wrote.
    policy, now
        As for :func:`sla_table`.
    batch_size : int
        Orders per batch.

    Notes
    -----
    Memory is bounded by one row group being decoded plus one batch (its tables, the engine's
    columns and the result), whatever the file's size: write or aggregate each table as it
    comes. Order ids are checked for repeats within a batch.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from datetime import UTC
    >>> from hosplogi import SlaTarget
    >>> from hosplogi.tables import write_parquet
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> o = WorkOrder.report(id="WO-0", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "o.pq"
    ...     write_parquet([o.model_copy(update={"id": f"WO-{i}"}) for i in range(5)], path)
    ...     [t.num_rows for t in sla_parquet(path, policy, t0, batch_size=2)]
    [2, 2, 1]
    """
    for orders, events in iter_parquet_tables(path, batch_size, columns=_READ):
        yield sla_table(orders, events, policy, now)


@guarded
def compliance_parquet(
    path: Path,
    policy: SlaPolicy,
    now: datetime,
    by: str = "priority",
    *,
    clock: Literal["response", "resolution"] = "resolution",
    batch_size: int = 100_000,
) -> ComplianceReport:
    """:func:`compliance_table` over a whole Parquet file, read `batch_size` orders at a time.

    Counts, rates and mean times are added up exactly across batches; ``p90_elapsed`` is exact
    too: the elapsed time of every stopped clock is kept (8 bytes per order) and ranked at the
    end. Memory: one batch, plus those 8 bytes per stopped clock.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from datetime import UTC
    >>> from hosplogi import SlaTarget
    >>> from hosplogi.tables import write_parquet
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> o = WorkOrder.report(id="WO-0", title="Leak", trade="plumbing", priority="urgent",
    ...                      reported_at=t0, location="Ward 3")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "o.pq"
    ...     write_parquet([o.model_copy(update={"id": f"WO-{i}"}) for i in range(5)], path)
    ...     report = compliance_parquet(path, policy, t0 + timedelta(hours=5), batch_size=2)
    >>> report.total.count, report.total.breached
    (5, 5)
    """
    check_grouping(by, clock, [f for f in WorkOrder.model_fields if f not in ("id", "events")])
    counts = ComplianceCounts()
    group = () if by == "priority" else (_group_column(by),)
    for orders, events in iter_parquet_tables(path, batch_size, columns=(*_READ, *group)):
        _count(counts, orders, events, policy, now, by, clock)
    return counts.report(by, clock, now)
