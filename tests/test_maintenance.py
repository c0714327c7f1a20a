"""Tests for hosplogi.maintenance: plans, due dates, idempotent generation, compliance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Completion,
    HosplogiError,
    MaintenancePlan,
    Priority,
    SkillRequirement,
    Source,
    WorkOrder,
    check_minimum,
    due,
    generate_orders,
    pm_compliance,
)

SH = ZoneInfo("Asia/Shanghai")
Y2026 = datetime(2026, 1, 1, tzinfo=SH)
Y2027 = datetime(2027, 1, 1, tzinfo=SH)


def _plan(pid: str = "P", **kw: object) -> MaintenancePlan:
    fields: dict[str, object] = {
        "title": "Clean AC fan filters",
        "trade": "hvac",
        "start": datetime(2026, 3, 2, 9, tzinfo=SH),
        "rrule": "FREQ=MONTHLY;INTERVAL=6",
    }
    fields.update(kw)
    if "interval" in kw and "rrule" not in kw:
        fields.pop("rrule")
    return MaintenancePlan(id=pid, **fields)  # type: ignore[arg-type]


def _done(order: WorkOrder, at: datetime) -> WorkOrder:
    return order.dispatch(["T01"], at=at).start(at=at).complete(at=at, by="T01")


# -- plan validation ---------------------------------------------------------------------------


def test_plan_needs_exactly_one_of_rrule_and_interval() -> None:
    with pytest.raises(ValidationError, match="exactly one of rrule and interval"):
        _plan(interval=timedelta(days=7), rrule="FREQ=WEEKLY")


def test_sub_daily_rrule_is_refused() -> None:
    with pytest.raises(ValidationError, match="repeats HOURLY"):
        _plan(rrule="FREQ=HOURLY;INTERVAL=8")


def test_invalid_rrule_is_rejected_naming_it() -> None:
    with pytest.raises(ValidationError, match=r"BYMONTHDAY=40 is out of range.*±1\.\.31"):
        _plan(rrule="FREQ=MONTHLY;BYMONTHDAY=40")


def test_naive_start_is_rejected() -> None:
    with pytest.raises(ValidationError, match="must be timezone-aware"):
        _plan(start=datetime(2026, 3, 2, 9))


def test_negative_lead_time_is_rejected() -> None:
    with pytest.raises(ValidationError, match="lead_time must be zero or more"):
        _plan(lead_time=timedelta(days=-1))


# -- due and generation ------------------------------------------------------------------------


def test_ac_filters_twice_a_year_001_403() -> None:
    plan = _plan("AHU-1", minimum_per_year=2, asset_id="AHU-1", lead_time=timedelta(days=7))
    items = due([plan], Y2026, Y2027)
    assert [i.id for i in items] == ["AHU-1@2026-03-02", "AHU-1@2026-09-02"]
    assert items[0].release_at == datetime(2026, 2, 23, 9, tzinfo=SH)
    check = check_minimum(plan, 2026)
    assert (check.planned, check.plan_ok, check.done, check.done_ok) == (2, True, 0, False)


def test_generated_order_fields() -> None:
    plan = _plan(
        "GEN-1",
        title="Generator oil and filters",
        trade="electrical",
        asset_id="GEN-1",
        location="Power room",
        requirements=(SkillRequirement(skill="electrical", level=2),),
        estimated_minutes=90,
        rrule="FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=8;BYMINUTE=0;BYSECOND=0",
        start=datetime(2026, 1, 1, 8, tzinfo=SH),
        lead_time=timedelta(days=2),
    )
    [order] = generate_orders(
        [plan], datetime(2026, 4, 1, tzinfo=SH), datetime(2026, 4, 2, tzinfo=SH)
    )
    assert order.id == "GEN-1@2026-04-01"
    assert order.source is Source.PREVENTIVE
    assert order.priority is Priority.PLANNED
    assert order.due_at == datetime(2026, 4, 1, 8, tzinfo=SH)
    assert order.reported_at == datetime(2026, 3, 30, 8, tzinfo=SH)
    assert (order.reference, order.asset_id, order.location) == ("GEN-1", "GEN-1", "Power room")
    assert order.estimated_minutes == 90
    assert order.requirements == (SkillRequirement(skill="electrical", level=2),)


def test_order_id_uses_the_due_date_in_the_plans_zone() -> None:
    plan = _plan(interval=timedelta(days=1), start=datetime(2026, 3, 1, 20, tzinfo=UTC))
    [order] = generate_orders(
        [plan], datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)
    )
    assert order.id == "P@2026-03-02"


def test_running_generation_twice_creates_nothing_new() -> None:
    plans = [_plan("A", interval=timedelta(days=7)), _plan("B", rrule="FREQ=WEEKLY;BYDAY=MO,FR")]
    first = generate_orders(plans, Y2026, datetime(2026, 5, 1, tzinfo=SH))
    assert len(first) == len({o.id for o in first}) == 9 + 17
    assert generate_orders(plans, Y2026, datetime(2026, 5, 1, tzinfo=SH), existing=first) == []
    more = generate_orders(plans, Y2026, datetime(2026, 5, 8, tzinfo=SH), existing=first)
    assert [o.id for o in more] == ["B@2026-05-01", "A@2026-05-04", "B@2026-05-04"]


def test_done_occurrences_are_not_generated_again() -> None:
    plan = _plan(interval=timedelta(days=7))
    history = [Completion(plan_id="P", done_at=datetime(2026, 3, 2, 15, tzinfo=SH))]
    orders = generate_orders([plan], Y2026, datetime(2026, 3, 17, tzinfo=SH), history=history)
    assert [o.id for o in orders] == ["P@2026-03-09", "P@2026-03-16"]


def test_duplicate_plan_ids_are_rejected() -> None:
    with pytest.raises(HosplogiError, match="plan ids must be unique; got P more than once"):
        due([_plan(), _plan()], Y2026, Y2027)


def test_two_occurrences_on_one_date_are_refused() -> None:
    plan = _plan(rrule="FREQ=DAILY;BYHOUR=8,20")
    with pytest.raises(HosplogiError, match="several occurrences on one date"):
        generate_orders([plan], Y2026, datetime(2026, 3, 4, tzinfo=SH))


def test_floating_plan_counts_from_the_last_completion() -> None:
    t0 = datetime(2026, 1, 5, 8, tzinfo=SH)
    plan = _plan("BOILER", interval=timedelta(days=30), anchor="floating", start=t0)
    history = [
        Completion(plan_id="BOILER", done_at=t0 + timedelta(days=3)),
        Completion(plan_id="BOILER", done_at=datetime(2026, 2, 20, 10, tzinfo=SH)),
    ]
    items = due([plan], Y2026, datetime(2026, 5, 1, tzinfo=SH), history)
    assert [(i.due_at.date().isoformat(), i.done_at is not None) for i in items] == [
        ("2026-01-05", True),
        ("2026-02-07", True),
        ("2026-03-22", False),
        ("2026-04-21", False),
    ]
    assert [i.on_time for i in items[:2]] == [False, False]


def test_floating_plan_keeps_one_open_order() -> None:
    t0 = datetime(2026, 1, 5, 8, tzinfo=SH)
    plan = _plan("BOILER", interval=timedelta(days=30), anchor="floating", start=t0)
    first = generate_orders([plan], Y2026, Y2027)
    assert [o.id for o in first] == ["BOILER@2026-01-05"]
    assert generate_orders([plan], Y2026, Y2027, existing=first) == []
    finished = _done(first[0], t0 + timedelta(days=1))
    second = generate_orders([plan], Y2026, Y2027, existing=[finished])
    assert [o.id for o in second] == ["BOILER@2026-02-05"]


def test_fixed_completion_without_due_time_goes_to_the_open_window() -> None:
    plan = _plan(interval=timedelta(days=7), lead_time=timedelta(days=1))
    history = [Completion(plan_id="P", done_at=datetime(2026, 3, 8, 10, tzinfo=SH))]
    items = due([plan], datetime(2026, 3, 1, tzinfo=SH), datetime(2026, 3, 17, tzinfo=SH), history)
    assert [(i.id, i.done_at is not None) for i in items] == [
        ("P@2026-03-02", False),
        ("P@2026-03-09", True),
        ("P@2026-03-16", False),
    ]
    assert items[1].on_time is True


def test_rule_at_least_twice_a_year_against_work_done() -> None:
    plan = _plan("AC", minimum_per_year=2)
    orders = generate_orders([plan], Y2026, Y2027)
    done = [_done(orders[0], datetime(2026, 3, 3, tzinfo=SH))]
    assert check_minimum(plan, 2026, history=done).done == 1
    done.append(_done(orders[1], datetime(2026, 9, 2, 10, tzinfo=SH)))
    result = check_minimum(plan, 2026, history=done)
    assert (result.done, result.done_ok) == (2, True)
    assert check_minimum(plan, 2026, history=done, times=4).done_ok is False


def test_minimum_needs_a_number() -> None:
    with pytest.raises(HosplogiError, match="no minimum to check"):
        check_minimum(_plan(), 2026)


def test_compliance_is_on_time_over_due() -> None:
    plan = _plan(interval=timedelta(days=7), tolerance=timedelta(hours=12))
    orders = generate_orders(
        [plan], datetime(2026, 3, 1, tzinfo=SH), datetime(2026, 3, 29, tzinfo=SH)
    )
    assert len(orders) == 4
    history = [
        _done(orders[0], datetime(2026, 3, 2, 11, tzinfo=SH)),  # on time
        _done(orders[1], datetime(2026, 3, 10, 11, tzinfo=SH)),  # a day late
        _done(orders[2], datetime(2026, 3, 16, 20, tzinfo=SH)),  # within tolerance
    ]
    c = pm_compliance(
        [plan], datetime(2026, 3, 1, tzinfo=SH), datetime(2026, 3, 29, tzinfo=SH), history
    )
    assert (c.due, c.done, c.on_time, c.rate) == (4, 3, 2, 50.0)
    assert c.late_ids == ("P@2026-03-09",)
    assert c.missed_ids == ("P@2026-03-23",)
    early = pm_compliance(
        [plan],
        datetime(2026, 3, 1, tzinfo=SH),
        datetime(2026, 3, 29, tzinfo=SH),
        history,
        now=datetime(2026, 3, 23, 12, tzinfo=SH),
    )
    assert (early.due, early.rate) == (3, pytest.approx(200 / 3))


def test_compliance_with_nothing_due_is_full() -> None:
    assert pm_compliance([_plan()], Y2026, datetime(2026, 2, 1, tzinfo=SH)).rate == 100.0


# -- properties --------------------------------------------------------------------------------

intervals = st.integers(1, 40).map(lambda d: timedelta(days=d))
starts = st.datetimes(
    min_value=datetime(2025, 6, 1),
    max_value=datetime(2026, 6, 1),
    timezones=st.sampled_from((SH, ZoneInfo("Europe/London"))),
    allow_imaginary=False,
)
zone_names = st.sampled_from(("Asia/Shanghai", "Europe/London", "UTC"))
rules = st.sampled_from(
    ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=YEARLY")
)


@st.composite
def plans(draw: st.DrawFn) -> MaintenancePlan:
    anchor = draw(st.sampled_from(("fixed", "floating")))
    lead = timedelta(hours=draw(st.integers(0, 72)))
    tz = draw(zone_names)
    if draw(st.booleans()):
        return _plan(
            interval=draw(intervals), start=draw(starts), anchor=anchor, lead_time=lead, timezone=tz
        )
    start = draw(starts).replace(microsecond=0)
    return _plan(rrule=draw(rules), start=start, anchor=anchor, lead_time=lead, timezone=tz)


@given(plans(), st.integers(0, 200))
def test_generation_is_idempotent(plan: MaintenancePlan, days: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=SH)
    end = start + timedelta(days=days)
    first = generate_orders([plan], start, end)
    assert len({o.id for o in first}) == len(first)
    assert all(start <= o.due_at < end for o in first)  # type: ignore[operator]
    assert generate_orders([plan], start, end, existing=first) == []
    assert generate_orders([plan], start, end) == first


@given(plans(), st.integers(0, 120))
def test_due_items_are_sorted_and_inside_the_range(plan: MaintenancePlan, days: int) -> None:
    start = datetime(2026, 2, 1, tzinfo=SH)
    end = start + timedelta(days=days)
    items = due([plan], start, end)
    assert all(start <= i.due_at < end for i in items)
    assert [i.due_at for i in items] == sorted({i.due_at for i in items})


@given(plans())
def test_plan_json_round_trip(plan: MaintenancePlan) -> None:
    assert MaintenancePlan.model_validate_json(plan.model_dump_json()) == plan


def test_models_have_json_schemas() -> None:
    assert "anchor" in MaintenancePlan.model_json_schema()["properties"]
    assert Completion.model_json_schema()["type"] == "object"


def test_lead_time_is_an_absolute_duration_across_daylight_saving() -> None:
    london = ZoneInfo("Europe/London")
    plan = _plan(
        interval=timedelta(days=1),
        start=datetime(2026, 3, 27, 9, tzinfo=london),
        timezone="Europe/London",
        lead_time=timedelta(hours=8),
    )
    items = due([plan], datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
    [item] = items
    assert item.due_at == datetime(2026, 3, 29, 8, tzinfo=UTC)  # 09:00 BST
    assert item.release_at == datetime(2026, 3, 29, 0, tzinfo=UTC)
    assert item.id == "P@2026-03-29"
