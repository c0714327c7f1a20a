"""A real dispatch day, side by side: travel, re-planning and an overloaded day (issue 20).

Usage: python benchmarks/bench_dispatch_day.py [--time-limit 5] [--cpsat-factor 10] [--seed 0]
       [--mspsp ROOT] [--skip-cpsat] [--cpsat-full]

Prints, in one run:
(1) MSPSP makespans at a fixed budget (every 12th instance, 100 candidates, seed 0) — no travel
    there, so they must equal the figures before travel was added (benchmarks/README.md);
(2) hospital days with travel (``--days`` seeds, each 300 tasks, 60 technicians, 30 rooms in 6
    zones, walks of 3 to 15 minutes): the weighted tardiness of ``solve`` at ``--time-limit``
    seconds against the same solver run ignoring travel and then repaired (its plan's order of
    tasks decoded again respecting the walks, tasks left out moved earlier in the order as
    ``solve`` does), and against CP-SAT with travel given ``--cpsat-factor`` times as long — on
    days of 60 and 150 tasks, as CP-SAT finds no schedule for the 300-task day within 50 s on
    this machine (``--cpsat-full`` tries);
(3) re-planning at 13:00 when three emergencies arrive: tasks changed and weighted tardiness of
    ``replan`` against a fresh ``solve`` of the same day and ``replan`` without a change penalty;
(4) an overloaded day (400 tasks, shifts that take about 300): the weight left unplaced by
    ``solve(..., allow_unplaced=True)`` against the earliest-due-date rule (EDD).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path
from random import Random

from bench_scheduling import hospital_day

from hosplogi import HosplogiError, SkillRequirement
from hosplogi.scheduling import Problem, Schedule, Task, _search, load_mspsp, replan, solve
from hosplogi.scheduling.solve import compile_problem, to_schedule

ZONES = 6
ROOMS = 5


def walks() -> dict[str, dict[str, int]]:
    """Rooms in zones along a corridor: 3 min within a zone, 3 + 2 per zone apart, at most 15."""
    rooms = [(z, r) for z in range(ZONES) for r in range(ROOMS)]
    name = {x: f"Z{x[0]}-R{x[1]}" for x in rooms}
    return {
        name[a]: {name[b]: min(15, 3 + 2 * abs(a[0] - b[0])) for b in rooms if b != a}
        for a in rooms
    }


def with_travel(problem: Problem, seed: int) -> Problem:
    rng = Random(seed)
    matrix = walks()
    places = sorted(matrix)
    tasks = tuple(t.model_copy(update={"location": rng.choice(places)}) for t in problem.tasks)
    return problem.model_copy(update={"tasks": tasks, "travel": matrix})


def mspsp_figures(root: Path) -> None:
    rows = list(csv.DictReader((root / "results.csv").open()))
    t0 = time.perf_counter()
    by_set: dict[str, list[float]] = {}
    spans = []
    for r in rows[::12]:
        s = solve(load_mspsp(root / r["instance"]), objective="makespan", iterations=100,
                  time_limit=None, seed=0)  # fmt: skip
        best = int(r["best_makespan"])
        by_set.setdefault(r["set"], []).append(100.0 * (s.makespan - best) / best)
        spans.append(s.makespan)
    gaps = ", ".join(
        f"{k} {statistics.mean(v):.2f}% (n={len(v)})" for k, v in sorted(by_set.items())
    )
    print(f"MSPSP, every 12th instance, iterations=100, seed=0: mean gap {gaps}")
    print(f"  makespans {spans}  ({time.perf_counter() - t0:.1f}s)")


def left_out(schedule: Schedule, problem: Problem) -> str:
    if not schedule.unplaced:
        return "all placed"
    weight = sum(t.weight for t in problem.tasks if t.id in schedule.unplaced)
    return f"{len(schedule.unplaced)} left out (weight {weight:g})"


def travel_day(args: argparse.Namespace, seed: int) -> tuple[Problem, Schedule]:
    problem = with_travel(hospital_day(300, 60, seed), seed)
    print(f"hospital day with travel: 300 tasks, 60 technicians, {ZONES * ROOMS} rooms in {ZONES} "
          f"zones, walks 3-15 min, seed={seed}")  # fmt: skip
    t0 = time.perf_counter()
    ours = solve(problem, time_limit=args.time_limit, seed=seed, allow_unplaced=True)
    wall = time.perf_counter() - t0
    assert not ours.violations(problem)
    wt = ours.weighted_tardiness(problem)
    print(f"  solve time_limit={args.time_limit}s                weighted tardiness {wt:7.0f}, "
          f"{left_out(ours, problem)}  wall {wall:.1f}s")  # fmt: skip
    blind = problem.model_copy(update={"travel": None})
    plan = solve(blind, time_limit=args.time_limit, seed=seed, allow_unplaced=True)
    inst = compile_problem(problem, allow_unplaced=True)
    index = {t.id: i for i, t in enumerate(problem.tasks)}
    order = [index[e.task_id] for e in plan.entries]  # by start time: precedence-feasible
    order += [index[t] for t in plan.unplaced]
    dec = _search.decode(inst, order, "weighted_tardiness")
    order, dec = _search.repair(inst, order, dec, "weighted_tardiness")
    fixed = to_schedule(problem, inst, dec.starts, dec.teams, proven=False, placed=dec.placed)
    assert not fixed.violations(problem)
    print(f"  solve ignoring travel, then repaired weighted tardiness "
          f"{fixed.weighted_tardiness(problem):7.0f}, {left_out(fixed, problem)}  (before the "
          f"walks {plan.weighted_tardiness(blind):.0f}, {left_out(plan, blind)}; "
          f"{len(plan.violations(problem))} walks too short)")  # fmt: skip
    if args.cpsat_full:
        cpsat_line(args, problem, wt)
    return problem, ours


def cpsat_line(args: argparse.Namespace, problem: Problem, wt: float) -> None:
    limit = args.time_limit * args.cpsat_factor
    t0 = time.perf_counter()
    try:
        c = solve(problem, time_limit=limit, seed=args.seed, backend="cp-sat", workers=2)
        assert not c.violations(problem)
        theirs = c.weighted_tardiness(problem)
        print(f"  CP-SAT with travel time_limit={limit}s     weighted tardiness {theirs:7.0f}  "
              f"wall {time.perf_counter() - t0:.1f}s workers=2 proven optimal "
              f"{c.proven_optimal}  ratio CP-SAT/solve = "
              f"{theirs / wt if wt else float('inf'):.2f}")  # fmt: skip
    except HosplogiError as exc:  # a benchmark reports and goes on
        print(f"  CP-SAT with travel time_limit={limit}s: no schedule "
              f"({type(exc).__name__}) after {time.perf_counter() - t0:.1f}s")  # fmt: skip


def smaller_days(args: argparse.Namespace) -> None:
    """Days small enough for CP-SAT's travel model (one order literal per pair of tasks a
    person may both do: on the 300-task day it finds no schedule within 50 s here)."""
    for n, m in ((60, 30), (150, 60)):
        problem = with_travel(hospital_day(n, m, args.seed), args.seed)
        ours = solve(problem, time_limit=args.time_limit, seed=args.seed)
        assert not ours.violations(problem)
        wt = ours.weighted_tardiness(problem)
        print(f"smaller day with travel for CP-SAT: {n} tasks, {m} technicians, seed={args.seed}")
        print(f"  solve time_limit={args.time_limit}s                weighted tardiness {wt:7.0f}")
        cpsat_line(args, problem, wt)


def replanning(args: argparse.Namespace, problem: Problem, plan: Schedule) -> None:
    now = 300
    rng = Random(args.seed + 1)
    places = sorted(walks())
    emergencies = tuple(
        Task(id=f"ER{k}", duration=45, release=now, due=now + 60, weight=8.0,
             location=rng.choice(places),
             requirements=(SkillRequirement(skill=skill, level=2),))
        for k, skill in enumerate(("electrical", "plumbing", "hvac"))
    )  # fmt: skip
    later = problem.model_copy(update={"tasks": (*problem.tasks, *emergencies)})
    print(f"re-planning at minute {now}: 3 emergencies (45 min, due within the hour) join the day "
          f"of {len(plan.entries)} planned tasks, {sum(e.start < now for e in plan.entries)} "
          "of them started")  # fmt: skip
    runs = (
        ("replan (change_penalty 60)", lambda: replan(plan, later, now=now, allow_unplaced=True,
                                                      time_limit=args.time_limit, seed=args.seed)),
        ("replan (change_penalty 0)", lambda: replan(plan, later, now=now, change_penalty=0,
                                                     allow_unplaced=True,
                                                     time_limit=args.time_limit, seed=args.seed)),
        ("fresh solve of the day", lambda: solve(later, time_limit=args.time_limit,
                                                 allow_unplaced=True, seed=args.seed)),
    )  # fmt: skip
    for name, run in runs:
        s = run()
        assert not s.violations(later)
        moved = [t for t in s.changes(plan) if not t.startswith("ER")]
        started = {e.task_id for e in plan.entries if e.start < now}
        print(f"  {name:27s} tasks changed {len(moved):3d} ({len(started & set(moved)):3d} "
              f"already started)  weighted tardiness {s.weighted_tardiness(later):7.0f}, "
              f"{left_out(s, later)}")  # fmt: skip


def overloaded(args: argparse.Namespace) -> None:
    base = hospital_day(400, 60, args.seed)
    short = {t: tuple((a, a + (b - a) * 6 // 10) for a, b in w)
             for t, w in (base.availability or {}).items()}  # fmt: skip
    problem = base.model_copy(update={"availability": short})
    total = sum(t.weight for t in problem.tasks)
    inst = compile_problem(problem, allow_unplaced=True)
    edd = _search.decode(
        inst, _search.priority_lists(inst, "weighted_tardiness")[0], "weighted_tardiness"
    )
    edd_weight = sum(t.weight for t, ok in zip(problem.tasks, edd.placed, strict=True) if not ok)
    print(f"overloaded day: 400 tasks (weight {total:.0f}), 60 technicians on shifts cut to 60%, "
          f"seed={args.seed}")  # fmt: skip
    print(f"  EDD rule                                weight left unplaced {edd_weight:6.0f} "
          f"({edd.missing} tasks)")  # fmt: skip
    t0 = time.perf_counter()
    s = solve(problem, time_limit=args.time_limit, seed=args.seed, allow_unplaced=True)
    assert not s.violations(problem)
    left = sum(t.weight for t in problem.tasks if t.id in s.unplaced)
    print(f"  solve allow_unplaced time_limit={args.time_limit}s weight left unplaced {left:6.0f} "
          f"({len(s.unplaced)} tasks)  wall {time.perf_counter() - t0:.1f}s  "
          f"ratio EDD/solve = {edd_weight / left if left else float('inf'):.2f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--cpsat-factor", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mspsp", type=Path, default=Path("../shared/benchmarks/mspsp"))
    ap.add_argument("--days", type=int, default=3, help="300-task days (seeds) with travel")
    ap.add_argument("--skip-cpsat", action="store_true")
    ap.add_argument("--cpsat-full", action="store_true", help="CP-SAT on the 300-task day too")
    args = ap.parse_args()
    if args.mspsp.exists():
        mspsp_figures(args.mspsp)
    problem, plan = travel_day(args, args.seed)
    for seed in range(args.seed + 1, args.seed + args.days):
        travel_day(args, seed)
    if not args.skip_cpsat:
        smaller_days(args)
    replanning(args, problem, plan)
    overloaded(args)


if __name__ == "__main__":
    main()
