"""The safety section of ``python -m hosplogi demo``: last quarter's drills and last week's waste.

Orchestration only: the drills of the fourth quarter of 2025 against two quarterly plans (one
drill missing, one corrective action turned into a rectification order), and the week of medical
waste before the demo day audited and totalled (one handover unsigned).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hosplogi.cli._text import render_table
from hosplogi.cli.demo import DEMO_DATE, DEMO_ZONE
from hosplogi.crews import Technician
from hosplogi.orders import WorkOrder
from hosplogi.safety import (
    Drill,
    EmergencyPlan,
    Handover,
    Stage,
    WasteClass,
    audit_waste,
    drill_compliance,
    drill_rectification_orders,
    waste_totals,
)

__all__ = ["demo_drills", "demo_plans", "demo_waste", "safety_section"]

BUILDINGS = ("Inpatient A", "Inpatient B")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), DEMO_ZONE)


def demo_plans() -> tuple[EmergencyPlan, ...]:
    """A Joint Commission style fire plan (every shift, every quarter) and a lift-failure plan.

    Examples
    --------
    >>> [(p.id, len(p.slots)) for p in demo_plans()]
    [('EP-FIRE', 6), ('EP-LIFT', 2)]
    """
    return (
        EmergencyPlan(
            id="EP-FIRE", name="Fire in an inpatient building", hazard="fire",
            drills_per_year=4, per_shift=True, quarterly=True, buildings=BUILDINGS,
        ),
        EmergencyPlan(
            id="EP-LIFT", name="Lift failure with a patient inside", hazard="lift failure",
            drills_per_year=4, quarterly=True, buildings=BUILDINGS,
        ),
    )  # fmt: skip


def demo_drills() -> tuple[Drill, ...]:
    """The drills of October to December 2025; the night fire drill of Inpatient B is missing.

    Examples
    --------
    >>> len(demo_drills())
    7
    """
    shifts = {"day": 10, "evening": 19, "night": 2}
    fire = [
        Drill(id=f"DR-F{n}", plan_id="EP-FIRE", building=b, shift=s, participants=18,
              at=_at(date(2025, 10 + n % 3, 8 + n), hour), duration=timedelta(minutes=40))
        for n, (b, s, hour) in enumerate(
            (b, s, hour) for b in BUILDINGS for s, hour in shifts.items()
            if (b, s) != ("Inpatient B", "night")
        )
    ]  # fmt: skip
    fire[0] = fire[0].model_copy(
        update={
            "findings": ("Fire door on floor 3 did not close",),
            "corrective_actions": ("Re-hang the floor 3 fire door and test its closer",),
        }
    )
    lift = [
        Drill(id=f"DR-L{n}", plan_id="EP-LIFT", building=b, participants=6,
              at=_at(date(2025, 11, 20 + n), 14), duration=timedelta(minutes=25))
        for n, b in enumerate(BUILDINGS)
    ]  # fmt: skip
    return (*fire, *lift)


def demo_waste() -> tuple[Handover, ...]:
    """The week before the demo day: each department's loads, collected, stored, sent, disposed.

    Loads are collected at 07:30, stored at 08:00, dispatched to the licensed carrier at 10:00 the
    next day and disposed of at 16:00; the Ward 3 load of 26 February went into store unsigned by
    the store keeper.

    Examples
    --------
    >>> len(demo_waste())  # 32 loads of four hops
    128
    """
    week = [DEMO_DATE - timedelta(days=d) for d in range(7, 0, -1)]
    loads = [
        ("ICU", WasteClass.INFECTIOUS, Decimal("14.2")),
        ("Ward 3", WasteClass.INFECTIOUS, Decimal("9.6")),
        ("Operating theatres", WasteClass.INFECTIOUS, Decimal("21.8")),
    ]
    out: list[Handover] = []
    for n, day in enumerate(week):
        todays = [*loads, ("Operating theatres", WasteClass.PATHOLOGICAL, Decimal("3.1"))]
        if n % 2 == 0:
            todays.append(("ICU", WasteClass.SHARPS, Decimal("2.4")))
        for k, (dept, cls, kg) in enumerate(todays):
            batch = f"MW-{day:%m%d}-{k + 1}"
            weight = kg + Decimal(n % 3) / 10
            out += _chain(batch, dept, cls, weight, day, unsigned=(dept, day.day) == ("Ward 3", 26))
    return tuple(out)


def _chain(
    batch: str, dept: str, cls: WasteClass, kg: Decimal, day: date, *, unsigned: bool
) -> list[Handover]:
    manifest = f"ZJ{day:%Y%m%d}{batch[-1]}"
    hops = [
        (Stage.COLLECTED, dept, "Porter Zhang", _at(day, 7, 30), None),
        (Stage.STORED, "Porter Zhang", "Waste store", _at(day, 8), None),
        (Stage.DISPATCHED, "Waste store", "GreenCycle carrier", _at(day + timedelta(1), 10),
         manifest),
        (Stage.DISPOSED, "GreenCycle carrier", "Disposal plant", _at(day + timedelta(1), 16),
         manifest),
    ]  # fmt: skip
    chain = []
    for n, (stage, giver, taker, at, number) in enumerate(hops, start=1):
        signed = (giver,) if unsigned and stage is Stage.STORED else (giver, taker)
        chain.append(
            Handover(id=f"{batch}.{n}", batch=batch, stage=stage, from_party=giver,
                     to_party=taker, at=at, waste_class=cls, weight_kg=kg, containers=2,
                     signatures=signed, manifest=number)
        )  # fmt: skip
    return chain


def safety_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    """Drills of the last quarter of 2025 and the medical waste of the week before `now`.

    Examples
    --------
    >>> from hosplogi.cli.demo import end_of_day
    >>> lines = safety_section([], [], end_of_day())
    >>> lines[0]
    'Emergency drills, Q4 2025 (hosplogi.safety; 20 plans drilled at least twice a year, 003:307)'
    """
    out = [
        "Emergency drills, Q4 2025 (hosplogi.safety; 20 plans drilled at least twice a year, "
        "003:307)"
    ]
    drills = demo_drills()
    report = drill_compliance(demo_plans(), drills, year=2025, quarter=4)
    rows = [
        [c.plan_id, str(c.required), str(c.held), str(c.missing),
         ", ".join(f"{b} {s}" if s else str(b) for b, s in c.missing_slots) or "-",
         ", ".join(c.open_actions) or "-"]
        for c in report
    ]  # fmt: skip
    out.append(
        render_table(["plan", "required", "held", "missing", "short", "open actions"], rows,
                     align="<>>><<")
    )  # fmt: skip
    for drill in drills:
        for order in drill_rectification_orders(drill, trade="carpentry"):
            out.append(
                f"  rectification order {order.id} ({order.source.value}): {order.title}; "
                f"due {order.due_at:%Y-%m-%d %H:%M}"
            )
    start = datetime.combine(DEMO_DATE - timedelta(days=7), time(0), DEMO_ZONE)
    log = demo_waste()
    out.append(
        f"Medical waste collected {start:%d %b} – {DEMO_DATE - timedelta(days=1):%d %b} "
        "(医疗废物, 004:153), kg per department and class:"
    )
    totals = waste_totals(log, start=start, end=start + timedelta(days=7))
    rows = [[t.key, f"{t.waste_class.value} {t.waste_class.zh}", str(t.batches),
             f"{t.weight_kg:.1f}"] for t in totals]  # fmt: skip
    out.append(render_table(["department", "class", "loads", "kg"], rows, align="<<>>"))
    findings = audit_waste(log, now=now)
    out.append(f"Chain-of-custody audit at {now:%d %b %H:%M}: {len(findings)} finding(s)")
    out += [f"  {f.kind.value}: {f.message}" for f in findings]
    out.append("")
    return out
