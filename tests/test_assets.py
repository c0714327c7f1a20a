"""hosplogi.assets: the register, meters and usage, reliability, energy use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Asset,
    AssetRegister,
    Criticality,
    HosplogiError,
    Meter,
    MeterReading,
    MeterSeries,
    Priority,
    Source,
    WorkOrder,
    energy_use,
    meter_series,
    reliability,
    reliability_report,
    smrp_grace,
    usage,
)
from hosplogi.assets._meters import _usage_reference
from hosplogi.assets._reliability import _reliability_reference

T0 = datetime(2026, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
H = timedelta(hours=1)


def _hospital() -> AssetRegister:
    return AssetRegister(
        [
            Asset(id="H", name="Hospital", category="site"),
            Asset(id="B1", name="Ward block", category="building", parent="H"),
            Asset(id="B2", name="Energy centre", category="building", parent="H"),
            Asset(id="F3", name="Floor 3", category="floor", parent="B1"),
            Asset(id="W3", name="Ward 3", category="room", parent="F3", department="Ward 3"),
            Asset(id="LIFT-1", name="Bed lift 1", category="lift", parent="B1",
                  department="Logistics", criticality="A"),
            Asset(id="LIFT-2", name="Bed lift 2", category="lift", parent="B1",
                  department="Logistics", criticality="A"),
            Asset(id="CH-1", name="Chiller 1", category="chiller", parent="B2",
                  department="Energy", criticality="B"),
            Asset(id="VENT-7", name="Ventilator 7", category="ventilator", parent="W3",
                  department="Ward 3", criticality="A", commissioned_on=date(2026, 3, 16)),
        ]
    )  # fmt: skip


def _failure(
    oid: str,
    asset: str,
    reported: datetime,
    repaired: timedelta | None,
    *,
    source: Source = Source.PHONE,
    cancel: bool = False,
) -> WorkOrder:
    o = WorkOrder.report(id=oid, title="fault", trade="lifts", priority=Priority.URGENT,
                         reported_at=reported, location="B1", asset_id=asset,
                         source=source)  # fmt: skip
    if cancel:
        return o.cancel(at=reported + H, reason="duplicate")
    if repaired is None:
        return o
    o = o.dispatch(["L01"], at=reported).start(at=reported)
    return o.complete(at=reported + repaired)


# -- register ----------------------------------------------------------------------------------


def test_register_walks_the_hierarchy() -> None:
    r = _hospital()
    assert r.path("VENT-7") == ("H", "B1", "F3", "W3", "VENT-7")
    assert r.children("B1") == ("F3", "LIFT-1", "LIFT-2")
    assert r.descendants("B1") == ("F3", "W3", "VENT-7", "LIFT-1", "LIFT-2")
    assert r.ancestor("VENT-7", "building") == "B1"
    assert r.department_of("W3") == "Ward 3"
    assert "CH-1" in r
    assert "CH-9" not in r
    assert len(r) == 9


def test_register_refuses_unknown_parents_naming_them() -> None:
    with pytest.raises(ValidationError, match="LIFT-1 → B9"):
        AssetRegister([Asset(id="LIFT-1", name="l", category="lift", parent="B9")])


def test_register_refuses_a_cycle_naming_it() -> None:
    assets = [
        Asset(id="H", name="h", category="site"),
        Asset(id="A", name="a", category="system", parent="C"),
        Asset(id="B", name="b", category="system", parent="A"),
        Asset(id="C", name="c", category="system", parent="B"),
    ]
    with pytest.raises(ValidationError, match="cycle: A → C → B → A"):
        AssetRegister(assets)


def test_register_refuses_duplicate_ids() -> None:
    with pytest.raises(ValidationError, match="asset ids must be unique; got P1 more than once"):
        AssetRegister([Asset(id="P1", name="p", category="pump")] * 2)


def test_register_refuses_an_unknown_asset_lookup() -> None:
    with pytest.raises(HosplogiError, match="'X' is not in the register"):
        _hospital().path("X")


def test_register_is_immutable() -> None:
    r = _hospital()
    with pytest.raises(ValidationError):
        r.assets = ()  # type: ignore[misc]
    assert isinstance(r.assets, tuple)


def test_a_deep_chain_is_validated_without_recursion() -> None:
    n = 20_000
    chain = [Asset(id="N0", name="n", category="site")]
    chain += [
        Asset(id=f"N{i}", name="n", category="system", parent=f"N{i - 1}") for i in range(1, n)
    ]
    r = AssetRegister(chain)
    assert len(r.path(f"N{n - 1}")) == n
    assert len(r.descendants("N0")) == n - 1


def test_asset_money_is_decimal_and_non_negative() -> None:
    with pytest.raises(ValidationError, match="not float"):
        Asset(id="X", name="x", category="pump", purchase_value=1.5)
    with pytest.raises(ValidationError, match="zero or more"):
        Asset(id="X", name="x", category="pump", purchase_value="-1")


@st.composite
def registers(draw: st.DrawFn) -> AssetRegister:
    n = draw(st.integers(0, 12))
    assets = []
    for i in range(n):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        assets.append(
            Asset(
                id=f"A{i}",
                name=draw(st.text(max_size=5)),
                category=draw(st.sampled_from(["site", "building", "lift", "chiller"])),
                parent=None if parent is None else f"A{parent}",
                criticality=draw(st.sampled_from(Criticality)),
                purchase_value=draw(st.none() | st.decimals(0, 10**6, places=2)),
                commissioned_on=draw(st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1))),
            )
        )
    order = draw(st.permutations(assets))
    return AssetRegister(order)


@given(registers())
def test_register_json_round_trip(register: AssetRegister) -> None:
    back = AssetRegister.model_validate_json(register.model_dump_json())
    assert back == register
    for a in register.assets:
        assert back.path(a.id) == register.path(a.id)
        assert set(register.descendants(a.id)) == {
            b.id for b in register.assets if a.id in register.path(b.id)[:-1]
        }


# -- meters and usage --------------------------------------------------------------------------

HOURS = Meter(id="CH-1-h", asset_id="CH-1", kind="running_hours")


def _readings(meter: str, points: list[tuple[float, float]], resets: tuple[int, ...] = ()):
    return [
        MeterReading(meter_id=meter, at=T0 + d * DAY, value=v, reset=i in resets)
        for i, (d, v) in enumerate(points)
    ]


def test_usage_interpolates_linearly_at_the_bounds() -> None:
    rs = _readings("CH-1-h", [(0, 100), (10, 340)])
    assert usage(HOURS, rs, T0 + 2.5 * DAY, T0 + 5 * DAY) == pytest.approx(60.0)
    assert usage(HOURS, rs, T0, T0) == 0.0


def test_usage_across_a_rollover() -> None:
    m = Meter(id="M", asset_id="CH-1", kind="cycles", rollover=1000)
    rs = _readings("M", [(0, 990), (1, 15), (2, 40)])
    assert usage(m, rs, T0, T0 + 2 * DAY) == pytest.approx(50.0)


def test_usage_across_a_reset_counts_nothing_for_the_reset_interval() -> None:
    rs = _readings("CH-1-h", [(0, 100), (1, 124), (2, 3), (3, 27)], resets=(2,))
    assert usage(HOURS, rs, T0, T0 + 3 * DAY) == pytest.approx(48.0)


def test_a_reading_that_goes_down_is_refused_naming_it() -> None:
    rs = _readings("CH-1-h", [(0, 100), (1, 124), (2, 120)])
    with pytest.raises(HosplogiError, match=r"reading 2 at 2026-03-03.*went down from 124.0"):
        usage(HOURS, rs, T0, T0 + DAY)


def test_readings_out_of_time_order_are_refused() -> None:
    rs = _readings("CH-1-h", [(1, 100), (0, 124)])
    with pytest.raises(HosplogiError, match=r"reading 1 .* is not after"):
        usage(HOURS, rs, T0, T0 + DAY)


def test_readings_of_another_meter_are_refused() -> None:
    rs = _readings("CH-2-h", [(0, 100), (1, 124)])
    with pytest.raises(HosplogiError, match="of meter CH-2-h, not CH-1-h"):
        usage(HOURS, rs, T0, T0 + DAY)


def test_a_period_outside_the_readings_is_refused() -> None:
    rs = _readings("CH-1-h", [(1, 100), (2, 124)])
    with pytest.raises(HosplogiError, match="no readings around"):
        usage(HOURS, rs, T0, T0 + 2 * DAY)
    with pytest.raises(HosplogiError, match="there are none"):
        usage(HOURS, [], T0, T0 + 2 * DAY)


def test_a_value_at_the_rollover_and_non_finite_values_are_refused() -> None:
    m = Meter(id="M", asset_id="CH-1", kind="cycles", rollover=1000)
    with pytest.raises(HosplogiError, match="at or above the rollover 1000"):
        usage(m, _readings("M", [(0, 1000), (1, 5)]), T0, T0 + DAY)
    with pytest.raises(ValidationError):
        MeterReading(meter_id="M", at=T0, value=float("nan"))
    with pytest.raises(ValidationError):
        Meter(id="M", asset_id="A", kind="cycles", rollover=0)


def test_meter_unit_defaults_from_its_kind() -> None:
    assert Meter(id="E", asset_id="A", kind="electricity_kwh").unit == "kWh"
    assert Meter(id="E", asset_id="A", kind="electricity_kwh", unit="MWh").unit == "MWh"


def test_series_from_arrays_equals_series_from_readings() -> None:
    rs = _readings("CH-1-h", [(0, 990), (1, 15), (2, 3), (3, 40)], resets=(2,))
    m = Meter(id="CH-1-h", asset_id="CH-1", kind="running_hours", rollover=1000)
    a = MeterSeries(m, rs)
    at = np.array([r.at.replace(tzinfo=None) for r in rs], dtype="datetime64[us]")
    b = MeterSeries.from_arrays(m, at, [r.value for r in rs], [r.reset for r in rs])
    for hours in range(0, 73, 7):
        assert a.at(T0 + hours * H) == b.at(T0 + hours * H)


def test_reaching_finds_when_usage_reaches_an_amount() -> None:
    s = MeterSeries(HOURS, _readings("CH-1-h", [(0, 0), (10, 240)]))
    assert s.reaching(T0 + DAY, 48) == T0 + 3 * DAY
    assert s.reaching(T0 + 9 * DAY, 48) is None
    assert s.reaching(T0 + 11 * DAY, 1) is None
    with pytest.raises(HosplogiError, match="above zero"):
        s.reaching(T0, 0)


def test_meter_series_groups_mixed_readings_and_refuses_strangers() -> None:
    m2 = Meter(id="E", asset_id="B1", kind="electricity_kwh")
    rs = _readings("E", [(0, 0), (1, 10)]) + _readings("CH-1-h", [(0, 0), (1, 5)])
    series = meter_series([HOURS, m2], rs)
    assert series["E"].usage(T0, T0 + DAY) == 10.0
    with pytest.raises(HosplogiError, match="meter ids must be unique"):
        meter_series([HOURS, HOURS], ())


@st.composite
def meter_logs(draw: st.DrawFn) -> tuple[Meter, list[MeterReading]]:
    rollover = draw(st.none() | st.just(1000.0))
    m = Meter(id="M", asset_id="A", kind="cycles", rollover=rollover)
    n = draw(st.integers(2, 12))
    value = draw(st.floats(0, 999))
    t = T0
    out = []
    for i in range(n):
        reset = i > 0 and draw(st.booleans()) and draw(st.booleans())
        if reset:
            value = draw(st.floats(0, 999))
        elif i > 0:
            value += draw(st.floats(0, 500 if rollover else 10**6))
            if rollover:
                value %= rollover
        out.append(MeterReading(meter_id="M", at=t, value=value, reset=reset))
        t += draw(st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=3)))
    return m, out


@given(meter_logs(), st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_usage_is_additive_over_adjacent_periods_and_matches_the_plain_loop(
    log: tuple[Meter, list[MeterReading]], cuts: list[float]
) -> None:
    m, rs = log
    span = rs[-1].at - rs[0].at
    a, b, c = sorted(rs[0].at + span * x for x in cuts)
    ab, bc, ac = usage(m, rs, a, b), usage(m, rs, b, c), usage(m, rs, a, c)
    assert ab >= 0
    assert bc >= 0
    assert ab + bc == pytest.approx(ac, rel=1e-9, abs=1e-6)
    assert ac == pytest.approx(_usage_reference(m, rs, a, c), rel=1e-9, abs=1e-6)


# -- reliability -------------------------------------------------------------------------------


def _lift_orders() -> list[WorkOrder]:
    return [
        _failure("WO-1", "LIFT-1", T0 + DAY, 4 * H),
        _failure("WO-2", "LIFT-1", T0 + DAY + 2 * H, 6 * H),  # overlaps WO-1: merged
        _failure("WO-3", "LIFT-1", T0 + 20 * DAY, 2 * H),
        _failure("WO-4", "LIFT-1", T0 + 5 * DAY, H, source=Source.PREVENTIVE),
        _failure("WO-5", "LIFT-1", T0 + 6 * DAY, H, source=Source.INSPECTION),
        _failure("WO-6", "LIFT-1", T0 + 7 * DAY, None, cancel=True),
        _failure("WO-7", "LIFT-2", T0 - 2 * DAY, None),  # open since before the period
    ]


def test_reliability_of_a_lift_merges_overlapping_failures() -> None:
    rows = {r.key: r for r in reliability(_hospital(), _lift_orders(), start=T0, end=T0 + 30 * DAY)}
    lift = rows["LIFT-1"]
    assert (lift.failures, lift.downtime, lift.repeat_failures) == (3, 10 * H, 2)
    assert lift.operating == 30 * DAY - 10 * H
    assert lift.mttr == 10 * H / 3
    assert lift.mtbf == (30 * DAY - 10 * H) / 3
    assert lift.availability == pytest.approx(710 / 720)


def test_a_failure_open_since_before_the_period_is_downtime_not_a_failure() -> None:
    rows = {r.key: r for r in reliability(_hospital(), _lift_orders(), start=T0, end=T0 + 30 * DAY)}
    lift = rows["LIFT-2"]
    assert (lift.failures, lift.downtime, lift.availability) == (0, 30 * DAY, 0.0)
    assert lift.mtbf is None
    assert lift.mttr is None


def test_reliability_leaves_out_places_and_counts_from_commissioning() -> None:
    rows = {r.key: r for r in reliability(_hospital(), [], start=T0, end=T0 + 30 * DAY)}
    assert set(rows) == {"LIFT-1", "LIFT-2", "CH-1", "VENT-7"}
    assert rows["VENT-7"].operating == 15 * DAY


def test_reliability_groups_by_category_department_and_criticality() -> None:
    r, orders = _hospital(), _lift_orders()
    period = {"start": T0, "end": T0 + 30 * DAY}
    lifts = {x.key: x for x in reliability(r, orders, by="category", **period)}["lift"]
    assert (lifts.assets, lifts.failures, lifts.downtime) == (2, 3, 30 * DAY + 10 * H)
    assert lifts.availability == pytest.approx((1440 - 730) / 1440)
    depts = [x.key for x in reliability(r, orders, by="department", **period)]
    assert depts == ["Energy", "Logistics", "Ward 3"]
    crit = {x.key: x.assets for x in reliability(r, orders, by="criticality", **period)}
    assert crit == {"A": 3, "B": 1}


def test_a_corrective_order_on_an_unknown_asset_is_reported_not_dropped() -> None:
    orders = [*_lift_orders(), _failure("WO-9", "LIFT-9", T0 + DAY, H)]
    report = reliability_report(_hospital(), orders, start=T0, end=T0 + 30 * DAY)
    assert report.unknown_assets == ("LIFT-9",)
    assert report.unknown_orders == ("WO-9",)
    assert not report.complete
    with pytest.raises(HosplogiError, match=r"WO-9.*LIFT-9.*reliability_report"):
        reliability(_hospital(), orders, start=T0, end=T0 + 30 * DAY)


def test_reliability_refuses_bad_arguments() -> None:
    with pytest.raises(HosplogiError, match="must be after start"):
        reliability(_hospital(), [], start=T0, end=T0)
    with pytest.raises(HosplogiError, match="by must be"):
        reliability(_hospital(), [], start=T0, end=T0 + DAY, by="trade")  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="naive"):
        reliability(_hospital(), [], start=datetime(2026, 3, 1), end=T0 + DAY)


ASSETS = ("LIFT-1", "LIFT-2", "CH-1", "VENT-7")


@st.composite
def failure_logs(draw: st.DrawFn) -> list[WorkOrder]:
    out = []
    for i in range(draw(st.integers(0, 15))):
        reported = T0 + draw(st.timedeltas(min_value=-10 * DAY, max_value=35 * DAY))
        repaired = draw(st.none() | st.timedeltas(min_value=timedelta(0), max_value=5 * DAY))
        out.append(
            _failure(
                f"WO-{i}",
                draw(st.sampled_from(ASSETS)),
                reported.astimezone(timezone(timedelta(hours=8))),
                repaired,
                source=draw(st.sampled_from([Source.PHONE, Source.PHONE, Source.PREVENTIVE])),
                cancel=draw(st.integers(0, 5)) == 0,
            )
        )
    return out


@given(failure_logs(), st.sampled_from(["asset", "category", "department", "criticality"]))
def test_reliability_matches_the_per_asset_loop(orders: list[WorkOrder], by: str) -> None:
    r = _hospital()
    got = reliability(r, orders, start=T0, end=T0 + 30 * DAY, by=by)  # type: ignore[arg-type]
    want = _reliability_reference(r, orders, start=T0, end=T0 + 30 * DAY, by=by)  # type: ignore[arg-type]
    assert [(x.key, x.assets, x.failures, x.downtime, x.operating, x.repeat_failures)
            for x in got] == want  # fmt: skip
    for x in got:
        assert 0.0 <= x.availability <= 1.0
        assert timedelta(0) <= x.downtime <= 30 * DAY * x.assets
        assert x.downtime + x.operating <= 30 * DAY * x.assets


def test_smrp_grace_is_a_day_or_a_fifth_of_the_frequency_at_most_28_days() -> None:
    assert smrp_grace(timedelta(days=7)) == timedelta(days=1.4)
    assert smrp_grace(DAY) == DAY
    assert smrp_grace(timedelta(days=90)) == timedelta(days=18)
    assert smrp_grace(timedelta(days=1000)) == timedelta(days=28)


# -- energy ------------------------------------------------------------------------------------


def _energy_inputs() -> tuple[list[Meter], list[MeterReading]]:
    meters = [
        Meter(id="W3-kWh", asset_id="W3", kind="electricity_kwh"),
        Meter(id="W3-m3", asset_id="W3", kind="water_m3"),
        Meter(id="CH-1-kWh", asset_id="CH-1", kind="electricity_kwh"),
        Meter(id="CH-1-h", asset_id="CH-1", kind="running_hours"),
    ]
    readings = [
        *_readings("W3-kWh", [(0, 1000), (30, 19600)]),
        *_readings("W3-m3", [(0, 10), (30, 310)]),
        *_readings("CH-1-kWh", [(0, 0), (30, 90000)]),
        *_readings("CH-1-h", [(0, 0), (30, 600)]),
    ]
    return meters, readings


def test_energy_use_by_department_with_intensity_per_bed_day() -> None:
    meters, readings = _energy_inputs()
    rows = energy_use(_hospital(), meters, readings, start=T0, end=T0 + 30 * DAY,
                      per={"Ward 3": 900, "Energy": 1})  # fmt: skip
    got = [(e.key, e.kind.value, e.unit, e.quantity, e.intensity) for e in rows]
    assert got == [
        ("Energy", "electricity_kwh", "kWh", 90000.0, 90000.0),
        ("Ward 3", "electricity_kwh", "kWh", 18600.0, 18600 / 900),
        ("Ward 3", "water_m3", "m³", 300.0, 300 / 900),
    ]


def test_energy_use_by_building_and_by_kind() -> None:
    meters, readings = _energy_inputs()
    period = {"start": T0, "end": T0 + 30 * DAY}
    by_building = energy_use(_hospital(), meters, readings, by="building", **period)
    assert [(e.key, e.kind.value, e.quantity) for e in by_building] == [
        ("B1", "electricity_kwh", 18600.0), ("B1", "water_m3", 300.0),
        ("B2", "electricity_kwh", 90000.0),
    ]  # fmt: skip
    by_kind = energy_use(_hospital(), meters, readings, by="kind", **period)
    assert [(e.key, e.quantity, e.meters) for e in by_kind] == [
        ("electricity_kwh", 108600.0, 2), ("water_m3", 300.0, 1),
    ]  # fmt: skip


def test_energy_use_refuses_bad_input_naming_it() -> None:
    meters, readings = _energy_inputs()
    period = {"start": T0, "end": T0 + 30 * DAY}
    with pytest.raises(HosplogiError, match="no denominator for group 'Energy'"):
        energy_use(_hospital(), meters, readings, per={"Ward 3": 900}, **period)
    with pytest.raises(HosplogiError, match=r"per\['Ward 3'\] must be a finite number"):
        energy_use(_hospital(), meters, readings, per={"Ward 3": 0, "Energy": 1}, **period)
    stray = Meter(id="X-kWh", asset_id="X", kind="electricity_kwh")
    with pytest.raises(HosplogiError, match="meter X-kWh is on asset X"):
        energy_use(_hospital(), [*meters, stray], readings, **period)
    mwh = Meter(id="CH-1-kWh", asset_id="CH-1", kind="electricity_kwh", unit="MWh")
    with pytest.raises(HosplogiError, match="'kWh' and 'MWh'"):
        energy_use(_hospital(), [*meters[:2], mwh], readings[:6], **period)
    with pytest.raises(HosplogiError, match="meter CH-1-h, which is not among"):
        energy_use(_hospital(), meters[:3], readings, **period)


# -- demo section ------------------------------------------------------------------------------


def test_demo_section_shows_the_lift_and_the_chiller_service() -> None:
    from hosplogi.cli._tour_assets import assets_section
    from hosplogi.cli.demo import demo_day, demo_technicians, end_of_day

    text = "\n".join(assets_section(demo_day(), demo_technicians(), end_of_day()))
    lift = next(line for line in text.splitlines() if line.startswith("LIFT-B3"))
    assert lift.split()[1:3] == ["3", "2"]  # two February breakdowns and the demo day's
    assert "98.72%" in lift
    assert "not dropped): 5" in text
    assert "reached 800 h on 25 Feb" in text
    assert "CH-1-SERVICE@2026-02-25; run again: 0 new" in text
