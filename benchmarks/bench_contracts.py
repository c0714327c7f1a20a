"""Benchmarks for contracts, inspections and maintenance (run by hand, not by pytest).

    PYTHONPATH=src python benchmarks/bench_contracts.py

Prints, each with the named alternative measured in the same run:

* settle: a month of a large property-services contract (n orders) against the SLA evaluation
  it cannot avoid (``evaluate_many``; and a per-order ``evaluate`` loop, the alternative);
* missed_inspections: a quarter of two-hourly power-plant rounds (003:311) — the sorted two-pointer
  match against a nested scan of all inspections for each planned time;
* generate_orders: a year of plans, then the idempotent second run with every order existing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hosplogi import (
    Checklist,
    ChecklistItem,
    Contract,
    DeductionRule,
    Inspection,
    InspectionPlan,
    ItemResult,
    MaintenancePlan,
    Priority,
    SlaPolicy,
    SlaTarget,
    WorkOrder,
    evaluate,
    evaluate_many,
    generate_orders,
    missed_inspections,
    occurrences,
    settle,
)

SH = ZoneInfo("Asia/Shanghai")
SEED = 7


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench_settle(n: int = 20_000) -> None:
    rng = random.Random(SEED)
    policy = SlaPolicy(
        targets={
            p: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=h))
            for p, h in zip(Priority, (2, 4, 24, 72), strict=True)
        }
    )
    contract = Contract(
        id="C-PROP",
        vendor="V",
        services=("property",),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        monthly_fee=Decimal("1250000.00"),
        sla_policy=policy,
        deductions=(
            DeductionRule(kind="sla_breach", priority="emergency", amount=Decimal("500")),
            DeductionRule(kind="sla_breach", amount=Decimal("100")),
        ),
    )
    t0 = datetime(2026, 3, 1, tzinfo=SH)
    orders = []
    for i in range(n):
        at = t0 + timedelta(minutes=rng.randrange(31 * 24 * 60 - 600))
        o = WorkOrder.report(
            id=f"WO-{i}",
            title="t",
            trade="electrical",
            priority=rng.choice(list(Priority)),
            reported_at=at,
            location="L",
        )
        if rng.random() < 0.9:
            o = o.dispatch(["T1"], at=at + timedelta(minutes=5)).start(
                at=at + timedelta(minutes=rng.randrange(10, 60))
            )
            o = o.complete(at=at + timedelta(minutes=rng.randrange(60, 600)))
        orders.append(o)
    end = datetime(2026, 4, 1, tzinfo=SH)

    def per_order() -> int:
        return sum(evaluate(o, policy, end).resolution.breached for o in orders)

    whole = _best(lambda: settle(contract, 2026, 3, orders=orders), repeat=5)
    batch = _best(lambda: evaluate_many(orders, policy, end), repeat=5)
    single = _best(per_order, repeat=5)
    s = settle(contract, 2026, 3, orders=orders)
    assert sum(line.quantity for line in s.lines) == per_order()
    print(
        f"settle: {n} orders in {whole * 1e3:.0f} ms, of which the SLA evaluation "
        f"(evaluate_many) alone takes {batch * 1e3:.0f} ms = {whole / batch:.2f}x; "
        f"a per-order evaluate loop instead takes {single * 1e3:.0f} ms = "
        f"{single / batch:.2f}x evaluate_many, n={n}, seed={SEED}"
    )


def _nested_missed(
    plan: InspectionPlan, done: list[Inspection], start: datetime, end: datetime
) -> int:
    used: set[str] = set()
    missed = 0
    ordered = sorted(done, key=lambda i: i.at)
    for t in occurrences(plan, start, end):
        hit = None
        for insp in ordered:
            if insp.id not in used and abs(insp.at - t) <= plan.tolerance:
                hit = insp
                break
        if hit is None:
            missed += 1
        else:
            used.add(hit.id)
    return missed


def bench_missed() -> None:
    rng = random.Random(SEED)
    checklist = Checklist(id="PWR", items=(ChecklistItem(code="v", text="Voltage"),))
    start, end = datetime(2026, 1, 1, tzinfo=SH), datetime(2026, 4, 1, tzinfo=SH)
    plan = InspectionPlan(
        id="PWR", checklist_id="PWR", location="Power plant", rrule="FREQ=HOURLY;INTERVAL=2",
        start=start, tolerance=timedelta(minutes=30),
    )  # fmt: skip
    planned = occurrences(plan, start, end)
    done = [
        Inspection(
            id=f"I{i}", checklist=checklist, location="Power plant", plan_id="PWR",
            at=t + timedelta(minutes=rng.randrange(-40, 41)),
            results=(ItemResult(code="v", passed=True),),
        )
        for i, t in enumerate(planned)
        if rng.random() < 0.97
    ]  # fmt: skip
    fast = _best(lambda: missed_inspections(plan, done, start, end))
    slow = _best(lambda: _nested_missed(plan, done, start, end), repeat=1)
    assert len(missed_inspections(plan, done, start, end)) == _nested_missed(plan, done, start, end)
    print(
        f"missed_inspections: {len(planned)} planned, {len(done)} done: two-pointer "
        f"{fast * 1e3:.1f} ms, nested scan {slow * 1e3:.0f} ms = {slow / fast:.0f}x, seed={SEED}"
    )


def bench_generate(n_plans: int = 300) -> None:
    rng = random.Random(SEED)
    rules = ("FREQ=WEEKLY;BYDAY=MO", "FREQ=MONTHLY;BYMONTHDAY=1", "FREQ=MONTHLY;INTERVAL=6")
    plans = []
    for i in range(n_plans):
        repeat: dict[str, object] = (
            {"rrule": rng.choice(rules)}
            if i % 2
            else {"interval": timedelta(days=rng.randrange(7, 60))}
        )
        plans.append(
            MaintenancePlan(
                id=f"P{i}",
                title="pm",
                trade="hvac",
                start=datetime(2026, 1, 1, 8, tzinfo=SH),
                **repeat,  # type: ignore[arg-type]
            )
        )
    start, end = datetime(2026, 1, 1, tzinfo=SH), datetime(2027, 1, 1, tzinfo=SH)
    first: list[WorkOrder] = []

    def run_first() -> None:
        first[:] = generate_orders(plans, start, end)

    t1 = _best(run_first, repeat=1)
    t2 = _best(lambda: generate_orders(plans, start, end, existing=first), repeat=1)
    print(
        f"generate_orders: {n_plans} plans, one year: {len(first)} orders in {t1 * 1e3:.0f} ms; "
        f"second run with all existing {t2 * 1e3:.0f} ms (creates "
        f"{len(generate_orders(plans, start, end, existing=first))}) = {t1 / t2:.2f}x, seed={SEED}"
    )


def bench_long_history() -> None:
    """A daily plan over 100 years (26 s before issue 13) and a one-hour window of a minutely
    inspection plan that started a year ago, against a walk from DTSTART."""
    from datetime import UTC

    from hosplogi.recurrence import between, expand, parse_rrule

    t0 = datetime(2000, 1, 1, 8, tzinfo=UTC)
    plan = MaintenancePlan(id="P", title="t", trade="hvac", rrule="FREQ=DAILY", start=t0,
                           timezone="UTC")  # fmt: skip
    t_gen = _best(lambda: generate_orders([plan], t0, t0.replace(year=2100)), repeat=1)
    hour = datetime(2026, 3, 2, 9, tzinfo=UTC)
    old = datetime(2025, 3, 2, tzinfo=UTC)
    window = (hour, hour + timedelta(hours=1))
    t_near = _best(lambda: expand("FREQ=MINUTELY", old, "UTC", *window))
    rule = parse_rrule("FREQ=MINUTELY", old, "UTC")
    t_walk = _best(lambda: between(rule, *window, "UTC", limit=10**8), repeat=1)
    print(
        f"generate_orders: a daily plan over 100 years, 36,525 orders in {t_gen:.2f} s; "
        f"one hour of a minutely plan a year old: expand {t_near * 1e3:.1f} ms, walk from "
        f"DTSTART {t_walk * 1e3:.0f} ms = {t_walk / t_near:.0f}x"
    )


if __name__ == "__main__":
    bench_settle()
    bench_missed()
    bench_generate()
    bench_long_history()
