"""Speed of hosplogi.stores and hosplogi.costs: stock at a date, a month's department statement.

Run by hand: ``PYTHONPATH=src python benchmarks/bench_stores.py [n_movements] [n_orders]``
(defaults 1,000,000 each).

1. A ledger of `n_movements` receipts, issues, returns and transfers over 200 skus in 5 stores,
   valid by construction: the time to build (validate) it at n/4 and n (linear: the ratio is ~4),
   then ``stock(ledger, at)`` at mid-year against a plain loop over the movements up to `at`
   summing quantities and values per (store, sku).
2. ``department_statement`` over `n_orders` orders of one month against the plain loop that
   calls ``order_cost`` per order and sums per department. The orders are copies of 400 template
   histories made with the lifecycle methods (as in bench_kpi.py), with their own ids and
   departments; one order in ten has parts issued from a ledger.

Peak memory is the process's peak resident set (``ru_maxrss``) after each step.

Measured 2026-11-30 on the shared 2-core machine (load ~8), ``bench_stores.py 1000000 200000``
(the order_cost loop over a million orders would take over 7 minutes there, so the statement ran
at 200,000 orders)::

    1,000,000 movements made (pydantic validation per movement) in 208.7 s; peak 965 MB
    ledger validation: n/4 24.37 s, n 97.75 s = 4.0x for 4x the movements (linear); peak 1,230 MB
    stock at mid-year (925 lines): bisect 125.6 ms, plain loop 10634 ms = 85x, n=1,000,000
    department_statement: 7.2 s, order_cost loop 83.3 s = 11.6x, n=200,000; peak 1,231 MB
"""

from __future__ import annotations

import random
import resource
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hosplogi import HoldReason, Priority, Technician, WorkOrder
from hosplogi.costs import LabourRates, department_statement, order_cost
from hosplogi.crews import Employment
from hosplogi.stores import Item, Movement, MovementKind, StockLedger, stock

SEED = 20260302
SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, tzinfo=SH)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _movements(n: int, rng: random.Random) -> tuple[list[Item], list[Movement]]:
    items = [Item(sku=f"SKU-{i:03d}") for i in range(200)]
    stores = [f"S{i}" for i in range(5)]
    on_hand: dict[tuple[str, str], int] = {}
    issued: dict[tuple[str, str], int] = {}
    moves = []
    step = timedelta(days=365) / n
    for i in range(n):
        at = START + i * step
        store, sku = rng.choice(stores), f"SKU-{rng.randrange(200):03d}"
        have = on_hand.get((store, sku), 0)
        order = f"WO-{rng.randrange(n // 10 + 1)}"
        r = rng.random()
        base = {"id": f"M{i}", "sku": sku, "store": store, "at": at}
        if have == 0 or r < 0.3:
            q = rng.randint(1, 50)
            cost = Decimal(rng.randint(100, 100_000)).scaleb(-2)
            moves.append(Movement(kind=MovementKind.RECEIVE, quantity=Decimal(q), unit_cost=cost,
                                  **base))  # fmt: skip
            on_hand[store, sku] = have + q
        elif r < 0.8:
            q = rng.randint(1, have)
            moves.append(Movement(kind=MovementKind.ISSUE, quantity=Decimal(q), order_id=order,
                                  **base))  # fmt: skip
            on_hand[store, sku] = have - q
            issued[order, sku] = issued.get((order, sku), 0) + q
        elif r < 0.9 and issued.get((order, sku), 0) and (store, sku) in on_hand:
            q = rng.randint(1, issued[order, sku])
            moves.append(Movement(kind=MovementKind.RETURN, quantity=Decimal(q), order_id=order,
                                  **base))  # fmt: skip
            on_hand[store, sku] = have + q
            issued[order, sku] -= q
        else:
            to = rng.choice([s for s in stores if s != store])
            q = rng.randint(1, have)
            moves.append(Movement(kind=MovementKind.TRANSFER, quantity=Decimal(q), to_store=to,
                                  **base))  # fmt: skip
            on_hand[store, sku] = have - q
            on_hand[to, sku] = on_hand.get((to, sku), 0) + q
    return items, moves


def _plain_stock(ledger: StockLedger, at: datetime) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """The reference: one loop over the movements up to `at`, summing per (store, sku)."""
    qty: dict[tuple[str, str], Decimal] = {}
    value: dict[tuple[str, str], int] = {}
    values = ledger.state.values
    for i, m in enumerate(ledger.movements):
        if m.at > at:
            break
        sign = (
            -1 if m.kind in (MovementKind.ISSUE, MovementKind.SCRAP, MovementKind.TRANSFER) else 1
        )
        if m.kind is MovementKind.HANDBACK:
            continue
        key = (m.store, m.sku)
        qty[key] = qty.get(key, Decimal(0)) + sign * m.quantity
        value[key] = value.get(key, 0) + sign * values[i]
        if m.to_store is not None:
            to = (m.to_store, m.sku)
            qty[to] = qty.get(to, Decimal(0)) + m.quantity
            value[to] = value.get(to, 0) + values[i]
    return {k: (q, value[k]) for k, q in qty.items() if q or value[k]}


def bench_stock(n: int, rng: random.Random) -> None:
    t = time.perf_counter()
    items, moves = _movements(n, rng)
    made = time.perf_counter() - t
    print(f"{n:,} movements made (pydantic validation per movement) in {made:.1f} s; "
          f"peak {_peak_mb():,.0f} MB")  # fmt: skip
    t = time.perf_counter()
    StockLedger(items, moves[: n // 4])
    quarter = time.perf_counter() - t
    t = time.perf_counter()
    ledger = StockLedger(items, moves)
    whole = time.perf_counter() - t
    print(f"ledger validation: n/4 {quarter:.2f} s, n {whole:.2f} s = {whole / quarter:.1f}x "
          f"for 4x the movements (linear); peak {_peak_mb():,.0f} MB")  # fmt: skip
    at = START + timedelta(days=182, hours=7)
    t = time.perf_counter()
    reps = 20
    for _ in range(reps):
        lines = stock(ledger, at)
    fast = (time.perf_counter() - t) / reps
    t = time.perf_counter()
    reference = _plain_stock(ledger, at)
    plain = time.perf_counter() - t
    got = {(x.store, x.sku): (x.quantity, round(x.value * 100)) for x in lines}
    assert got == reference, "stock differs from the plain loop"
    print(f"stock at mid-year ({len(lines)} lines): bisect {fast * 1e3:.1f} ms, plain loop "
          f"{plain * 1e3:.0f} ms = {plain / fast:.0f}x, n={n:,}, seed={SEED}; "
          f"peak {_peak_mb():,.0f} MB")  # fmt: skip


def _templates(rng: random.Random, n: int = 400) -> list[WorkOrder]:
    out = []
    month = datetime(2026, 3, 1, tzinfo=SH)
    people = ["E01", "E02", "P01", "H01", "L01", "M01"]
    for i in range(n):
        t = month + timedelta(minutes=rng.randrange(30 * 24 * 60))
        o = WorkOrder.report(
            id=f"T{i}", title="job", trade=rng.choice(["plumbing", "hvac"]),
            priority=rng.choice(list(Priority)), reported_at=t, location="L",
        )  # fmt: skip
        o = o.dispatch(tuple(rng.sample(people, rng.randint(1, 2))), at=t + timedelta(minutes=5))
        o = o.start(at=t + timedelta(minutes=20))
        if rng.random() < 0.3:
            o = o.hold(HoldReason.AWAITING_MATERIAL, at=t + timedelta(minutes=40))
            o = o.resume(at=t + timedelta(hours=5))
        if rng.random() < 0.9:
            o = o.complete(at=t + timedelta(hours=6, minutes=rng.randrange(120)))
        out.append(o)
    return out


def bench_statement(n: int, rng: random.Random) -> None:
    staff = [Technician(id=p, employment=e) for p, e in zip(
        ["E01", "E02", "P01", "H01", "L01", "M01"], list(Employment) * 2, strict=True)]  # fmt: skip
    rates = LabourRates.seed_defaults()
    templates = _templates(rng)
    depts = [f"D{i:02d}" for i in range(40)]
    orders = [
        templates[i % len(templates)].model_copy(
            update={"id": f"WO-{i}", "department": depts[i % len(depts)]}
        )
        for i in range(n)
    ]
    at0 = datetime(2026, 2, 20, tzinfo=SH)
    moves = [Movement(id="R0", kind="receive", sku="V", store="main", quantity=Decimal(n),
                      at=at0, unit_cost=Decimal("38.50"))]  # fmt: skip
    moves += [
        Movement(id=f"I{i}", kind="issue", sku="V", store="main", quantity=Decimal(1),
                 at=at0, order_id=f"WO-{i}")
        for i in range(0, n, 10)
    ]  # fmt: skip
    ledger = StockLedger([Item(sku="V")], moves)
    print(f"{n:,} orders and a ledger of {len(moves):,} movements ready; "
          f"peak {_peak_mb():,.0f} MB")  # fmt: skip
    t = time.perf_counter()
    statement = department_statement(orders, technicians=staff, rates=rates, ledger=ledger,
                                     year=2026, month=3)  # fmt: skip
    fast = time.perf_counter() - t
    t = time.perf_counter()
    totals: dict[str, Decimal] = {}
    for o in orders:
        c = order_cost(o, technicians=staff, rates=rates, ledger=ledger)
        totals[o.department or "unassigned"] = totals.get(o.department or "unassigned", 0) + c.total
    plain = time.perf_counter() - t
    assert {r.department: r.total for r in statement.rows} == totals
    print(f"department_statement: {fast:.1f} s, order_cost loop {plain:.1f} s = "
          f"{plain / fast:.1f}x, n={n:,}, seed={SEED}; peak {_peak_mb():,.0f} MB")  # fmt: skip


def main() -> None:
    n_moves = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_orders = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    bench_stock(n_moves, random.Random(SEED))
    bench_statement(n_orders, random.Random(SEED))


if __name__ == "__main__":
    main()
