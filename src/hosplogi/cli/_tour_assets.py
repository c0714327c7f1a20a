"""The equipment section of the demo tour: a lift's failures and availability, and a chiller's
running hours triggering its service (hosplogi.assets, hosplogi.maintenance).

Orchestration only: it builds a small register (设备台账) around the demo day and prints what the
library's own functions return.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from hosplogi.assets import (
    Asset,
    AssetRegister,
    Meter,
    MeterReading,
    reliability_report,
    usage,
)
from hosplogi.cli._text import render_table
from hosplogi.cli.demo import DEMO_DATE, DEMO_ZONE
from hosplogi.crews import Technician
from hosplogi.maintenance import MaintenancePlan, generate_orders
from hosplogi.orders import Priority, WorkOrder

__all__ = ["assets_section", "demo_register"]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), DEMO_ZONE)


def demo_register() -> AssetRegister:
    """The demo hospital's register: two buildings, a patient lift and a chiller.

    Examples
    --------
    >>> demo_register().path("LIFT-B3")
    ('HOSP', 'BLOCK-B', 'LIFT-B3')
    """
    return AssetRegister(
        [
            Asset(id="HOSP", name="Demo hospital", category="site"),
            Asset(id="BLOCK-B", name="Inpatient block B", category="building", parent="HOSP"),
            Asset(id="ENERGY", name="Energy centre", category="building", parent="HOSP"),
            Asset(id="LIFT-B3", name="Block B bed lift 3", category="lift", parent="BLOCK-B",
                  department="Logistics", criticality="A", commissioned_on=date(2012, 5, 1)),
            Asset(id="CH-1", name="Chiller 1", category="chiller", parent="ENERGY",
                  department="Logistics", criticality="B", commissioned_on=date(2019, 6, 1)),
        ]
    )  # fmt: skip


def _earlier_lift_failures() -> list[WorkOrder]:
    """Two February breakdowns of lift 3, the second a repeat within 30 days."""
    out = []
    for oid, day, hours in (("WO-0207", date(2026, 2, 7), 5), ("WO-0223", date(2026, 2, 23), 3)):
        at = _at(day, 10)
        order = WorkOrder.report(id=oid, title="Lift 3 out of service", trade="lifts",
                                 priority=Priority.EMERGENCY, reported_at=at,
                                 location="Block B lift 3", asset_id="LIFT-B3")  # fmt: skip
        order = order.dispatch(["L01"], at=at).start(at=at + timedelta(minutes=20))
        out.append(order.complete(at=at + timedelta(hours=hours)))
    return out


def _lift_lines(orders: Sequence[WorkOrder], now: datetime) -> list[str]:
    start = _at(date(2026, 2, 1), 0)
    report = reliability_report(
        demo_register(), [*_earlier_lift_failures(), *orders], start=start, end=now
    )
    out = [
        "Equipment reliability (hosplogi.assets; SMRP 3.5.1/3.5.2, EN 15341), "
        f"{start:%d %b} to {now:%d %b %H:%M}:"
    ]
    rows = [
        [r.key, str(r.failures), str(r.repeat_failures), str(r.downtime),
         str(r.mttr or "-"), f"{r.mtbf / timedelta(days=1):.1f} d" if r.mtbf else "-",
         f"{r.availability:.2%}"]
        for r in report.rows
    ]  # fmt: skip
    headers = ["asset", "failures", "repeats", "downtime", "MTTR", "MTBF", "availability"]
    out.append(render_table(headers, rows, align="<>>>>>>"))
    out.append(
        f"  corrective orders on assets not in this register (reported, not dropped): "
        f"{len(report.unknown_orders)} ({', '.join(report.unknown_assets[:3])}, …)"
    )
    return out


def _chiller_lines(now: datetime) -> list[str]:
    last_service = _at(date(2026, 1, 5), 9)
    meter = Meter(id="CH-1-hours", asset_id="CH-1", kind="running_hours")
    readings, value = [], 8200.0
    for d in range((DEMO_DATE - last_service.date()).days + 1):
        at = last_service + timedelta(days=d)
        readings.append(MeterReading(meter_id=meter.id, at=at, value=value))
        value += 18.0 if at.weekday() < 5 else 9.0  # the chiller runs longer on working days
    plan = MaintenancePlan(
        id="CH-1-SERVICE", title="Chiller 1 service (oil, filters, tubes)", trade="hvac",
        asset_id="CH-1", start=last_service, interval=timedelta(days=90), meter=meter.id,
        every=800, anchor="floating", estimated_minutes=240,
    )  # fmt: skip
    ran = usage(meter, readings, last_service, readings[-1].at)
    new = generate_orders(
        [plan], last_service, now + timedelta(days=60), readings=readings, meters=[meter]
    )
    again = generate_orders(
        [plan], last_service, now + timedelta(days=60), existing=new, readings=readings,
        meters=[meter],
    )  # fmt: skip
    due = new[0].due_at if new else None
    calendar_due = last_service + plan.interval if plan.interval else None
    return [
        "Meter-based maintenance: every 800 running hours or 90 days, whichever comes first",
        f"  Chiller 1 ran {ran:,.1f} h since its service on {last_service:%d %b}; the meter "
        f"reached 800 h on {due:%d %b %H:%M}"
        if due
        else "  not due yet",
        f"  (the calendar alone would wait until {calendar_due:%d %b}); order raised: "
        f"{', '.join(o.id for o in new)}; run again: {len(again)} new\n",
    ]


def assets_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    """The equipment section: a lift's failures and availability, a chiller's meter-based service.

    Examples
    --------
    >>> from hosplogi.cli.demo import demo_day, demo_technicians, end_of_day
    >>> lines = assets_section(demo_day(), demo_technicians(), end_of_day())
    >>> any("LIFT-B3" in line for line in lines)
    True
    """
    return [*_lift_lines(orders, now), *_chiller_lines(now)]
