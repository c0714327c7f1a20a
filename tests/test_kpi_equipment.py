"""Tests of kpi.measures' equipment, energy, cost and PM-plan inputs, the equipment scorecard and
the maintenance fund on the register's assets (issues 15 item 6, 16 item 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hosplogi import HosplogiError, Source, Technician, WorkOrder
from hosplogi.assets import Asset, AssetRegister, Meter, MeterReading, reliability_report
from hosplogi.costs import LabourRates, VendorCharge, cost_per_order
from hosplogi.kpi import (
    FundAsset,
    Perspective,
    default_scorecard,
    fund_value,
    maintenance_fund,
    measures,
    score,
)
from hosplogi.maintenance import Completion, MaintenancePlan, pm_compliance

T0 = datetime(2026, 3, 1, tzinfo=UTC)
END = T0 + timedelta(days=30)
HOURS = 30 * 24


def _register() -> AssetRegister:
    return AssetRegister(
        [
            Asset(id="H", name="Hospital", category="site"),
            Asset(id="B1", name="Ward block", category="building", parent="H"),
            Asset(id="W3", name="Ward 3", category="room", parent="B1", department="Ward 3"),
            Asset(
                id="LIFT-3", name="Patient lift 3", category="lift", parent="B1", criticality="A"
            ),
            Asset(
                id="O2-1",
                name="Oxygen manifold",
                category="medical_gas",
                parent="B1",
                criticality="A",
            ),
            Asset(id="PUMP-2", name="Hot-water pump", category="pump", parent="B1"),
        ]
    )


def _failure(oid: str, asset: str, at: datetime, hours: float, *, by: str = "L01") -> WorkOrder:
    return (
        WorkOrder.report(
            id=oid,
            title="fault",
            trade="lifts",
            priority="urgent",
            reported_at=at,
            location="B1",
            asset_id=asset,
        )
        .dispatch((by,), at=at)
        .start(at=at)
        .complete(at=at + timedelta(hours=hours))
    )


def _orders() -> list[WorkOrder]:
    return [
        _failure("WO-1", "LIFT-3", T0 + timedelta(days=2), 6),
        _failure("WO-2", "PUMP-2", T0 + timedelta(days=5), 2),
    ]


# -- equipment: availability of criticality A, MTTR ----------------------------------------


def test_availability_a_is_the_criticality_a_availability_in_percent() -> None:
    m = measures(_orders(), start=T0, end=END, register=_register())
    # two A assets, 720 h each, one 6 h failure: 1434 / 1440
    assert m["availability_a"] == pytest.approx(100 * (2 * HOURS - 6) / (2 * HOURS))
    row = next(
        r
        for r in reliability_report(
            _register(), _orders(), start=T0, end=END, by="criticality"
        ).rows
        if r.key == "A"
    )
    assert m["availability_a"] == pytest.approx(100 * row.availability)


def test_mttr_hours_is_total_downtime_over_failures_of_all_equipment() -> None:
    m = measures(_orders(), start=T0, end=END, register=_register())
    assert m["mttr_hours"] == 4.0  # (6 h + 2 h) / 2 failures


def test_without_a_register_the_equipment_indicators_are_absent() -> None:
    m = measures(_orders(), start=T0, end=END)
    assert not {"availability_a", "mttr_hours", "energy_per_bed_day"} & set(m)


def test_no_failures_leaves_mttr_absent_and_availability_full() -> None:
    m = measures([], start=T0, end=END, register=_register())
    assert m["availability_a"] == 100.0
    assert "mttr_hours" not in m


def test_a_register_without_criticality_a_equipment_has_no_availability_a() -> None:
    register = AssetRegister([Asset(id="PUMP-2", name="pump", category="pump")])
    m = measures(_orders()[1:], start=T0, end=END, register=register)
    assert "availability_a" not in m
    assert m["mttr_hours"] == 2.0


def test_a_corrective_order_on_an_unknown_asset_is_refused_by_name() -> None:
    ghost = _failure("WO-9", "LIFT-9", T0 + timedelta(days=1), 1)
    with pytest.raises(HosplogiError, match=r"WO-9.*LIFT-9.*unknown_assets='ignore'"):
        measures([*_orders(), ghost], start=T0, end=END, register=_register())
    m = measures(
        [*_orders(), ghost], start=T0, end=END, register=_register(), unknown_assets="ignore"
    )
    assert m["mttr_hours"] == 4.0


def test_unknown_assets_option_is_checked() -> None:
    with pytest.raises(HosplogiError, match="unknown_assets must be"):
        measures([], start=T0, end=END, register=_register(), unknown_assets="drop")  # type: ignore[arg-type]


def test_an_empty_register_is_still_a_register() -> None:
    m = measures(_orders(), start=T0, end=END, register=AssetRegister([]), unknown_assets="ignore")
    assert "mttr_hours" not in m
    assert "availability_a" not in m


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["LIFT-3", "O2-1", "PUMP-2"]),
            st.integers(0, 29 * 24),  # report hour
            st.integers(1, 48),  # repair hours
        ),
        max_size=12,
    )
)
def test_equipment_measures_agree_with_reliability_by_asset(
    failures: list[tuple[str, int, int]],
) -> None:
    orders = [
        _failure(f"WO-{k}", asset, T0 + timedelta(hours=at), hours)
        for k, (asset, at, hours) in enumerate(failures)
    ]
    m = measures(orders, start=T0, end=END, register=_register())
    rows = reliability_report(_register(), orders, start=T0, end=END).rows
    a_rows = [r for r in rows if r.key in ("LIFT-3", "O2-1")]
    op = sum((r.operating for r in a_rows), timedelta(0))
    down = sum((r.downtime for r in a_rows), timedelta(0))
    assert m["availability_a"] == pytest.approx(100 * op / (op + down))
    assert 0.0 <= m["availability_a"] <= 100.0
    n = sum(r.failures for r in rows)
    if n:
        total = sum((r.downtime for r in rows), timedelta(0))
        assert m["mttr_hours"] == pytest.approx(total / timedelta(hours=1) / n)
    else:
        assert "mttr_hours" not in m


# -- energy per bed-day ----------------------------------------------------------------------


def _meters() -> tuple[list[Meter], list[MeterReading]]:
    power = Meter(id="W3-kWh", asset_id="W3", kind="electricity_kwh")
    water = Meter(id="W3-m3", asset_id="W3", kind="water_m3")
    readings = [
        MeterReading(meter_id="W3-kWh", at=T0, value=1000),
        MeterReading(meter_id="W3-kWh", at=END, value=46000),
        MeterReading(meter_id="W3-m3", at=T0, value=10),
        MeterReading(meter_id="W3-m3", at=END, value=910),
    ]
    return [power, water], readings


def test_energy_per_bed_day_is_electricity_over_bed_days() -> None:
    meters, readings = _meters()
    m = measures(
        [], start=T0, end=END, register=_register(), meters=meters, readings=readings, bed_days=900
    )
    assert m["energy_per_bed_day"] == 50.0  # 45,000 kWh / 900 bed-days; water not counted


def test_energy_needs_bed_days_and_an_electricity_meter() -> None:
    meters, readings = _meters()
    m = measures([], start=T0, end=END, register=_register(), meters=meters, readings=readings)
    assert "energy_per_bed_day" not in m
    m = measures(
        [],
        start=T0,
        end=END,
        register=_register(),
        meters=meters[1:],
        readings=readings[2:],
        bed_days=900,
    )
    assert "energy_per_bed_day" not in m


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), True])
def test_bad_bed_days_are_refused(bad: float) -> None:
    with pytest.raises(HosplogiError, match="bed_days"):
        measures([], start=T0, end=END, register=_register(), bed_days=bad)


def test_bed_days_without_a_register_are_refused() -> None:
    with pytest.raises(HosplogiError, match="bed_days needs register"):
        measures([], start=T0, end=END, bed_days=900)


def test_electricity_in_another_unit_is_refused() -> None:
    meter = Meter(id="W3-MWh", asset_id="W3", kind="electricity_kwh", unit="MWh")
    readings = [
        MeterReading(meter_id="W3-MWh", at=T0, value=1),
        MeterReading(meter_id="W3-MWh", at=END, value=46),
    ]
    with pytest.raises(HosplogiError, match="unit='kWh'"):
        measures(
            [],
            start=T0,
            end=END,
            register=_register(),
            meters=[meter],
            readings=readings,
            bed_days=900,
        )


# -- cost per order from the costing engine --------------------------------------------------


def _contract_job() -> tuple[WorkOrder, list[Technician]]:
    job = _failure("WO-1", "LIFT-3", T0, 2, by="P01")
    return job, [Technician(id="P01", employment="contract")]


def test_cost_per_order_comes_from_costs_when_rates_are_given() -> None:
    job, staff = _contract_job()
    rates = LabourRates.seed_defaults()
    m = measures([job], start=T0, end=END, technicians=staff, rates=rates)
    assert m["cost_per_order"] == 59.0  # 2 h × 29.50 CNY (59,000 CNY / 2,000 h, 000:31)
    assert m["cost_per_order"] == cost_per_order(
        [job], technicians=staff, rates=rates, start=T0, end=END
    )


def test_vendor_charges_add_to_cost_per_order() -> None:
    job, staff = _contract_job()
    bill = VendorCharge(vendor="V-LIFTCO", amount=Decimal("441.00"), order_id="WO-1")
    m = measures(
        [job],
        start=T0,
        end=END,
        technicians=staff,
        rates=LabourRates.seed_defaults(),
        vendor_charges=[bill],
    )
    assert m["cost_per_order"] == 500.0


def test_without_rates_cost_per_order_keeps_todays_meaning() -> None:
    job, _ = _contract_job()
    assert measures([job], start=T0, end=END, cost=Decimal("300"))["cost_per_order"] == 300.0
    assert "cost_per_order" not in measures([job], start=T0, end=END)


def test_rates_with_no_completed_order_leave_cost_per_order_absent() -> None:
    job, staff = _contract_job()
    m = measures(
        [job],
        start=T0 - timedelta(days=30),
        end=T0,
        technicians=staff,
        rates=LabourRates.seed_defaults(),
    )
    assert "cost_per_order" not in m


def test_cost_inputs_that_would_be_ignored_are_refused() -> None:
    job, _staff = _contract_job()
    rates = LabourRates.seed_defaults()
    with pytest.raises(HosplogiError, match="not both"):
        measures([job], start=T0, end=END, cost=Decimal("1"), rates=rates)
    with pytest.raises(HosplogiError, match="vendor_charges are costed only with rates"):
        measures(
            [job],
            start=T0,
            end=END,
            vendor_charges=[VendorCharge(vendor="V", amount=Decimal("1"), order_id="WO-1")],
        )


# -- PM compliance from the plans, with the SMRP grace ----------------------------------------


def _plan() -> MaintenancePlan:
    return MaintenancePlan(
        id="AHU-1",
        title="Filters",
        trade="hvac",
        asset_id="PUMP-2",
        interval=timedelta(days=10),
        timezone="UTC",
        start=T0,
        tolerance=timedelta(0),
    )


def _pm(due_day: int, done_after: timedelta | None) -> WorkOrder:
    due = T0 + timedelta(days=due_day)
    o = WorkOrder.report(
        id=f"AHU-1@{due.date().isoformat()}",
        title="Filters",
        trade="hvac",
        priority="planned",
        reported_at=due,
        location="B1",
        reference="AHU-1",
        due_at=due,
        source=Source.PREVENTIVE,
    )
    if done_after is None:
        return o
    return o.dispatch(("H01",), at=due).start(at=due).complete(at=due + done_after)


def test_plans_make_pm_compliance_count_occurrences_never_raised() -> None:
    # due 1, 11, 21 March: one on time, one 2 days late, one never raised
    orders = [_pm(0, timedelta(0)), _pm(10, timedelta(days=2))]
    assert measures(orders, start=T0, end=END)["pm_compliance"] == 50.0  # order-based
    m = measures(orders, start=T0, end=END, plans=[_plan()])
    assert m["pm_compliance"] == pytest.approx(100 / 3)


def test_smrp_grace_counts_a_pm_done_within_20_percent_of_its_frequency() -> None:
    orders = [_pm(0, timedelta(hours=1)), _pm(10, timedelta(days=2)), _pm(20, timedelta(days=3))]
    # every 10 days: SMRP grace max(1 day, 2 days) = 2 days; the 3-day one is late
    m = measures(orders, start=T0, end=END, plans=[_plan()], pm_grace="smrp")
    assert m["pm_compliance"] == pytest.approx(200 / 3)
    expected = pm_compliance([_plan()], T0, END, orders, now=END, grace="smrp")
    assert m["pm_compliance"] == pytest.approx(expected.rate)


def test_plan_based_pm_compliance_reads_the_orders_as_they_stood_at_end() -> None:
    late = _pm(20, timedelta(days=12))  # completed after the period
    m = measures([late], start=T0, end=END, plans=[_plan()], pm_grace="smrp")
    # 1 and 11 March were never done; 21 March is past its 2-day grace and undone at END
    assert m["pm_compliance"] == 0.0


def test_plans_with_nothing_due_leave_pm_compliance_absent() -> None:
    plan = _plan().model_copy(update={"start": END + timedelta(days=5)})
    assert "pm_compliance" not in measures([], start=T0, end=END, plans=[plan])


def test_smrp_grace_needs_plans_and_the_option_is_checked() -> None:
    with pytest.raises(HosplogiError, match="pm_grace='smrp' needs plans"):
        measures([], start=T0, end=END, pm_grace="smrp")
    with pytest.raises(HosplogiError, match="pm_grace must be"):
        measures([], start=T0, end=END, plans=[_plan()], pm_grace="late")  # type: ignore[arg-type]


def test_completions_outside_orders_are_not_read() -> None:
    # measures reads orders; a paper record goes to maintenance.pm_compliance directly
    paper = Completion(plan_id="AHU-1", done_at=T0, due_at=T0)
    direct = pm_compliance([_plan()], T0, END, [paper], now=END)
    assert direct.on_time == 1
    assert measures([], start=T0, end=END, plans=[_plan()])["pm_compliance"] == 0.0


# -- the equipment scorecard -------------------------------------------------------------------


def test_the_equipment_scorecard_adds_three_sourced_indicators() -> None:
    plain, card = default_scorecard(), default_scorecard(equipment=True)
    assert (len(plain.indicators), plain.version) == (16, "1")
    assert (len(card.indicators), card.version) == (19, "2")
    assert card.codes[:16] == plain.codes
    assert card.perspective_weights == plain.perspective_weights
    new = {i.code: i for i in card.indicators[16:]}
    assert new["energy_per_bed_day"].perspective is Perspective.EFFICIENCY
    assert new["availability_a"].perspective is Perspective.INTERNAL
    assert new["mttr_hours"].perspective is Perspective.INTERNAL
    assert [(i.target, i.floor, i.higher_is_better) for i in new.values()] == [
        (50.0, 100.0, False),
        (99.5, 97.0, True),
        (4.0, 24.0, False),
    ]
    assert all("assumption" in i.source for i in new.values())
    assert all(i.name_zh and i.unit for i in new.values())


def test_measures_fill_the_equipment_card_in_two_calls() -> None:
    meters, readings = _meters()
    m = measures(
        _orders(),
        start=T0,
        end=END,
        register=_register(),
        meters=meters,
        readings=readings,
        bed_days=900,
    )
    card = default_scorecard(equipment=True)
    others = {c: 100.0 for c in card.codes if c not in m}
    result = score(card, {**m, **others})
    assert result.by_indicator["mttr_hours"] == 100.0  # 4 h: at target
    assert result.by_indicator["energy_per_bed_day"] == 100.0  # 50 kWh: at target
    assert round(m["availability_a"], 2) == 99.58  # beyond the 99.5 target
    assert result.by_indicator["availability_a"] == 100.0
    lift_only = AssetRegister([a for a in _register().assets if a.id != "O2-1"])
    alone = measures(_orders(), start=T0, end=END, register=lift_only)["availability_a"]
    assert round(alone, 2) == 99.17  # 714 / 720 h
    assert score(card, {**m, **others, "availability_a": alone}).by_indicator[
        "availability_a"
    ] == pytest.approx(100 * (alone - 97) / 2.5)


# -- the maintenance fund on the register's assets --------------------------------------------

ON = date(2026, 1, 1)


def test_the_fund_takes_the_registers_eligible_equipment() -> None:
    register = AssetRegister(
        [
            Asset(id="B1", name="Ward block", category="building"),
            Asset(
                id="CH-1", name="Chiller", category="chiller", parent="B1", purchase_value="1800000"
            ),
            Asset(
                id="AC-2",
                name="Autoclave",
                category="autoclave",
                parent="B1",
                purchase_value="650000",
                warranty_until=date(2025, 6, 30),
            ),
            Asset(
                id="MRI-1",
                name="MRI",
                category="mri",
                parent="B1",
                purchase_value="9000000",
                self_repairable=False,
            ),
            Asset(
                id="LIFT-9",
                name="New lift",
                category="lift",
                parent="B1",
                purchase_value="600000",
                warranty_until=date(2027, 12, 31),
            ),
            Asset(
                id="OLD",
                name="Old pump",
                category="pump",
                parent="B1",
                purchase_value="5000",
                retired_on=date(2025, 12, 1),
            ),
            Asset(
                id="NEW",
                name="Future pump",
                category="pump",
                parent="B1",
                commissioned_on=date(2026, 2, 1),
            ),
        ]
    )
    fund = maintenance_fund(register, on=ON, spent=Decimal("81000"), people=["E1", "E2"])
    assert fund.assets == ("CH-1", "AC-2")
    assert fund.eligible_value == Decimal("2450000.00")
    assert fund.fund == Decimal("98000.00")  # 4 % of 2,450,000, as docs/kpi.md's FundAssets
    assert (
        maintenance_fund(register.assets, on=ON, spent=Decimal("81000"), people=["E1", "E2"])
        == fund
    )


def test_fund_assets_and_register_assets_mix() -> None:
    fund = maintenance_fund(
        [
            FundAsset(id="X", purchase_value="100000"),
            Asset(id="Y", name="pump", category="pump", purchase_value="100000"),
        ],
        on=ON,
        spent=Decimal("0"),
        people=["E1"],
    )
    assert fund.assets == ("X", "Y")
    assert fund.fund == Decimal("8000.00")


def test_an_eligible_asset_without_purchase_value_is_refused_by_name() -> None:
    with pytest.raises(HosplogiError, match=r"asset P7 .* no purchase_value"):
        maintenance_fund(
            [Asset(id="P7", name="pump", category="pump")], on=ON, spent=Decimal("0"), people=["E1"]
        )


def test_something_else_than_an_asset_is_refused() -> None:
    with pytest.raises(HosplogiError, match=r"FundAsset or hosplogi\.assets\.Asset"):
        fund_value("CH-1", ON)  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**7),  # purchase value, CNY
            st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2028, 1, 1))),  # warranty
            st.booleans(),  # self-repairable
        ),
        max_size=8,
    ),
    st.dates(date(2025, 1, 1), date(2027, 1, 1)),
)
def test_a_register_asset_counts_as_the_same_fund_asset(
    lines: list[tuple[int, date | None, bool]], on: date
) -> None:
    assets = [
        Asset(
            id=f"A{k}",
            name="x",
            category="pump",
            purchase_value=Decimal(v),
            warranty_until=w,
            self_repairable=s,
        )
        for k, (v, w, s) in enumerate(lines)
    ]
    twins = [
        FundAsset(id=f"A{k}", purchase_value=Decimal(v), warranty_ends=w, self_repairable=s)
        for k, (v, w, s) in enumerate(lines)
    ]
    a = maintenance_fund(assets, on=on, spent=Decimal("1000"), people=["E1", "E2"])
    b = maintenance_fund(twins, on=on, spent=Decimal("1000"), people=["E1", "E2"])
    assert a == b


# -- over HTTP: the service's request model is built from measures' signature -----------------


def test_the_service_measures_endpoint_takes_a_register() -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from hosplogi.service import create_app

    body = {
        "orders": [o.model_dump(mode="json") for o in _orders()],
        "start": T0.isoformat(),
        "end": END.isoformat(),
        "register": _register().model_dump(mode="json"),
    }
    got = TestClient(create_app()).post("/v1/kpi/measures", json=body)
    assert got.status_code == 200
    assert got.json()["mttr_hours"] == 4.0
