"""The search of :func:`hosplogi.scheduling.solve`: priority rules, justification and a GA.

Everything here works on plain lists of ints (task and technician indices, minutes) so that the
schedule-generation scheme (:mod:`._decode`) runs thousands of times per second on
benchmark-sized instances; the pydantic models live only at the boundary in
:mod:`hosplogi.scheduling`.

References
----------
.. [1] R. Kolisch and S. Hartmann, "Experimental investigation of heuristics for resource-
   constrained project scheduling: An update", EJOR 174 (2006) — serial SGS over activity lists,
   forward-backward improvement.
.. [2] V. Valls, F. Ballestín, S. Quintanilla, "Justification and RCPSP: A technique that pays",
   EJOR 165 (2005).
.. [3] C. Montoya, O. Bellenguez-Morineau, E. Pinson, D. Rivreau, "Branch-and-price approach for
   the multi-skill project scheduling problem", Optim. Lett. 8 (2014).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from random import Random

from hosplogi.scheduling._decode import (
    INF,
    Cost,
    Decoded,
    Instance,
    Placement,
    decode,
    evaluate,
    mirrored,
    next_free,
    next_free_travel,
)

__all__ = [
    "INF",
    "Cost",
    "Decoded",
    "Instance",
    "Placement",
    "Result",
    "decode",
    "evaluate",
    "mirrored",
    "next_free",
    "next_free_travel",
    "priority_lists",
    "search",
    "topological",
]


def topological(preds: list[list[int]], key: Sequence[float]) -> list[int]:
    """A precedence-feasible order taking, at each step, the eligible task of smallest `key`."""
    n = len(preds)
    indeg = [len(p) for p in preds]
    succs: list[list[int]] = [[] for _ in range(n)]
    for i, ps in enumerate(preds):
        for p in ps:
            succs[p].append(i)
    heap = [(key[i], i) for i in range(n) if indeg[i] == 0]
    heapq.heapify(heap)
    out: list[int] = []
    while heap:
        _, i = heapq.heappop(heap)
        out.append(i)
        for s in succs[i]:
            indeg[s] -= 1
            if indeg[s] == 0:
                heapq.heappush(heap, (key[s], s))
    return out


def critical_path(inst: Instance) -> tuple[list[int], list[int]]:
    """Earliest starts (with releases) and latest finishes relative to the critical-path bound."""
    n = len(inst.durations)
    es = [0] * n
    for i in inst.topo:
        t = inst.releases[i]
        for p in inst.preds[i]:
            t = max(t, es[p] + inst.durations[p])
        es[i] = t
    bound = max((es[i] + inst.durations[i] for i in range(n)), default=0)
    lf = [bound] * n
    for i in reversed(inst.topo):
        for s in inst.succs[i]:
            lf[i] = min(lf[i], lf[s] - inst.durations[s])
    return es, lf


def lower_bound(inst: Instance, objective: str) -> float:
    """A valid lower bound: critical path and total work over the workforce (makespan), else 0."""
    if objective != "makespan":
        return 0.0
    es, _ = critical_path(inst)
    n = len(inst.durations)
    path = max((es[i] + inst.durations[i] for i in range(n)), default=0)
    work = sum(inst.durations[i] * len(inst.slots[i]) for i in range(n))
    load = -(-work // inst.n_techs) if inst.n_techs else 0
    return float(max(path, load))


def _successor_counts(inst: Instance) -> list[int]:
    n = len(inst.durations)
    reach: list[set[int]] = [set() for _ in range(n)]
    for i in reversed(inst.topo):
        for s in inst.succs[i]:
            reach[i].add(s)
            reach[i] |= reach[s]
    return [len(r) for r in reach]


def priority_lists(inst: Instance, objective: str) -> list[list[int]]:
    """Activity lists from classic priority rules (LFT, MTS, GRPW, EDD, WSPT, release)."""
    n = len(inst.durations)
    es, lf = critical_path(inst)
    mts = _successor_counts(inst)
    work = [inst.durations[i] * max(1, len(inst.slots[i])) for i in range(n)]
    grpw = [inst.durations[i] + sum(inst.durations[s] for s in inst.succs[i]) for i in range(n)]
    keys: list[list[float]] = [
        [float(lf[i]) for i in range(n)],
        [float(-mts[i]) for i in range(n)],
        [float(-grpw[i]) for i in range(n)],
        [float(lf[i] - inst.durations[i] - es[i]) for i in range(n)],
        [float(-work[i]) for i in range(n)],
    ]
    if objective != "makespan":
        big = float(INF)
        due = [float(d) if d is not None else big for d in inst.dues]
        keys.insert(0, due)
        keys.insert(
            1,
            [
                (due[i] - inst.durations[i]) / max(inst.weights[i], 1e-9) if due[i] < big else big
                for i in range(n)
            ],
        )
        keys.insert(2, [-inst.weights[i] / max(inst.durations[i], 1) for i in range(n)])
        keys.append([float(inst.releases[i]) for i in range(n)])
    lists: list[list[int]] = []
    seen: set[tuple[int, ...]] = set()
    for key in keys:
        lst = topological(inst.preds, key)
        sig = tuple(lst)
        if sig not in seen:
            seen.add(sig)
            lists.append(lst)
    return lists


def _positions(order: Sequence[int]) -> list[int]:
    pos = [0] * len(order)
    for p, i in enumerate(order):
        pos[i] = p
    return pos


def justify(
    fwd: Instance, bwd: Instance, order: list[int], dec: Decoded, objective: str
) -> tuple[list[int], Decoded]:
    """Forward-backward improvement: right-justify, then left-justify; keep what is better."""
    if dec.missing:
        return order, dec
    pos = _positions(order)
    border = sorted(order, key=lambda i: (-dec.ends[i], -pos[i]))
    back = decode(bwd, border, objective)
    if back.missing:
        return order, dec
    bpos = _positions(border)
    forder = sorted(border, key=lambda i: (-back.ends[i], -bpos[i]))
    again = decode(fwd, forder, objective)
    if again.cost > dec.cost:
        return order, dec
    return forder, again


def repair(
    inst: Instance,
    order: list[int],
    dec: Decoded,
    objective: str,
    rounds: int = 3,
    loose: Collection[int] = (),
) -> tuple[list[int], Decoded]:
    """Move tasks left unplaced by the shifts as early in the list as precedences allow.

    A task that found no room was placed after others that took the shift time it needed; giving
    it its turn earlier usually makes room (a few rounds), keeping the rest of the list's order.
    """
    for _ in range(rounds):
        if not dec.missing:
            break
        new = order[:]
        for task in [i for i in order if not dec.placed[i]]:
            new.remove(task)
            pos = _positions_of(new)
            lo = max((pos[q] + 1 for q in inst.preds[task]), default=0)
            new.insert(lo, task)
        again = decode(inst, new, objective, loose)
        if again.cost >= dec.cost:
            break
        order, dec = new, again
    return order, dec


def _insert_move(order: list[int], inst: Instance, rng: Random) -> list[int]:
    """Move a random task to a random place between its last predecessor and first successor."""
    n = len(order)
    new = order[:]
    p = rng.randrange(n)
    task = new.pop(p)
    pos = _positions_of(new)
    lo = max((pos[q] + 1 for q in inst.preds[task]), default=0)
    hi = min((pos[s] for s in inst.succs[task]), default=n - 1)
    q = rng.randint(lo, hi) if hi >= lo else lo
    new.insert(q, task)
    return new


def _positions_of(order: list[int]) -> dict[int, int]:
    return {t: p for p, t in enumerate(order)}


def _tardy_move(order: list[int], inst: Instance, dec: Decoded, rng: Random) -> list[int]:
    """Pull a late task earlier in the list, as far as its predecessors allow."""
    late = [
        i
        for i, (e, due, ok) in enumerate(zip(dec.ends, inst.dues, dec.placed, strict=True))
        if not ok or (due is not None and e > due)
    ]
    if not late:
        return _insert_move(order, inst, rng)
    task = late[rng.randrange(len(late))]
    new = order[:]
    new.remove(task)
    pos = _positions_of(new)
    lo = max((pos[q] + 1 for q in inst.preds[task]), default=0)
    old = order.index(task)
    q = rng.randint(lo, max(lo, old - 1)) if old > lo else lo
    new.insert(q, task)
    return new


def _crossover(a: list[int], b: list[int], rng: Random) -> list[int]:
    """Two-point crossover of activity lists (keeps precedence feasibility, Hartmann 1998)."""
    n = len(a)
    i = rng.randrange(n + 1)
    j = rng.randrange(i, n + 1)
    head = a[:i]
    taken = set(head)
    mid = [t for t in b if t not in taken][: j - i]
    taken.update(mid)
    tail = [t for t in a if t not in taken]
    return head + mid + tail


@dataclass(slots=True)
class Result:
    """The best activity list found and its decoding."""

    order: list[int]
    decoded: Decoded
    iterations: int
    proven: bool


def search(
    inst: Instance,
    objective: str,
    *,
    seed: int,
    iterations: int | None,
    time_limit: float | None,
    population: int = 12,
    patience: int = 2000,
) -> Result | None:
    """Genetic algorithm over activity lists with forward-backward improvement.

    One iteration is one child: crossover of two tournament-chosen parents, a mutation (a random
    insertion, or pulling a late task earlier for weighted tardiness), decoding, and for the
    makespan objective forward-backward improvement. The population keeps the best distinct
    schedules. Runs until `iterations` children or `time_limit` seconds, whichever comes first,
    and stops early once the lower bound is reached or `patience` children in a row have not
    improved the best schedule (the search has converged; small problems end in milliseconds
    instead of using the whole time limit). Candidates that leave tasks unplaced (no
    room left in the availability windows) rank behind every complete schedule; None when no
    complete schedule was found, unless the instance prices unplaced tasks by weight
    (``allow_unplaced``): then the best partial schedule is returned.

    With travel, the initial population also holds the priority rules' lists decoded without
    walks and re-ordered by their starts (a walk-free plan's order): walking time makes the
    rules' own lists leave work out of the shifts.

    When re-planning (the instance has anchors), a candidate is an activity list plus the set of
    anchored tasks it loosens (lets move); the first candidates keep every anchor or loosen
    them all, and a mutation loosens or re-anchors one task (a late one when there is one).
    """
    clock = time.perf_counter
    t0 = clock()
    rng = Random(seed)
    bound = lower_bound(inst, objective)
    replanning = inst.anchors is not None or inst.fixed is not None
    bwd = mirrored(inst)
    use_fbi = objective == "makespan" and not replanning
    anchored = (
        [i for i, a in enumerate(inst.anchors) if a is not None] if inst.anchors is not None else []
    )
    keep_all: frozenset[int] = frozenset()

    pool: list[tuple[Cost, list[int], Decoded, frozenset[int]]] = []
    seen: set[tuple[int, ...]] = set()

    def consider(order: list[int], dec: Decoded, loose: frozenset[int]) -> None:
        sig = tuple(dec.starts)
        if dec.missing and inst.unplaced_by_weight:
            # partial schedules: which tasks are placed tells them apart (their starts are 0)
            sig += tuple(i for i, ok in enumerate(dec.placed) if not ok)
        if sig in seen:
            return
        seen.add(sig)
        pool.append((dec.cost, order, dec, loose))

    def run(order: list[int], loose: frozenset[int]) -> tuple[list[int], Decoded]:
        dec = decode(inst, order, objective, loose)
        if dec.missing:
            order, dec = repair(inst, order, dec, objective, loose=loose)
        if use_fbi:
            order, dec = justify(inst, bwd, order, dec, objective)
        return order, dec

    def out_of_time() -> bool:
        return time_limit is not None and clock() - t0 >= time_limit

    starts = [keep_all, frozenset(anchored)] if anchored else [keep_all]
    for loose in starts:
        for lst in priority_lists(inst, objective):
            if pool and out_of_time():
                break
            consider(*run(lst, loose), loose)
    if inst.travel is not None and not replanning:
        # walks make the rules' lists leave work out of the shifts; the same lists decoded
        # without walks, then taken in the order of their starts, are plan-aware seeds
        seeds = _walk_free_orders(replace(inst, travel=None), objective)
        for lst in seeds:
            if out_of_time():
                break
            consider(*run(lst, keep_all), keep_all)
    n = len(inst.durations)
    # random lists fill the initial population
    attempts = 0
    while len(pool) < population and attempts < 3 * population and n > 1:
        if pool and out_of_time():
            break
        attempts += 1
        noise = [rng.random() for _ in range(n)]
        consider(*run(topological(inst.preds, noise), keep_all), keep_all)
    pool.sort(key=lambda x: x[0])
    del pool[population:]

    done = 0
    stale = 0
    while pool[0][2].missing or pool[0][0][1] > bound:
        if iterations is not None and done >= iterations:
            break
        if stale >= patience:
            break
        if out_of_time():
            break
        done += 1
        stale += 1
        size = len(pool)
        a = min(rng.randrange(size), rng.randrange(size))
        b = min(rng.randrange(size), rng.randrange(size))
        child = _crossover(pool[a][1], pool[b][1], rng) if size > 1 else pool[0][1]
        if (objective != "makespan" or pool[a][2].missing) and rng.random() < 0.5:
            child = _tardy_move(child, inst, pool[a][2], rng)
        else:
            child = _insert_move(child, inst, rng)
            if rng.random() < 0.3:
                child = _insert_move(child, inst, rng)
        loose = pool[a][3]
        if anchored and rng.random() < 0.3:
            loose = loose ^ {_task_to_loosen(anchored, inst, pool[a][2], rng)}
        order, dec = run(child, loose)
        if dec.cost < pool[0][0]:
            stale = 0
        if len(pool) < population or dec.cost < pool[-1][0]:
            before = len(pool)
            consider(order, dec, loose)
            if len(pool) > before:
                pool.sort(key=lambda x: x[0])
                del pool[population:]
    best = pool[0]
    if best[2].missing and not inst.unplaced_by_weight:
        return None
    return Result(best[1], best[2], done, not best[2].missing and best[0][1] <= bound)


def _by_start(order: list[int], dec: Decoded) -> list[int]:
    """`order` re-sorted by the starts of its decoding (placed tasks first; precedence-feasible)."""
    pos = _positions(order)
    return sorted(order, key=lambda i: (not dec.placed[i], dec.starts[i], pos[i]))


def _walk_free_orders(flat: Instance, objective: str) -> list[list[int]]:
    """The priority rules' lists decoded in `flat` (no travel), each re-ordered by its starts."""
    return [_by_start(lst, decode(flat, lst, objective)) for lst in priority_lists(flat, objective)]


def _task_to_loosen(anchored: list[int], inst: Instance, dec: Decoded, rng: Random) -> int:
    """An anchored task to loosen or re-anchor: a late or unplaced one if any, else any."""
    late = [
        i
        for i in anchored
        if not dec.placed[i] or ((due := inst.dues[i]) is not None and dec.ends[i] > due)
    ]
    pick = late if late and rng.random() < 0.7 else anchored
    return pick[rng.randrange(len(pick))]
