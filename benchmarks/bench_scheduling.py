"""Scheduling speed and quality on a synthetic hospital day, and recommend() latency.

Usage: python benchmarks/bench_scheduling.py [--time-limit 5] [--seed 0] [--cpsat-factor 10]

Prints (1) for a day of 300 work orders (mixed single- and multi-trade, due times from SLA
targets by priority, a few precedences) and 60 technicians on shifts: the weighted tardiness of
``solve`` at ``--time-limit`` seconds, its wall time and the process's peak memory, against
OR-Tools CP-SAT given ``--cpsat-factor`` times as long, and against the earliest-due-date rule
alone (EDD); (2) the median latency of ``recommend`` for one order among 300
technicians, against a brute-force ranking that scores every team of every eligible person.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from random import Random

from pydantic import TypeAdapter

from hosplogi import Certificate, Priority, SkillRequirement, Technician, WorkOrder
from hosplogi.scheduling import Problem, Task, _search, assign_report, recommend, solve
from hosplogi.scheduling.solve import compile_problem

TRADES = ("electrical", "plumbing", "hvac", "carpentry", "medical_devices", "lifts", "painting")
SLA_MINUTES = {
    Priority.EMERGENCY: 60,
    Priority.URGENT: 240,
    Priority.ROUTINE: 480,
    Priority.PLANNED: 1440,
}
WEIGHTS = {
    Priority.EMERGENCY: 8.0,
    Priority.URGENT: 4.0,
    Priority.ROUTINE: 2.0,
    Priority.PLANNED: 1.0,
}
SHIFTS = (((0, 540),), ((240, 780),), ((540, 1440),))


def technicians(n: int, rng: Random) -> list[Technician]:
    out = []
    for i in range(n):
        main = TRADES[i % len(TRADES)]
        skills = {main: rng.randint(2, 5)}
        for extra in rng.sample(TRADES, rng.choice((0, 1, 1, 2))):
            skills.setdefault(extra, rng.randint(1, 3))
        certs = (
            Certificate(kind="electrician", expires_on=date(2027, 1, 1)),
            Certificate(kind="lift", expires_on=date(2027, 1, 1)),
        )
        out.append(
            Technician(id=f"T{i:03d}", skills=skills, certificates=certs, zone="ABCD"[i % 4])
        )
    return out


def hospital_day(n_tasks: int, n_techs: int, seed: int) -> Problem:
    rng = Random(seed)
    techs = technicians(n_techs, rng)
    availability = {}
    for i, t in enumerate(techs):
        availability[t.id] = SHIFTS[0 if i % 20 < 12 else (1 if i % 20 < 17 else 2)]
    tasks = []
    for j in range(n_tasks):
        priority = rng.choices(list(Priority), weights=(1, 3, 8, 3))[0]
        release = rng.randint(0, 600)
        if rng.random() < 0.3:
            trades = rng.sample(TRADES, rng.choice((2, 2, 3)))
            reqs = tuple(SkillRequirement(skill=s, level=rng.randint(1, 2)) for s in trades)
        else:
            reqs = (
                SkillRequirement(
                    skill=rng.choice(TRADES),
                    count=rng.choice((1, 1, 1, 2)),
                    level=rng.randint(1, 3),
                ),
            )
        preds = ()
        if j and rng.random() < 0.1:
            preds = (f"W{rng.randrange(j):03d}",)
        tasks.append(
            Task(
                id=f"W{j:03d}",
                duration=rng.choice((15, 30, 30, 45, 60, 90, 120)),
                requirements=reqs,
                release=release,
                due=release + SLA_MINUTES[priority],
                weight=WEIGHTS[priority],
                predecessors=preds,
            )
        )
    return Problem(tasks=tuple(tasks), technicians=tuple(techs), availability=availability)


def bench_day(args: argparse.Namespace) -> None:
    problem = hospital_day(300, 60, args.seed)
    inst = compile_problem(problem)
    edd = _search.decode(
        inst, _search.priority_lists(inst, "weighted_tardiness")[0], "weighted_tardiness"
    )
    t0 = time.perf_counter()
    s = solve(problem, time_limit=args.time_limit, seed=args.seed)
    wall = time.perf_counter() - t0
    assert not s.violations(problem)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ours = s.weighted_tardiness(problem)
    print(f"hospital day: 300 tasks, 60 technicians, seed={args.seed}")
    print(
        f"  EDD rule alone           weighted tardiness {edd.cost[1]:10.0f}, "
        f"{edd.cost[0]} tasks left unplaced by the shifts"
    )
    print(
        f"  solve time_limit={args.time_limit}s  weighted tardiness {ours:10.0f}  "
        f"wall {wall:.2f}s ({100 * wall / args.time_limit:.0f}% of limit)  "
        f"process max RSS {rss:.0f} MB"
    )
    if args.cpsat_factor:
        limit = args.time_limit * args.cpsat_factor
        t0 = time.perf_counter()
        try:
            c = solve(
                problem, time_limit=limit, seed=args.seed, backend="cp-sat", workers=args.workers
            )
            wall = time.perf_counter() - t0
            assert not c.violations(problem)
            theirs = c.weighted_tardiness(problem)
            print(
                f"  CP-SAT time_limit={limit}s weighted tardiness {theirs:10.0f}  "
                f"wall {wall:.2f}s  workers={args.workers}  proven optimal {c.proven_optimal}  "
                f"ratio CP-SAT/solve = "
                f"{theirs / ours if ours else float('inf'):.2f}"
            )
        except Exception as exc:
            print(f"  CP-SAT time_limit={limit}s: no schedule ({exc})")


def brute_force(order: WorkOrder, techs: list[Technician], now: datetime) -> list[tuple[str, ...]]:
    req = order.requirements[0]
    ok = [t for t in techs if t.skills.get(req.skill, 0) >= req.level]
    teams = []
    for team in combinations(ok, req.count):
        score = sum(1.0 - 0.05 * (t.skills[req.skill] - req.level) for t in team)
        teams.append((score, tuple(t.id for t in team)))
    teams.sort(reverse=True)
    return [t for _, t in teams[:3]]


def bench_recommend(args: argparse.Namespace) -> None:
    rng = Random(args.seed)
    techs = technicians(300, rng)
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    busy = {t.id: now + timedelta(minutes=rng.randint(-60, 120)) for t in techs}
    orders = [
        WorkOrder.report(
            id=f"WO-{i}",
            title="x",
            trade=rng.choice(TRADES),
            priority=rng.choice(list(Priority)),
            reported_at=now,
            location="B",
            requirements=(SkillRequirement(skill=rng.choice(TRADES), count=rng.choice((1, 2))),),
        )
        for i in range(200)
    ]
    ours, ref = [], []
    for order in orders:
        t0 = time.perf_counter()
        recommend(order, techs, now=now, busy_until=busy, k=3)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        brute_force(order, techs, now)
        ref.append(time.perf_counter() - t0)
    a, b = statistics.median(ours) * 1e3, statistics.median(ref) * 1e3
    print(
        f"recommend: 300 technicians, median {a:.2f} ms per order (n={len(orders)}); "
        f"brute force over all teams {b:.2f} ms = {b / a:.1f}x, seed={args.seed}"
    )


def bench_scale(args: argparse.Namespace) -> None:
    """Dispatch among `--scale` technicians read from JSON: the checks must stay linear."""
    n = args.scale
    rng = Random(args.seed)
    raw = json.dumps([t.model_dump(mode="json") for t in technicians(n, rng)])
    t0 = time.perf_counter()
    techs = TypeAdapter(list[Technician]).validate_json(raw)
    read = time.perf_counter() - t0
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    orders = [
        WorkOrder.report(
            id=f"WO-{i}",
            title="t",
            trade=TRADES[i % 3],
            priority=list(Priority)[i % 4],
            reported_at=now,
            location="ABCD"[i % 4],
            requirements=(SkillRequirement(skill=TRADES[i % 3], count=1 + i % 2),),
        )
        for i in range(60)
    ]
    t0 = time.perf_counter()
    recommend(orders[1], techs, now=now, k=3)
    rec = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = assign_report(orders, techs, now=now)
    asg = time.perf_counter() - t0
    print(
        f"dispatch at scale: {n} technicians read from JSON {read:.2f}s, recommend {rec:.2f}s, "
        f"assign_report of 60 orders {asg:.2f}s ({len(report.assignment)} staffed, "
        f"exact {report.exact}), seed={args.seed}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cpsat-factor", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-day", action="store_true")
    ap.add_argument("--scale", type=int, default=40_000, help="technicians for the scale run")
    args = ap.parse_args()
    bench_recommend(args)
    bench_scale(args)
    if not args.skip_day:
        bench_day(args)


if __name__ == "__main__":
    main()
