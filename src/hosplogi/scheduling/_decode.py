"""The serial schedule-generation scheme of :func:`hosplogi.scheduling.solve`, on plain ints.

An :class:`Instance` is a compiled problem (tasks and technicians by index, minutes); :func:`decode`
turns an activity list into start times and teams; :func:`evaluate` prices the result. Travel,
tasks fixed in place (re-planning) and old placements to keep where possible (anchors) are
optional parts of the instance: without them the decoder runs exactly the plain scheme.

Notation: ``n`` tasks ``0..n-1``; ``m`` technicians ``0..m-1``. A task's requirements are expanded
into *slots*, one per person needed, each with the list of technicians qualified for it, sorted
from the least to the most flexible (fewest skills first), so that the matching keeps the
multi-skilled people (一专多能) free for tasks that need them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from hosplogi.scheduling._matching import match

__all__ = [
    "INF",
    "Cost",
    "Decoded",
    "Instance",
    "Placement",
    "decode",
    "evaluate",
    "mirrored",
    "next_free",
    "next_free_travel",
]

INF = 1 << 60

Cost = tuple[int | tuple[float, int], float, int]
"""(what is left unplaced, objective value, sum of end times) — compared in order. What is left
unplaced is the number of such tasks, or with ``Instance.unplaced_by_weight`` their total weight
then their number (so the least weight is left out, then the fewest tasks)."""

Placement = tuple[int, list[int]]
"""A start and the technician of each slot."""


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
    locations: list[int] = field(default_factory=list)
    """Per task, the index of its location in `travel` (-1: none); empty without travel."""
    travel: list[list[int]] | None = None
    """Dense minutes from location to location; None when no travel time is above zero."""
    blocked: list[bool] | None = None
    """Tasks that can never be placed (left unplaced, with their successors)."""
    fixed: list[Placement | None] | None = None
    """Tasks already under way, kept exactly (re-planning)."""
    anchors: list[Placement | None] | None = None
    """The previous plan's placement of each task, tried first unless the task is loosened."""
    change_penalty: float = 0.0
    """Added to the objective per anchored task whose start or people change."""
    unplaced_by_weight: bool = False
    """Whether leaving tasks out is priced by their weight (``allow_unplaced``), else counted."""


@dataclass(slots=True)
class Decoded:
    """A decoded activity list: start, end and the technician of each slot, per task.

    `placed[i]` is False for a task that found no room in the availability windows left by the
    tasks before it (and for its successors); `missing` counts those tasks. Such a decoding is
    not a complete schedule, but its cost (what is unplaced first) still guides the search.
    """

    starts: list[int]
    ends: list[int]
    teams: list[list[int]]
    placed: list[bool]
    cost: Cost
    missing: int = 0


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
    travel = inst.travel
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
        locations=inst.locations,
        # backwards in time, the walk from A to B is the walk from B to A
        travel=None if travel is None else [list(col) for col in zip(*travel, strict=True)],
        blocked=inst.blocked,
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


def next_free_travel(
    bs: list[int],
    be: list[int],
    bl: list[int],
    ws: list[int] | None,
    we: list[int] | None,
    t: int,
    d: int,
    here: int,
    travel: list[list[int]],
) -> int:
    """:func:`next_free` for a task at location `here` (an index of `travel`, -1 for none).

    `bl` holds the location of each busy interval. The task must start at least the travel time
    after the busy interval before it ends, and end at least the travel time before the busy
    interval after it starts (consecutive tasks only: a task without a location needs no travel).
    """
    if here < 0:
        return next_free(bs, be, ws, we, t, d)
    out = travel[here]
    n_busy = len(be)
    while True:
        # the window scan is next_free's, written out: as a shared helper it made next_free
        # 1.7x slower in this innermost loop of the decoder (measured with timeit)
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
        if i:
            before = bl[i - 1]
            if before >= 0:
                ready = be[i - 1] + travel[before][here]
                if ready > t:
                    # the walk pushes the start to `ready`; if the next busy interval leaves no
                    # room from there, the earliest start lies after that interval instead
                    if i < n_busy:
                        after = bl[i]
                        if bs[i] < ready + d + (out[after] if after >= 0 else 0):
                            t = be[i]
                            continue
                    t = ready
                    continue
        if i < n_busy:
            after = bl[i]
            if bs[i] < t + d + (out[after] if after >= 0 else 0):
                t = be[i]
                continue
        return t


def decode(
    inst: Instance, order: Sequence[int], objective: str, loose: Collection[int] = ()
) -> Decoded:
    """Serial schedule-generation scheme: place tasks in `order` at their earliest feasible start.

    A start is feasible when every predecessor has ended, the release time has passed, and the
    free, on-shift qualified technicians — with time to walk from their previous task and to
    their next — can fill all slots (a matching). A task that cannot be placed inside the
    availability windows left by the tasks before it is marked unplaced. Fixed tasks are placed
    first as given; an anchored task not in `loose` keeps its previous start and people when they
    are still free.
    """
    n = len(inst.durations)
    m = inst.n_techs
    bs: list[list[int]] = [[] for _ in range(m)]
    be: list[list[int]] = [[] for _ in range(m)]
    travel = inst.travel
    locs = inst.locations
    bl: list[list[int]] = [[] for _ in range(m)] if travel is not None else []
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
    blocked = inst.blocked
    fixed = inst.fixed
    anchors = inst.anchors

    def occupy(i: int, t: int, team: list[int]) -> None:
        starts[i] = t
        ends[i] = t + durations[i]
        teams[i] = team
        if durations[i] > 0:
            for k in team:
                pos = bisect_right(bs[k], t)
                bs[k].insert(pos, t)
                be[k].insert(pos, t + durations[i])
                if travel is not None:
                    bl[k].insert(pos, locs[i])

    def free_at(k: int, t: int, d: int, here: int) -> int:
        if travel is None:
            return next_free(bs[k], be[k], ws_all[k], we_all[k], t, d)
        return next_free_travel(bs[k], be[k], bl[k], ws_all[k], we_all[k], t, d, here, travel)

    if fixed is not None:
        for i, held in enumerate(fixed):
            if held is not None:
                occupy(i, held[0], held[1])
    for i in order:
        if fixed is not None and fixed[i] is not None:
            continue
        if blocked is not None and blocked[i]:
            placed[i] = False
            continue
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
        if anchors is not None:
            anchor = anchors[i]
            if anchor is not None and i not in loose and anchor[0] >= t:
                at, old = anchor
                here = locs[i] if travel is not None else -1
                if all(free_at(k, at, d, here) == at for k in old):
                    occupy(i, at, old)
                    continue
        slots = all_slots[i]
        if not slots:
            starts[i] = t
            ends[i] = t + d
            continue
        need = len(slots)
        rel = relevant[i]
        if travel is None:
            fk = [next_free(bs[k], be[k], ws_all[k], we_all[k], t, d) for k in rel]
        else:
            here = locs[i]
            fk = [
                next_free_travel(bs[k], be[k], bl[k], ws_all[k], we_all[k], t, d, here, travel)
                for k in rel
            ]
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
            if travel is None:
                for idx, k in enumerate(rel):
                    if fk[idx] < t:
                        fk[idx] = next_free(bs[k], be[k], ws_all[k], we_all[k], t, d)
            else:
                here = locs[i]
                for idx, k in enumerate(rel):
                    if fk[idx] < t:
                        fk[idx] = next_free_travel(
                            bs[k], be[k], bl[k], ws_all[k], we_all[k], t, d, here, travel
                        )
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
                if travel is not None:
                    bl[k].insert(pos, locs[i])
    cost = evaluate(inst, starts, ends, teams, placed, objective)
    return Decoded(starts, ends, teams, placed, cost, placed.count(False))


def evaluate(
    inst: Instance,
    starts: list[int],
    ends: list[int],
    teams: list[list[int]],
    placed: list[bool],
    objective: str,
) -> Cost:
    """What is unplaced, the objective value (plus change penalties), then the sum of ends."""
    missing = placed.count(False)
    left: int | tuple[float, int] = missing
    if inst.unplaced_by_weight:
        weight = 0.0
        if missing:
            for w, ok in zip(inst.weights, placed, strict=True):
                if not ok:
                    weight += w
        left = (weight, missing)
    if objective == "makespan":
        total = float(max(ends, default=0))
    else:
        total = 0.0
        for e, due, w, ok in zip(ends, inst.dues, inst.weights, placed, strict=True):
            if ok and due is not None and e > due:
                total += w * (e - due)
    if inst.anchors is not None and inst.change_penalty:
        changed = 0
        for i, anchor in enumerate(inst.anchors):
            if anchor is not None and (
                not placed[i]
                or starts[i] != anchor[0]
                or (teams[i] != anchor[1] and sorted(teams[i]) != sorted(anchor[1]))
            ):
                changed += 1
        total += inst.change_penalty * changed
    return (left, total, sum(ends))
