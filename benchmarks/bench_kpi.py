"""Speed of hosplogi.kpi: measures over a year of orders, scoring many units, AHP.

Run by hand: ``PYTHONPATH=src python benchmarks/bench_kpi.py [n_orders] [n_units]``.

The million orders are built cheaply: a few hundred template histories made with the lifecycle
methods (so every history is valid), then ``model_copy(update={"id": ..., "asset_id": ...})`` for
each order — the event logs are shared between copies, which does not change the work `measures`
does per order (it reads every event of every order).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hosplogi import HoldReason, Priority, Source, Technician, WorkOrder
from hosplogi.kpi import ahp, allocate, default_scorecard, measures, score, score_many
from hosplogi.orders import Action

SEED = 20260301
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)


def _templates(rng: random.Random, n: int = 400) -> list[WorkOrder]:
    out = []
    sources = [Source.PHONE] * 6 + [Source.APP] * 2 + [Source.ROUNDS, Source.PREVENTIVE]
    sources.append(Source.INSPECTION)
    for i in range(n):
        t = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        src = rng.choice(sources)
        due = t + timedelta(days=7) if src in (Source.PREVENTIVE, Source.INSPECTION) else None
        o = WorkOrder.report(
            id=f"T{i}",
            title="job",
            trade=rng.choice(["plumbing", "electrical", "hvac", "carpentry"]),
            priority=rng.choice(list(Priority)),
            reported_at=t,
            location="Ward",
            source=src,
            due_at=due,
            asset_id=f"A{i % 50}",
        )
        t += timedelta(minutes=rng.randrange(5, 60))
        o = o.dispatch(("T01", "T02"), at=t)
        t += timedelta(minutes=rng.randrange(5, 60))
        o = o.start(at=t, by="T01")
        if rng.random() < 0.1:
            o = o.hold(HoldReason.AWAITING_MATERIAL, at=t)
            t += timedelta(hours=rng.randrange(1, 48))
            if rng.random() < 0.8:
                o = o.resume(at=t)
        if o.status.value == "in_progress" and rng.random() < 0.97:
            t += timedelta(minutes=rng.randrange(10, 300))
            o = o.complete(at=t, by="T01")
            if rng.random() < 0.9:
                t += timedelta(hours=rng.randrange(1, 24))
                o = o.verify(at=t, accepted=rng.random() < 0.97, rating=rng.choice([3, 4, 5, 5]))
                if o.status.value == "verified":
                    o = o.close(at=t + timedelta(hours=1))
        out.append(o)
    return out


def _orders(n: int, rng: random.Random) -> list[WorkOrder]:
    templates = _templates(rng)
    return [
        templates[i % len(templates)].model_copy(
            update={"id": f"WO-{i}", "asset_id": f"A{i % 20000}"}
        )
        for i in range(n)
    ]


def _naive_measures(orders: list[WorkOrder]) -> dict[str, float]:
    """The obvious way: one pass per indicator through the WorkOrder helper methods."""
    inside = [o for o in orders if START <= o.reported_at < END]
    live = [o for o in inside if o.status.value != "cancelled"]
    done = [
        o
        for o in live
        if o.last_at(Action.COMPLETE) is not None and o.status.value != "in_progress"
    ]
    rated = [e.rating for o in inside for e in o.events if e.rating is not None]
    decided = [o for o in inside if o.first_at(Action.VERIFY) or o.first_at(Action.REJECT)]
    first_pass = [
        o
        for o in decided
        if o.first_at(Action.REJECT) is None
        or (o.first_at(Action.VERIFY) or END) < (o.first_at(Action.REJECT) or END)
    ]
    pm = [o for o in inside if o.source is Source.PREVENTIVE]
    pm_ok = [o for o in pm if (c := o.last_at(Action.COMPLETE)) and o.due_at and c <= o.due_at]
    proactive = [o for o in inside if o.source.is_proactive]
    return {
        "completion_rate": 100 * len(done) / len(live),
        "satisfaction": 100 * sum(r >= 4 for r in rated) / len(rated),
        "first_pass_rate": 100 * len(first_pass) / len(decided),
        "pm_compliance": 100 * len(pm_ok) / len(pm),
        "proactive_share": 100 * len(proactive) / len(inside),
    }


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_units = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    rng = random.Random(SEED)
    staff = [Technician(id=f"T{i:03d}", skills={"plumbing": 2, "hvac": 1}) for i in range(200)]

    orders, build = _timed(_orders, n, rng)
    print(f"built {n:,} orders from 400 templates in {build:.1f} s (model_copy), seed={SEED}")
    m, t_measures = _timed(
        measures,
        orders,
        start=START,
        end=END,
        technicians=staff,
        complaints=40,
        cost=Decimal("12500000"),
        labour_cost=Decimal("9000000"),
        training_hours=6000,
        inspection_results=[True] * 95 + [False] * 5,
    )
    print(f"measures: {n:,} orders, one year, {len(m)} indicators in {t_measures:.2f} s")
    k = min(n, 100_000)
    sub = orders[:k]
    _, fast = _timed(measures, sub, start=START, end=END)
    _, slow = _timed(_naive_measures, sub)
    print(
        f"measures vs one pass per indicator via WorkOrder helpers (5 indicators only): "
        f"{fast:.2f} s vs {slow:.2f} s = {slow / fast:.1f}x, n={k:,}"
    )

    try:
        from hosplogi.sla import SlaPolicy, SlaTarget

        policy = SlaPolicy(
            targets={
                p: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=8))
                for p in Priority
            }
        )
        m_sla, t_sla = _timed(measures, orders, start=START, end=END, policy=policy)
        print(
            f"measures with an SlaPolicy (24/7 targets): {n:,} orders in {t_sla:.2f} s, "
            f"response on time {m_sla['response_on_time']:.1f} %, "
            f"resolution on time {m_sla['resolution_on_time']:.1f} %"
        )
    except ImportError:
        print("measures with an SlaPolicy: hosplogi.sla not available")

    card = default_scorecard()
    base = {i.code: (i.target + i.floor) / 2 for i in card.indicators}
    units = {
        f"unit-{u:05d}": {c: v * rng.uniform(0.8, 1.2) for c, v in base.items()}
        for u in range(n_units)
    }
    ranked, t_many = _timed(score_many, card, units)
    _, t_loop = _timed(lambda: [score(card, v) for v in units.values()])
    print(
        f"score_many: {n_units:,} units x {len(card.indicators)} indicators, ranked, in "
        f"{t_many:.3f} s; score() in a loop {t_loop:.3f} s = {t_loop / t_many:.2f}x; "
        f"best {ranked[0].unit} {ranked[0].total:.1f}"
    )

    size = 15
    m15 = [[1.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            v = rng.choice([1, 2, 3, 5, 7, 9, 1 / 2, 1 / 3, 1 / 5, 1 / 7, 1 / 9])
            m15[i][j], m15[j][i] = v, 1 / v
    reps = 200
    _, t_ahp = _timed(lambda: [ahp(m15) for _ in range(reps)])
    try:
        import numpy as np

        a = np.array(m15)
        _, t_np = _timed(lambda: [np.linalg.eig(a) for _ in range(reps)])
        print(
            f"ahp 15x15: power iteration {t_ahp / reps * 1e3:.2f} ms, numpy.linalg.eig "
            f"{t_np / reps * 1e3:.2f} ms = {t_ahp / t_np:.1f}x slower (numpy not a dependency)"
        )
    except ImportError:
        print(f"ahp 15x15: power iteration {t_ahp / reps * 1e3:.2f} ms (numpy absent)")

    shares = {f"T{i:05d}": rng.uniform(0, 100) for i in range(10_000)}
    _, t_alloc = _timed(allocate, Decimal("1234567.89"), shares)
    print(f"allocate: 1,234,567.89 over 10,000 shares, exact to the cent, in {t_alloc:.3f} s")


if __name__ == "__main__":
    main()
