"""hosplogi.costs: order cost, department statements, rates, price lists and SMRP 1.5."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.strategies import work_orders

from hosplogi import HosplogiError, Technician, WorkOrder
from hosplogi.costs import (
    DepartmentStatement,
    LabourRates,
    PriceEntry,
    PriceList,
    VendorCharge,
    cost_of_maintenance_ratio,
    cost_per_order,
    department_statement,
    order_cost,
    time_on_site,
)
from hosplogi.crews import Employment
from hosplogi.stores import Item, Movement, StockLedger

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 8, tzinfo=SH)
H = timedelta(hours=1)
STAFF = (
    Technician(id="E01", employment=Employment.PERMANENT),
    Technician(id="E02", employment=Employment.CONTRACT),
    Technician(id="L01", employment=Employment.OUTSOURCED),
    Technician(id="P01", employment=Employment.PERMANENT),
)
RATES = LabourRates.seed_defaults()


def _report(oid: str, dept: str | None = "Ward 5", trade: str = "plumbing") -> WorkOrder:
    return WorkOrder.report(id=oid, title="t", trade=trade, priority="urgent", reported_at=T0,
                            location="L", department=dept)  # fmt: skip


def test_seed_default_rates_are_derived_from_000_31_and_labelled() -> None:
    assert (RATES.permanent, RATES.contract, RATES.outsourced) == (
        Decimal("29.50"),
        Decimal("29.50"),
        Decimal("20.40"),
    )
    assert "000:31" in RATES.source
    assert LabourRates.seed_defaults(1760).permanent == Decimal("33.52")  # 59,000 / 1,760


def test_wiring_job_in_house_versus_outsourced_001_417() -> None:
    # Outsourced: 30 CNY/m² × 890 m² of wiring labour (001:417). In-house: three permanent
    # electricians, forty hours each on site.
    quote = VendorCharge(vendor="V-WIRING", amount=Decimal(30) * 890, order_id="WO-OUT")
    outsourced = (_report("WO-OUT", "Outpatients", "electrical").dispatch(("L01",), at=T0)
                  .start(at=T0).complete(at=T0 + 40 * H))  # fmt: skip
    bought = order_cost(
        outsourced,
        technicians=STAFF,
        rates=RATES.model_copy(update={"overrides": {"L01": Decimal(0)}}),  # the vendor's own
        vendor_charges=[quote],
    )
    team = ("E01", "E02", "P01")
    in_house = (_report("WO-IN", "Outpatients", "electrical").dispatch(team, at=T0)
                .start(at=T0).complete(at=T0 + 40 * H))  # fmt: skip
    made = order_cost(in_house, technicians=STAFF, rates=RATES)
    assert bought.total == Decimal("26700.00")
    assert made.labour == Decimal("3540.00")  # 120 person-hours × 29.50
    assert bought.total - made.total == Decimal("23160.00")  # "saved over 20,000 CNY"


def test_labour_excludes_holds_and_follows_handovers_and_rework() -> None:
    o = (_report("WO-1").dispatch(("E01",), at=T0).start(at=T0)
         .hold("awaiting_material", at=T0 + H).resume(at=T0 + 5 * H)  # 1 h before the hold
         .dispatch(("E02",), at=T0 + 6 * H)  # E01 on site 1 h more, then hands over
         .start(at=T0 + 7 * H).complete(at=T0 + 8 * H)  # E02 1 h
         .verify(at=T0 + 9 * H, accepted=False).complete(at=T0 + 11 * H))  # fmt: skip
    assert time_on_site(o) == {"E01": 2 * H, "E02": 3 * H}  # rework: 2 h more for E02
    cost = order_cost(o, technicians=STAFF, rates=RATES)
    assert cost.labour == Decimal("147.50")  # 5 h × 29.50
    assert [x.detail for x in cost.lines] == [
        "E01 (permanent) 2.00 h × 29.50/h",
        "E02 (contract) 3.00 h × 29.50/h",
    ]


def test_a_span_still_running_counts_up_to_at() -> None:
    o = _report("WO-1").dispatch(("E01", "P01"), at=T0).start(at=T0)
    assert order_cost(o, technicians=STAFF, rates=RATES).labour == Decimal(0)
    assert order_cost(o, technicians=STAFF, rates=RATES, at=T0 + H / 2).labour == Decimal("29.50")


def test_materials_are_issues_minus_returns_at_ledger_cost() -> None:
    ledger = StockLedger(
        [Item(sku="V-DN25")],
        [
            Movement(id="R1", kind="receive", sku="V-DN25", store="main", quantity=Decimal(3),
                     at=T0, unit_cost=Decimal("38.50")),
            Movement(id="I1", kind="issue", sku="V-DN25", store="main", quantity=Decimal(2),
                     at=T0 + H, order_id="WO-1"),
            Movement(id="B1", kind="return", sku="V-DN25", store="main", quantity=Decimal(1),
                     at=T0 + 2 * H, order_id="WO-1"),
        ],
    )  # fmt: skip
    o = _report("WO-1")
    cost = order_cost(o, technicians=STAFF, rates=RATES, ledger=ledger)
    assert cost.materials == Decimal("38.50")
    assert cost.lines[0].detail == "V-DN25: 2 issued, 1 returned"
    early = order_cost(o, technicians=STAFF, rates=RATES, ledger=ledger, at=T0 + H)
    assert early.materials == Decimal("77.00")


def test_overrides_and_missing_rates() -> None:
    o = _report("WO-1").dispatch(("X9",), at=T0).start(at=T0).complete(at=T0 + H)
    with pytest.raises(HosplogiError, match="technician 'X9' has no override rate"):
        order_cost(o, technicians=STAFF, rates=RATES)
    rates = RATES.model_copy(update={"overrides": {"X9": Decimal("50.00")}})
    assert order_cost(o, technicians=STAFF, rates=rates).labour == Decimal("50.00")
    with pytest.raises(HosplogiError, match="technician X9 has no employment"):
        order_cost(o, technicians=[Technician(id="X9")], rates=RATES)


def test_money_given_as_float_is_refused() -> None:
    with pytest.raises(ValidationError, match="not float"):
        LabourRates(29.5, Decimal(1), Decimal(1))
    with pytest.raises(ValidationError, match="not float"):
        VendorCharge(vendor="V", amount=4000.0, order_id="WO-1")
    with pytest.raises(ValidationError, match="give `at`"):
        VendorCharge(vendor="V", amount=Decimal(1), department="ICU")


def test_cost_of_maintenance_ratio_smrp_1_5() -> None:
    class Asset:
        def __init__(self, id: str, value: Decimal | None) -> None:
            self.id, self.replacement_value = id, value

    fleet = [Asset("LIFT-B3", Decimal(900_000)), Asset("GEN-1", Decimal(600_000))]
    assert cost_of_maintenance_ratio(Decimal(45_000), fleet) == 3.0
    with pytest.raises(HosplogiError, match="without a replacement_value: AC-1"):
        cost_of_maintenance_ratio(Decimal(1), [*fleet, Asset("AC-1", None)])
    assert cost_of_maintenance_ratio(
        Decimal(45_000), [*fleet, Asset("AC-1", None)], skip_unvalued=True
    ) == pytest.approx(3.0)
    with pytest.raises(HosplogiError, match="sum to 0"):
        cost_of_maintenance_ratio(Decimal(1), [Asset("A", Decimal(0))])
    with pytest.raises(HosplogiError, match="asset ids must be unique"):
        cost_of_maintenance_ratio(Decimal(1), fleet + fleet)


def test_cost_per_order_averages_done_orders_of_the_period() -> None:
    done = _report("WO-1").dispatch(("E01",), at=T0).start(at=T0).complete(at=T0 + 2 * H)
    open_ = _report("WO-2").dispatch(("E01",), at=T0).start(at=T0)
    got = cost_per_order([done, open_], technicians=STAFF, rates=RATES, start=T0,
                         end=T0 + 24 * H)  # fmt: skip
    assert got == 59.0
    assert cost_per_order([open_], technicians=STAFF, rates=RATES, start=T0, end=T0 + H) is None


# -- department statements ------------------------------------------------------------------------


def _month_orders() -> list[WorkOrder]:
    a = _report("WO-1", "ICU").dispatch(("E01",), at=T0).start(at=T0).complete(at=T0 + 2 * H)
    b = _report("WO-2", "Ward 5").dispatch(("P01",), at=T0).start(at=T0).complete(at=T0 + H)
    c = _report("WO-3", None, "lifts").dispatch(("L01",), at=T0).start(at=T0).complete(at=T0 + H)
    late = WorkOrder.report(id="WO-4", title="t", trade="plumbing", priority="routine",
                            reported_at=datetime(2026, 4, 1, 0, 30, tzinfo=SH), location="L",
                            department="ICU")  # fmt: skip
    return [a, b, c, late]


def test_statement_rows_budgets_charges_and_direct_costs() -> None:
    ledger = StockLedger(
        [Item(sku="WATER"), Item(sku="V-DN25")],
        [
            Movement(id="R1", kind="receive", sku="WATER", store="main", quantity=Decimal(100),
                     at=T0, unit_cost=Decimal("5.50")),
            Movement(id="I1", kind="issue", sku="WATER", store="main", quantity=Decimal(10),
                     at=T0, department="Ward 5"),  # direct use (001:107)
            Movement(id="R2", kind="receive", sku="V-DN25", store="main", quantity=Decimal(1),
                     at=T0, unit_cost=Decimal("38.50")),
            Movement(id="I2", kind="issue", sku="V-DN25", store="main", quantity=Decimal(1),
                     at=T0, order_id="WO-2"),
        ],
    )  # fmt: skip
    charges = [
        VendorCharge(vendor="V-LIFTCO", amount=Decimal("400"), order_id="WO-3"),
        VendorCharge(vendor="V-CLEAN", amount=Decimal("99.99"), department="ICU", at=T0),
    ]
    prices = PriceList(entries=(
        PriceEntry(fee=Decimal(20), per_hour=Decimal(40), materials_markup=Decimal("0.10")),
        PriceEntry(trade="lifts", fee=Decimal(0)),
    ))  # fmt: skip
    s = department_statement(
        _month_orders(), technicians=STAFF, rates=RATES, ledger=ledger, vendor_charges=charges,
        year=2026, month=3, budgets={"ICU": Decimal(200), "Finance": Decimal(50)},
        price_list=prices,
    )  # fmt: skip
    rows = {r.department: r for r in s.rows}
    assert [r.department for r in s.rows] == ["Finance", "ICU", "Ward 5", "unassigned"]
    icu, ward, lifts = rows["ICU"], rows["Ward 5"], rows["unassigned"]
    assert (icu.orders, icu.labour, icu.vendor, icu.total) == (
        1, Decimal("59.00"), Decimal("99.99"), Decimal("158.99"))  # fmt: skip
    assert icu.charge == Decimal("20.00") + Decimal("80.00") + Decimal("99.99")
    assert (icu.budget, icu.variance) == (Decimal("200.00"), Decimal("41.01"))
    assert (ward.materials, ward.total) == (Decimal("93.50"), Decimal("123.00"))  # 55 + 38.50
    assert ward.charge == Decimal("20.00") + Decimal("40.00") + Decimal("42.35") + Decimal("55.00")
    assert (ward.budget, ward.variance) == (Decimal(0), Decimal("-123.00"))
    assert (lifts.total, lifts.charge) == (Decimal("420.40"), Decimal("400.00"))
    assert rows["Finance"].total == Decimal(0)
    assert s.total.orders == 3
    assert s.total.total == icu.total + ward.total + lifts.total
    assert s.total.variance == s.total.budget - s.total.total == Decimal("-452.39")


def test_statement_months_begin_in_the_given_time_zone() -> None:
    orders = _month_orders()
    shanghai = department_statement(orders, technicians=STAFF, rates=RATES, year=2026, month=4)
    utc = department_statement(orders, technicians=STAFF, rates=RATES, year=2026, month=3,
                               timezone="UTC")  # fmt: skip
    assert shanghai.total.orders == 1  # 00:30 on 1 April in Shanghai
    assert utc.total.orders == 4  # 16:30 on 31 March in UTC


def test_statement_refuses_stray_charges_and_a_total_label_clash() -> None:
    stray = VendorCharge(vendor="V", amount=Decimal(1), order_id="WO-99")
    with pytest.raises(HosplogiError, match="vendor charges name orders not given: WO-99"):
        department_statement(_month_orders(), technicians=STAFF, rates=RATES,
                             vendor_charges=[stray], year=2026, month=3)  # fmt: skip
    with pytest.raises(HosplogiError, match="a department is called 'ICU'"):
        department_statement(_month_orders(), technicians=STAFF, rates=RATES, year=2026, month=3,
                             total_label="ICU")  # fmt: skip
    with pytest.raises(HosplogiError, match="month must be an int from 1 to 12"):
        department_statement([], technicians=STAFF, rates=RATES, year=2026, month=13)


def test_a_tampered_statement_is_refused() -> None:
    s = department_statement(_month_orders(), technicians=STAFF, rates=RATES, year=2026, month=3)
    data = s.model_dump(mode="json")
    data["rows"][0]["labour"] = str(Decimal(data["rows"][0]["labour"]) + 1)
    data["rows"][0]["total"] = str(Decimal(data["rows"][0]["total"]) + 1)
    with pytest.raises(ValidationError, match=r"total labour .* is not the sum of the rows"):
        DepartmentStatement.model_validate(data)
    assert DepartmentStatement.model_validate_json(s.model_dump_json()) == s


PEOPLE = ("T01", "T02", "T03", "T04", "T05", "T06")
MIXED = tuple(
    Technician(id=p, employment=e) for p, e in zip(PEOPLE, list(Employment) * 2, strict=True)
)
ODD_RATES = LabourRates(Decimal("29.37"), Decimal("23.11"), Decimal("17.03"),
                        overrides={"T06": Decimal("41.99")})  # fmt: skip


@st.composite
def month_of_orders(draw: st.DrawFn) -> list[WorkOrder]:
    orders = draw(st.lists(work_orders(), min_size=1, max_size=12, unique_by=lambda o: o.id))
    depts = st.sampled_from((None, "ICU", "Ward 5", "OR"))
    return [o.model_copy(update={"department": draw(depts)}) for o in orders]


@given(month_of_orders(), st.data())
def test_statement_equals_summing_order_cost_and_rows_sum_to_the_total(
    orders: list[WorkOrder], data: st.DataObject
) -> None:
    local = data.draw(st.sampled_from(orders)).reported_at.astimezone(SH)
    at = data.draw(st.none() | st.sampled_from([e.at for o in orders for e in o.events]))
    prices = PriceList(entries=(PriceEntry(fee=Decimal("7.77"), per_hour=Decimal("33.33")),))
    s = department_statement(orders, technicians=MIXED, rates=ODD_RATES, year=local.year,
                             month=local.month, at=at, price_list=prices)  # fmt: skip
    first = datetime(local.year, local.month, 1, tzinfo=SH)
    after = datetime(local.year + local.month // 12, local.month % 12 + 1, 1, tzinfo=SH)
    expected: dict[str, list[Decimal]] = {}
    for o in orders:
        if first <= o.reported_at < after and (at is None or o.reported_at <= at):
            c = order_cost(o, technicians=MIXED, rates=ODD_RATES, at=at, price_list=prices)
            row = expected.setdefault(o.department or "unassigned", [Decimal(0)] * 5)
            for i, v in enumerate((c.labour, c.materials, c.vendor, c.total, c.charge)):
                row[i] += v or 0
    got = {r.department: [r.labour, r.materials, r.vendor, r.total, r.charge] for r in s.rows}
    assert got == expected
    assert s.total.total == sum((r.total for r in s.rows), Decimal(0))
    assert s.total.charge == sum((r.charge or 0 for r in s.rows), Decimal(0))


def test_a_cancelled_order_is_charged_no_fee() -> None:
    prices = PriceList(entries=(PriceEntry(fee=Decimal(20), per_hour=Decimal(40)),))
    dup = _report("WO-9").cancel(at=T0 + H, reason="duplicate")
    cost = order_cost(dup, technicians=STAFF, rates=RATES, price_list=prices)
    assert cost.charge == Decimal(0)
    before = order_cost(dup, technicians=STAFF, rates=RATES, price_list=prices, at=T0)
    assert before.charge == Decimal(20)


def test_demo_section_receives_the_valve_resumes_wo_0303_and_shows_the_statement() -> None:
    from hosplogi.cli._tour_costs import costs_section, demo_ledger
    from hosplogi.cli.demo import demo_day, demo_technicians, end_of_day

    orders, staff, now = demo_day(), demo_technicians(), end_of_day()
    lines = costs_section(orders, staff, now)
    text = "\n".join(lines)
    assert "12:00 on hold for material and now in stock (001:385): none" in text
    assert "13:45 on hold for material and now in stock (001:385): WO-0303" in text
    assert "WO-0315 SEAL-AC2 × 1" in text
    statement = department_statement(
        orders, technicians=staff, rates=RATES, ledger=demo_ledger(), year=2026, month=3, at=now
    )
    ward5 = next(r for r in statement.rows if r.department == "Ward 5")
    assert ward5.materials == Decimal("71.50")  # the valve 38.50 + six bottles of water 33.00
    total_line = next(line for line in lines[-2].splitlines() if line.startswith("total"))
    assert total_line.split()[1] == "20"
