"""Simulation speed: one simulated year of an 800-bed hospital, and the sweep speed-up on all cores.

Run by hand (not by pytest):  python benchmarks/bench_simulation.py [--days 365] [--seed 1]

Prints the wall time and peak memory of one year with the ``recommend`` policy (target ≤ 30 s on
one core, ≤ 1 GB), the same year with the plain ``priority`` policy as the named alternative, and
the speed-up of ``sweep`` through a ``ProcessPoolExecutor`` over the in-process sweep.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor

from hosplogi.simulation import Hospital, Scenario, simulate, sweep


def _year(scenario: Scenario, days: float, seed: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of this process and orders of one run."""
    start, cpu = time.perf_counter(), time.process_time()
    result = simulate(scenario, days=days, seed=seed)
    return time.perf_counter() - start, time.process_time() - cpu, result.summary.arrivals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sweep-days", type=float, default=30)
    args = parser.parse_args()

    hospital = Hospital.synthetic(beds=800, seed=args.seed)
    recommend = Scenario(hospital=hospital, policy="recommend")
    seconds, cpu, orders = _year(recommend, args.days, args.seed)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"simulate: 800 beds, {len(hospital.technicians)} technicians, {args.days:g} days, "
        f"policy=recommend: {seconds:.1f} s ({cpu:.1f} s CPU) for {orders} orders "
        f"({orders / seconds:,.0f} orders/s), peak memory {peak_mb:.0f} MB, seed={args.seed}"
    )
    plain_seconds, plain_cpu, _ = _year(recommend.with_policy("priority"), args.days, args.seed)
    print(
        f"simulate: same year, policy=priority: {plain_seconds:.1f} s ({plain_cpu:.1f} s CPU; "
        f"recommend costs {cpu / plain_cpu:.2f}x the plain priority queue in CPU time)"
    )

    scenarios = [recommend.staffed("electrical", n) for n in (8, 9, 10, 11, 12, 13, 14, 15)]
    gc.collect()  # the in-process sweep should not pay for the years above
    start = time.perf_counter()
    local = sweep(scenarios, days=args.sweep_days, seed=args.seed)
    serial = time.perf_counter() - start
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=cores) as pool:
        start = time.perf_counter()
        remote = sweep(scenarios, days=args.sweep_days, seed=args.seed, executor=pool)
        parallel = time.perf_counter() - start
    assert local == remote, "a process pool must give identical results"
    print(
        f"sweep: {len(scenarios)} scenarios × {args.sweep_days:g} days: in-process {serial:.1f} s, "
        f"ProcessPoolExecutor({cores}) {parallel:.1f} s = {serial / parallel:.2f}x speed-up"
    )


if __name__ == "__main__":
    main()
