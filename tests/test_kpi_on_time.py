"""``kpi.measures.on_time`` (the one on-time rule, as measures applies it and callers reuse it)
and the repeat-repair rate of ``kpi.measures`` against plain readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import sla_policies, work_orders

from hosplogi import (
    BusinessCalendar,
    HosplogiError,
    Priority,
    SlaPolicy,
    SlaTarget,
    Source,
    WorkOrder,
)
from hosplogi.kpi import measures
from hosplogi.kpi.measures import on_time
from hosplogi.sla.batch import OrderColumns
from hosplogi.sla.columns import sla_arrays

_CODES = ("response_on_time", "resolution_on_time")
policies = sla_policies(
    st.sampled_from((BusinessCalendar.always("UTC"), BusinessCalendar.china(strict=False)))
)


def _outcome(run: object) -> object:
    try:
        return run()  # type: ignore[operator]
    except HosplogiError as err:
        return str(err)


@given(
    st.lists(work_orders(), max_size=6),
    policies,
    st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3)),
)
def test_on_time_of_every_orders_clocks_equals_measures_when_all_lie_in_the_period(
    orders: list[WorkOrder], policy: SlaPolicy, after: timedelta
) -> None:
    # Every order reported in [start, end), every event before end: measures counts them all but
    # the cancelled ones, which on_time leaves out by the clocks' own `cancelled`.
    if not orders:
        return
    start = min(o.reported_at for o in orders)
    end = max(o.events[-1].at for o in orders) + after

    def by_measures() -> dict[str, float]:
        m = measures(orders, start=start, end=end, policy=policy)
        return {code: m[code] for code in _CODES if code in m}

    def by_clocks() -> dict[str, float]:
        return on_time(sla_arrays(OrderColumns(orders).events, policy, end))

    assert _outcome(by_clocks) == _outcome(by_measures)


def test_on_time_leaves_cancelled_orders_out() -> None:
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    target = SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=4))
    policy = SlaPolicy(targets=dict.fromkeys(Priority, target))
    new = WorkOrder.report(
        id="WO-1", title="t", trade="hvac", priority="routine", reported_at=t, location="L1"
    )
    late = new.dispatch(("T01",), at=t).start(at=t + timedelta(days=2))
    cancelled_late = new.cancel(reason="duplicate", at=t + timedelta(days=2))
    now = t + timedelta(days=3)
    cols = OrderColumns([late, cancelled_late])
    both_late = {"response_on_time": 0.0, "resolution_on_time": 0.0}
    assert on_time(sla_arrays(cols.events, policy, now)) == both_late
    cols = OrderColumns([cancelled_late])
    assert on_time(sla_arrays(cols.events, policy, now)) == {}


_T0 = datetime(2026, 1, 1, tzinfo=UTC)
_visits = st.lists(
    st.tuples(
        st.sampled_from(("AC-1", "AC-2")),
        st.integers(-4, 14),  # day of the report, from the period start
        st.sampled_from((0, 12)),  # hour: some reports at the same instant
        st.sampled_from((UTC, timezone(timedelta(hours=8)))),
        st.sampled_from((Source.PHONE, Source.PREVENTIVE)),
        st.booleans(),  # cancelled
    ),
    max_size=12,
)


@given(_visits, st.integers(0, 8))
@example([("AC-1", 0, 0, UTC, Source.PHONE, False), ("AC-1", 2, 0, UTC, Source.PHONE, False)], 4)
@example([("AC-1", -1, 12, UTC, Source.PHONE, False), ("AC-1", 0, 0, UTC, Source.PHONE, False)], 2)
def test_the_repeat_repair_rate_equals_a_pairwise_reading(
    visits: list[tuple[str, int, int, tzinfo, Source, bool]], window_halves: int
) -> None:
    # An order counts when reported in the period on an asset, not preventive, not cancelled; it
    # is a repeat when such an order on its asset (reported any time before `end`) comes right
    # before it in report order less than the window earlier.
    start, end, window = _T0, _T0 + timedelta(days=12), timedelta(hours=12 * window_halves)
    orders = []
    for i, (asset, day, hour, zone, source, cancelled) in enumerate(visits):
        at = (_T0 + timedelta(days=day, hours=hour)).astimezone(zone)
        o = WorkOrder.report(
            id=f"WO-{i}", title="t", trade="hvac", priority="routine", reported_at=at,
            location="L1", source=source, asset_id=asset,
        )  # fmt: skip
        orders.append(o.cancel(reason="duplicate", at=at) if cancelled else o)
    eligible = [
        (o.asset_id, o.reported_at, i)
        for i, o in enumerate(orders)
        if o.reported_at < end and o.source is not Source.PREVENTIVE and not visits[i][5]
    ]
    counted = repeats = 0
    for asset, at, i in eligible:
        if not start <= at < end:
            continue
        counted += 1
        before = [b for a, b, j in eligible if a == asset and (b, j) < (at, i)]
        repeats += bool(before) and at - max(before) < window
    m = measures(orders, start=start, end=end, repeat_window=window)
    assert m.get("repeat_repair_rate") == (100.0 * repeats / counted if counted else None)
