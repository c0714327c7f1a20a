"""The sections of ``python -m hosplogi demo`` after the day's orders: a tour of every engine.

Orchestration only: each section builds inputs from the demo day and prints what the library's own
functions return — SLA clocks, dispatching, a day plan, the scorecard, contract settlement,
inspections, preventive maintenance and pay by work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hosplogi.calendars import BusinessCalendar
from hosplogi.cli._text import render_table
from hosplogi.cli._tour_assets import assets_section
from hosplogi.cli._tour_costs import costs_section
from hosplogi.cli._tour_dispatch import dispatch_day_section
from hosplogi.cli._tour_safety import safety_section
from hosplogi.cli.demo import DEMO_DATE, DEMO_ZONE
from hosplogi.contracts import (
    Complaint,
    Contract,
    DeductionKind,
    DeductionRule,
    HeadcountRecord,
    ServiceItem,
    settle,
)
from hosplogi.crews import SkillRequirement, Technician
from hosplogi.inspections import (
    Checklist,
    ChecklistItem,
    Inspection,
    ItemResult,
    rectification_orders,
)
from hosplogi.kpi import (
    RelativeValue,
    ScorecardResult,
    WorkloadTable,
    allocate,
    default_scorecard,
    measures,
    score,
    workload_points,
)
from hosplogi.maintenance import MaintenancePlan, check_minimum, generate_orders
from hosplogi.orders import Priority, Status, WorkOrder
from hosplogi.scheduling import Problem, Schedule, assign, problem_from_orders, recommend, solve
from hosplogi.sla import SlaPolicy, SlaTarget, compliance, evaluate

__all__ = ["TOUR", "demo_policy"]


def _hhmm(at: datetime | None) -> str:
    return "-" if at is None else at.astimezone(DEMO_ZONE).strftime("%m-%d %H:%M")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def demo_policy() -> SlaPolicy:
    """The demo hospital's SLA: emergencies round the clock, routine work in business hours (调休).

    Examples
    --------
    >>> demo_policy().targets[Priority.EMERGENCY].respond
    datetime.timedelta(seconds=900)
    """
    h = timedelta(hours=1)
    return SlaPolicy(
        targets={
            Priority.EMERGENCY: SlaTarget(respond=timedelta(minutes=15), resolve=4 * h),
            Priority.URGENT: SlaTarget(respond=timedelta(minutes=30), resolve=8 * h),
            Priority.ROUTINE: SlaTarget(respond=2 * h, resolve=16 * h, business_hours=True),
            Priority.PLANNED: SlaTarget(respond=8 * h, resolve=40 * h, business_hours=True),
        },
        calendar=BusinessCalendar.china(years=[2026]),
    )


def sla_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    policy = demo_policy()
    out = ["SLA clocks at the end of the day (hosplogi.sla; 首接负责制 response limits, 002:69)"]
    response = compliance(orders, policy, now, clock="response")
    resolution = compliance(orders, policy, now, clock="resolution")
    rows = []
    for a, b in zip(response.rows, resolution.rows, strict=True):
        rows.append(
            [str(a.key), str(a.count), str(a.met), str(a.breached), _pct(a.met_rate),
             str(b.met), str(b.breached), str(b.open), _pct(b.met_rate)]
        )  # fmt: skip
    headers = ["priority", "orders", "resp met", "breached", "rate", "resol met", "breached",
               "open", "rate"]  # fmt: skip
    out.append(render_table(headers, rows, align="<>>>>>>>>"))
    out.append("Clocks still running (targets on China's business calendar for routine work):")
    for o in orders:
        status = evaluate(o, policy, now)
        clock = status.resolution
        if clock.state == "stopped" or o.status is Status.CANCELLED:
            continue
        warned = ", ".join(f"{w:.0%}" for w in clock.warned) or "none"
        out.append(
            f"  {o.id} {o.priority.value:<9} {clock.state:<7} {clock.percent:5.0f}% of "
            f"{clock.target} used, due {_hhmm(clock.due_at)}, warnings crossed: {warned}"
        )
    out.append("")
    return out


def dispatch_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    out = ["A new emergency at 18:05: who should go? (hosplogi.scheduling.recommend)"]
    at = now + timedelta(minutes=5)
    new = WorkOrder.report(
        id="WO-0321",
        title="Oxygen alarm panel fault",
        trade="medical_devices",
        priority=Priority.EMERGENCY,
        reported_at=at,
        location="ICU",
        department="ICU",
        requirements=(
            SkillRequirement(skill="medical_devices", level=3),
            SkillRequirement(skill="electrical", level=2),
        ),
        by="desk",
    )
    busy = {tid: at + timedelta(minutes=40) for o in orders if o.status is Status.IN_PROGRESS
            for tid in o.assignees}  # fmt: skip
    for rank, rec in enumerate(recommend(new, technicians, now=at, busy_until=busy), start=1):
        team = " + ".join(f"{t} as {rec.roles.get(t, '?')}" for t in rec.technician_ids)
        out.append(f"  {rank}. {team}  (score {rec.score:.1f})")
        for reason in rec.reasons:
            out.append(f"       - {reason}")
    waiting = [o for o in orders if o.status is Status.REPORTED]
    plan = assign(waiting, technicians, now=at, busy_until=busy)
    pairs = ", ".join(f"{oid} → {'+'.join(team)}" for oid, team in sorted(plan.items())) or "none"
    out.append(f"One-shot assignment of the orders still waiting (assign): {pairs}\n")
    return out


def tomorrows_plan(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician]
) -> tuple[Problem, Schedule, datetime]:
    """The open orders planned for tomorrow's 08:00–17:00 shift: problem, schedule, origin."""
    tomorrow = datetime.combine(DEMO_DATE + timedelta(days=1), time(8), DEMO_ZONE)
    shifts = {t.id: [(tomorrow, tomorrow + timedelta(hours=9))] for t in technicians}
    open_orders = [o for o in orders if o.status in (Status.REPORTED, Status.DISPATCHED)]
    problem = problem_from_orders(
        open_orders, technicians, now=tomorrow, policy=demo_policy(), shifts=shifts
    )
    return problem, solve(problem, time_limit=None, iterations=300, seed=1), tomorrow


def plan_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    problem, schedule, tomorrow = tomorrows_plan(orders, technicians)
    out = [
        "Tomorrow's plan for the open orders (hosplogi.scheduling.solve, 300 iterations, seed 1)"
    ]
    rows = []
    for e in sorted(schedule.entries, key=lambda e: (e.start, e.task_id)):
        start = tomorrow + timedelta(minutes=e.start)
        end = tomorrow + timedelta(minutes=e.end)
        team = ", ".join(f"{t} ({skill})" for t, skill in sorted(e.technicians.items()))
        rows.append([e.task_id, f"{start:%H:%M}–{end:%H:%M}", team])
    out.append(render_table(["order", "when", "who (role)"], rows))
    out.append(
        f"violations: {len(schedule.violations(problem))}; weighted tardiness "
        f"{schedule.weighted_tardiness(problem):g}\n"
    )
    return out


def day_scorecard(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> tuple[ScorecardResult, dict[str, float]]:
    """The day on the default scorecard, and the values measured from the orders."""
    start = datetime.combine(DEMO_DATE, time(0), DEMO_ZONE)
    measured = measures(
        orders, start=start, end=now, policy=demo_policy(), technicians=technicians,
        complaints=0, training_hours=24.0 * len(technicians),
        labour_cost=Decimal("59000") * len(technicians),
    )  # fmt: skip
    assumed = {"cost_per_order": 120.0, "pm_compliance": 96.0, "inspection_pass_rate": 92.0,
               "rectification_on_time": 100.0}  # fmt: skip
    return score(default_scorecard(), {**assumed, **measured}, strict=False), measured


def scorecard_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    card, measured = day_scorecard(orders, technicians, now)
    out = ["The day on the balanced scorecard (hosplogi.kpi, four perspectives of 001:453)"]
    rows = [[f"{p.value} {p.zh}", f"{v:.1f}"] for p, v in card.by_perspective.items()]
    rows.append(["total", f"{card.total:.1f}"])
    out.append(render_table(["perspective", "score"], rows, align="<>"))
    measured_codes = ", ".join(f"{code} {value:.1f}" for code, value in sorted(measured.items()))
    out.append(f"measured from the orders: {measured_codes}")
    out.append(f"grade {card.grade}; weakest perspective (短板, 002:23): {card.weakest.value}\n")
    return out


def contract_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    contract = Contract(
        id="C-LIFT-2026",
        vendor="V-LIFTCO",
        name="Lift maintenance 2026",
        services=(ServiceItem.LIFTS,),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        monthly_fee=Decimal("48000.00"),
        staffing={"lift technician": 2},
        sla_policy=demo_policy(),
        deductions=(
            DeductionRule(kind=DeductionKind.SLA_BREACH, amount=Decimal("500.00")),
            DeductionRule(kind=DeductionKind.MISSING_PERSON_DAY, amount=Decimal("800.00")),
            DeductionRule(kind=DeductionKind.COMPLAINT, amount=Decimal("300.00")),
        ),
        deduction_cap=Decimal("0.10"),
    )
    days = [date(2026, 3, d) for d in range(1, 32)]
    headcount = [
        HeadcountRecord(post="lift technician", day=d, present=1 if d.day in (9, 10) else 2)
        for d in days
    ]
    complaint = Complaint(
        id="CMP-11", at=datetime(2026, 3, 11, 10, tzinfo=DEMO_ZONE), substantiated=True
    )
    lifts = [o for o in orders if o.trade == "lifts"]
    bill = settle(contract, 2026, 3, orders=lifts, headcount=headcount, complaints=[complaint])
    out = [
        "Outsourced lifts: March settlement (hosplogi.contracts.settle; headcount on post, 000:75)"
    ]
    rows = [
        [line.kind.value, f"{line.quantity:g}", f"{line.unit_amount:,}", f"{line.amount:,}",
         ", ".join(line.evidence[:3]) + (" …" if len(line.evidence) > 3 else "")]
        for line in bill.lines
    ]  # fmt: skip
    out.append(render_table(["deduction", "qty", "unit", "amount", "evidence"], rows,
                            align="<>>><"))  # fmt: skip
    out.append(
        f"base {bill.base:,} − deducted {bill.deducted:,} (cap {bill.cap:,}) + bonus "
        f"{bill.bonus:,} = payable {bill.payable:,} CNY\n"
    )
    return out


def inspection_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    fire = Checklist(
        id="FIRE-DAILY",
        name="Fire equipment daily patrol (003:221)",
        pass_mark=80,
        items=(
            ChecklistItem(
                code="exit", text="Fire exits clear", points=4, critical=True, trade="security"
            ),
            ChecklistItem(code="ext", text="Extinguishers in date", points=3),
            ChecklistItem(code="hydrant", text="Hydrant boxes sealed", points=2),
            ChecklistItem(code="log", text="Patrol log signed", points=1),
        ),
    )
    at = datetime.combine(DEMO_DATE, time(9, 30), DEMO_ZONE)
    patrol = Inspection(
        id="INSP-0302",
        checklist=fire,
        at=at,
        location="Inpatient block, floor 3",
        inspector="S01",
        results=(
            ItemResult(code="exit", passed=False, note="boxes stacked in the corridor"),
            ItemResult(code="ext", passed=True),
            ItemResult(code="hydrant", passed=True),
            ItemResult(code="log", passed=True),
        ),
    )
    fixes = rectification_orders(patrol)
    out = [
        "Fire patrol (hosplogi.inspections): score "
        f"{patrol.score:.0f}, {'passed' if patrol.passed else 'FAILED'} — a critical item failed",
    ]
    for o in fixes:
        out.append(
            f"  rectification order {o.id} ({o.priority.value}, {o.source.value}): {o.title}; "
            f"due {_hhmm(o.due_at)}"
        )
    out.append("")
    return out


def maintenance_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    start = datetime.combine(date(2026, 1, 5), time(9), DEMO_ZONE)
    plans = [
        MaintenancePlan(
            id="AHU-FILTERS", title="Replace ward AHU filters", trade="hvac",
            asset_id="AHU-W1", start=start, rrule="FREQ=MONTHLY;INTERVAL=6",
            estimated_minutes=120, lead_time=timedelta(days=3),
        ),
        MaintenancePlan(
            id="GEN-TEST", title="Generator load test and oil check", trade="electrical",
            asset_id="GEN-1", start=start, rrule="FREQ=MONTHLY;BYMONTHDAY=5",
            estimated_minutes=90,
            requirements=(SkillRequirement(skill="electrical", count=2, level=3),),
        ),
    ]  # fmt: skip
    window = (datetime.combine(DEMO_DATE, time(0), DEMO_ZONE),
              datetime.combine(date(2026, 7, 1), time(0), DEMO_ZONE))  # fmt: skip
    generated = generate_orders(plans, *window)
    again = generate_orders(plans, *window, existing=generated)
    out = ["Preventive maintenance (hosplogi.maintenance) to the end of June:"]
    out.append("  " + ", ".join(o.id for o in generated))
    minimum = check_minimum(plans[0], 2026, times=2)
    out.append(
        f"  run again with those orders existing: {len(again)} new; AHU filters at least twice "
        f"a year (001:403): plan gives {minimum.planned}, "
        f"{'ok' if minimum.plan_ok else 'too few'}\n"
    )
    return out


def pay_section(
    orders: Sequence[WorkOrder], technicians: Sequence[Technician], now: datetime
) -> list[str]:
    table = WorkloadTable(
        name="relative values per order (RBRVS-like, 001:457)",
        values=(
            RelativeValue(trade="electrical", points=3.0),
            RelativeValue(trade="medical_devices", points=4.0),
            RelativeValue(trade="lifts", points=4.0),
            RelativeValue(trade="hvac", points=3.5),
            RelativeValue(trade="boiler", points=3.5),
        ),
        default=RelativeValue(trade="other", points=2.0),
    )
    start = datetime.combine(DEMO_DATE, time(0), DEMO_ZONE)
    points = workload_points(orders, table, start=start, end=now)
    pool = Decimal("1000.00")
    shares = allocate(pool, points)
    out = [f"Pay by work (hosplogi.kpi): a {pool:,} CNY pool split by workload points, to the cent"]
    rows = [[tid, f"{points[tid]:g}", f"{shares[tid]:,}"] for tid in sorted(points)]
    out.append(render_table(["technician", "points", "CNY"], rows, align="<>>"))
    out.append(f"sum {sum(shares.values()):,} CNY\n")
    return out


TOUR = (
    sla_section,
    dispatch_section,
    plan_section,
    dispatch_day_section,
    scorecard_section,
    contract_section,
    inspection_section,
    maintenance_section,
    pay_section,
    assets_section,
    costs_section,
    safety_section,
)
"""The tour's sections in order; each takes (orders, technicians, now) and returns lines."""
