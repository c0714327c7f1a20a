"""Speed of hosplogi.tables against JSON, on the same orders in the same run.

Run by hand (not part of the test suite)::

    PYTHONPATH=src python benchmarks/bench_tables.py [--orders 100000] [--seed 0] [--templates 500]

Prints, for ``--orders`` synthetic orders (``--templates`` distinct random lifecycles with random
UTC offsets, copied under new ids):

1. writing: ``orders_table`` + ``events_table`` against ``model_dump_json`` of every order;
2. reading: ``orders_from_tables`` against ``WorkOrder.model_validate_json`` of every order;
3. Parquet: ``write_parquet`` and ``read_parquet`` through a temporary file, and its size.

Each figure is the best of ``--repeat`` runs; the ratio is JSON time / tables time.

With ``--sla`` it prints instead the SLA figures of issue 14 (business-hours policy on the China
calendar, mixed with wall-clock targets), wall and CPU seconds:

4. ``sla_table`` from in-memory Arrow tables (the first call and the best of three: the first
   call in a process also pays for memory the process never touched, which this VM hands out
   slowly, and the rate is printed); ``evaluate_many`` (both forms) and ``compliance`` by trade
   on the same orders as WorkOrder objects; ``compliance_table`` by trade (first and best of 3);
5. with ``--baseline SRC`` (the ``src`` folder of an older checkout, e.g. a second worktree at
   the commit before the column engine), the old ``evaluate_many(..., columns=True)`` and
   ``compliance`` by trade on the same orders (first call and best of 3), in a child process,
   and the ratios;
6. from a Parquet file, read included: ``sla_parquet`` over the whole file in one batch, three
   times, each in a fresh child process (this process first lets go of its million orders):
   the three CPU times, the median's wall time and peak memory; then ``read_parquet_tables``
   (every column) + ``sla_table`` once;
7. with ``--big N``: a Parquet file of N orders (100,000 orders' rows repeated under new ids),
   ``compliance_parquet`` over it and ``sla_parquet`` consumed batch by batch, each in a fresh
   child process, time and peak memory, for two batch sizes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from hosplogi import (
    BusinessCalendar,
    HoldReason,
    Priority,
    SlaPolicy,
    SlaTarget,
    WorkOrder,
    compliance,
    evaluate_many,
)


def _template(rnd: random.Random, i: int) -> WorkOrder:
    zone = timezone(timedelta(minutes=rnd.choice((0, 480, 330, -300))))
    t = datetime(2026, 1, 1, tzinfo=zone) + timedelta(minutes=rnd.randrange(500_000))
    order = WorkOrder.report(
        id=f"T-{i}",
        title=rnd.choice(("Leak", "No power", "Lift stuck", "Too hot")),
        trade=rnd.choice(("plumbing", "electrical", "lifts", "hvac")),
        priority=rnd.choice(list(Priority)),
        reported_at=t,
        location=rnd.choice(("Ward 3", "OR 2", "Block B", "ICU")),
        department=rnd.choice((None, "ICU", "Surgery")),
        requirements=[{"skill": "plumbing", "count": rnd.randint(1, 2), "level": 2}],
        by="desk",
    )

    def later() -> datetime:
        return order.events[-1].at + timedelta(minutes=rnd.randrange(1, 120))

    order = order.dispatch(["T01", "T02"][: rnd.randint(1, 2)], at=later(), by="desk")
    order = order.start(at=later(), by="T01")
    if rnd.random() < 0.3:
        order = order.hold(HoldReason.AWAITING_MATERIAL, at=later(), note="parts")
        order = order.resume(at=later())
    if rnd.random() < 0.8:
        order = order.complete(at=later(), by="T01")
        order = order.verify(at=later(), rating=rnd.randint(1, 5))
        if rnd.random() < 0.7:
            order = order.close(at=later())
    return order


def _best(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def _orders(n: int, templates: int, seed: int) -> list[WorkOrder]:
    rnd = random.Random(seed)
    made = [_template(rnd, i) for i in range(templates)]
    return [made[i % len(made)].model_copy(update={"id": f"WO-{i}"}) for i in range(n)]


def _policy() -> SlaPolicy:
    """Urgent and emergency on the wall clock, routine and planned in business hours (China)."""
    hours = timedelta(hours=1)
    return SlaPolicy(
        targets={
            Priority.EMERGENCY: SlaTarget(respond=hours / 4, resolve=4 * hours),
            Priority.URGENT: SlaTarget(respond=hours / 2, resolve=8 * hours),
            Priority.ROUTINE: SlaTarget(respond=2 * hours, resolve=16 * hours, business_hours=True),
            Priority.PLANNED: SlaTarget(respond=8 * hours, resolve=40 * hours, business_hours=True),
        },
        calendar=BusinessCalendar.china(strict=False),
    )


NOW = datetime(2027, 6, 1, tzinfo=timezone(timedelta(hours=8)))


def _timed(run: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _calls(run: Callable[[], Any], n: int = 3) -> tuple[float, float, Any]:
    """The first call's CPU seconds, the best of `n` calls' CPU seconds, and the result.

    The first call in a process also pays for memory the process never touched before, which
    this VM hands out slowly (``_fresh_memory_rate``); later calls reuse it.
    """
    times, result = [], None
    for _ in range(n):
        _, cpu, result = _timed(run)
        times.append(cpu)
    return times[0], min(times), result


def _fresh_memory_rate() -> float:
    """MB per second at which this process gets memory it never touched (one 320 MB array)."""
    import numpy as np

    start = time.process_time()
    block = np.ones(40_000_000)
    elapsed = time.process_time() - start
    del block
    return 320 / elapsed


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, reset by exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(args: list[str], src: str | None = None) -> dict[str, Any]:
    """Run this script with `args` in a fresh process (PYTHONPATH=`src`); its JSON line."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def role_old(n: int, templates: int, seed: int) -> None:
    """In a child: the batch API of whatever hosplogi is on PYTHONPATH (the baseline)."""
    orders = _orders(n, templates, seed)
    policy = _policy()
    out: dict[str, Any] = {}
    out["columns_first"], out["columns_best"], cols = _calls(
        lambda: evaluate_many(orders, policy, NOW, columns=True)
    )
    out["breached"] = sum(cols.breached("resolution"))
    out["compliance_first"], out["compliance_best"], _ = _calls(
        lambda: compliance(orders, policy, NOW, by="trade")
    )
    print(json.dumps(out))


def role_parquet(path: str, what: str, batch_size: int) -> None:
    """In a child: one column path over a Parquet file; time and the process's peak memory."""
    from hosplogi.tables import compliance_parquet, read_parquet_tables, sla_parquet, sla_table

    policy = _policy()
    pa.array([0])  # pyarrow imports pandas (when installed) on first use: not the read's time
    before = _peak_mb()

    def run() -> int:
        if what == "read+sla_table":
            return int(sla_table(*read_parquet_tables(path), policy, NOW).num_rows)
        if what == "compliance_parquet":
            report = compliance_parquet(path, policy, NOW, by="trade", batch_size=batch_size)
            return int(report.total.count)
        return sum(t.num_rows for t in sla_parquet(path, policy, NOW, batch_size=batch_size))

    wall, cpu, rows = _timed(run)
    print(
        json.dumps(
            {"wall": wall, "cpu": cpu, "rows": rows, "peak_mb": _peak_mb(), "base_mb": before}
        )
    )


def role_fields_set(shared: bool) -> None:
    """In a child: memory of 50,000 orders read from JSON, with or without shared field sets."""
    import tracemalloc

    from hosplogi import _types

    if not shared:  # every instance keeps pydantic's own set of given field names
        _types.FrozenModel._share_fields_set = lambda self: None  # type: ignore[method-assign]
    rnd = random.Random(0)
    texts = [_template(rnd, i).model_dump_json() for i in range(200)]
    tracemalloc.start()
    orders = [WorkOrder.model_validate_json(texts[i % 200]) for i in range(50_000)]
    size, _ = tracemalloc.get_traced_memory()
    events = sum(len(o.events) for o in orders)
    print(json.dumps({"bytes": size, "events": events}))


def bench_fields_set() -> None:
    """FrozenModel's shared ``model_fields_set``: does it still pay? (issue 14, item 4)"""
    shared = _child(["--role", "fields-set", "--what", "shared"])
    own = _child(["--role", "fields-set", "--what", "own"])
    print(
        f"50,000 orders read from JSON ({shared['events']:,} events): shared field-name sets "
        f"{shared['bytes'] / 1e6:.0f} MB = {shared['bytes'] / 5e7:.2f} KB per order; each "
        f"instance its own set {own['bytes'] / 1e6:.0f} MB = {own['bytes'] / 5e7:.2f} KB per order"
    )


def _big_file(orders: list[WorkOrder], total: int, path: Path) -> None:
    """A Parquet file of `total` orders: the nested rows of `orders` repeated under new ids."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from hosplogi.tables import FILE_SCHEMA, write_parquet

    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one.parquet"
        write_parquet(orders, one, row_group_size=len(orders))
        table = pq.read_table(one)
    with pq.ParquetWriter(path, FILE_SCHEMA) as writer:
        for start in range(0, total, len(orders)):
            k = min(len(orders), total - start)
            ids = pa.array([f"WO-{start + i}" for i in range(k)], pa.string())
            part = table.slice(0, k).set_column(0, "order_id", ids).cast(FILE_SCHEMA)
            writer.write_table(part, row_group_size=50_000)


def _sla_in_memory(
    args: argparse.Namespace, orders: list[WorkOrder], policy: SlaPolicy, setup: float
) -> None:
    """The in-memory figures of ``--sla`` (its tables are freed when it returns)."""
    from hosplogi.tables import compliance_table, events_table, orders_table, sla_table

    o_t, e_t = orders_table(orders), events_table(orders)
    n, events = len(orders), e_t.num_rows
    print(
        f"n={n:,} orders, {events:,} events ({args.templates} lifecycle templates, seed="
        f"{args.seed}), China business-hours policy mixed with wall-clock targets, now={NOW}; "
        f"setup {time.perf_counter() - setup:.1f} s"
    )
    first_tab, best_tab, table = _calls(lambda: sla_table(o_t, e_t, policy, NOW))
    print(
        f"sla_table (in-memory Arrow): first call {first_tab:.2f} s CPU, best of 3 "
        f"{best_tab:.2f} s CPU (this process gets untouched memory at "
        f"{_fresh_memory_rate():,.0f} MB/s)"
    )
    w_col, c_col, cols = _timed(lambda: evaluate_many(orders, policy, NOW, columns=True))
    assert list(cols.breached("resolution")) == table.column("resolution_breached").to_pylist()
    print(f"evaluate_many(columns=True) on WorkOrders (new): {w_col:.2f} s wall, {c_col:.2f} s CPU")
    if args.list:
        w_list, c_list, _ = _timed(lambda: evaluate_many(orders, policy, NOW))
        print(f"evaluate_many (list of SlaStatus, new): {w_list:.2f} s wall, {c_list:.2f} s CPU")
    w_cmp, c_cmp, report = _timed(lambda: compliance(orders, policy, NOW, by="trade"))
    print(f"compliance by trade on WorkOrders (new): {w_cmp:.2f} s wall, {c_cmp:.2f} s CPU")
    first_ct, best_ct, report_t = _calls(
        lambda: compliance_table(o_t, e_t, policy, NOW, by="trade")
    )
    assert report_t == report
    print(
        f"compliance_table by trade (Arrow): first call {first_ct:.2f} s CPU, best of 3 "
        f"{best_ct:.2f} s CPU"
    )
    if args.baseline:
        old = _child(
            [
                "--role",
                "old",
                "--orders",
                str(n),
                "--templates",
                str(args.templates),
                "--seed",
                str(args.seed),
            ],
            src=args.baseline,
        )
        assert old["breached"] == sum(cols.breached("resolution"))
        print(
            f"baseline ({args.baseline}), CPU seconds, first call and best of 3: "
            f"evaluate_many(columns=True) {old['columns_first']:.2f} s, "
            f"{old['columns_best']:.2f} s; compliance by trade {old['compliance_first']:.2f} s, "
            f"{old['compliance_best']:.2f} s"
        )
        print(
            f"ratios (CPU): sla_table vs old columns=True {old['columns_first'] / first_tab:.1f}x "
            f"first call, {old['columns_best'] / best_tab:.1f}x best of 3; new vs old "
            f"evaluate_many(columns=True) {old['columns_first'] / c_col:.1f}x; compliance by "
            f"trade new vs old {old['compliance_first'] / c_cmp:.1f}x; compliance_table vs old "
            f"compliance {old['compliance_first'] / first_ct:.1f}x first call, "
            f"{old['compliance_best'] / best_ct:.1f}x best of 3"
        )


def bench_sla(args: argparse.Namespace) -> None:
    from hosplogi.tables import write_parquet

    policy = _policy()
    setup = time.perf_counter()
    orders = _orders(args.orders, args.templates, args.seed)
    _sla_in_memory(args, orders, policy, setup)
    n = len(orders)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.parquet"
        write_parquet(orders, path)
        # The children measure a fresh process reading the file; this process lets go of its
        # million orders first, so that they do not run beside gigabytes it no longer needs.
        sample = orders[:100_000]
        del orders
        gc.collect()
        whole = ["--role", "parquet", "--path", str(path), "--what", "sla_parquet"]
        runs = [_child([*whole, "--batch", str(n)]) for _ in range(3)]
        got = sorted(runs, key=lambda r: float(r["cpu"]))[1]
        cpus = ", ".join(f"{r['cpu']:.2f}" for r in runs)
        print(
            f"Parquet ({path.stat().st_size / 1e6:.0f} MB) sla_parquet(batch_size={n:,}), each "
            f"in a fresh process (reads only the columns the clocks need): "
            f"{cpus} s CPU, median "
            f"{got['cpu']:.2f} s CPU ({got['wall']:.2f} s wall); peak memory "
            f"{got['peak_mb']:,.0f} MB (of which {got['base_mb']:,.0f} MB interpreter and imports)"
        )
        got = _child(["--role", "parquet", "--path", str(path), "--what", "read+sla_table"])
        print(
            f"Parquet read_parquet_tables (every column) + sla_table in a fresh process: "
            f"{got['wall']:.2f} s wall, {got['cpu']:.2f} s CPU; peak memory "
            f"{got['peak_mb']:,.0f} MB"
        )
        if args.big:
            big = Path(folder) / "big.parquet"
            t = time.perf_counter()
            _big_file(sample, args.big, big)
            print(
                f"big file: {args.big:,} orders, {big.stat().st_size / 1e6:,.0f} MB, written in "
                f"{time.perf_counter() - t:.0f} s"
            )
            for what in ("compliance_parquet", "sla_parquet"):
                for size in (50_000, 200_000):
                    got = _child(
                        [
                            "--role",
                            "parquet",
                            "--path",
                            str(big),
                            "--what",
                            what,
                            "--batch",
                            str(size),
                        ]
                    )
                    print(
                        f"  {what} batch_size={size:,}: {got['rows']:,} orders, "
                        f"{got['wall']:.1f} s wall, {got['cpu']:.1f} s CPU, "
                        f"peak memory {got['peak_mb']:,.0f} MB"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--templates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--sla", action="store_true", help="the SLA figures (issue 14)")
    parser.add_argument("--list", action="store_true", help="with --sla: the list form too")
    parser.add_argument("--baseline", help="with --sla: the src folder of the code to compare")
    parser.add_argument("--big", type=int, default=0, help="with --sla: orders in a big file")
    parser.add_argument("--fields-set", action="store_true", help="FrozenModel's shared sets")
    parser.add_argument("--role", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--what", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=100_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "old":
        return role_old(args.orders, args.templates, args.seed)
    if args.role == "fields-set":
        return role_fields_set(args.what == "shared")
    if args.fields_set:
        return bench_fields_set()
    if args.role == "parquet":
        return role_parquet(args.path, args.what, args.batch)
    if args.sla:
        return bench_sla(args)
    from hosplogi.tables import (
        events_table,
        orders_from_tables,
        orders_table,
        read_parquet,
        write_parquet,
    )

    orders = _orders(args.orders, args.templates, args.seed)
    n, events = len(orders), sum(len(o.events) for o in orders)
    print(f"n={n} orders, {events} events, seed={args.seed}, best of {args.repeat}")

    t_tables, (o_t, e_t) = _best(args.repeat, lambda: (orders_table(orders), events_table(orders)))
    t_dump, texts = _best(args.repeat, lambda: [o.model_dump_json() for o in orders])
    print(
        f"write: orders_table+events_table {t_tables:.2f} s, model_dump_json {t_dump:.2f} s "
        f"= {t_dump / t_tables:.1f}x"
    )

    t_back, back = _best(args.repeat, lambda: orders_from_tables(o_t, e_t))
    t_load, loaded = _best(args.repeat, lambda: [WorkOrder.model_validate_json(s) for s in texts])
    assert back == orders == loaded
    print(
        f"read: orders_from_tables {t_back:.2f} s, model_validate_json {t_load:.2f} s "
        f"= {t_load / t_back:.2f}x"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.parquet"
        t_write, _ = _best(args.repeat, lambda: write_parquet(orders, path))
        t_read, read = _best(args.repeat, lambda: read_parquet(path))
        assert read == orders
        size = path.stat().st_size
    json_size = sum(len(s) for s in texts)
    print(
        f"parquet: write {t_write:.2f} s, read {t_read:.2f} s, {size / 1e6:.1f} MB "
        f"(JSON {json_size / 1e6:.1f} MB = {json_size / size:.0f}x larger)"
    )
    return None


if __name__ == "__main__":
    main()
