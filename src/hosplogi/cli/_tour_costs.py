"""The demo's stores-and-costs section: the DN25 valve that held WO-0303, and what the day cost.

Orchestration only: the stores' own functions say what is short and who can resume; the costs'
own functions value the day's orders and sum them per department.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from decimal import Decimal

from hosplogi.cli._text import render_table
from hosplogi.cli.demo import DEMO_DATE, DEMO_ZONE
from hosplogi.costs import LabourRates, PriceEntry, PriceList, VendorCharge, department_statement
from hosplogi.crews import Technician
from hosplogi.orders import WorkOrder
from hosplogi.stores import (
    Item,
    Movement,
    StockLedger,
    missing_handbacks,
    reorder,
    waiting_for_stock,
)

__all__ = ["costs_section", "demo_ledger"]


def _at(hh: int, mm: int) -> datetime:
    return datetime.combine(DEMO_DATE, time(hh, mm), DEMO_ZONE)


def _move(mid: str, kind: str, sku: str, qty: int, at: datetime, **kw: object) -> Movement:
    return Movement(id=mid, kind=kind, sku=sku, store="main", quantity=Decimal(qty), at=at, **kw)


def demo_ledger() -> StockLedger:
    """The central store (总库) on the demo day: the valve arrives at 13:40 and goes to WO-0303.

    Examples
    --------
    >>> demo_ledger().on_hand("main", "V-DN25")
    (Decimal('9'), Decimal('346.50'))
    """
    items = (
        Item(sku="V-DN25", name="Gate valve DN25", category="plumbing",
             reorder_point=Decimal(2), reorder_quantity=Decimal(10)),
        Item(sku="FILTER-G4", name="AHU panel filter G4", category="hvac",
             reorder_point=Decimal(8), reorder_quantity=Decimal(24)),
        Item(sku="SEAL-AC2", name="Autoclave door seal", category="medical_devices",
             durable=True),
        Item(sku="R410A", name="Refrigerant R410A", unit="kg", category="hvac"),
        Item(sku="WATER-19L", name="Bottled water 19 L", category="general"),
    )  # fmt: skip
    day_before = datetime.combine(DEMO_DATE.replace(day=1), time(16), DEMO_ZONE)
    moves = [
        _move("GR-0301-1", "receive", "FILTER-G4", 12, day_before, unit_cost=Decimal("46.00")),
        _move("GR-0301-2", "receive", "SEAL-AC2", 2, day_before, unit_cost=Decimal("312.00")),
        _move("GR-0301-3", "receive", "R410A", 10, day_before, unit_cost=Decimal("68.00")),
        _move("GR-0301-4", "receive", "WATER-19L", 40, day_before, unit_cost=Decimal("5.50")),
        _move("IS-0302-1", "issue", "WATER-19L", 6, _at(8, 30), department="Ward 5"),
        _move("IS-0302-2", "issue", "R410A", 2, _at(11, 10), order_id="WO-0305"),
        _move("IS-0302-3", "issue", "FILTER-G4", 8, _at(12, 50), order_id="WO-0310"),
        _move("GR-0302-1", "receive", "V-DN25", 10, _at(13, 40), unit_cost=Decimal("38.50"),
              reference="delivery note DN-88213"),
        _move("IS-0302-4", "issue", "V-DN25", 1, _at(14, 10), order_id="WO-0303"),
        _move("IS-0302-5", "issue", "SEAL-AC2", 1, _at(15, 5), order_id="WO-0315"),
        _move("RT-0302-1", "return", "FILTER-G4", 1, _at(15, 10), order_id="WO-0310"),
    ]  # fmt: skip
    return StockLedger(items, moves, stores=("main",))


def costs_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    """Lines of the stores-and-costs section of the demo (not yet part of the tour).

    Examples
    --------
    >>> from hosplogi.cli.demo import demo_day, demo_technicians, end_of_day
    >>> lines = costs_section(demo_day(), demo_technicians(), end_of_day())
    >>> lines[0]
    'Stores and costs (hosplogi.stores, hosplogi.costs; 物资 004:51, 成本核算 004:437)'
    """
    ledger = demo_ledger()
    needs = {"WO-0303": {"V-DN25": Decimal(1)}}
    out = ["Stores and costs (hosplogi.stores, hosplogi.costs; 物资 004:51, 成本核算 004:437)"]
    noon = _at(12, 0)
    warnings = ", ".join(
        f"{line.sku} on hand {line.on_hand}, order {line.suggested}"
        for line in reorder(ledger, noon)
    )
    out.append(f"  12:00 stock warnings (004:141): {warnings or 'none'}")
    for at in (noon, _at(13, 45)):
        ready = waiting_for_stock(orders, ledger, at, needs=needs)
        out.append(
            f"  {at:%H:%M} on hold for material and now in stock (001:385): "
            f"{', '.join(ready) or 'none'}"
        )
    out.append("  13:40 10 × V-DN25 received at 38.50; 14:10 one issued to WO-0303, which resumes")
    missing = missing_handbacks(ledger, now)
    out.append(
        "  durable parts still owed an old part back (以旧换新, 001:241): "
        + (", ".join(f"{m.order_id} {m.sku} × {m.quantity}" for m in missing) or "none")
    )
    rates = LabourRates.seed_defaults()
    prices = PriceList(
        name="internal repair charges",
        entries=(
            PriceEntry(fee=Decimal(20), per_hour=Decimal(40), materials_markup=Decimal("0.05")),
            PriceEntry(trade="lifts"),  # covered by the lift contract
        ),
    )
    lift_parts = VendorCharge(
        vendor="V-LIFTCO", amount=Decimal("680.00"), order_id="WO-0304", reference="door roller"
    )
    statement = department_statement(
        orders, technicians=technicians, rates=rates, ledger=ledger, vendor_charges=[lift_parts],
        year=DEMO_DATE.year, month=DEMO_DATE.month, at=now, price_list=prices,
        budgets={"ICU": Decimal(3000), "Ward 5": Decimal(1500), "Surgery": Decimal(2500)},
    )  # fmt: skip
    out.append(
        f"The month's statement so far (科室成本, 004:265); labour {rates.permanent}/h in-house, "
        f"{rates.outsourced}/h outsourced ({rates.source}); charges: 20 + 40/h + materials "
        "+ 5%, lifts under contract:"
    )
    rows = [
        [r.department, str(r.orders), f"{r.labour:,}", f"{r.materials:,}", f"{r.vendor:,}",
         f"{r.total:,}", f"{r.charge:,}", f"{r.budget:,}", f"{r.variance:,}"]
        for r in (*statement.rows, statement.total)
    ]  # fmt: skip
    headers = ["department", "orders", "labour", "materials", "vendor", "total", "charge",
               "budget", "variance"]  # fmt: skip
    out.append(render_table(headers, rows, align="<>>>>>>>>"))
    out.append("")
    return out
