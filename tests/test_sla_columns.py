"""The column engine (hosplogi.sla.columns) and the readable replay (evaluate) against the oracle.

Three independent implementations of the clock rules must agree value for value, JSON for JSON,
and on the error raised: the plain replay kept with the tests (tests/sla_reference.py), the
readable per-order replay behind ``evaluate`` and the numpy column engine behind ``evaluate_many``
and ``compliance``; under wall-clock, business-hours and mixed policies, calendars with holidays,
make-up days, lunch breaks and DST, and `now` in fixed-offset and DST zones.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hosplogi import (
    BusinessCalendar,
    HosplogiError,
    Priority,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
    WorkOrder,
    evaluate,
    evaluate_many,
)
from hosplogi.orders import Event
from hosplogi.sla import columns as columns_module
from hosplogi.sla.batch import OrderColumns
from hosplogi.sla.columns import (
    ACTIONS,
    CLOCKS,
    HOLD_REASONS,
    STATES,
    ClockArrays,
    SlaArrays,
    sla_arrays,
    to_us,
)
from sla_reference import reference_evaluate
from strategies import sla_policies, work_orders
from test_sla import batch_policies, now_zones, orders_and_now

LUNCH = [(time(8), time(12)), (time(13, 30), time(17, 30))]
HOLIDAY_CALENDAR = BusinessCalendar(
    "Europe/London",
    dict.fromkeys(range(5), LUNCH),
    holidays=frozenset(date(y, m, d) for y in range(2020, 2032) for m, d in ((1, 1), (12, 25))),
    workdays=frozenset(date(y, 3, 28) for y in range(2020, 2032)),  # some are Saturdays
)
calendars = st.sampled_from(
    (HOLIDAY_CALENDAR, BusinessCalendar.china(strict=False), BusinessCalendar.always("UTC"))
)
policies = sla_policies(
    calendars,
    pausing=st.frozensets(
        st.sampled_from([*list(SlaPolicy.model_fields["pausing"].default), "other"])
    ),
)


def _outcome(run: object) -> object:
    try:
        return run()  # type: ignore[operator]
    except HosplogiError as err:
        return str(err)


def _json(statuses: object) -> object:
    if isinstance(statuses, list):
        return [s.model_dump_json() for s in statuses]
    return statuses


@settings(max_examples=150)
@given(st.lists(orders_and_now(), min_size=1, max_size=6), policies | batch_policies, now_zones)
def test_evaluate_equals_the_reference_replay(
    pairs: list[tuple[WorkOrder, datetime]], policy: SlaPolicy, zone: timezone | ZoneInfo
) -> None:
    now = max(n for _, n in pairs).astimezone(zone)
    for order, _ in pairs:
        expected = _outcome(lambda o=order: [reference_evaluate(o, policy, now)])
        assert _json(_outcome(lambda o=order: [evaluate(o, policy, now)])) == _json(expected)


@settings(max_examples=150)
@given(
    st.lists(orders_and_now(), min_size=1, max_size=8),
    policies | batch_policies,
    now_zones,
    st.integers(0, 3),
)
def test_the_column_engine_equals_evaluate(
    pairs: list[tuple[WorkOrder, datetime]],
    policy: SlaPolicy,
    zone: timezone | ZoneInfo,
    earlier: int,
) -> None:
    orders = [o for o, _ in pairs]
    # `now` somewhere among the orders: later ones have events after it, or are refused
    instants = sorted(n for _, n in pairs)
    now = instants[max(0, len(instants) - 1 - earlier)].astimezone(zone)

    def one_by_one() -> list[SlaStatus]:
        return [evaluate(o, policy, now) for o in orders]

    expected = _outcome(one_by_one)
    got = _outcome(lambda: evaluate_many(orders, policy, now))
    assert _json(got) == _json(expected)
    columns = _outcome(lambda: evaluate_many(orders, policy, now, columns=True))
    if isinstance(expected, list):
        assert not isinstance(columns, str)
        assert [columns.status(i) for i in range(len(orders))] == expected  # type: ignore[union-attr]
    else:
        assert columns == expected


@given(st.lists(work_orders(), min_size=1, max_size=5), policies)
def test_the_engine_arrays_hold_the_clock_fields(
    orders: list[WorkOrder], policy: SlaPolicy
) -> None:
    now = max(o.events[-1].at for o in orders).astimezone(UTC) + timedelta(hours=1)
    try:
        expected = [evaluate(o, policy, now) for o in orders]
    except HosplogiError:
        return
    cols = OrderColumns(orders)
    out = sla_arrays(cols.events, policy, now)
    for side in ("response", "resolution"):
        clock = getattr(out, side)
        clocks = [getattr(s, side) for s in expected]
        assert [STATES[c] for c in clock.state] == [c.state for c in clocks]
        assert clock.breached.tolist() == [c.breached for c in clocks]
        assert clock.percent.tolist() == [c.percent for c in clocks]
        assert (clock.remaining // 1).tolist() == [
            c.remaining // timedelta(microseconds=1) for c in clocks
        ]
        assert clock.warned.tolist() == [len(c.warned) for c in clocks]
    assert out.cancelled.tolist() == [s.cancelled for s in expected]


def _plain_columns(logs: list[tuple[Event, ...]]) -> dict[str, list[int]]:
    """The event columns read event by event, with nothing shared with OrderColumns."""
    out: dict[str, list[int]] = {"offsets": [0], "action": [], "at_us": [], "hold": [], "prio": []}
    for log in logs:
        in_force = -1
        for event in log:
            if event.priority is not None:
                in_force = list(Priority).index(event.priority)
            out["action"].append(ACTIONS.index(event.action))
            out["at_us"].append(to_us(event.at))
            reason = event.hold_reason
            out["hold"].append(-1 if reason is None else HOLD_REASONS.index(reason))
            out["prio"].append(in_force)
        out["offsets"].append(out["offsets"][-1] + len(log))
    return out


@given(st.lists(work_orders(), max_size=5), st.booleans(), st.data())
def test_order_columns_equal_a_plain_per_event_reading(
    orders: list[WorkOrder], cut: bool, data: st.DataObject
) -> None:
    logs = [o.events for o in orders]
    if cut:  # the logs as they stood earlier (as kpi.measures passes them): a prefix of each
        logs = [log[: data.draw(st.integers(1, len(log)))] for log in logs]
    cols = OrderColumns(orders, logs=logs) if cut else OrderColumns(orders)
    expected = _plain_columns(logs)
    events = cols.events
    assert events.offsets.tolist() == expected["offsets"]
    assert events.action.tolist() == expected["action"]
    assert events.at_us.tolist() == expected["at_us"]
    assert events.hold_reason.tolist() == expected["hold"]
    assert events.priority.tolist() == expected["prio"]
    flat = [e for log in logs for e in log]
    assert [events.recorded(row) for row in range(len(flat))] == [e.at for e in flat]
    assert all(events.recorded(row).tzinfo is e.at.tzinfo for row, e in enumerate(flat))
    assert [events.order_id(i) for i in range(len(orders))] == [o.id for o in orders]


def test_no_orders_give_empty_columns() -> None:
    policy = SlaPolicy(
        targets={
            p: SlaTarget(respond=timedelta(hours=1), resolve=timedelta(hours=4)) for p in Priority
        }
    )
    out = sla_arrays(OrderColumns([]).events, policy, datetime(2026, 3, 2, tzinfo=UTC))
    assert out.priority.shape == (0,)
    assert out.response.elapsed.dtype == np.int64


@settings(max_examples=60)
@given(st.lists(orders_and_now(), min_size=2, max_size=8), policies | batch_policies, now_zones)
def test_chunks_of_a_few_events_give_the_same_columns(
    pairs: list[tuple[WorkOrder, datetime]], policy: SlaPolicy, zone: timezone | ZoneInfo
) -> None:
    orders = [o for o, _ in pairs]
    now = max(n for _, n in pairs).astimezone(zone)
    whole = _outcome(lambda: evaluate_many(orders, policy, now, columns=True))
    chunk = columns_module._CHUNK_ROWS
    try:
        columns_module._CHUNK_ROWS = 3  # cuts between orders of every batch
        assert _outcome(lambda: evaluate_many(orders, policy, now, columns=True)) == whole
    finally:
        columns_module._CHUNK_ROWS = chunk


# -- clocks=: one clock only ----------------------------------------------------------------------


def _arrays_or_error(
    orders: list[WorkOrder], policy: SlaPolicy, now: datetime, **kw: object
) -> object:
    return _outcome(lambda: sla_arrays(OrderColumns(orders).events, policy, now, **kw))


def _same_clock(one: ClockArrays, both: ClockArrays) -> None:
    for field in dataclasses.fields(ClockArrays):
        got, expected = getattr(one, field.name), getattr(both, field.name)
        assert got.dtype == expected.dtype, field.name
        assert got.tolist() == expected.tolist(), field.name


@settings(max_examples=150)
@given(
    st.lists(orders_and_now(), min_size=1, max_size=8),
    policies | batch_policies,
    now_zones,
    st.integers(0, 3),
    st.sampled_from(CLOCKS),
    st.booleans(),
)
def test_one_clock_equals_that_clock_of_both(
    pairs: list[tuple[WorkOrder, datetime]],
    policy: SlaPolicy,
    zone: timezone | ZoneInfo,
    earlier: int,
    name: str,
    small_chunks: bool,
) -> None:
    orders = [o for o, _ in pairs]
    instants = sorted(n for _, n in pairs)
    now = instants[max(0, len(instants) - 1 - earlier)].astimezone(zone)
    both = _arrays_or_error(orders, policy, now)
    chunk = columns_module._CHUNK_ROWS
    try:
        columns_module._CHUNK_ROWS = 3 if small_chunks else chunk
        one = _arrays_or_error(orders, policy, now, clocks=(name,))
    finally:
        columns_module._CHUNK_ROWS = chunk
    if isinstance(both, str):  # the same error, even one only the other clock raises
        assert one == both
        return
    assert isinstance(one, SlaArrays)
    assert isinstance(both, SlaArrays)
    assert one.clocks == (name,)
    _same_clock(getattr(one, name), getattr(both, name))
    assert one.priority.tolist() == both.priority.tolist()
    assert one.cancelled.tolist() == both.cancelled.tolist()
    (other,) = set(CLOCKS) - {name}
    with pytest.raises(HosplogiError, match=f"the {other} clock was not computed"):
        getattr(one, other)


def test_a_clock_left_out_still_raises_its_error() -> None:
    # the response target ends after the year 9999; the resolution clock is fine
    t0 = datetime(9999, 6, 1, tzinfo=UTC)
    policy = SlaPolicy(
        targets={
            p: SlaTarget(respond=timedelta(days=300), resolve=timedelta(hours=1)) for p in Priority
        }
    )
    order = WorkOrder.report(
        id="WO-9", title="t", trade="hvac", priority="routine", reported_at=t0, location="L1"
    )
    now = t0 + timedelta(days=1)
    with pytest.raises(HosplogiError, match="after the year 9999") as both:
        evaluate(order, policy, now)
    with pytest.raises(HosplogiError) as one:
        sla_arrays(OrderColumns([order]).events, policy, now, clocks=("resolution",))
    assert str(one.value) == str(both.value)


@pytest.mark.parametrize("clocks", ["resolution", (), ("resolution", "arrival"), 3, [None]])
def test_clocks_must_name_known_clocks(clocks: object) -> None:
    policy = SlaPolicy(
        targets={
            p: SlaTarget(respond=timedelta(hours=1), resolve=timedelta(hours=4)) for p in Priority
        }
    )
    events = OrderColumns([]).events
    with pytest.raises(HosplogiError, match="clocks must be a non-empty collection of"):
        sla_arrays(events, policy, datetime(2026, 3, 2, tzinfo=UTC), clocks=clocks)  # type: ignore[arg-type]


@settings(max_examples=60)
@given(st.lists(orders_and_now(), min_size=1, max_size=8), policies | batch_policies, now_zones)
def test_breaches_found_by_testing_every_turn_equal_the_search(
    pairs: list[tuple[WorkOrder, datetime]], policy: SlaPolicy, zone: timezone | ZoneInfo
) -> None:
    # the fallback for running sums that could pass 2**63 (or decrease): every turn tested
    orders = [o for o, _ in pairs]
    now = max(n for _, n in pairs).astimezone(zone)
    searched = _arrays_or_error(orders, policy, now)
    limit = columns_module._SEARCHABLE
    try:
        columns_module._SEARCHABLE = -1
        tested = _arrays_or_error(orders, policy, now)
    finally:
        columns_module._SEARCHABLE = limit
    if isinstance(searched, str):
        assert tested == searched
        return
    assert isinstance(searched, SlaArrays)
    assert isinstance(tested, SlaArrays)
    for name in CLOCKS:
        _same_clock(getattr(tested, name), getattr(searched, name))
