"""Simulation speed: one simulated year of an 800-bed hospital against the engine of an earlier
commit, and the sweep speed-up on two local processes and on a two-worker Dask cluster.

Run by hand (not by pytest), from the repository root:

    python benchmarks/bench_simulation.py [--days 365] [--seed 1] [--baseline 59a6588] [--repeat 3]

Prints, for one year with the ``recommend`` policy, the CPU and wall seconds and the peak memory
of this tree's engine and of the engine at ``--baseline`` (its ``src`` exported with
``git archive`` into a temporary directory; each year runs in a fresh process, the two engines in
turn, ``--repeat`` times each: every run's CPU seconds, then the best and the median), the ratio
of their best and of their median CPU times, and whether all give byte-identical results (a
SHA-256 of ``simulate(...).model_dump_json()``); then the same year with the plain ``priority``
policy; then
a sweep of 8 scenarios in this process, through a ``ProcessPoolExecutor(2)`` and through
``Client(LocalCluster(n_workers=2, processes=True, threads_per_worker=1)).get_executor()``.
On the shared two-core machine CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from hosplogi.simulation import Hospital, RunSummary, Scenario, simulate, sweep

ROOT = Path(__file__).resolve().parent.parent


def _year(days: float, seed: int, policy: str) -> dict[str, Any]:
    """One run in this process: CPU and wall seconds, orders, peak memory, result digest."""
    scenario = Scenario(hospital=Hospital.synthetic(beds=800, seed=seed), policy=policy)
    start, cpu = time.perf_counter(), time.process_time()
    result = simulate(scenario, days=days, seed=seed)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "cpu": cpu,
        "wall": wall,
        "orders": result.summary.arrivals,
        "technicians": len(scenario.hospital.technicians),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "sha256": hashlib.sha256(result.model_dump_json().encode()).hexdigest(),
    }


def _year_in_child(src: Path, days: float, seed: int, policy: str) -> dict[str, Any]:
    """:func:`_year` in a fresh interpreter importing hosplogi from `src`."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    args = ["--child", "--days", str(days), "--seed", str(seed), "--policy", policy]
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


def _export(commit: str, into: Path) -> Path:
    """The ``src`` directory of `commit`, exported with ``git archive`` under `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],
        check=True,
        capture_output=True,
    ).stdout
    tar = into / "src.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(into, filter="data")
    return into / "src"


def _timed_sweep(
    scenarios: list[Scenario], days: float, seed: int, executor: Executor | None
) -> tuple[float, list[RunSummary]]:
    """Wall seconds and results of a sweep (after a garbage collection)."""
    gc.collect()
    start = time.perf_counter()
    rows: list[RunSummary] = sweep(scenarios, days=days, seed=seed, executor=executor)
    return time.perf_counter() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sweep-days", type=float, default=30)
    parser.add_argument("--baseline", default="59a6588", help="commit of the engine to compare")
    parser.add_argument("--repeat", type=int, default=3, help="years per engine, in turn")
    parser.add_argument("--policy", default="recommend", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_year(args.days, args.seed, args.policy)))
        return

    olds: list[dict[str, Any]] = []
    news: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        old_src = _export(args.baseline, Path(tmp))
        for _ in range(args.repeat):
            olds.append(_year_in_child(old_src, args.days, args.seed, "recommend"))
            news.append(_year_in_child(ROOT / "src", args.days, args.seed, "recommend"))
    new = news[0]
    print(
        f"simulate: 800 beds, {new['technicians']} technicians, {args.days:g} days, "
        f"policy=recommend, seed={args.seed}, {new['orders']} orders; "
        f"{args.repeat} years per engine, in turn"
    )
    for name, runs in ((f"engine at {args.baseline}", olds), ("this engine", news)):
        cpus = sorted(run["cpu"] for run in runs)
        best = min(runs, key=lambda run: run["cpu"])
        print(
            f"  {name}: best {cpus[0]:.1f} s CPU, median {statistics.median(cpus):.1f} s "
            f"(runs: {', '.join(f'{cpu:.1f}' for cpu in (r['cpu'] for r in runs))}; best: "
            f"{best['wall']:.1f} s wall, {best['orders'] / best['cpu']:,.0f} orders per CPU "
            f"second), peak memory {max(run['peak_mb'] for run in runs):.0f} MB"
        )
    same = "identical" if len({run["sha256"] for run in olds + news}) == 1 else "DIFFERENT"
    old_cpu = [run["cpu"] for run in olds]
    new_cpu = [run["cpu"] for run in news]
    print(
        f"  speed-up {min(old_cpu) / min(new_cpu):.2f}x best to best, "
        f"{statistics.median(old_cpu) / statistics.median(new_cpu):.2f}x median to median, "
        f"in CPU time; results {same} (SHA-256)"
    )

    plain = _year_in_child(ROOT / "src", args.days, args.seed, "priority")
    print(
        f"simulate: same year, policy=priority: {plain['cpu']:.1f} s CPU ({plain['wall']:.1f} s "
        f"wall; recommend's median costs {statistics.median(new_cpu) / plain['cpu']:.2f}x "
        "the plain priority queue)"
    )

    base = Scenario(hospital=Hospital.synthetic(beds=800, seed=args.seed), policy="recommend")
    scenarios = [base.staffed("electrical", n) for n in (8, 9, 10, 11, 12, 13, 14, 15)]
    days = args.sweep_days
    serial, local = _timed_sweep(scenarios, days, args.seed, None)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled, rows = _timed_sweep(scenarios, days, args.seed, pool)
    assert rows == local, "a process pool must give identical results"
    print(
        f"sweep: {len(scenarios)} scenarios × {days:g} days: in-process {serial:.1f} s, "
        f"ProcessPoolExecutor(2) {pooled:.1f} s = {serial / pooled:.2f}x speed-up"
    )
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("sweep on Dask: skipped (pip install 'hosplogi[distributed]')")
        return
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        dasked, rows = _timed_sweep(scenarios, days, args.seed, client.get_executor())
    assert rows == local, "a Dask cluster must give identical results"
    print(
        f"sweep: Dask LocalCluster(n_workers=2, processes=True) {dasked:.1f} s = "
        f"{serial / dasked:.2f}x speed-up (cluster start-up not counted; identical results)"
    )


if __name__ == "__main__":
    main()
