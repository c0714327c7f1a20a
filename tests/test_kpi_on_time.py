"""``kpi.measures.on_time``: the one on-time rule, as measures applies it and callers reuse it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import sla_policies, work_orders

from hosplogi import BusinessCalendar, HosplogiError, Priority, SlaPolicy, SlaTarget, WorkOrder
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
