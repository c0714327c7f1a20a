"""hosplogi.tables.sla_table / compliance_table / sla_parquet / compliance_parquet.

The column engine on Arrow tables must give, field by field, what ``evaluate`` gives on the same
orders (random orders, policies, calendars with holidays, make-up days and DST, `now` in any
zone), refuse bad tables naming the column and rows, and run over Parquet in batches and over a
Dask DataFrame partitioned by order id.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hosplogi import (
    Clock,
    HosplogiError,
    Priority,
    SlaPolicy,
    SlaTarget,
    WorkOrder,
    compliance,
    evaluate,
)
from hosplogi.tables import (
    compliance_parquet,
    compliance_table,
    events_table,
    orders_table,
    sla_parquet,
    sla_table,
    write_parquet,
)
from strategies import work_orders
from test_sla import batch_policies, now_zones
from test_sla_columns import policies

H = timedelta(hours=1)
CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, tzinfo=CST)
WALL = SlaPolicy(targets={p: SlaTarget(respond=H / 2, resolve=4 * H) for p in Priority})
order_lists = st.lists(work_orders(), min_size=1, max_size=8, unique_by=lambda o: o.id)


def _row_of(status: Any, side: str) -> dict[str, Any]:
    clock: Clock = getattr(status, side)
    out = {
        f"{side}_{name}": getattr(clock, name)
        for name in (*Clock.model_fields, "remaining", "breached", "percent")
    }
    out[f"{side}_warned"] = list(clock.warned)
    return out


def _expected(
    orders: list[WorkOrder], policy: SlaPolicy, now: datetime
) -> list[dict[str, Any]] | str:
    try:
        statuses = [evaluate(o, policy, now) for o in orders]
    except HosplogiError as err:
        return str(err)
    return [
        {
            "order_id": s.order_id,
            **_row_of(s, "response"),
            **_row_of(s, "resolution"),
            "priority": s.priority.value,
            "cancelled": s.cancelled,
        }
        for s in statuses
    ]


def _got(
    orders_t: Any, events_t: Any, policy: SlaPolicy, now: datetime
) -> list[dict[str, Any]] | str:
    try:
        return sla_table(orders_t, events_t, policy, now).to_pylist()  # type: ignore[no-any-return]
    except HosplogiError as err:
        return str(err)


LAYOUTS = ("as built", "shuffled", "strings", "strings shuffled", "recoded", "recoded shuffled")


def _laid_out(events: pa.Table, layout: str, rnd: Any) -> pa.Table:
    """The same events table as a caller may give it: any row order, ids as strings or codes.

    ``recoded``: the ids dictionary-encoded against a dictionary in another order than the
    orders table's, so the codes are not the orders' positions.
    """
    ids = events.column("order_id").cast(pa.string()).combine_chunks()
    if layout.startswith("strings"):
        events = events.set_column(0, "order_id", ids)
    elif layout.startswith("recoded"):
        distinct = pc.unique(ids)
        dictionary = distinct.take(rnd.sample(range(len(distinct)), len(distinct)))
        codes = pc.index_in(ids, value_set=dictionary).cast(pa.int32())
        events = events.set_column(0, "order_id", pa.DictionaryArray.from_arrays(codes, dictionary))
    if layout.endswith("shuffled"):
        events = events.take(rnd.sample(range(events.num_rows), events.num_rows))
    return events


@settings(max_examples=120)
@given(
    order_lists,
    policies | batch_policies,
    now_zones,
    st.integers(0, 3),
    st.randoms(use_true_random=False),
    st.sampled_from(LAYOUTS),
)
def test_sla_table_equals_evaluate_field_by_field(
    orders: list[WorkOrder], policy: SlaPolicy, zone: Any, earlier: int, rnd: Any, layout: str
) -> None:
    ends = sorted(o.events[-1].at for o in orders)
    now = (
        ends[max(0, len(ends) - 1 - earlier)] + timedelta(minutes=rnd.randrange(600))
    ).astimezone(zone)
    events = _laid_out(events_table(orders), layout, rnd)
    assert _got(orders_table(orders), events, policy, now) == _expected(orders, policy, now)


@settings(max_examples=60)
@given(
    order_lists,
    batch_policies,
    st.sampled_from(("priority", "trade", "assignee", "department", "source")),
    st.sampled_from(("response", "resolution")),
)
def test_compliance_table_equals_compliance(
    orders: list[WorkOrder], policy: SlaPolicy, by: str, clock: Any
) -> None:
    now = max(o.events[-1].at for o in orders) + H
    try:
        expected = compliance(orders, policy, now, by=by, clock=clock)
    except HosplogiError as error:
        with pytest.raises(HosplogiError, match=re.escape(str(error))):
            compliance_table(
                orders_table(orders), events_table(orders), policy, now, by=by, clock=clock
            )
        return
    got = compliance_table(
        orders_table(orders), events_table(orders), policy, now, by=by, clock=clock
    )
    assert got == expected


def _orders(n: int = 5) -> list[WorkOrder]:
    base = WorkOrder.report(
        id="WO-0",
        title="Leak",
        trade="plumbing",
        priority="urgent",
        reported_at=T0,
        location="Ward 3",
    )
    out = []
    for i in range(n):
        o = base.model_copy(update={"id": f"WO-{i}"}).dispatch(["T01"], at=T0 + i * H)
        if i % 2:
            o = o.start(at=T0 + (i + 1) * H).complete(at=T0 + (i + 2) * H)
        out.append(o)
    return out


def test_pandas_and_polars_frames_give_the_same_table() -> None:
    orders = _orders()
    now = T0 + 10 * H
    expected = sla_table(orders_table(orders), events_table(orders), WALL, now)
    frames = orders_table(orders).to_pandas(), events_table(orders).to_pandas()
    assert sla_table(*frames, WALL, now).to_pylist() == expected.to_pylist()
    polars = pytest.importorskip("polars")
    frames_pl = polars.from_arrow(orders_table(orders)), polars.from_arrow(events_table(orders))
    assert sla_table(*frames_pl, WALL, now).to_pylist() == expected.to_pylist()
    report = compliance_table(*frames, WALL, now, by="trade")
    assert report == compliance(orders, WALL, now, by="trade")


def test_the_table_types_are_the_documented_ones() -> None:
    table = sla_table(orders_table(_orders()), events_table(_orders()), WALL, T0 + 10 * H)
    schema = table.schema
    assert schema.names[0] == "order_id"
    assert schema.field("response_elapsed").type == pa.duration("us")
    assert schema.field("resolution_due_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("resolution_warned").type == pa.list_(pa.float64())
    assert schema.names[-2:] == ["priority", "cancelled"]


# -- bad tables --------------------------------------------------------------------------------


def _events() -> pa.Table:
    return events_table(_orders(3))


def _replace(table: pa.Table, name: str, values: list[Any], type_: Any = None) -> pa.Table:
    return table.set_column(table.column_names.index(name), name, pa.array(values, type_))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.drop_columns(["action"]), "events_table has no column 'action'"),
        (lambda e: e.drop_columns(["order_id"]), "events_table has no column 'order_id'"),
        (lambda e: e.drop_columns(["seq"]), "events_table has no column 'seq'"),
        (
            lambda e: _replace(e, "seq", [0, 1, 2, 3, 4, 5, 0, 2**64 - 1], pa.uint64()),
            "events_table column 'seq', row 7: is out of the range of 64-bit integers",
        ),
        (
            lambda e: _replace(e, "at", list(range(e.num_rows))),
            "events_table column 'at': has type int64",
        ),
        (
            lambda e: _replace(
                e,
                "action",
                [
                    "report",
                    "dispatch",
                    "fly",
                    "dispatch",
                    "start",
                    "complete",
                    "report",
                    "dispatch",
                ],
            ),
            "events_table column 'action', row 2: unknown value 'fly'",
        ),
        (
            lambda e: _replace(
                e,
                "status",
                [
                    "reported",
                    "dispatched",
                    "reported",
                    "dispatched",
                    "in_progress",
                    "done",
                    "reported",
                    "dispatched",
                ],
            ),
            "column 'status', row 5: unknown value 'done'",
        ),
        (
            lambda e: _replace(e, "offset_s", [86_400] * e.num_rows, pa.int32()),
            "rows 0, 1, 2, 3, 4 and more: UTC offset 86400 s",
        ),
        (
            lambda e: _replace(e, "seq", [0, 0, 0, 1, 2, 3, 0, 1], pa.int32()),
            "has seq 0 more than once",
        ),
        (
            lambda e: _replace(
                e, "at", list(reversed(e.column("at").to_pylist())), pa.timestamp("us", tz="UTC")
            ),
            "events must be in time order",
        ),
        (
            lambda e: _replace(
                e,
                "status",
                [
                    "reported",
                    "dispatched",
                    "reported",
                    "dispatched",
                    "in_progress",
                    "verified",
                    "reported",
                    "dispatched",
                ],
            ),
            "complete from IN_PROGRESS leads to COMPLETED, but the table says VERIFIED",
        ),
        (
            lambda e: _replace(
                e,
                "action",
                [
                    "report",
                    "start",
                    "report",
                    "dispatch",
                    "start",
                    "complete",
                    "report",
                    "dispatch",
                ],
            ),
            "start from REPORTED is not an allowed move",
        ),
    ],
)
def test_a_bad_events_table_is_refused_naming_column_and_rows(change: Any, message: str) -> None:
    with pytest.raises(HosplogiError, match=re.escape(message)):
        sla_table(orders_table(_orders(3)), change(_events()), WALL, T0 + 10 * H)


def test_a_bad_orders_table_is_refused() -> None:
    orders = orders_table(_orders(3))
    with pytest.raises(HosplogiError, match="orders_table has no column 'reported_at'"):
        sla_table(orders.drop_columns(["reported_at"]), _events(), WALL, T0)
    twice = _replace(orders, "order_id", ["WO-0", "WO-1", "WO-0"])
    with pytest.raises(HosplogiError, match=r"'order_id', rows 0, 2: order id 'WO-0' is repeated"):
        sla_table(twice, _events(), WALL, T0)
    with pytest.raises(HosplogiError, match="cannot group by 'colour'"):
        compliance_table(orders, _events(), WALL, T0, by="colour")


def test_now_before_a_report_is_refused_as_evaluate_refuses_it() -> None:
    orders = _orders(3)
    with pytest.raises(HosplogiError) as expected:
        evaluate(orders[0], WALL, T0 - H)
    with pytest.raises(HosplogiError, match=re.escape(str(expected.value))):
        sla_table(orders_table(orders), events_table(orders), WALL, T0 - H)


# -- Parquet in batches, Dask -------------------------------------------------------------------


def test_parquet_batches_give_the_whole_table_and_report(tmp_path: Path) -> None:
    orders = _orders(7)
    path = tmp_path / "o.parquet"
    write_parquet(orders, path, row_group_size=3)
    now = T0 + 5 * H
    whole = sla_table(orders_table(orders), events_table(orders), WALL, now)
    parts = list(sla_parquet(path, WALL, now, batch_size=2))
    assert [t.num_rows for t in parts] == [2, 2, 2, 1]
    assert pa.concat_tables(parts).to_pylist() == whole.to_pylist()
    for by in ("priority", "trade", "assignee"):
        expected = compliance(orders, WALL, now, by=by)
        assert compliance_parquet(path, WALL, now, by=by, batch_size=2) == expected


def test_sla_table_over_a_dask_dataframe_partitioned_by_order_id() -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    orders = _orders(6)
    now = T0 + 5 * H
    by_id = lambda t: t.to_pandas().astype({"order_id": str}).set_index("order_id")  # noqa: E731
    order_frame = dd.from_pandas(by_id(orders_table(orders)), npartitions=3, sort=True)
    event_frame = dd.from_pandas(by_id(events_table(orders)), sort=True).repartition(
        divisions=order_frame.divisions
    )

    def part(o: Any, e: Any) -> Any:
        return sla_table(o.reset_index(), e.reset_index(), WALL, now).to_pandas()

    meta = part(by_id(orders_table(orders[:1])), by_id(events_table(orders[:1])))
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
    with cluster, distributed.Client(cluster):
        frame = dd.map_partitions(part, order_frame, event_frame, meta=meta.iloc[:0]).compute()
    expected = sla_table(orders_table(orders), events_table(orders), WALL, now).to_pandas()
    assert frame.reset_index(drop=True).equals(expected)


def test_a_narrow_seq_column_gives_the_same_table_and_a_negative_seq_is_refused() -> None:
    orders = _orders()
    now = T0 + 5 * H
    events = events_table(orders)
    narrow = events.set_column(1, "seq", events.column("seq").cast(pa.int8()))
    whole = sla_table(orders_table(orders), events, WALL, now)
    assert sla_table(orders_table(orders), narrow, WALL, now).equals(whole)
    seq = events.column("seq").to_pylist()
    seq[1] = -1
    bad = events.set_column(1, "seq", pa.array(seq, pa.int8()))
    with pytest.raises(HosplogiError, match=r"events_table column 'seq', row.* has seq -1"):
        sla_table(orders_table(orders), bad, WALL, now)
