"""The integer core of :func:`hosplogi.scheduling.solve`: serial SGS, matching and local search.

Everything here works on plain lists of ints (task and technician indices, minutes) so that the
schedule-generation scheme runs thousands of times per second on benchmark-sized instances; the
pydantic models live only at the boundary in :mod:`hosplogi.scheduling`.

Notation: ``n`` tasks ``0..n-1``; ``m`` technicians ``0..m-1``. A task's requirements are expanded
into *slots*, one per person needed, each with the list of technicians qualified for it, sorted
from the least to the most flexible (fewest skills first), so that the matching keeps the
multi-skilled people (一专多能) free for tasks that need them.

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

import time
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from random import Random

from hosplogi.scheduling._matching import match

__all__: list[str] = []

INF = 1 << 60

Cost = tuple[int, float, int]
"""(tasks that could not be placed, objective value, sum of end times) — compared in order."""


@dataclass(slots=True)
class Instance:
    """A compiled problem: everything indexed by int."""

    durations: list[int]
    releases: list[int]
    dues: list[int | None]
    weights: list[float]
    preds: list[list[int]]
    succs: list[list[int]]
    slots: list[list[list[int]]]
    """Per task, per slot, the qualified technicians, least flexible first."""
    slot_groups: list[list[int]]
    """Per task, per slot, the index of the requirement the slot belongs to."""
    relevant: list[list[int]]
    """Per task, every technician qualified for at least one of its slots."""
    win_starts: list[list[int] | None]
    win_ends: list[list[int] | None]
    n_techs: int
    topo: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Decoded:
    """A decoded activity list: start, end and the technician of each slot, per task.

    `placed[i]` is False for a task that found no room in the availability windows left by the
    tasks before it (and for its successors); such a decoding is not a schedule, but its cost
    (unplaced count first) still guides the search towards one.
    """

    starts: list[int]
    ends: list[int]
    teams: list[list[int]]
    placed: list[bool]
    cost: Cost


def mirrored(inst: Instance) -> Instance:
    """The time-reversed instance used by the backward pass of forward-backward improvement."""
    ends = [e[-1] for e in inst.win_ends if e]
    horizon = max(ends) if ends else 0
    win_starts: list[list[int] | None] = []
    win_ends: list[list[int] | None] = []
    for ws, we in zip(inst.win_starts, inst.win_ends, strict=True):
        if ws is None or we is None:
            win_starts.append(None)
            win_ends.append(None)
        else:
            win_starts.append([horizon - b for b in reversed(we)])
            win_ends.append([horizon - a for a in reversed(ws)])
    return Instance(
        durations=inst.durations,
        releases=[0] * len(inst.durations),
        dues=[None] * len(inst.durations),
        weights=inst.weights,
        preds=inst.succs,
        succs=inst.preds,
        slots=inst.slots,
        slot_groups=inst.slot_groups,
        relevant=inst.relevant,
        win_starts=win_starts,
        win_ends=win_ends,
        n_techs=inst.n_techs,
    )


def next_free(
    bs: list[int], be: list[int], ws: list[int] | None, we: list[int] | None, t: int, d: int
) -> int:
    """Earliest ``t' >= t`` at which a technician is free and on shift over ``[t', t' + d)``.

    `bs`/`be` are the sorted starts and ends of the technician's (disjoint) busy intervals,
    `ws`/`we` those of the merged availability windows (None: always available).
    """
    while True:
        if ws is not None and we is not None:
            j = bisect_left(we, t + d)
            n_win = len(we)
            while j < n_win:
                a = ws[j]
                if a > t:
                    t = a
                if we[j] >= t + d:
                    break
                j += 1
            else:
                return INF
        i = bisect_right(be, t)
        if i < len(be) and bs[i] < t + d:
            t = be[i]
            continue
        return t


def decode(inst: Instance, order: Sequence[int], objective: str) -> Decoded:
    """Serial schedule-generation scheme: place tasks in `order` at their earliest feasible start.

    A start is feasible when every predecessor has ended, the release time has passed and the
    free, on-shift qualified technicians can fill all slots (a matching). A task that cannot be
    placed inside the availability windows left by the tasks before it is marked unplaced.
    """
    n = len(inst.durations)
    m = inst.n_techs
    bs: list[list[int]] = [[] for _ in range(m)]
    be: list[list[int]] = [[] for _ in range(m)]
    ws_all = inst.win_starts
    we_all = inst.win_ends
    starts = [0] * n
    ends = [0] * n
    teams: list[list[int]] = [[] for _ in range(n)]
    placed = [True] * n
    durations = inst.durations
    releases = inst.releases
    preds = inst.preds
    all_slots = inst.slots
    relevant = inst.relevant
    for i in order:
        t = releases[i]
        ok = True
        for p in preds[i]:
            if not placed[p]:
                ok = False
            elif ends[p] > t:
                t = ends[p]
        if not ok:
            placed[i] = False
            continue
        d = durations[i]
        slots = all_slots[i]
        if not slots:
            starts[i] = t
            ends[i] = t + d
            continue
        need = len(slots)
        rel = relevant[i]
        fk = [next_free(bs[k], be[k], ws_all[k], we_all[k], t, d) for k in rel]
        team: list[int] | None = None
        while True:
            free = {k for k, f in zip(rel, fk, strict=True) if f == t}
            if len(free) >= need:
                team = match(slots, free)
                if team is not None:
                    break
            nxt = INF
            for f in fk:
                if t < f < nxt:
                    nxt = f
            if nxt >= INF:
                break
            t = nxt
            for idx, k in enumerate(rel):
                if fk[idx] < t:
                    fk[idx] = next_free(bs[k], be[k], ws_all[k], we_all[k], t, d)
        if team is None:
            placed[i] = False
            continue
        starts[i] = t
        ends[i] = t + d
        teams[i] = team
        if d > 0:
            for k in team:
                pos = bisect_right(bs[k], t)
                bs[k].insert(pos, t)
                be[k].insert(pos, t + d)
    return Decoded(starts, ends, teams, placed, evaluate(inst, ends, placed, objective))


def evaluate(inst: Instance, ends: list[int], placed: list[bool], objective: str) -> Cost:
    """Unplaced tasks, the objective value, then the sum of ends (rewards compactness)."""
    missing = placed.count(False)
    if objective == "makespan":
        return (missing, float(max(ends, default=0)), sum(ends))
    total = 0.0
    for e, due, w, ok in zip(ends, inst.dues, inst.weights, placed, strict=True):
        if ok and due is not None and e > due:
            total += w * (e - due)
    return (missing, total, sum(ends))


def topological(preds: list[list[int]], key: Sequence[float]) -> list[int]:
    """A precedence-feasible order taking, at each step, the eligible task of smallest `key`."""
    import heapq

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
    if dec.cost[0]:
        return order, dec
    pos = _positions(order)
    border = sorted(order, key=lambda i: (-dec.ends[i], -pos[i]))
    back = decode(bwd, border, objective)
    if back.cost[0]:
        return order, dec
    bpos = _positions(border)
    forder = sorted(border, key=lambda i: (-back.ends[i], -bpos[i]))
    again = decode(fwd, forder, objective)
    if again.cost > dec.cost:
        return order, dec
    return forder, again


def repair(
    inst: Instance, order: list[int], dec: Decoded, objective: str, rounds: int = 3
) -> tuple[list[int], Decoded]:
    """Move tasks left unplaced by the shifts as early in the list as precedences allow.

    A task that found no room was placed after others that took the shift time it needed; giving
    it its turn earlier usually makes room (a few rounds), keeping the rest of the list's order.
    """
    for _ in range(rounds):
        if not dec.cost[0]:
            break
        new = order[:]
        for task in [i for i in order if not dec.placed[i]]:
            new.remove(task)
            pos = _positions_of(new)
            lo = max((pos[q] + 1 for q in inst.preds[task]), default=0)
            new.insert(lo, task)
        again = decode(inst, new, objective)
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
    complete schedule was found.
    """
    clock = time.perf_counter
    t0 = clock()
    rng = Random(seed)
    bound = lower_bound(inst, objective)
    bwd = mirrored(inst)
    use_fbi = objective == "makespan"

    pool: list[tuple[Cost, list[int], Decoded]] = []
    seen: set[tuple[int, ...]] = set()

    def consider(order: list[int], dec: Decoded) -> None:
        sig = tuple(dec.starts)
        if sig in seen:
            return
        seen.add(sig)
        pool.append((dec.cost, order, dec))

    def run(order: list[int]) -> tuple[list[int], Decoded]:
        dec = decode(inst, order, objective)
        if dec.cost[0]:
            order, dec = repair(inst, order, dec, objective)
        if use_fbi:
            order, dec = justify(inst, bwd, order, dec, objective)
        return order, dec

    def out_of_time() -> bool:
        return time_limit is not None and clock() - t0 >= time_limit

    for lst in priority_lists(inst, objective):
        if pool and out_of_time():
            break
        consider(*run(lst))
    n = len(inst.durations)
    # random lists fill the initial population
    attempts = 0
    while len(pool) < population and attempts < 3 * population and n > 1:
        if pool and out_of_time():
            break
        attempts += 1
        noise = [rng.random() for _ in range(n)]
        consider(*run(topological(inst.preds, noise)))
    pool.sort(key=lambda x: x[0])
    del pool[population:]

    done = 0
    stale = 0
    while pool[0][0][0] or pool[0][0][1] > bound:
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
        if (objective != "makespan" or pool[a][0][0]) and rng.random() < 0.5:
            child = _tardy_move(child, inst, pool[a][2], rng)
        else:
            child = _insert_move(child, inst, rng)
            if rng.random() < 0.3:
                child = _insert_move(child, inst, rng)
        order, dec = run(child)
        if dec.cost < pool[0][0]:
            stale = 0
        if len(pool) < population or dec.cost < pool[-1][0]:
            before = len(pool)
            consider(order, dec)
            if len(pool) > before:
                pool.sort(key=lambda x: x[0])
                del pool[population:]
    best = pool[0]
    if best[0][0]:
        return None
    return Result(best[1], best[2], done, best[0][1] <= bound)
