"""Meter-based preventive maintenance: "every 500 running hours or 90 days, whichever first"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Completion,
    HosplogiError,
    MaintenancePlan,
    Meter,
    MeterReading,
    due,
    generate_orders,
    pm_compliance,
    usage,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
METER = Meter(id="CH-1-h", asset_id="CH-1", kind="running_hours")


def _readings(hours_per_day: float, days: int = 120) -> list[MeterReading]:
    return [
        MeterReading(meter_id="CH-1-h", at=T0 + d * DAY, value=hours_per_day * d)
        for d in range(days + 1)
    ]


def _plan(**kw: object) -> MaintenancePlan:
    fields: dict[str, object] = {
        "id": "CH-1-svc", "title": "Chiller service", "trade": "hvac", "asset_id": "CH-1",
        "meter": "CH-1-h", "every": 500, "start": T0, "timezone": "UTC", "anchor": "floating",
    }  # fmt: skip
    return MaintenancePlan(**{**fields, **kw})  # type: ignore[arg-type]


def _dates(items: list) -> list[str]:  # type: ignore[type-arg]
    return [i.due_at.date().isoformat() for i in items]


def test_a_meter_plan_falls_due_when_the_meter_counts_every() -> None:
    items = due([_plan()], T0, T0 + 120 * DAY, readings=_readings(20), meters=[METER])
    assert _dates(items) == ["2026-01-26", "2026-02-20", "2026-03-17", "2026-04-11"]
    assert items[1].counted_from == items[0].due_at


def test_with_a_calendar_rule_the_plan_falls_due_at_whichever_comes_first() -> None:
    plan = _plan(interval=timedelta(days=30))
    busy = due([plan], T0, T0 + 60 * DAY, readings=_readings(24), meters=[METER])
    assert _dates(busy) == ["2026-01-21", "2026-02-11"]  # 500 h (20.8 days) first
    idle = due([plan], T0, T0 + 61 * DAY, readings=_readings(2), meters=[METER])
    assert _dates(idle) == ["2026-01-31", "2026-03-02"]  # 30 days first


def test_beyond_the_last_reading_only_the_calendar_projects() -> None:
    plan = _plan(interval=timedelta(days=90))
    items = due([plan], T0, T0 + 400 * DAY, readings=_readings(10, days=40), meters=[METER])
    assert _dates(items) == ["2026-04-01", "2026-06-30", "2026-09-28", "2026-12-27"]
    assert due([_plan()], T0, T0 + 400 * DAY, readings=_readings(10, 40), meters=[METER]) == []


def test_a_floating_meter_plan_counts_again_from_each_completion() -> None:
    done = [Completion(plan_id="CH-1-svc", done_at=T0 + 30 * DAY)]
    items = due([_plan()], T0, T0 + 90 * DAY, done, readings=_readings(20), meters=[METER])
    assert _dates(items) == ["2026-01-26", "2026-02-25", "2026-03-22"]
    assert items[0].done_at == T0 + 30 * DAY
    assert items[0].on_time is False


def test_a_fixed_meter_plan_counts_from_each_due_time() -> None:
    done = [Completion(plan_id="CH-1-svc", done_at=T0 + 30 * DAY)]
    plan = _plan(anchor="fixed")
    items = due([plan], T0, T0 + 90 * DAY, done, readings=_readings(20), meters=[METER])
    assert _dates(items) == ["2026-01-26", "2026-02-20", "2026-03-17"]


def test_generation_is_idempotent_and_keeps_one_open_order() -> None:
    window = (T0, T0 + 120 * DAY)
    kw = {"readings": _readings(20), "meters": [METER]}
    first = generate_orders([_plan()], *window, **kw)  # type: ignore[arg-type]
    assert [o.id for o in first] == ["CH-1-svc@2026-01-26"]
    assert first[0].asset_id == "CH-1"
    assert first[0].source.value == "preventive"
    assert generate_orders([_plan()], *window, existing=first, **kw) == []  # type: ignore[arg-type]
    done = first[0].dispatch(["H01"], at=T0 + 25 * DAY).start(at=T0 + 26 * DAY)
    done = done.complete(at=T0 + 26 * DAY)
    second = generate_orders([_plan()], *window, existing=[done], **kw)  # type: ignore[arg-type]
    assert [o.id for o in second] == ["CH-1-svc@2026-02-21"]


def test_a_meter_plan_whose_meter_is_missing_is_refused() -> None:
    with pytest.raises(HosplogiError, match="meter CH-1-h of asset CH-1, but that meter is not"):
        due([_plan()], T0, T0 + DAY)
    other = Meter(id="CH-1-h", asset_id="CH-2", kind="running_hours")
    with pytest.raises(HosplogiError, match="that meter is on CH-2"):
        due([_plan()], T0, T0 + DAY, meters=[other])


def test_a_meter_plan_needs_readings_from_its_start() -> None:
    late = [r for r in _readings(20) if r.at >= T0 + 5 * DAY]
    with pytest.raises(HosplogiError, match="no readings around 2026-01-01"):
        due([_plan()], T0, T0 + 90 * DAY, readings=late, meters=[METER])


def test_meter_rule_fields_are_checked() -> None:
    with pytest.raises(ValidationError, match="needs meter, every and asset_id"):
        _plan(every=None)
    with pytest.raises(ValidationError, match="needs meter, every and asset_id"):
        _plan(asset_id=None)
    with pytest.raises(ValidationError, match="exactly one of rrule and interval"):
        _plan(meter=None, every=None)
    with pytest.raises(ValidationError):
        _plan(every=0)


def test_a_meter_that_counts_every_twice_a_day_is_refused() -> None:
    with pytest.raises(HosplogiError, match="twice on CH-1-svc@2026-01-01"):
        due([_plan(every=5)], T0, T0 + 2 * DAY, readings=_readings(24), meters=[METER])


def test_meter_plans_round_trip_through_json() -> None:
    plan = _plan(rrule="FREQ=MONTHLY;INTERVAL=3")
    assert MaintenancePlan.model_validate_json(plan.model_dump_json()) == plan


def test_pm_compliance_with_the_smrp_grace() -> None:
    plan = MaintenancePlan(id="AHU", title="t", trade="hvac", interval=timedelta(days=30),
                           timezone="UTC", start=T0, tolerance=timedelta(0))  # fmt: skip
    done = [Completion(plan_id="AHU", done_at=T0 + 5 * DAY, due_at=T0),
            Completion(plan_id="AHU", done_at=T0 + 37 * DAY, due_at=T0 + 30 * DAY)]  # fmt: skip
    strict = pm_compliance([plan], T0, T0 + 60 * DAY, done)
    smrp = pm_compliance([plan], T0, T0 + 60 * DAY, done, grace="smrp")
    assert (strict.on_time, smrp.on_time, smrp.late_ids) == (0, 1, ("AHU@2026-01-31",))
    with pytest.raises(HosplogiError, match="grace must be"):
        pm_compliance([plan], T0, T0 + DAY, grace="loose")  # type: ignore[arg-type]


def test_pm_compliance_of_a_meter_plan_uses_the_time_its_counters_ran() -> None:
    kw = {"readings": _readings(20), "meters": [METER], "grace": "smrp"}
    # due 26 Jan after its counters ran 25 days: a grace of 5 days
    for done_day, on_time in ((29, 1), (30, 1), (31, 0)):
        done = [Completion(plan_id="CH-1-svc", done_at=T0 + done_day * DAY)]
        got = pm_compliance([_plan()], T0, T0 + 30 * DAY, done, **kw)  # type: ignore[arg-type]
        assert (got.due, got.on_time) == (1, on_time)


@given(st.floats(1, 30), st.integers(50, 900))
def test_each_meter_occurrence_comes_after_every_units(rate: float, every: int) -> None:
    readings = _readings(rate)
    items = due([_plan(every=every)], T0, T0 + 120 * DAY, readings=readings, meters=[METER])
    previous = T0
    for item in items:
        assert usage(METER, readings, previous, item.due_at) == pytest.approx(every, rel=1e-6)
        previous = item.due_at
