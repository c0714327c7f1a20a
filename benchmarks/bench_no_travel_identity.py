"""Without travel the scheduler must give exactly the schedules it gave before travel existed.

Usage: PYTHONPATH=SRC python benchmarks/bench_no_travel_identity.py [--mspsp ROOT]

Run it once with the sources before issue 20 on ``PYTHONPATH`` and once with today's, and diff the
output: per instance (every 12th MSPSP instance, makespan, 100 candidates, seed 0; two 300-task
hospital days, weighted tardiness, 150 candidates) it prints the objective and a hash of the whole
schedule's JSON (``unplaced``, a field added by issue 20, left out), then the times on stderr.
Uses only names that existed before issue 20.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from pathlib import Path

from bench_scheduling import hospital_day

from hosplogi.scheduling import Schedule, load_mspsp, solve


def digest(schedule: Schedule) -> str:
    return hashlib.md5(schedule.model_dump_json(exclude={"unplaced"}).encode()).hexdigest()[:8]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mspsp", type=Path, default=Path("../shared/benchmarks/mspsp"))
    args = ap.parse_args()
    rows = list(csv.DictReader((args.mspsp / "results.csv").open()))
    t0 = time.perf_counter()
    for r in rows[::12]:
        s = solve(load_mspsp(args.mspsp / r["instance"]), objective="makespan", iterations=100,
                  time_limit=None, seed=0)  # fmt: skip
        print(r["instance"], s.makespan, digest(s))
    mspsp = time.perf_counter() - t0
    t0 = time.perf_counter()
    for seed in (0, 1):
        p = hospital_day(300, 60, seed)
        s = solve(p, iterations=150, time_limit=None, seed=seed)
        print("hospital day", seed, s.weighted_tardiness(p), digest(s))
    day = time.perf_counter() - t0
    print(f"time: MSPSP sample {mspsp:.1f}s, hospital days {day:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
