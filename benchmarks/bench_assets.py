"""Speed of hosplogi.assets: reliability over a large register, usage over many readings.

Run by hand: ``PYTHONPATH=src python benchmarks/bench_assets.py [n_assets] [n_orders] [n_meters]
[readings_per_meter]`` (defaults 100,000 assets, 1,000,000 orders, 1,000 meters × 10,000 readings).

Each figure is measured against a plain per-asset (per-meter) loop in the same run, and both must
agree. Peak memory is measured in a second run of each under ``tracemalloc`` (numpy's buffers
included), so that the timings are not slowed by it.

* reliability: the million orders are built cheaply, as in ``bench_kpi.py`` — a few hundred
  template histories made with the lifecycle methods, then ``model_copy(update={"id", "asset_id"})``
  for each order. ``reliability_report`` (one pass over the events, then numpy over the failures)
  against ``_reliability_reference`` (orders grouped per asset, each asset's failures sorted and
  merged in Python).
* usage: readings as numpy columns per meter, ``MeterSeries.from_arrays(...).usage(...)`` against
  ``_usage_reference``, the plain loop over each meter's readings as records (built outside the
  timing, one meter at a time).
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import numpy as np

from hosplogi import (
    Asset,
    AssetRegister,
    Meter,
    MeterSeries,
    Priority,
    Source,
    WorkOrder,
    reliability_report,
)
from hosplogi.assets._meters import _usage_reference
from hosplogi.assets._reliability import _reliability_reference

SEED = 20260301
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def _peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def _assets(n: int) -> list[Asset]:
    assets = [Asset(id="SITE", name="site", category="site")]
    assets += [Asset(id=f"B{b}", name="b", category="building", parent="SITE") for b in range(20)]
    categories = ["lift", "chiller", "pump", "ahu", "ventilator", "autoclave"]
    assets += [
        Asset(id=f"A{i}", name="a", category=categories[i % 6], parent=f"B{i % 20}",
              department=f"D{i % 40}", criticality="ABC"[i % 3])
        for i in range(n)
    ]  # fmt: skip
    return assets


def _templates(rng: random.Random, n: int = 400) -> list[WorkOrder]:
    out = []
    for i in range(n):
        t = START + timedelta(minutes=rng.randrange(366 * 24 * 60))
        src = rng.choice([Source.PHONE] * 6 + [Source.APP, Source.PREVENTIVE, Source.INSPECTION])
        o = WorkOrder.report(id=f"T{i}", title="job", trade="lifts", priority=Priority.URGENT,
                             reported_at=t, location="L", source=src)  # fmt: skip
        roll = rng.random()
        if roll < 0.03:
            out.append(o.cancel(at=t + timedelta(minutes=5), reason="duplicate"))
            continue
        o = o.dispatch(["T01"], at=t).start(at=t + timedelta(minutes=rng.randrange(5, 60)))
        if roll < 0.06:
            out.append(o)  # still open
            continue
        o = o.complete(at=t + timedelta(minutes=rng.randrange(60, 72 * 60)))
        out.append(o.verify(at=t + timedelta(days=3), accepted=True, rating=5))
    return out


def bench_reliability(n_assets: int, n_orders: int) -> None:
    rng = random.Random(SEED)
    assets = _assets(n_assets)
    register, built = _timed(lambda: AssetRegister(assets))
    templates = _templates(rng)
    picks = [rng.randrange(n_assets) for _ in range(n_orders)]
    orders = [
        templates[i % len(templates)].model_copy(update={"id": f"WO-{i}", "asset_id": f"A{a}"})
        for i, a in enumerate(picks)
    ]

    def fast() -> Any:
        return reliability_report(register, orders, start=START, end=END).rows

    def plain() -> Any:
        return _reliability_reference(register, orders, start=START, end=END)

    rows, t_fast = _timed(fast)
    want, t_plain = _timed(plain)
    got = [(r.key, r.assets, r.failures, r.downtime, r.operating, r.repeat_failures) for r in rows]
    assert got == want, "the column engine and the per-asset loop disagree"
    m_fast, m_plain = _peak_mb(fast), _peak_mb(plain)
    print(
        f"reliability: numpy {t_fast:.2f} s, per-asset loop {t_plain:.2f} s = "
        f"{t_plain / t_fast:.1f}x; peak memory {m_fast:.0f} MB vs {m_plain:.0f} MB; "
        f"{n_assets:,} assets (register validated in {built:.2f} s), {n_orders:,} orders, "
        f"{sum(r.failures for r in rows):,} failures, seed={SEED}"
    )


class _Reading(NamedTuple):
    at: datetime
    value: float
    reset: bool


def bench_usage(n_meters: int, per_meter: int) -> None:
    rng = np.random.default_rng(SEED)
    meter = Meter(id="M", asset_id="A", kind="electricity_kwh", rollover=1e6)
    step_us = 15 * 60 * 1_000_000  # a reading every 15 minutes
    base = np.datetime64("2025-01-01T00:00:00", "us")
    at = base + np.arange(per_meter, dtype=np.int64) * np.timedelta64(step_us, "us")
    span = timedelta(microseconds=step_us * (per_meter - 1))
    start = datetime(2025, 1, 1, tzinfo=UTC) + span / 4
    end = datetime(2025, 1, 1, tzinfo=UTC) + span * 3 / 4
    columns = [
        np.cumsum(rng.uniform(0, 50, per_meter)) % 1e6 for _ in range(n_meters)
    ]  # wraps at the rollover now and then

    def fast() -> list[float]:
        return [MeterSeries.from_arrays(meter, at, v).usage(start, end) for v in columns]

    got, t_fast = _timed(fast)
    t_plain = 0.0
    times = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(u))
             for u in (at - base).astype(np.int64)]  # fmt: skip
    want = []
    for v in columns:
        records = [_Reading(t, float(x), False) for t, x in zip(times, v.tolist(), strict=True)]
        value, seconds = _timed(lambda r=records: _usage_reference(meter, r, start, end))
        want.append(value)
        t_plain += seconds
    assert np.allclose(got, want, rtol=1e-9), "the arrays and the plain loop disagree"
    m_fast = _peak_mb(fast)
    columns_mb = (at.nbytes + sum(v.nbytes for v in columns)) / 1e6
    records_mb = _peak_mb(
        lambda: [_Reading(t, float(x), False) for t, x in zip(times, columns[0], strict=True)]
    )  # one meter's records (their datetimes are shared with `times`, so this is a floor)
    print(
        f"usage: numpy {t_fast:.2f} s, plain loop {t_plain:.2f} s = {t_plain / t_fast:.1f}x; "
        f"peak memory while computing {m_fast:.1f} MB; inputs {columns_mb:.0f} MB as columns vs "
        f"≥ {records_mb * n_meters:.0f} MB as records; {n_meters:,} meters × {per_meter:,} "
        f"readings = {n_meters * per_meter:,} readings, seed={SEED}"
    )


def main(argv: list[str]) -> None:
    defaults = [100_000, 1_000_000, 1_000, 10_000]
    sizes = [int(x) for x in argv[1:5]] + defaults[len(argv[1:5]) :]
    n_assets, n_orders, n_meters, per_meter = sizes
    bench_reliability(n_assets, n_orders)
    bench_usage(n_meters, per_meter)


if __name__ == "__main__":
    main(sys.argv)
