"""The integer core of :func:`hosplogi.scheduling.assign`: which orders to staff, then with whom.

Orders are indices ``0..n-1`` given most urgent first (priority, then report time); each has a
priority rank and *slots*, one per person needed, each the list of free technicians (indices)
who may fill it. Two steps:

1. :func:`choose` picks the set of orders to staff. An order is staffed whole or not at all, and
   the set must be matchable: every slot of every chosen order gets a distinct technician. Among
   such sets it maximises the number of orders of the highest rank, then of the next, and so on
   (lexicographically). Orders of one slot form a matroid (a transversal matroid, contracted by
   the slots of the chosen multi-slot orders), for which taking them greedily, most urgent
   first, is exact; the multi-slot orders are chosen by a depth-first branch and bound over
   include/exclude, the greedy singles completing each branch and bounding it.
2. :func:`cheapest_teams` picks the people for the chosen orders: a min-cost flow (networkx)
   that fills every slot at the least total cost.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import networkx as nx

from hosplogi.scheduling._matching import augment

__all__ = ["Choice", "cheapest_teams", "choose"]


_Node = tuple[int, dict[int, int], list[int], list[int], list[int]]
"""A search node: next multi-slot order, matching, orders taken, counts by rank, singles."""


@dataclass(frozen=True, slots=True)
class Choice:
    """The orders chosen (indices, ascending) and whether the search proved the choice best."""

    chosen: list[int]
    exact: bool
    nodes: int


def choose(
    slots_of: Sequence[Sequence[Sequence[int]]],
    ranks: Sequence[int],
    free: Collection[int],
    *,
    n_ranks: int,
    limit: int,
) -> Choice:
    """The set of orders to staff: lexicographically most orders by rank, ties to earlier orders.

    `slots_of[o]` lists the slots of order `o` (each a candidate list); `ranks[o]` is its rank,
    0 the most urgent. The search visits at most `limit` nodes after its first complete choice
    (the greedy one); each node costs one matching pass over the single-slot orders still in
    play. Stopped by the limit, it returns the best choice found with ``exact=False``.

    Examples
    --------
    >>> # order 0 needs people 0 and 1; orders 1 and 2 need 0 and 1 alone, same rank
    >>> choose([[[0], [1]], [[0]], [[1]]], [0, 0, 0], {0, 1}, n_ranks=1, limit=100).chosen
    [1, 2]
    """
    slots: list[Sequence[int]] = []
    ids_of: list[range] = []
    for order in slots_of:
        ids_of.append(range(len(slots), len(slots) + len(order)))
        slots.extend(order)
    always = [o for o, ids in enumerate(ids_of) if not ids]
    singles = [o for o, ids in enumerate(ids_of) if len(ids) == 1]
    multis = [o for o, ids in enumerate(ids_of) if len(ids) > 1]
    # tail[i][r]: multi-slot orders of rank r from position i on (the bound assumes all fit)
    tail = [[0] * n_ranks for _ in range(len(multis) + 1)]
    for i in range(len(multis) - 1, -1, -1):
        tail[i] = tail[i + 1].copy()
        tail[i][ranks[multis[i]]] += 1

    def greedy(owner: dict[int, int], candidates: Sequence[int]) -> list[int]:
        # A single left out here stays out below: more multi-slot orders only shrink its room.
        trial = dict(owner)
        return [o for o in candidates if augment(ids_of[o][0], slots, free, trial)]

    def prefix(counts: Sequence[int]) -> list[int]:
        out, total = [], 0
        for c in counts:
            total += c
            out.append(total)
        return out

    stack: list[_Node] = [(0, {}, [], [0] * n_ranks, greedy({}, singles))]
    best: tuple[list[int], list[int]] | None = None
    nodes = 0
    exact = True
    while stack:
        i, owner, taken, counts, single_got = stack.pop()
        if best is not None and nodes >= limit:
            exact = False
            break
        nodes += 1
        total = counts.copy()
        for o in single_got:
            total[ranks[o]] += 1
        bound = prefix([a + b for a, b in zip(total, tail[i], strict=True)])
        if best is not None and bound <= best[0]:
            continue
        if i == len(multis):
            best = (bound, taken + single_got)
            continue
        o = multis[i]
        stack.append((i + 1, owner, taken, counts, single_got))  # without o, explored second
        trial = dict(owner)
        if all(augment(s, slots, free, trial) for s in ids_of[o]):
            more = counts.copy()
            more[ranks[o]] += 1
            stack.append((i + 1, trial, [*taken, o], more, greedy(trial, single_got)))
    chosen = sorted(always + (best[1] if best is not None else []))
    return Choice(chosen=chosen, exact=exact, nodes=nodes)


def cheapest_teams(
    groups_of: Sequence[Sequence[tuple[int, Sequence[tuple[int, int]]]]],
) -> list[list[list[int]]]:
    """People for every slot of the given orders at the least total cost (min-cost flow).

    `groups_of[o]` lists order `o`'s requirements as ``(count, [(technician, cost), ...])``; the
    result gives, per order and requirement, the technicians (ascending). Each technician fills at
    most one slot. Every slot must be fillable together (as :func:`choose` guarantees).

    Each requirement keeps only its ``T`` cheapest candidates, ``T`` the number of slots of all
    the orders: the others use at most ``T - 1`` people, so one of those ``T`` is always left
    for any slot a dearer person could fill — an exchange that never raises the cost.

    Examples
    --------
    >>> cheapest_teams([[(1, [(0, 5), (1, 1)])], [(1, [(1, 0)])]])
    [[[0]], [[1]]]
    """
    total = sum(count for groups in groups_of for count, _ in groups)
    if total == 0:
        return [[[] for _ in groups] for groups in groups_of]
    graph = nx.DiGraph()
    for o, groups in enumerate(groups_of):
        for g, (count, cands) in enumerate(groups):
            graph.add_edge("source", ("slot", o, g), capacity=count, weight=0)
            for k, cost in sorted(cands, key=lambda c: (c[1], c[0]))[:total]:
                graph.add_edge(("slot", o, g), ("tech", k), capacity=1, weight=cost)
                graph.add_edge(("tech", k), "sink", capacity=1, weight=0)
    graph.nodes["source"]["demand"] = -total
    graph.nodes["sink"]["demand"] = total
    flow = nx.min_cost_flow(graph)
    return [
        [
            sorted(node[1] for node, f in flow[("slot", o, g)].items() if f > 0)
            for g in range(len(groups))
        ]
        for o, groups in enumerate(groups_of)
    ]
