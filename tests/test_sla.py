"""Tests of hosplogi.sla: clock rules, business hours, priority changes, warnings, compliance."""

from __future__ import annotations

import gc
import math
import re
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    BusinessCalendar,
    Clock,
    ComplianceReport,
    HoldReason,
    HosplogiError,
    Priority,
    SlaColumns,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
    WorkOrder,
    compliance,
    compliance_reports,
    evaluate,
    evaluate_many,
)
from hosplogi.orders import Action
from sla_reference import reference_evaluate
from strategies import gaps, sla_policies, work_orders

SH = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
M = timedelta(minutes=1)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday

WALL = SlaPolicy(
    targets={
        Priority.EMERGENCY: SlaTarget(respond=15 * M, resolve=4 * H),
        Priority.URGENT: SlaTarget(respond=30 * M, resolve=4 * H),
        Priority.ROUTINE: SlaTarget(respond=4 * H, resolve=24 * H),
        Priority.PLANNED: SlaTarget(respond=24 * H, resolve=72 * H),
    }
)
CHINA_POLICY = SlaPolicy(
    targets={
        Priority.EMERGENCY: SlaTarget(respond=15 * M, resolve=4 * H),
        Priority.URGENT: SlaTarget(respond=30 * M, resolve=8 * H),
        Priority.ROUTINE: SlaTarget(respond=2 * H, resolve=16 * H, business_hours=True),
        Priority.PLANNED: SlaTarget(respond=8 * H, resolve=40 * H, business_hours=True),
    },
    calendar=BusinessCalendar.china(),
)


def _order(priority: Priority = Priority.URGENT, at: datetime = T0, **fields: object) -> WorkOrder:
    return WorkOrder.report(
        id=str(fields.pop("id", "WO-1")),
        title="Tap leaking",
        trade=str(fields.pop("trade", "plumbing")),
        priority=priority,
        reported_at=at,
        location="Ward 3",
        **fields,  # type: ignore[arg-type]
    )


# -- the worked example of docs/sla.md ---------------------------------------------------------


def _worked_example() -> WorkOrder:
    mon = datetime(2026, 3, 2, tzinfo=SH)
    o = _order(Priority.ROUTINE, at=mon.replace(hour=11))
    o = o.dispatch(["T01"], at=mon.replace(hour=11, minute=20))
    o = o.start(at=mon.replace(hour=14), by="T01")
    o = o.hold(HoldReason.AWAITING_MATERIAL, at=mon.replace(hour=15))
    tue = mon + timedelta(days=1)
    o = o.resume(at=tue.replace(hour=10))
    o = o.complete(at=tue.replace(hour=16))
    wed = mon + timedelta(days=2)
    o = o.verify(at=wed.replace(hour=9), accepted=False)
    return o.complete(at=wed.replace(hour=11))


def test_worked_example_response_counts_business_time_around_lunch() -> None:
    order = _worked_example()
    s = evaluate(order, CHINA_POLICY, datetime(2026, 3, 5, 9, tzinfo=SH))
    assert s.response.state == "stopped"
    assert s.response.elapsed == timedelta(hours=1, minutes=30)  # 11–12 and 13:30–14
    assert s.response.warned == (0.75,)
    assert not s.response.breached
    assert s.response.stopped_at == datetime(2026, 3, 2, 14, tzinfo=SH)


def test_worked_example_resolution_while_on_hold_is_paused_and_due_later() -> None:
    order = _worked_example()
    s = evaluate(order, CHINA_POLICY, datetime(2026, 3, 2, 15, 30, tzinfo=SH))
    assert s.resolution.state == "paused"
    assert s.resolution.elapsed == timedelta(hours=2, minutes=30)
    assert s.resolution.paused == timedelta(minutes=30)
    assert s.resolution.due_at == datetime(2026, 3, 4, 11, 30, tzinfo=SH)


def test_worked_example_resolution_after_the_hold() -> None:
    order = _worked_example()
    s = evaluate(order, CHINA_POLICY, datetime(2026, 3, 3, 12, tzinfo=SH))
    assert s.resolution.state == "running"
    assert s.resolution.elapsed == timedelta(hours=4, minutes=30)
    assert s.resolution.paused == timedelta(hours=4, minutes=30)  # Mon 15–17:30, Tue 8–10
    assert s.resolution.remaining == timedelta(hours=11, minutes=30)
    assert s.resolution.due_at == datetime(2026, 3, 4, 17, tzinfo=SH)


def test_worked_example_rejected_work_restarts_the_resolution_clock() -> None:
    order = _worked_example()
    between = evaluate(order, CHINA_POLICY, datetime(2026, 3, 4, 8, 30, tzinfo=SH))
    assert between.resolution.state == "stopped"
    assert between.resolution.elapsed == 7 * H
    rework = evaluate(order, CHINA_POLICY, datetime(2026, 3, 4, 10, tzinfo=SH))
    assert rework.resolution.state == "running"
    assert rework.resolution.elapsed == 8 * H
    done = evaluate(order, CHINA_POLICY, datetime(2026, 3, 5, 9, tzinfo=SH))
    assert done.resolution.state == "stopped"
    assert done.resolution.elapsed == 9 * H
    assert done.resolution.percent == 56.25
    assert done.resolution.due_at is None
    assert done.resolution.stopped_at == datetime(2026, 3, 4, 11, tzinfo=SH)


# -- clock rules -------------------------------------------------------------------------------


def test_response_clock_stops_at_the_first_start_on_site() -> None:
    o = _order().dispatch(["T01"], at=T0 + 5 * M).start(at=T0 + 20 * M)
    s = evaluate(o, WALL, T0 + 2 * H)
    assert (s.response.state, s.response.elapsed) == ("stopped", 20 * M)
    assert s.resolution.state == "running"
    assert s.resolution.elapsed == 2 * H


def test_response_clock_breaches_after_its_target() -> None:
    s = evaluate(_order(), WALL, T0 + 45 * M)
    assert s.response.breached
    assert s.response.remaining == -15 * M
    assert s.response.breached_at == T0 + 30 * M
    assert s.response.due_at == T0 + 30 * M
    assert s.response.percent == 150.0


def test_a_hold_for_a_pausing_reason_pauses_both_clocks() -> None:
    o = _order().hold(HoldReason.AWAITING_REQUESTER, at=T0 + 10 * M)
    s = evaluate(o, WALL, T0 + 70 * M)
    assert s.response.state == "paused"
    assert s.response.elapsed == 10 * M
    assert s.response.paused == 60 * M
    assert s.response.due_at == T0 + 90 * M  # 20 minutes left, counted from now


def test_a_hold_for_another_reason_does_not_pause() -> None:
    o = _order().hold(HoldReason.AWAITING_VENDOR, at=T0 + 10 * M)
    s = evaluate(o, WALL, T0 + 70 * M)
    assert s.response.state == "running"
    assert s.response.elapsed == 70 * M
    assert s.response.paused == timedelta(0)


def test_due_at_moves_later_by_every_pause() -> None:
    o = _order().hold(HoldReason.AWAITING_MATERIAL, at=T0 + 5 * M).resume(at=T0 + 25 * M)
    o = o.hold(HoldReason.AWAITING_MATERIAL, at=T0 + 30 * M).resume(at=T0 + 40 * M)
    s = evaluate(o, WALL, T0 + 41 * M)
    assert s.response.paused == 30 * M
    assert s.response.due_at == T0 + 60 * M


def test_warning_levels_report_the_thresholds_crossed() -> None:
    o = _order()
    assert evaluate(o, WALL, T0 + 22 * M).response.warned == ()
    assert evaluate(o, WALL, T0 + 22 * M + 29 * timedelta(seconds=1)).response.warned == ()
    assert evaluate(o, WALL, T0 + 22 * M + 30 * timedelta(seconds=1)).response.warned == (0.75,)
    assert evaluate(o, WALL, T0 + 27 * M).response.warned == (0.75, 0.9)


def test_cancellation_stops_both_clocks() -> None:
    o = _order().hold(HoldReason.AWAITING_MATERIAL, at=T0 + 10 * M)
    o = o.cancel(at=T0 + 50 * M, reason="duplicate")
    s = evaluate(o, WALL, T0 + 5 * H)
    assert s.cancelled
    assert s.response.state == s.resolution.state == "stopped"
    assert s.response.elapsed == 10 * M
    assert s.response.paused == 40 * M
    assert s.response.stopped_at == T0 + 50 * M


def test_events_after_now_are_ignored() -> None:
    o = _order().dispatch(["T01"], at=T0 + 5 * M).start(at=T0 + 20 * M)
    s = evaluate(o, WALL, T0 + 10 * M)
    assert s.response.state == "running"
    assert s.response.elapsed == 10 * M


def test_instants_are_given_in_the_zone_of_now() -> None:
    now = datetime(2026, 3, 2, 17, 10, tzinfo=SH)  # 09:10 UTC
    s = evaluate(_order(), WALL, now)
    assert s.response.due_at == datetime(2026, 3, 2, 17, 30, tzinfo=SH)
    assert s.response.due_at.utcoffset() == timedelta(hours=8)  # pinned offset, like orders


def test_business_hours_target_counts_open_time_over_the_make_up_saturday() -> None:
    fri = datetime(2026, 2, 13, 17, tzinfo=SH)
    o = _order(Priority.ROUTINE, at=fri)
    s = evaluate(o, CHINA_POLICY, fri + timedelta(minutes=10))
    assert s.response.due_at == datetime(2026, 2, 14, 9, 30, tzinfo=SH)


def test_business_hours_clock_stands_still_over_national_day() -> None:
    o = _order(Priority.ROUTINE, at=datetime(2025, 9, 30, 17, tzinfo=SH))
    s = evaluate(o, CHINA_POLICY, datetime(2025, 10, 8, 23, tzinfo=SH))
    assert s.response.elapsed == 30 * M
    assert s.response.due_at == datetime(2025, 10, 9, 9, 30, tzinfo=SH)


def test_an_old_order_on_an_unbounded_calendar_is_measured_correctly() -> None:
    cal = BusinessCalendar("UTC", {d: [(time(9), time(17))] for d in range(5)})
    policy = SlaPolicy(
        targets={p: SlaTarget(respond=H, resolve=8 * H, business_hours=True) for p in Priority},
        calendar=cal,
    )
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    recent = _order(Priority.ROUTINE, at=datetime(2026, 3, 2, 10, tzinfo=UTC), id="WO-2")
    old = _order(Priority.ROUTINE, at=datetime(2020, 3, 2, 10, tzinfo=UTC))
    statuses = evaluate_many([recent, old, recent], policy, now)
    assert [s.response.elapsed for s in statuses] == [
        2 * H,
        cal.between(old.reported_at, now),
        2 * H,
    ]


# -- priority changes --------------------------------------------------------------------------


def test_escalation_keeps_elapsed_time_and_uses_the_new_target() -> None:
    o = _order(Priority.ROUTINE)
    o = o.hold(HoldReason.AWAITING_MATERIAL, at=T0 + 20 * M).resume(at=T0 + 80 * M)
    o = o.reprioritize(Priority.URGENT, at=T0 + 90 * M)
    s = evaluate(o, WALL, T0 + 100 * M)
    assert s.priority is Priority.URGENT
    assert s.response.target == 30 * M
    assert s.response.elapsed == 40 * M  # 09:00–09:20 and 10:20–10:40
    assert s.response.paused == 60 * M  # the accrued pause is kept, not lost
    assert s.response.breached
    assert s.response.breached_at == T0 + 90 * M
    assert s.resolution.target == 4 * H


def test_a_stopped_clock_keeps_the_target_in_force_when_it_stopped() -> None:
    o = _order(Priority.ROUTINE).dispatch(["T01"], at=T0).start(at=T0 + 2 * H)
    o = o.reprioritize(Priority.URGENT, at=T0 + 3 * H)
    s = evaluate(o, WALL, T0 + 4 * H)
    assert s.response.target == 4 * H
    assert not s.response.breached
    assert s.resolution.target == 4 * H


def test_escalation_from_business_hours_to_wall_clock_remeasures_the_history() -> None:
    sat = datetime(2026, 3, 7, 9, tzinfo=SH)  # a plain Saturday: closed
    o = _order(Priority.ROUTINE, at=sat)
    assert evaluate(o, CHINA_POLICY, sat + H).response.elapsed == timedelta(0)
    o = o.reprioritize(Priority.URGENT, at=sat + H)
    s = evaluate(o, CHINA_POLICY, sat + H)
    assert s.response.elapsed == H
    assert s.response.breached


# -- bad input ---------------------------------------------------------------------------------


def test_now_before_the_report_is_refused() -> None:
    with pytest.raises(HosplogiError, match="earlier than reported_at"):
        evaluate(_order(), WALL, T0 - M)


def test_naive_now_is_refused() -> None:
    with pytest.raises(HosplogiError, match="naive"):
        evaluate(_order(), WALL, datetime(2026, 3, 2, 10))


def test_business_hours_outside_the_calendar_years_is_refused() -> None:
    o = _order(Priority.ROUTINE, at=datetime(2000, 3, 1, 9, tzinfo=SH))
    with pytest.raises(HosplogiError, match="outside the years"):
        evaluate(o, CHINA_POLICY, datetime(2000, 3, 2, 9, tzinfo=SH))


def test_policy_needs_a_target_for_every_priority() -> None:
    with pytest.raises(ValidationError, match="no target for priorities EMERGENCY, PLANNED"):
        SlaPolicy(targets={p: WALL.targets[p] for p in (Priority.URGENT, Priority.ROUTINE)})


def test_business_hours_target_needs_a_calendar() -> None:
    with pytest.raises(ValidationError, match="ROUTINE, PLANNED count business hours"):
        SlaPolicy(targets=CHINA_POLICY.targets)


@pytest.mark.parametrize("bad", [timedelta(0), -M])
def test_targets_must_be_positive(bad: timedelta) -> None:
    with pytest.raises(ValidationError, match="respond target must be positive"):
        SlaTarget(respond=bad, resolve=H)


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.1])
def test_warn_levels_must_lie_strictly_between_0_and_1(bad: float) -> None:
    with pytest.raises(ValidationError, match="strictly between 0 and 1"):
        SlaPolicy(targets=WALL.targets, warn_at=(0.5, bad))


def test_warn_levels_are_kept_sorted() -> None:
    assert SlaPolicy(targets=WALL.targets, warn_at=(0.9, 0.5, 0.9)).warn_at == (0.5, 0.9)


# -- compliance --------------------------------------------------------------------------------


def _finished(i: int, hours: float, trade: str, team: tuple[str, ...]) -> WorkOrder:
    o = _order(Priority.ROUTINE, id=f"WO-{i}", trade=trade, department="ICU")
    o = o.dispatch(team, at=T0).start(at=T0 + M)
    return o.complete(at=T0 + timedelta(hours=hours))


def _fleet() -> list[WorkOrder]:
    return [
        _finished(1, 2, "plumbing", ("T01",)),
        _finished(2, 30, "plumbing", ("T01", "T02")),
        _finished(3, 10, "electrical", ("T02",)),
        _order(Priority.URGENT, id="WO-4", trade="electrical"),
        _order(Priority.URGENT, id="WO-5", trade="hvac").cancel(at=T0 + H, reason="duplicate"),
    ]


def test_compliance_by_trade_counts_met_breached_open_and_cancelled() -> None:
    report = compliance(_fleet(), WALL, T0 + 2 * H, by="trade", clock="response")
    rows = {r.key: r for r in report.rows}
    assert list(rows) == ["electrical", "hvac", "plumbing"]
    assert (rows["plumbing"].met, rows["plumbing"].breached, rows["plumbing"].open) == (2, 0, 0)
    assert (rows["electrical"].met, rows["electrical"].breached) == (1, 1)  # WO-4 breached
    resolution = compliance(_fleet(), WALL, T0 + 2 * H, by="trade")
    plumbing = next(r for r in resolution.rows if r.key == "plumbing")
    assert (plumbing.met, plumbing.breached, plumbing.open) == (1, 0, 1)
    assert (rows["hvac"].count, rows["hvac"].cancelled, rows["hvac"].met_rate) == (1, 1, None)
    assert report.total.count == 5


def test_compliance_rates_and_times_once_everything_is_done() -> None:
    report = compliance(_fleet(), WALL, T0 + 2 * 24 * H, by="priority")
    routine = next(r for r in report.rows if r.key == "routine")
    assert (routine.met, routine.breached) == (2, 1)
    assert routine.met_rate == pytest.approx(200 / 3)
    assert routine.mean_elapsed == 14 * H
    assert routine.p90_elapsed == 30 * H


def test_compliance_by_assignee_counts_an_order_for_each_team_member() -> None:
    report = compliance(_fleet(), WALL, T0 + 2 * 24 * H, by="assignee", clock="response")
    rows = {r.key: r.count for r in report.rows}
    assert rows == {"T01": 2, "T02": 2, None: 2}


def test_compliance_by_unknown_attribute_is_refused() -> None:
    with pytest.raises(HosplogiError, match="cannot group by 'colour'"):
        compliance(_fleet(), WALL, T0 + H, by="colour")


def test_compliance_report_round_trips_through_json() -> None:
    report = compliance(_fleet(), WALL, T0 + 2 * H, by="department")
    assert ComplianceReport.model_validate_json(report.model_dump_json()) == report


def test_models_have_json_schemas() -> None:
    for model in (SlaTarget, SlaPolicy, Clock, SlaStatus, ComplianceReport):
        assert model.model_json_schema()["type"] == "object"


def test_policy_round_trips_through_json() -> None:
    assert SlaPolicy.model_validate_json(CHINA_POLICY.model_dump_json()) == CHINA_POLICY


# -- properties --------------------------------------------------------------------------------

ALWAYS_POLICY = SlaPolicy(
    targets={
        p: SlaTarget(respond=t.respond, resolve=t.resolve, business_hours=True)
        for p, t in WALL.targets.items()
    },
    calendar=BusinessCalendar.always("UTC"),
)


@st.composite
def orders_and_now(draw: st.DrawFn) -> tuple[WorkOrder, datetime]:
    order = draw(work_orders())
    return order, order.events[-1].at.astimezone(UTC) + draw(gaps)


def _span(a: datetime, b: datetime) -> timedelta:
    """Elapsed time from `a` to `b` (through UTC: same-zone subtraction is wall-clock)."""
    return b.astimezone(UTC) - a.astimezone(UTC)


@given(orders_and_now())
def test_response_elapsed_plus_paused_is_the_time_to_its_stop(
    pair: tuple[WorkOrder, datetime],
) -> None:
    order, now = pair
    c = evaluate(order, WALL, now).response
    assert c.elapsed + c.paused == _span(order.reported_at, c.stopped_at or now)
    assert c.elapsed >= timedelta(0)
    assert c.remaining == c.target - c.elapsed


@given(orders_and_now())
def test_resolution_elapsed_plus_paused_plus_acceptance_waits_is_the_time_to_its_stop(
    pair: tuple[WorkOrder, datetime],
) -> None:
    order, now = pair
    c = evaluate(order, WALL, now).resolution
    waits = timedelta(0)
    completed: datetime | None = None
    for e in order.events:
        if e.action is Action.COMPLETE:
            completed = e.at
        elif e.action is Action.REJECT and completed is not None:
            waits += _span(completed, e.at)
    assert c.elapsed + c.paused + waits == _span(order.reported_at, c.stopped_at or now)


@given(orders_and_now())
def test_a_24_7_business_calendar_gives_the_wall_clock_answer(
    pair: tuple[WorkOrder, datetime],
) -> None:
    order, now = pair
    assert evaluate(order, ALWAYS_POLICY, now) == evaluate(order, WALL, now)


@given(st.lists(orders_and_now(), min_size=1, max_size=5))
def test_evaluate_many_equals_evaluate_one_by_one(
    pairs: list[tuple[WorkOrder, datetime]],
) -> None:
    orders = [o for o, _ in pairs]
    now = max(n for _, n in pairs)
    assert evaluate_many(orders, WALL, now) == [reference_evaluate(o, WALL, now) for o in orders]


@given(orders_and_now(), gaps)
def test_elapsed_never_decreases_as_now_moves_on(
    pair: tuple[WorkOrder, datetime], later: timedelta
) -> None:
    order, now = pair
    a, b = evaluate(order, WALL, now), evaluate(order, WALL, now + later)
    assert a.response.elapsed <= b.response.elapsed
    assert a.resolution.elapsed <= b.resolution.elapsed


@given(orders_and_now())
def test_sla_status_round_trips_through_json(pair: tuple[WorkOrder, datetime]) -> None:
    status = evaluate(pair[0], WALL, pair[1])
    assert SlaStatus.model_validate_json(status.model_dump_json()) == status


def test_clock_time_lunch_break_policy_example() -> None:
    cal = BusinessCalendar("Asia/Shanghai", {d: [(time(8), time(12))] for d in range(5)})
    policy = SlaPolicy(
        targets={p: SlaTarget(respond=H, resolve=8 * H, business_hours=True) for p in Priority},
        calendar=cal,
    )
    o = _order(Priority.ROUTINE, at=datetime(2026, 3, 2, 11, 30, tzinfo=SH))
    s = evaluate(o, policy, datetime(2026, 3, 2, 15, tzinfo=SH))
    assert s.response.elapsed == 30 * M
    assert s.response.due_at == datetime(2026, 3, 3, 8, 30, tzinfo=SH)


positive = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30))
sla_targets = st.builds(SlaTarget, respond=positive, resolve=positive, business_hours=st.booleans())
policies = sla_policies(st.just(BusinessCalendar.china(2026)), targets=sla_targets)


@given(policies)
def test_policy_json_round_trip(policy: SlaPolicy) -> None:
    assert SlaPolicy.model_validate_json(policy.model_dump_json()) == policy


# -- the batch path of evaluate_many against the plain evaluate ---------------------------------
#
# The library's replay (sla.replay.replay, behind evaluate, evaluate_many and compliance) is written
# for speed; tests/sla_reference.py keeps the first, plain replay as the oracle.
# These properties prove them equal — results, and the error raised — under wall-clock,
# business-hours and mixed policies, calendars with lunch breaks, 调休, DST and bounded years,
# `now` in fixed-offset and DST zones, orders sharing a tzinfo object and orders read from JSON
# (one tzinfo object per instant).

LUNCH = [(time(8), time(12)), (time(13, 30), time(17, 30))]
batch_calendars = st.sampled_from(
    (
        BusinessCalendar.china(strict=False),  # official years, then plain weeks
        BusinessCalendar.china(2026),  # strict: most instants are outside it and must raise
        BusinessCalendar("Europe/London", dict.fromkeys(range(6), LUNCH)),  # DST, unbounded
        BusinessCalendar.always("UTC"),
    )
)
batch_policies = sla_policies(batch_calendars)
now_zones = st.sampled_from((UTC, timezone(timedelta(hours=8)), SH, ZoneInfo("Europe/London")))


def _one_by_one(orders: list[WorkOrder], policy: SlaPolicy, now: datetime) -> list[SlaStatus] | str:
    """The plain replay per order, or the message of the first error (what a batch raises)."""
    out = []
    for o in orders:
        try:
            out.append(reference_evaluate(o, policy, now))
        except HosplogiError as err:
            return str(err)
    return out


def _batch(orders: list[WorkOrder], policy: SlaPolicy, now: datetime) -> list[SlaStatus] | str:
    try:
        return evaluate_many(orders, policy, now)
    except HosplogiError as err:
        return str(err)


def _columns(orders: list[WorkOrder], policy: SlaPolicy, now: datetime) -> list[SlaStatus] | str:
    """``evaluate_many(..., columns=True)`` read back row by row (and checked through JSON)."""
    try:
        cols = evaluate_many(orders, policy, now, columns=True)
    except HosplogiError as err:
        return str(err)
    assert SlaColumns.model_validate_json(cols.model_dump_json()) == cols
    assert {len(getattr(cols, name)) for name in SlaColumns.model_fields if name != "now"} == {
        len(orders)
    }
    return [cols.status(i) for i in range(len(orders))]


@given(
    st.lists(orders_and_now(), min_size=1, max_size=6),
    batch_policies,
    now_zones,
    st.booleans(),
    st.integers(-1, 1),
)
def test_evaluate_many_equals_evaluate_under_any_policy(
    pairs: list[tuple[WorkOrder, datetime]],
    policy: SlaPolicy,
    zone: timezone | ZoneInfo,
    from_json: bool,
    shift: int,
) -> None:
    orders = [o for o, _ in pairs]
    if from_json:
        orders = [WorkOrder.model_validate_json(o.model_dump_json()) for o in orders]
    # `shift` -1 puts `now` before the last report: that order must be refused by both paths.
    now = (max(n for _, n in pairs) if shift >= 0 else orders[-1].reported_at - M).astimezone(zone)
    expected = _one_by_one(orders, policy, now)
    got = _batch(orders, policy, now)
    assert got == expected
    if isinstance(expected, list):  # equal values, and equal in every detail the JSON shows
        assert [s.model_dump_json() for s in got] == [s.model_dump_json() for s in expected]
    rows = _columns(orders, policy, now)
    assert rows == expected
    if isinstance(expected, list):
        assert [s.model_dump_json() for s in rows] == [s.model_dump_json() for s in expected]


@given(st.lists(orders_and_now(), min_size=1, max_size=4), now_zones)
def test_evaluate_many_equals_evaluate_with_events_after_now(
    pairs: list[tuple[WorkOrder, datetime]], zone: timezone | ZoneInfo
) -> None:
    orders = [o for o, _ in pairs]
    now = min(n for _, n in pairs).astimezone(zone)  # later orders have events after `now`
    orders = [o for o in orders if o.reported_at <= now]
    for policy in (WALL, CHINA_POLICY):
        expected = _one_by_one(orders, policy, now)
        assert _batch(orders, policy, now) == expected
        assert _columns(orders, policy, now) == expected


def test_evaluate_many_restores_the_collector_state() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        evaluate_many([_order()], WALL, T0 + H)
        assert gc.isenabled()
        with pytest.raises(HosplogiError, match="earlier than reported_at"):
            evaluate_many([_order(), _order(at=T0 + 2 * H)], WALL, T0 + H)
        assert gc.isenabled()
        gc.disable()
        evaluate_many([_order()], WALL, T0 + H)
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_evaluate_many_reads_a_generator_once() -> None:
    orders = (_order(id=f"WO-{i}", at=T0 + i * M) for i in range(3))
    ids = [s.order_id for s in evaluate_many(orders, CHINA_POLICY, T0 + H)]
    assert ids == ["WO-0", "WO-1", "WO-2"]


def test_columns_of_the_worked_example_hold_its_figures() -> None:
    order = _worked_example()
    wed = datetime(2026, 3, 4, tzinfo=SH)
    cols = evaluate_many([order, order], CHINA_POLICY, wed.replace(hour=10), columns=True)
    assert cols.order_id == ("WO-1", "WO-1")
    assert cols.resolution_state == ("running", "running")
    assert cols.resolution_elapsed == (8 * H, 8 * H)
    assert cols.response_warned == ((0.75,), (0.75,))
    assert cols.status(0) == evaluate(order, CHINA_POLICY, wed.replace(hour=10))


def test_columns_of_no_orders_are_empty() -> None:
    cols = evaluate_many([], WALL, T0, columns=True)
    assert cols.order_id == ()
    assert cols.resolution_due_at == ()
    assert cols.now == T0


def test_columns_of_unequal_lengths_are_refused() -> None:
    data = evaluate_many([_order()], WALL, T0 + H, columns=True).model_dump()
    data["response_elapsed"] = ()
    with pytest.raises(ValidationError, match="one entry per order"):
        SlaColumns.model_validate(data)


def test_columns_model_has_a_json_schema() -> None:
    schema = SlaColumns.model_json_schema()
    assert schema["properties"]["resolution_elapsed"]["type"] == "array"


@given(st.lists(orders_and_now(), min_size=1, max_size=5))
def test_column_breaches_equal_the_clocks_breaches(
    pairs: list[tuple[WorkOrder, datetime]],
) -> None:
    orders = [o for o, _ in pairs]
    now = max(n for _, n in pairs)
    cols = evaluate_many(orders, WALL, now, columns=True)
    rows = evaluate_many(orders, WALL, now)
    assert cols.breached("response") == tuple(s.response.breached for s in rows)
    assert cols.breached("resolution") == tuple(s.resolution.breached for s in rows)
    with pytest.raises(HosplogiError, match="'response' or 'resolution'"):
        cols.breached("repair")  # type: ignore[arg-type]


def test_results_can_be_copied_with_updates() -> None:
    status = evaluate(_order(), WALL, T0 + 10 * M)
    paused = status.response.model_copy(update={"state": "paused"})
    assert paused.state == "paused"
    assert status.response.state == "running"
    assert status.model_copy(update={"cancelled": True}).cancelled
    cols = evaluate_many([_order()], WALL, T0 + 10 * M, columns=True)
    assert cols.model_copy(update={"now": T0}).now == T0


def test_a_wall_clock_target_needs_no_calendar_years_under_a_mixed_policy() -> None:
    policy = CHINA_POLICY.model_copy(update={"calendar": BusinessCalendar.china(range(2025, 2027))})
    reported = datetime(2024, 12, 31, 16, tzinfo=SH)
    now = datetime(2025, 1, 2, 10, tzinfo=SH)
    urgent = evaluate(_order(Priority.URGENT, reported), policy, now)  # wall-clock target
    assert urgent.resolution.elapsed == now - reported
    with pytest.raises(HosplogiError, match="outside the years"):
        evaluate(_order(Priority.ROUTINE, reported), policy, now)  # business hours in 2024
    escalated = _order(Priority.ROUTINE, reported).reprioritize(
        Priority.URGENT, at=reported + 10 * M
    )
    assert evaluate(escalated, policy, now).resolution.elapsed == now - reported


def test_a_copied_policy_measures_against_its_own_targets() -> None:
    order = _order()
    before = evaluate(order, WALL, T0 + 20 * M)  # caches the policy's goals
    strict = WALL.model_copy(
        update={"targets": {**WALL.targets, Priority.URGENT: SlaTarget(respond=10 * M, resolve=H)}}
    )
    after = evaluate(order, strict, T0 + 20 * M)
    assert (before.response.breached, after.response.breached) == (False, True)
    assert after.response.target == 10 * M
    assert strict == strict.model_copy()
    assert strict != WALL


def _compliance_oracle(
    orders: list[WorkOrder], policy: SlaPolicy, now: datetime, by: str, clock: str
) -> ComplianceReport:
    """Group plain `evaluate` results by hand: the definition `compliance` must follow."""
    groups: dict[str | None, list[tuple[bool, Clock]]] = {}
    everything = []
    for order in orders:
        status = evaluate(order, policy, now)
        item = (status.cancelled, getattr(status, clock))
        everything.append(item)
        if by == "priority":
            keys: list[str | None] = [status.priority.value]
        elif by == "assignee":
            keys = list(order.assignees) or [None]
        else:
            value = getattr(order, by)
            keys = [None if value is None else str(value)]
        for key in keys:
            groups.setdefault(key, []).append(item)

    def row(key: str | None, items: list[tuple[bool, Clock]]) -> dict[str, object]:
        decided = [
            c for cancelled, c in items if not cancelled and (c.breached or c.state == "stopped")
        ]
        met = sum(not c.breached for c in decided)
        done = sorted(c.elapsed for c in decided if c.state == "stopped")
        return {
            "key": key,
            "count": len(items),
            "cancelled": sum(cancelled for cancelled, _ in items),
            "met": met,
            "breached": len(decided) - met,
            "open": len(items) - len(decided) - sum(cancelled for cancelled, _ in items),
            "met_rate": met / len(decided) * 100.0 if decided else None,
            "mean_elapsed": sum(done, timedelta(0)) // len(done) if done else None,
            "p90_elapsed": done[math.ceil(0.9 * len(done)) - 1] if done else None,
        }

    keys = sorted(groups, key=lambda k: (k is None, k or ""))
    return ComplianceReport.model_validate(
        {
            "by": by,
            "clock": clock,
            "now": now,
            "rows": [row(k, groups[k]) for k in keys],
            "total": row(None, everything),
        }
    )


@given(
    st.lists(orders_and_now(), min_size=1, max_size=8),
    batch_policies,
    st.sampled_from(("priority", "trade", "assignee", "department")),
    st.sampled_from(("response", "resolution")),
)
def test_compliance_groups_the_clocks_of_evaluate(
    pairs: list[tuple[WorkOrder, datetime]], policy: SlaPolicy, by: str, clock: str
) -> None:
    orders = [o for o, _ in pairs]
    now = max(n for _, n in pairs)
    try:
        expected = _compliance_oracle(orders, policy, now, by, clock)
    except HosplogiError as error:
        with pytest.raises(HosplogiError, match=re.escape(str(error))):
            compliance(orders, policy, now, by=by, clock=clock)  # type: ignore[arg-type]
        return
    assert compliance(orders, policy, now, by=by, clock=clock) == expected  # type: ignore[arg-type]


CLOCK_NAMES: tuple[Literal["response", "resolution"], ...] = ("response", "resolution")


@given(
    st.lists(orders_and_now(), min_size=1, max_size=8),
    batch_policies,
    st.sampled_from(("priority", "trade", "assignee", "department")),
)
def test_compliance_reports_equal_compliance_for_each_clock(
    pairs: list[tuple[WorkOrder, datetime]], policy: SlaPolicy, by: str
) -> None:
    orders = [o for o, _ in pairs]
    now = max(n for _, n in pairs)
    try:
        expected = {c: compliance(orders, policy, now, by=by, clock=c) for c in CLOCK_NAMES}
    except HosplogiError as error:
        with pytest.raises(HosplogiError, match=re.escape(str(error))):
            compliance_reports(orders, policy, now, by=by)
        return
    assert compliance_reports(orders, policy, now, by=by) == expected


def test_compliance_reports_refuse_an_unknown_grouping() -> None:
    with pytest.raises(HosplogiError, match="cannot group by 'colour'"):
        compliance_reports([], WALL, datetime(2026, 3, 2, tzinfo=UTC), by="colour")
