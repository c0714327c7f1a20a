"""MSPSP benchmark: makespan gap of hosplogi.solve to the best known, per set.

Usage: python benchmarks/mspsp.py ROOT [--set set-1a] [--time-limit 1] [--iterations N] [--cpsat]
       [--limit N] [--every K]

ROOT is the MSPSP folder (README.md, results.csv, set-1/, set-2/). Prints, per set, the mean gap
of the makespan to ``best_makespan`` in results.csv, how many instances match a proven optimum,
the mean time per instance, and (with --cpsat) the same for OR-Tools CP-SAT at the same limit.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from hosplogi.errors import HosplogiError
from hosplogi.scheduling import load_mspsp, solve


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root", type=Path)
    ap.add_argument("--set", action="append", dest="sets")
    ap.add_argument("--time-limit", type=float, default=1.0)
    ap.add_argument(
        "--iterations",
        type=int,
        default=None,
        help="candidate budget; with it the time limit is lifted and results are reproducible",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="first N instances per set")
    ap.add_argument("--every", type=int, default=1, help="take every k-th instance")
    ap.add_argument("--cpsat", action="store_true")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    rows = list(csv.DictReader((args.root / "results.csv").open()))
    sets = args.sets or sorted({r["set"] for r in rows})
    backends = ["heuristic"] + (["cp-sat"] if args.cpsat else [])
    for name in sets:
        chosen = [r for r in rows if r["set"] == name][:: args.every][: args.limit]
        for backend in backends:
            gaps, times, matched, proven_count, infeasible, unsolved = [], [], 0, 0, 0, 0
            for r in chosen:
                problem = load_mspsp(args.root / r["instance"])
                t0 = time.perf_counter()
                try:
                    s = solve(
                        problem,
                        objective="makespan",
                        time_limit=None if args.iterations else args.time_limit,
                        iterations=args.iterations,
                        seed=args.seed,
                        backend=backend,  # type: ignore[arg-type]
                        workers=args.workers,
                    )
                except HosplogiError:
                    times.append(time.perf_counter() - t0)
                    unsolved += 1
                    continue
                times.append(time.perf_counter() - t0)
                if s.violations(problem):
                    infeasible += 1
                best = int(r["best_makespan"])
                gaps.append(100.0 * (s.makespan - best) / best)
                if r["optimal"] == "1":
                    if s.makespan == best:
                        matched += 1
                    assert s.makespan >= best, (r["instance"], s.makespan, best)
            proven_count = sum(r["optimal"] == "1" for r in chosen)
            n = len(gaps) or 1
            budget = (
                f"iterations={args.iterations}"
                if args.iterations
                else f"time_limit={args.time_limit}s"
            )
            print(
                f"{name:7s} {backend:9s} n={len(chosen):3d} {budget} "
                f"mean gap {sum(gaps) / n:5.2f}%  max gap {max(gaps, default=0):5.1f}%  "
                f"optimum matched {matched}/{proven_count}  "
                f"mean time {sum(times) / len(times):.3f}s  infeasible {infeasible}  "
                f"no solution {unsolved}",
                flush=True,
            )


if __name__ == "__main__":
    main()
