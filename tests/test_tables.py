"""hosplogi.tables: orders and events as Arrow tables and Parquet files, and back."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.strategies import instants, work_orders

from hosplogi import HoldReason, HosplogiError, Priority, Source, WorkOrder
from hosplogi.tables import (
    FILE_SCHEMA,
    events_table,
    iter_parquet_batches,
    iter_parquet_tables,
    orders_from_tables,
    orders_table,
    read_parquet,
    read_parquet_tables,
    write_parquet,
)

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)


@st.composite
def full_orders(draw: st.DrawFn) -> WorkOrder:
    """A random valid order with every optional field drawn too."""
    order = draw(work_orders())
    extra = {
        "asset_id": draw(st.none() | st.text(max_size=8)),
        "requester": draw(st.none() | st.text(max_size=8)),
        "description": draw(st.text(max_size=20)),
        "due_at": draw(st.none() | instants),
        "reference": draw(st.none() | st.text(max_size=8)),
    }
    return WorkOrder.model_validate({**order.model_dump(), **extra})


order_lists = st.lists(full_orders(), max_size=6, unique_by=lambda o: o.id)


def _offsets(order: WorkOrder) -> list[Any]:
    instants_ = [order.reported_at, order.due_at, *(e.at for e in order.events)]
    return [None if i is None else i.utcoffset() for i in instants_]


def _assert_same(back: list[WorkOrder], orders: list[WorkOrder]) -> None:
    assert back == orders
    assert [_offsets(o) for o in back] == [_offsets(o) for o in orders]


def _order(id: str = "WO-1", **fields: Any) -> WorkOrder:
    return WorkOrder.report(
        id=id,
        title="Leak",
        trade="plumbing",
        priority=Priority.URGENT,
        reported_at=T0,
        location="Ward 3",
        **fields,
    )


def _moved(id: str = "WO-1") -> WorkOrder:
    """report, dispatch, start, hold, resume, complete, verify: seven events."""
    t = T0
    return (
        _order(id)
        .dispatch(["T01", "T02"], at=t + timedelta(minutes=5), by="desk")
        .start(at=t + timedelta(minutes=20), by="T01")
        .hold(HoldReason.AWAITING_MATERIAL, at=t + timedelta(hours=1), note="pipe")
        .resume(at=t + timedelta(hours=3))
        .complete(at=t + timedelta(hours=4), by="T02")
        .verify(at=t + timedelta(hours=5), rating=4)
    )


ORDERS = [
    _moved("WO-1"),
    _order("WO-2"),
    _moved("WO-3").reprioritize(Priority.ROUTINE, at=T0 + timedelta(days=1)),
]


def _set(table: pa.Table, name: str, values: list[Any], type_: Any = None) -> pa.Table:
    """`table` with column `name` replaced by `values` (appended when absent)."""
    array = pa.array(values, type_)
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, array)
    return table.append_column(name, array)


def _column(table: pa.Table, name: str) -> list[Any]:
    return table.column(name).to_pylist()  # type: ignore[no-any-return]


# -- round trips ------------------------------------------------------------------------------


@given(order_lists)
def test_round_trip_through_tables_gives_equal_orders_with_equal_offsets(
    orders: list[WorkOrder],
) -> None:
    _assert_same(orders_from_tables(orders_table(orders), events_table(orders)), orders)


@given(order_lists, st.integers(1, 4))
def test_round_trip_through_parquet_gives_equal_orders_with_equal_offsets(
    orders: list[WorkOrder], row_group_size: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.parquet"
        write_parquet(orders, path, row_group_size=row_group_size)
        _assert_same(read_parquet(path), orders)
        batches = list(iter_parquet_batches(path, batch_size=3))
    assert all(len(b) == 3 for b in batches[:-1])
    _assert_same([o for b in batches for o in b], orders)


@given(order_lists, st.randoms(use_true_random=False))
def test_events_in_any_row_order_give_the_same_orders(orders: list[WorkOrder], rnd: Any) -> None:
    events = events_table(orders)
    rows = list(range(events.num_rows))
    rnd.shuffle(rows)
    _assert_same(
        orders_from_tables(orders_table(orders), events.take(pa.array(rows, pa.int64()))), orders
    )


def test_round_trip_through_pandas_frames() -> None:
    back = orders_from_tables(orders_table(ORDERS).to_pandas(), events_table(ORDERS).to_pandas())
    _assert_same(back, ORDERS)


def test_round_trip_through_polars_frames() -> None:
    import polars as pl

    orders = pl.from_arrow(orders_table(ORDERS))
    events = pl.from_arrow(events_table(ORDERS))
    assert isinstance(orders, pl.DataFrame)
    assert isinstance(events, pl.DataFrame)
    _assert_same(orders_from_tables(orders, events), ORDERS)


def test_a_pandas_frame_of_only_required_columns_is_read_with_defaults() -> None:
    import pandas as pd

    orders = pd.DataFrame(
        {
            "order_id": ["WO-9"],
            "title": ["Leak"],
            "trade": ["plumbing"],
            "priority": ["urgent"],
            "reported_at": [pd.Timestamp("2026-03-02 01:00", tz="UTC")],
            "location": ["Ward 3"],
        }
    )
    events = pd.DataFrame(
        {
            "order_id": ["WO-9", "WO-9"],
            "seq": [0, 1],
            "action": ["report", "dispatch"],
            "status": ["reported", "dispatched"],
            "at": pd.to_datetime(["2026-03-02 01:00", "2026-03-02 01:05"], utc=True),
            "offset_s": [0, 0],
            "priority": ["urgent", None],
            "assignees": [[], ["T01"]],
        }
    )
    (order,) = orders_from_tables(orders, events)
    expected = WorkOrder.report(
        id="WO-9",
        title="Leak",
        trade="plumbing",
        priority=Priority.URGENT,
        reported_at=datetime(2026, 3, 2, 1, tzinfo=UTC),
        location="Ward 3",
    ).dispatch(["T01"], at=datetime(2026, 3, 2, 1, 5, tzinfo=UTC))
    assert order == expected


def test_empty_tables_give_no_orders() -> None:
    assert orders_from_tables(orders_table([]), events_table([])) == []


def test_read_parquet_tables_gives_the_tables_without_building_orders(tmp_path: Path) -> None:
    path = tmp_path / "o.parquet"
    write_parquet(iter(ORDERS), path, row_group_size=2)
    orders, events = read_parquet_tables(path)
    assert _column(orders, "order_id") == ["WO-1", "WO-2", "WO-3"]
    assert _column(events, "seq") == [*range(7), 0, *range(8)]
    assert pa.ipc  # the file is readable by any Parquet reader:
    import pyarrow.parquet as pq

    assert pq.read_schema(path).metadata == FILE_SCHEMA.metadata
    pairs = list(iter_parquet_tables(path, batch_size=2))
    assert [o.num_rows for o, _ in pairs] == [2, 1]
    assert [e.num_rows for _, e in pairs] == [8, 8]


def test_read_parquet_tables_reads_only_the_columns_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "o.parquet"
    write_parquet(iter(ORDERS), path, row_group_size=2)
    whole_orders, whole_events = read_parquet_tables(path)
    orders, events = read_parquet_tables(path, columns=["trade", "events.at", "events.action"])
    assert orders.column_names == ["order_id", "trade"]
    assert events.column_names == ["order_id", "seq", "action", "at"]
    assert orders.equals(whole_orders.select(orders.column_names))
    assert events.equals(whole_events.select(events.column_names))
    _, bare = read_parquet_tables(path, columns=["trade"])  # the logs' lengths still come
    assert _column(bare, "seq") == _column(whole_events, "seq")
    batched = list(iter_parquet_tables(path, batch_size=2, columns=["events.at"]))
    assert [e.column_names for _, e in batched] == [["order_id", "seq", "at"]] * 2
    assert pa.concat_tables(e for _, e in batched).column("at").equals(whole_events.column("at"))


@pytest.mark.parametrize(
    ("columns", "message"),
    [("trade", "wrap it"), ([1], "column names"), (["trade", None], "column names")],
)
def test_parquet_columns_must_be_names(tmp_path: Path, columns: Any, message: str) -> None:
    path = tmp_path / "o.parquet"
    write_parquet(iter(ORDERS), path)
    with pytest.raises(HosplogiError, match=message):
        read_parquet_tables(path, columns=columns)
    with pytest.raises(HosplogiError, match=message):
        list(iter_parquet_tables(path, columns=columns))


def test_a_named_fixed_zone_keeps_its_offset() -> None:
    named = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=-5, minutes=-30), "X"))
    order = _order(due_at=named)
    (back,) = orders_from_tables(orders_table([order]), events_table([order]))
    assert back == order
    assert back.due_at is not None
    assert back.due_at.utcoffset() == timedelta(hours=-5, minutes=-30)


# -- the columns ------------------------------------------------------------------------------


def test_events_table_columns_and_types() -> None:
    t = events_table(ORDERS)
    assert t.num_rows == 7 + 1 + 8
    assert t.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert t.schema.field("offset_s").type == pa.int32()
    assert t.schema.field("assignees").type == pa.list_(pa.string())
    assert pa.types.is_dictionary(t.schema.field("action").type)
    assert _column(t, "seq")[:7] == list(range(7))
    assert _column(t, "offset_s")[0] == 8 * 3600
    assert _column(t, "assignees")[1] == ["T01", "T02"]
    assert _column(t, "hold_reason")[3] == "awaiting_material"
    assert _column(t, "rating")[6] == 4
    # the priority in force after each event, not only where the event sets it
    assert _column(t, "priority")[8:] == ["urgent"] * 7 + ["routine"]


def test_orders_table_columns() -> None:
    order = _order(
        due_at=T0 + timedelta(days=1),
        requirements=[{"skill": "plumbing", "count": 2, "level": 3}],
        source=Source.INSPECTION,
        estimated_minutes=90,
    )
    t = orders_table([order, _moved("WO-2")])
    assert _column(t, "requirements")[0] == [{"skill": "plumbing", "count": 2, "level": 3}]
    assert _column(t, "due_offset_s") == [8 * 3600, None]
    assert _column(t, "status") == ["reported", "verified"]
    assert _column(t, "assignees") == [[], ["T01", "T02"]]
    assert _column(t, "source") == ["inspection", "phone"]


def test_building_refuses_repeated_ids_and_other_items() -> None:
    with pytest.raises(HosplogiError, match="WO-1"):
        events_table([_order(), _order()])
    with pytest.raises(HosplogiError, match="item 1 is str"):
        orders_table([_order(), "WO-2"])  # type: ignore[list-item]
    with pytest.raises(HosplogiError, match="one WorkOrder"):
        orders_table(_order())  # type: ignore[arg-type]


def test_an_estimate_too_large_for_int64_is_refused_naming_the_order() -> None:
    with pytest.raises(HosplogiError, match=r"estimated_minutes .* of order WO-1"):
        orders_table([_order(estimated_minutes=2**70)])


def test_text_arrow_cannot_store_is_refused_naming_the_order() -> None:
    order = _order(description="bad \udcff")
    with pytest.raises(HosplogiError, match=r"order WO-1 holds text that is not valid Unicode"):
        orders_table([_order("WO-0"), order])


# -- bad tables -------------------------------------------------------------------------------


def _read(orders: pa.Table | None = None, events: pa.Table | None = None) -> list[WorkOrder]:
    return orders_from_tables(
        orders_table(ORDERS) if orders is None else orders,
        events_table(ORDERS) if events is None else events,
    )


def test_a_missing_column_is_named() -> None:
    with pytest.raises(HosplogiError, match="events_table has no column 'action'"):
        _read(events=events_table(ORDERS).drop_columns(["action"]))
    with pytest.raises(HosplogiError, match="orders_table has no column 'trade'"):
        _read(orders=orders_table(ORDERS).drop_columns(["trade"]))


def test_a_mistyped_column_is_named() -> None:
    events = events_table(ORDERS)
    with pytest.raises(HosplogiError, match=r"events_table column 'seq'.*expected integers"):
        _read(events=_set(events, "seq", ["0"] * events.num_rows))
    with pytest.raises(HosplogiError, match=r"column 'at'.*timezone-aware"):
        _read(events=_set(events, "at", list(range(events.num_rows))))


def test_naive_timestamps_are_refused() -> None:
    events = events_table(ORDERS)
    naive = events.column("at").cast(pa.timestamp("us"))
    with pytest.raises(HosplogiError, match=r"column 'at'.*naive"):
        _read(events=events.set_column(events.column_names.index("at"), "at", naive))


def test_fractional_integers_are_refused_naming_the_row() -> None:
    events = events_table(ORDERS)
    seq = [float(s) for s in _column(events, "seq")]
    seq[2] = 1.5
    with pytest.raises(HosplogiError, match=r"column 'seq', row 2: 1.5 is not a whole number"):
        _read(events=_set(events, "seq", seq))


@pytest.mark.parametrize(
    ("column", "value", "enum_value"),
    [("action", "fly", "dispatch"), ("status", "lost", "reported"), ("priority", "asap", "urgent")],
)
def test_unknown_enum_values_are_refused_naming_the_column_and_rows(
    column: str, value: str, enum_value: str
) -> None:
    events = events_table(ORDERS)
    values = _column(events, column)
    values[5] = values[9] = value
    with pytest.raises(
        HosplogiError, match=rf"events_table column '{column}', rows 5, 9: unknown value '{value}'"
    ) as info:
        _read(events=_set(events, column, values))
    assert enum_value in str(info.value)  # the accepted values are listed


def test_an_unknown_priority_in_the_orders_table_is_refused() -> None:
    orders = orders_table(ORDERS)
    with pytest.raises(HosplogiError, match="orders_table column 'priority', row 1: unknown"):
        _read(orders=_set(orders, "priority", ["urgent", "soon", "routine"]))


def test_events_out_of_time_order_are_refused_naming_the_rows() -> None:
    events = events_table(ORDERS)
    at = _column(events, "at")
    at[3] = at[1] - timedelta(minutes=1)
    with pytest.raises(
        HosplogiError, match=r"column 'at', row 3: order 'WO-1': event seq 3 is earlier"
    ):
        _read(events=_set(events, "at", at, pa.timestamp("us", tz="UTC")))


@pytest.mark.parametrize("offset", [86_400, -86_400, 90_000, 3_630])
def test_an_offset_beyond_a_day_or_not_whole_minutes_is_refused(offset: int) -> None:
    events = events_table(ORDERS)
    offsets = _column(events, "offset_s")
    offsets[4] = offset
    with pytest.raises(HosplogiError, match=rf"column 'offset_s', row 4: UTC offset {offset} s"):
        _read(events=_set(events, "offset_s", offsets))


def test_an_offset_beyond_a_day_is_refused_in_the_orders_table() -> None:
    orders = orders_table(ORDERS)
    with pytest.raises(HosplogiError, match="orders_table column 'reported_offset_s', row 2"):
        _read(orders=_set(orders, "reported_offset_s", [0, 0, -100_000]))


def test_an_instant_beyond_year_9999_is_refused() -> None:
    events = events_table(ORDERS)
    us = events.column("at").cast(pa.int64()).to_pylist()
    us[0] = 300_000_000_000_000_000  # year ~11500
    at = pa.array(us, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    with pytest.raises(HosplogiError, match=r"column 'at'.*years 1 to 9999"):
        _read(events=events.set_column(events.column_names.index("at"), "at", at))


def test_repeated_order_and_seq_pairs_are_refused() -> None:
    events = events_table(ORDERS)
    repeated = pa.concat_tables([events, events.slice(2, 1)])
    with pytest.raises(
        HosplogiError, match=r"column 'seq', rows 2, 16: order 'WO-1' has seq 2 more"
    ):
        _read(events=repeated)


def test_a_gap_in_seq_is_refused() -> None:
    events = events_table(ORDERS)
    with pytest.raises(HosplogiError, match=r"column 'seq', row 2: order 'WO-1' has seq 3 where 2"):
        _read(events=pa.concat_tables([events.slice(0, 2), events.slice(3)]))


def test_events_of_an_order_not_in_the_orders_table_are_refused() -> None:
    with pytest.raises(HosplogiError, match=r"column 'order_id', row 7: order 'WO-2' is not in"):
        _read(orders=orders_table([ORDERS[0], ORDERS[2]]))


def test_an_order_with_no_events_is_refused() -> None:
    events = events_table(ORDERS)
    with pytest.raises(HosplogiError, match=r"orders_table row 1: order 'WO-2' has no events"):
        _read(events=pa.concat_tables([events.slice(0, 7), events.slice(8)]))


def test_a_repeated_order_id_is_refused() -> None:
    orders = orders_table(ORDERS)
    with pytest.raises(HosplogiError, match=r"column 'order_id', rows 0, 2: order id 'WO-1'"):
        _read(orders=_set(orders, "order_id", ["WO-1", "WO-2", "WO-1"]))


def test_a_null_in_a_required_column_is_refused() -> None:
    orders = orders_table(ORDERS)
    with pytest.raises(HosplogiError, match=r"orders_table column 'title', row 1: is empty"):
        _read(orders=_set(orders, "title", ["a", None, "c"]))


def test_a_priority_in_force_that_disagrees_with_the_log_is_refused() -> None:
    events = events_table(ORDERS)
    priority = _column(events, "priority")
    priority[3] = "planned"
    with pytest.raises(HosplogiError, match=r"column 'priority', row 3: order 'WO-1'.* is urgent"):
        _read(events=_set(events, "priority", priority))


def test_a_tampered_log_is_refused_as_model_validate_json_refuses_it() -> None:
    order = ORDERS[0]
    events = events_table([order])
    # the start event (seq 2) now claims to be a completion
    tampered = _set(
        _set(
            events,
            "action",
            ["complete" if i == 2 else a for i, a in enumerate(_column(events, "action"))],
        ),
        "status",
        ["completed" if i == 2 else s for i, s in enumerate(_column(events, "status"))],
    )
    data = order.model_dump(mode="json")
    data["events"][2] |= {"action": "complete", "status": "completed"}
    with pytest.raises(ValidationError) as expected:
        WorkOrder.model_validate_json(json.dumps(data))
    with pytest.raises(
        HosplogiError, match=r"order 'WO-1' \(orders_table row 0\) is refused"
    ) as got:
        orders_from_tables(orders_table([order]), tampered)
    cause = got.value.__cause__
    assert isinstance(cause, ValidationError)
    assert [e["msg"] for e in cause.errors()] == [e["msg"] for e in expected.value.errors()]
    assert expected.value.errors()[0]["msg"].split(", ", 1)[1] in str(got.value)


def test_an_event_field_refused_by_the_model_names_the_events_row() -> None:
    events = events_table(ORDERS)
    rating = _column(events, "rating")
    rating[2] = 9
    with pytest.raises(HosplogiError, match=r"events\.2\.rating \(events_table row 2\)"):
        _read(events=_set(events, "rating", rating))


def test_other_objects_are_refused_as_tables() -> None:
    with pytest.raises(HosplogiError, match=r"orders_table must be a pyarrow.Table"):
        orders_from_tables([{"order_id": "WO-1"}], events_table(ORDERS))


# -- Parquet ----------------------------------------------------------------------------------


def test_write_parquet_refuses_an_id_repeated_across_row_groups(tmp_path: Path) -> None:
    with pytest.raises(HosplogiError, match="WO-1 twice"):
        write_parquet(
            [_order(), _order("WO-2"), _order()], tmp_path / "o.parquet", row_group_size=2
        )


@pytest.mark.parametrize("size", [0, -1, 1.5, True])
def test_batch_and_row_group_sizes_must_be_positive_integers(tmp_path: Path, size: Any) -> None:
    path = tmp_path / "o.parquet"
    with pytest.raises(HosplogiError, match="row_group_size must be a whole number"):
        write_parquet(ORDERS, path, row_group_size=size)
    write_parquet(ORDERS, path)
    with pytest.raises(HosplogiError, match="batch_size must be a whole number"):
        next(iter_parquet_batches(path, batch_size=size))


def test_a_parquet_file_without_events_is_refused(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(orders_table(ORDERS), tmp_path / "o.parquet")
    with pytest.raises(HosplogiError, match="parquet file has no column 'events'"):
        read_parquet(tmp_path / "o.parquet")


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "o.parquet"
    path.write_text("order_id,title\n")
    with pytest.raises(HosplogiError, match="cannot be read as a Parquet file"):
        read_parquet(path)
    with pytest.raises(HosplogiError, match="cannot be read as a Parquet file"):
        next(iter_parquet_batches(path))


# -- packaging --------------------------------------------------------------------------------


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )


def test_importing_hosplogi_does_not_import_pyarrow() -> None:
    done = _run("import sys, hosplogi; print('pyarrow' in sys.modules, 'pandas' in sys.modules)")
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_importing_tables_without_pyarrow_says_what_to_install() -> None:
    done = _run("import sys; sys.modules['pyarrow'] = None; import hosplogi.tables")
    assert done.returncode != 0
    assert 'pip install "hosplogi[tables]"' in done.stderr
    assert "ImportError" in done.stderr


def test_importing_tables_does_not_import_pandas_or_polars() -> None:
    done = _run(
        "import sys, hosplogi.tables; print('pandas' in sys.modules, 'polars' in sys.modules)"
    )
    assert done.stdout.split() == ["False", "False"], done.stderr
