"""Speed of hosplogi.tables against JSON, on the same orders in the same run.

Run by hand (not part of the test suite)::

    PYTHONPATH=src python benchmarks/bench_tables.py [--orders 100000] [--seed 0] [--templates 500]

Prints, for ``--orders`` synthetic orders (``--templates`` distinct random lifecycles with random
UTC offsets, copied under new ids):

1. writing: ``orders_table`` + ``events_table`` against ``model_dump_json`` of every order;
2. reading: ``orders_from_tables`` against ``WorkOrder.model_validate_json`` of every order;
3. Parquet: ``write_parquet`` and ``read_parquet`` through a temporary file, and its size.

Each figure is the best of ``--repeat`` runs; the ratio is JSON time / tables time.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hosplogi import HoldReason, Priority, WorkOrder
from hosplogi.tables import (
    events_table,
    orders_from_tables,
    orders_table,
    read_parquet,
    write_parquet,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--templates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    templates = [_template(rnd, i) for i in range(args.templates)]
    orders = [
        templates[i % len(templates)].model_copy(update={"id": f"WO-{i}"})
        for i in range(args.orders)
    ]
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


if __name__ == "__main__":
    main()
