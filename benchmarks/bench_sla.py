"""Speed of hosplogi.calendars and hosplogi.sla, with ratios against named alternatives.

Run by hand (not part of the test suite)::

    PYTHONPATH=src python benchmarks/bench_sla.py [--orders 1000000] [--seed 0]

Prints:

1. ``BusinessCalendar.add`` / ``between`` calls per second with the China calendar, against a
   straightforward minute-stepping implementation and against the ``businesstime`` package
   (``between`` only: it has no addition), on the same inputs, with agreement counts.
2. ``evaluate_many`` on synthetic orders with holds under a business-hours policy, both forms
   (list of ``SlaStatus`` and ``columns=True``), ``--repeat`` calls each: the first call's
   seconds and the best of the others, memory (inputs plus results), the ratio against the plain
   per-order ``evaluate`` loop (on the first ``--check`` orders, results compared for equality),
   how fast the machine hands out new memory, and the per-order ratio against a minute-stepping
   evaluator and a ``businesstime``-based evaluator (on a sample), with agreement counts; and
   ``--json`` orders read back from JSON (load, then ``evaluate_many`` against the same orders
   built in process). ``--only sla`` skips part 1.

The orders are built cheaply: ``--templates`` distinct orders through the lifecycle methods, then
copied with ``model_copy(update={"id": ...})`` (sharing their event logs) up to ``--orders``.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from businesstime import BusinessTime

from hosplogi import (
    BusinessCalendar,
    HoldReason,
    Priority,
    SlaColumns,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
    Status,
    WorkOrder,
    compliance,
    evaluate,
    evaluate_many,
)

CST = timezone(timedelta(hours=8))  # what orders store: the fixed offset of Asia/Shanghai
MINUTE = timedelta(minutes=1)


def _bt_open_time(delta: timedelta, day: timedelta = timedelta(hours=9)) -> timedelta:
    """businesstime counts whole business days as timedelta days: turn them into open hours."""
    return delta.days * day + timedelta(seconds=delta.seconds, microseconds=delta.microseconds)


def _rss_mb() -> float:
    """The process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resident_mb() -> float:
    """The process's resident memory now (MB); the peak where /proc is missing."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / (1 << 20)
    except OSError:
        return _rss_mb()


def _rate(fn: Callable[[], object], n: int) -> tuple[float, object]:
    t = clock.perf_counter()
    out = fn()
    return n / (clock.perf_counter() - t), out


# -- minute stepping, the straightforward alternative -------------------------------------------


def _open_by_rule(cal: BusinessCalendar, wall: datetime) -> bool:
    day = wall.date()
    if day in cal.holidays:
        return False
    intervals = cal.hours.get(0 if day in cal.workdays else day.weekday(), ())
    t = wall.time().replace(tzinfo=None)
    return any(s <= t and (e == time(0) or t < e) for s, e in intervals)


def _minute_between(cal: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    tz = ZoneInfo(cal.timezone)
    n, t = 0, a
    while t < b:
        n += _open_by_rule(cal, t.astimezone(tz))
        t += MINUTE
    return n * MINUTE


def _minute_add(cal: BusinessCalendar, a: datetime, d: timedelta) -> datetime:
    tz = ZoneInfo(cal.timezone)
    left, t = d // MINUTE, a
    while not _open_by_rule(cal, t.astimezone(tz)):
        t += MINUTE
    while left:
        if _open_by_rule(cal, t.astimezone(tz)):
            left -= 1
        t += MINUTE
    return t


# -- part 1: the calendar -----------------------------------------------------------------------


def bench_calendar(seed: int, n: int) -> None:
    rng = random.Random(seed)
    cal = BusinessCalendar.china(range(2020, 2026))
    base = datetime(2020, 1, 1, tzinfo=CST)
    span = 6 * 365 * 24 * 60 - 60 * 24 * 30
    starts = [base + rng.randrange(span) * MINUTE for _ in range(n)]
    durations = [rng.randrange(0, 40 * 60) * MINUTE for _ in range(n)]
    ends = [s + rng.randrange(0, 14 * 24 * 60) * MINUTE for s in starts]
    cal.add(starts[0], durations[0])  # build the interval cache once

    add_rate, added = _rate(
        lambda: [cal.add(s, d) for s, d in zip(starts, durations, strict=False)], n
    )
    between_rate, _ = _rate(
        lambda: [cal.between(s, e) for s, e in zip(starts, ends, strict=False)], n
    )
    sh = ZoneInfo("Asia/Shanghai")
    zoned = [s.astimezone(sh) for s in starts]
    zoned_rate, _ = _rate(lambda: [cal.between(s, e) for s, e in zip(zoned, ends, strict=False)], n)

    k = 200
    t = clock.perf_counter()
    ref_add = [_minute_add(cal, s, d) for s, d in zip(starts[:k], durations[:k], strict=False)]
    ref_add_rate = k / (clock.perf_counter() - t)
    t = clock.perf_counter()
    ref_between = [_minute_between(cal, s, e) for s, e in zip(starts[:k], ends[:k], strict=False)]
    ref_between_rate = k / (clock.perf_counter() - t)
    assert isinstance(added, list)
    agree_add = sum(a == b for a, b in zip(added[:k], ref_add, strict=False))
    agree_between = sum(
        cal.between(s, e) == r for s, e, r in zip(starts, ends, ref_between, strict=False)
    )

    # businesstime: one interval a day, holidays, no make-up days, naive local times.
    simple = BusinessCalendar(
        "Asia/Shanghai",
        {d: [(time(8), time(17))] for d in range(5)},
        holidays=cal.holidays,
        years=cal.years,
    )
    bt = BusinessTime(business_hours=(time(8), time(17)), holidays=set(cal.holidays))
    m = 20_000
    spans = list(zip(starts, ends, strict=True))[:m]
    naive = [(s.replace(tzinfo=None), e.replace(tzinfo=None)) for s, e in spans]
    ours_rate, ours = _rate(lambda: [simple.between(s, e) for s, e in spans], m)
    bt_rate, theirs = _rate(
        lambda: [_bt_open_time(bt.businesstimedelta(s, e)) for s, e in naive], m
    )
    assert isinstance(ours, list)
    assert isinstance(theirs, list)
    agree_bt = sum(a == b for a, b in zip(ours, theirs, strict=False))
    differ = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b]
    oracle_sides_with_us = sum(_minute_between(simple, *spans[i]) == ours[i] for i in differ[:50])

    print(f"calendar: China {cal.years[0]}-{cal.years[1]} (lunch break, 调休), n={n}, seed={seed}")  # type: ignore[index]
    print(
        f"  add:     {add_rate:,.0f} calls/s; minute-stepping {ref_add_rate:,.1f} calls/s "
        f"= {add_rate / ref_add_rate:,.0f}x; agree {agree_add}/{k}"
    )
    print(
        f"  between: {between_rate:,.0f} calls/s (ZoneInfo inputs {zoned_rate:,.0f}); "
        f"minute-stepping {ref_between_rate:,.1f} calls/s = "
        f"{between_rate / ref_between_rate:,.0f}x; "
        f"agree {agree_between}/{k}"
    )
    print(
        f"  between, 08-17 calendar without lunch or make-up days: {ours_rate:,.0f} calls/s; "
        f"businesstime {bt_rate:,.0f} calls/s = {ours_rate / bt_rate:,.1f}x; agree {agree_bt}/{m}"
    )
    print(
        f"    minute-stepping sides with hosplogi in {oracle_sides_with_us} of the first "
        f"{min(len(differ), 50)} disagreements"
    )


# -- part 2: evaluate_many ----------------------------------------------------------------------


def _template(rng: random.Random, i: int) -> WorkOrder:
    at = datetime(2025, 1, 2, tzinfo=CST) + rng.randrange(0, 300 * 24 * 60) * MINUTE

    def step(lo: int, hi: int) -> datetime:
        nonlocal at
        at = at + rng.randrange(lo, hi) * MINUTE
        return at

    o = WorkOrder.report(
        id=f"TPL-{i}",
        title="synthetic",
        trade=rng.choice(("plumbing", "electrical", "hvac", "lifts")),
        priority=rng.choice(list(Priority)),
        reported_at=at,
        location="L1",
        department=rng.choice(("ICU", "Surgery", "Outpatients")),
    )
    if rng.random() < 0.2:
        o = o.hold(rng.choice(list(HoldReason)), at=step(1, 120)).resume(at=step(10, 600))
    o = o.dispatch((f"T{rng.randrange(20):02d}",), at=step(1, 60))
    if rng.random() < 0.05:
        return o.cancel(at=step(1, 60), reason="duplicate")
    if rng.random() < 0.1:
        o = o.reprioritize(rng.choice([p for p in Priority if p is not o.priority]), at=step(1, 30))
    o = o.start(at=step(1, 240))
    for _ in range(rng.randrange(0, 3)):
        o = o.hold(rng.choice(list(HoldReason)), at=step(1, 240)).resume(at=step(10, 3000))
    if rng.random() < 0.1:
        return o  # still in progress
    o = o.complete(at=step(10, 600))
    if rng.random() < 0.1:
        o = o.verify(at=step(10, 1440), accepted=False).complete(at=step(10, 600))
    return o.verify(at=step(10, 1440)).close(at=step(10, 1440))


def _running_intervals(order: WorkOrder, now: datetime, pausing: frozenset[HoldReason]):  # type: ignore[no-untyped-def]
    """Independent formulation by status: (response, resolution) lists of running intervals."""
    resp: list[tuple[datetime, datetime]] = []
    res: list[tuple[datetime, datetime]] = []
    events = [e for e in order.events if e.at <= now]
    started = False
    for e, nxt in zip(events, [*events[1:], None], strict=False):
        end = nxt.at if nxt is not None else now
        s = e.status
        paused = s is Status.ON_HOLD and e.hold_reason in pausing
        if s is Status.IN_PROGRESS:
            started = True
        if not started and not paused and s in (Status.REPORTED, Status.DISPATCHED, Status.ON_HOLD):
            resp.append((e.at, end))
        if not paused and s in (
            Status.REPORTED,
            Status.DISPATCHED,
            Status.IN_PROGRESS,
            Status.ON_HOLD,
        ):
            res.append((e.at, end))
    return resp, res


def _verdict(n: int, first: float, best: float, rss_mb: float | None = None) -> str:
    """Issue 4's target: 1,000,000 orders in at most 10 s wall on one core, in at most 2 GB."""
    if n < 1_000_000:
        return "issue 4's target needs --orders 1000000"
    memory = "" if rss_mb is None else f"; ≤ 2 GB: {'met' if rss_mb <= 2048 else 'NOT met'}"
    return (
        f"issue 4's target ≤ 10 s: first call {'met' if first <= 10 else 'NOT met'}, "
        f"repeated calls {'met' if best <= 10 else 'NOT met'}{memory}"
    )


def _calls(fn: Callable[[], object], repeat: int) -> tuple[list[float], float, object]:
    """Wall seconds of `repeat` calls, CPU seconds of the first, and the last call's result.

    The previous result is dropped before each call, so that only one is ever alive. The first
    call takes memory the process never had; on this VM that costs more than the computing (see
    the first-touch line), so it is printed beside the best of the repeated calls, the steady
    state of a service that evaluates its open orders every few minutes.
    """
    walls: list[float] = []
    out: object = None
    cpu = 0.0
    for i in range(repeat):
        out = None
        t, c = clock.perf_counter(), clock.process_time()
        out = fn()
        walls.append(clock.perf_counter() - t)
        if i == 0:
            cpu = clock.process_time() - c
    return walls, cpu, out


def _best_cpu(repeat: int, fn: Callable[..., object], *args: object, **kwargs: object) -> float:
    """The least CPU seconds of `repeat` calls of ``fn(*args, **kwargs)`` (results dropped)."""
    best = float("inf")
    for _ in range(repeat):
        t = clock.process_time()
        fn(*args, **kwargs)
        best = min(best, clock.process_time() - t)
    return best


def _compliance_by_hand(
    orders: list[WorkOrder], policy: SlaPolicy, now: datetime
) -> dict[str | None, tuple[int, int, int, int]]:
    """Met, breached, open and cancelled resolution clocks per trade, from the list form."""
    counts: dict[str | None, list[int]] = {}
    for order, status in zip(orders, evaluate_many(orders, policy, now), strict=True):
        row = counts.setdefault(order.trade, [0, 0, 0, 0])
        c = status.resolution
        if status.cancelled:
            row[3] += 1
        elif c.breached:
            row[1] += 1
        elif c.state == "stopped":
            row[0] += 1
        else:
            row[2] += 1
    return {key: (a, b, c, d) for key, (a, b, c, d) in counts.items()}


def _first_touch_mb_per_s(mb: int = 256) -> float:
    """How fast this machine hands a process memory it never had (MB/s): the first-call cost."""
    t = clock.perf_counter()
    block = bytearray(mb << 20)  # zero-filled: every page is touched
    took = clock.perf_counter() - t
    del block
    return mb / took


def bench_evaluate_many(
    seed: int,
    n: int,
    templates: int,
    sample: int,
    check: int,
    repeat: int,
    json_orders: int,
) -> None:
    rng = random.Random(seed)
    china = BusinessCalendar.china(range(2024, 2027))
    targets = {
        Priority.EMERGENCY: SlaTarget(respond=timedelta(minutes=15), resolve=timedelta(hours=4)),
        Priority.URGENT: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=8)),
        Priority.ROUTINE: SlaTarget(respond=timedelta(hours=2), resolve=timedelta(hours=16)),
        Priority.PLANNED: SlaTarget(respond=timedelta(hours=8), resolve=timedelta(hours=40)),
    }
    business = {
        p: SlaTarget(respond=t.respond, resolve=t.resolve, business_hours=True)
        for p, t in targets.items()
    }
    policy = SlaPolicy(targets=business, calendar=china)
    now = datetime(2025, 12, 31, 18, tzinfo=CST)

    t = clock.perf_counter()
    tpl = [_template(rng, i) for i in range(templates)]
    orders = [tpl[i % templates].model_copy(update={"id": f"WO-{i:07d}"}) for i in range(n)]
    setup = clock.perf_counter() - t
    holds = sum(any(e.hold_reason for e in o.events) for o in tpl) / templates
    gc.collect()
    gc.freeze()  # the inputs are long-lived: keep the collector from re-scanning them
    rss0 = _resident_mb()
    # the light form first, so that the peak RSS after it is its own
    walls_cols, cpu_cols, got = _calls(
        lambda: evaluate_many(orders, policy, now, columns=True), repeat
    )
    cols_mb = _resident_mb() - rss0  # its result alive
    assert isinstance(got, SlaColumns)
    k = min(n, check)
    rows = [got.status(i) for i in range(min(k, 10_000))]  # kept for the equality check below
    got = None  # so that the default form's peak RSS is its own too
    walls, cpu, got = _calls(lambda: evaluate_many(orders, policy, now), repeat)
    default_mb = _resident_mb() - rss0
    peak = _rss_mb()
    assert isinstance(got, list)
    statuses: list[SlaStatus] = got
    del got
    touch = _first_touch_mb_per_s()  # after the calls: it would warm memory they then reuse
    breached = sum(s.resolution.breached for s in statuses)
    rows_equal = sum(row == status for row, status in zip(rows, statuses, strict=False))
    del rows

    # the named alternative: the plain per-order `evaluate` (one context and one replay per
    # order, the collector left on), on the first `check` orders; its results must be equal.
    t, cpu_plain = clock.perf_counter(), clock.process_time()
    plain = [evaluate(o, policy, now) for o in orders[:k]]
    took_plain, cpu_plain = clock.perf_counter() - t, clock.process_time() - cpu_plain
    equal = sum(a == b for a, b in zip(statuses, plain, strict=False))
    del plain
    took, best = walls[0], min(walls[1:] or walls)
    took_cols, best_cols = walls_cols[0], min(walls_cols[1:] or walls_cols)
    print(
        f"evaluate_many: {n:,} orders ({templates} lifecycle templates, {holds:.0%} with holds, "
        f"copied by model_copy), business-hours policy on the China calendar, seed={seed}; "
        f"{repeat} calls of each form"
    )
    print(
        f"  default (list of SlaStatus): first call {took:.2f} s wall ({cpu:.2f} s CPU), "
        f"repeated calls {best:.2f} s = {best / n * 1e6:.2f} µs/order; "
        f"inputs + results {rss0 + default_mb:,.0f} MB "
        f"({_verdict(n, took, best, rss0 + default_mb)})"
    )
    print(
        f"  columns=True (SlaColumns):   first call {took_cols:.2f} s wall "
        f"({cpu_cols:.2f} s CPU), repeated calls {best_cols:.2f} s = "
        f"{best_cols / n * 1e6:.2f} µs/order; inputs + results {rss0 + cols_mb:,.0f} MB "
        f"({_verdict(n, took_cols, best_cols, rss0 + cols_mb)}); "
        f"rows equal to the default's {rows_equal:,}/{min(k, 10_000):,}"
    )
    print(
        f"  per-order evaluate() loop on the first {k:,}: {took_plain / k * 1e6:.2f} µs/order "
        f"({cpu_plain / k * 1e6:.2f} µs CPU) = {took_plain / k / (best / n):.1f}x slower; "
        f"results equal {equal:,}/{k:,}"
    )
    print(
        f"  before the calls {rss0:,.0f} MB (inputs, interpreter); results +{default_mb:,.0f} MB "
        "(default), "
        f"+{cols_mb:,.0f} MB (columns); process peak {peak:,.0f} MB; setup {setup:.1f} s; "
        f"{breached:,} resolution clocks breached"
    )
    print(
        f"  first touch: this machine hands a process new memory at {touch:,.0f} MB/s, so the "
        f"first call's +{default_mb:,.0f} MB cost about {default_mb / touch:.1f} s of it"
    )
    del statuses

    # compliance by trade on the first `check` orders, against grouping evaluate_many's list.
    few_k = orders[:k]
    cpu_compliance = _best_cpu(repeat, compliance, few_k, policy, now, by="trade")
    cpu_by_hand = _best_cpu(repeat, _compliance_by_hand, few_k, policy, now)
    by_hand = _compliance_by_hand(few_k, policy, now)
    report = compliance(few_k, policy, now, by="trade")
    same_counts = by_hand == {
        row.key: (row.met, row.breached, row.open, row.cancelled) for row in report.rows
    }
    print(
        f"  compliance by trade on the first {k:,}: {cpu_compliance / k * 1e6:.2f} µs/order CPU; "
        f"grouping evaluate_many's list by hand {cpu_by_hand / k * 1e6:.2f} µs/order = "
        f"{cpu_by_hand / cpu_compliance:.2f}x; same counts: {same_counts}"
    )
    del few_k

    # orders as an integrating system has them: read from JSON, every instant parsed anew.
    m = min(n, json_orders)
    texts = [o.model_dump_json() for o in tpl]
    t = clock.process_time()
    loaded = [WorkOrder.model_validate_json(texts[i % templates]) for i in range(m)]
    took_load = clock.process_time() - t
    same = [tpl[i % templates] for i in range(m)]  # the same orders, built in this process
    cpu_json = _best_cpu(repeat, evaluate_many, loaded, policy, now, columns=True)
    cpu_same = _best_cpu(repeat, evaluate_many, same, policy, now, columns=True)
    agree_json = evaluate_many(loaded[:1000], policy, now) == evaluate_many(
        same[:1000], policy, now
    )
    print(
        f"  orders read from JSON ({m:,}): model_validate_json {took_load / m * 1e6:.1f} µs/order; "
        f"columns=True {cpu_json / m * 1e6:.2f} µs/order CPU vs {cpu_same / m * 1e6:.2f} "
        f"µs/order for the same orders built in process = {cpu_json / cpu_same:.2f}x; "
        f"first 1,000 results equal: {agree_json}"
    )
    del loaded, same

    # minute-stepping evaluator on a sample: count open minutes of each running interval.
    few = tpl[:sample]
    ours = evaluate_many(few, policy, now)
    t = clock.perf_counter()
    agree = 0
    for o, s in zip(few, ours, strict=False):
        resp, res = _running_intervals(o, now, policy.pausing)
        r = sum((_minute_between(china, a, b) for a, b in resp), timedelta(0))
        v = sum((_minute_between(china, a, b) for a, b in res), timedelta(0))
        agree += (r, v) == (s.response.elapsed, s.resolution.elapsed)
    ref = (clock.perf_counter() - t) / sample
    print(
        f"  minute-stepping evaluator: {ref * 1e6:,.0f} µs/order = "
        f"{ref / (best / n):,.0f}x slower; agree {agree}/{sample}"
    )

    # businesstime evaluator: its model (one interval a day, no make-up days, naive local time).
    simple_cal = BusinessCalendar(
        "Asia/Shanghai",
        {d: [(time(8), time(17))] for d in range(5)},
        holidays=china.holidays,
        years=china.years,
    )
    simple = SlaPolicy(targets=business, calendar=simple_cal)
    bt = BusinessTime(business_hours=(time(8), time(17)), holidays=set(china.holidays))
    ours = evaluate_many(few, simple, now)
    t = clock.perf_counter()
    agree = 0
    for o, s in zip(few, ours, strict=False):
        resp, res = _running_intervals(o, now, policy.pausing)
        naive = [
            [(a.replace(tzinfo=None), b.replace(tzinfo=None)) for a, b in segs]
            for segs in (resp, res)
        ]
        r = sum((_bt_open_time(bt.businesstimedelta(a, b)) for a, b in naive[0]), timedelta(0))
        v = sum((_bt_open_time(bt.businesstimedelta(a, b)) for a, b in naive[1]), timedelta(0))
        agree += (r, v) == (s.response.elapsed, s.resolution.elapsed)
    ref = (clock.perf_counter() - t) / sample
    t = clock.perf_counter()
    evaluate_many(few, simple, now)
    mine = (clock.perf_counter() - t) / sample
    print(
        f"  businesstime evaluator (08-17, no lunch/make-up days): {ref * 1e6:,.0f} µs/order vs "
        f"ours {mine * 1e6:,.1f} µs/order = {ref / mine:,.1f}x; agree {agree}/{sample}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--templates", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--check", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="calls of each evaluate_many form")
    parser.add_argument("--json", type=int, default=50_000, help="orders read back from JSON")
    parser.add_argument("--only", choices=("calendar", "sla"), default=None)
    args = parser.parse_args()
    print(f"python benchmarks/bench_sla.py, {date.today().isoformat()} (shared 2-core machine)")
    if args.only != "sla":
        bench_calendar(args.seed, args.calls)
    if args.only == "calendar":
        return
    bench_evaluate_many(
        args.seed, args.orders, args.templates, args.sample, args.check, args.repeat, args.json
    )


if __name__ == "__main__":
    main()
