"""Building the candidate teams :func:`hosplogi.scheduling.recommend` scores.

A candidate is ``(solo score, technician index, member score, reasons, free at)``; a team is one
tuple of candidates per requirement. :func:`team_combos` enumerates shortlisted teams (at most
:data:`MAX_COMBOS`), :func:`matched_teams` builds teams by min-cost flow when requirements compete
for the same people, and :func:`score_team` keeps the best score per set of people.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import combinations, product
from typing import Any

import networkx as nx

from hosplogi.crews import SkillRequirement, Technician

__all__ = ["MAX_COMBOS", "best_teams", "matched_teams", "score_team", "team_combos"]

MAX_COMBOS = 4096


def score_team(
    combo: tuple[tuple[Any, ...], ...],
    best: dict[frozenset[int], tuple[float, tuple[str, ...], tuple[tuple[Any, ...], ...]]],
    technicians: Sequence[Technician],
    wait_rate: float,
    now: datetime,
) -> None:
    members = [m for group in combo for m in group]
    idxs = frozenset(m[1] for m in members)
    if len(idxs) != len(members):
        return
    ready = max(m[4] for m in members)
    score = sum(m[2] for m in members) / len(members)
    score -= wait_rate * (ready - now).total_seconds() / 3600
    if idxs in best and best[idxs][0] >= score:
        return
    best[idxs] = (score, tuple(technicians[m[1]].id for m in members), combo)


def matched_teams(
    reqs: Sequence[SkillRequirement], everyone: Sequence[Sequence[Any]]
) -> list[tuple[tuple[Any, ...], ...]]:
    """The best team by min-cost flow, then one more team per member of it, that member banned.

    Used when several requirements compete for the same people, so that the shortlists hold no
    team of distinct people (the first step of Murty's k-best assignments). Each requirement
    keeps its ``T + 1`` best candidates, ``T`` the team's size: the other requirements use at
    most ``T - 1`` people and one more is banned, so a best team never needs anyone further down.
    """
    total = sum(r.count for r in reqs)
    everyone = [cands[: total + 1] for cands in everyone]

    def solve_with(banned: set[int]) -> tuple[tuple[Any, ...], ...] | None:
        graph = nx.DiGraph()
        for g, (req, cands) in enumerate(zip(reqs, everyone, strict=True)):
            graph.add_edge("source", ("req", g), capacity=req.count, weight=0)
            for c in cands:
                if c[1] not in banned:
                    cost = -round(c[0] * 1000)
                    graph.add_edge(("req", g), ("tech", c[1]), capacity=1, weight=cost)
                    graph.add_edge(("tech", c[1]), "sink", capacity=1, weight=0)
        if not graph.has_node("sink"):
            return None
        flow = nx.max_flow_min_cost(graph, "source", "sink")
        if sum(flow["source"].values()) < total:
            return None
        combo = []
        for g, cands in enumerate(everyone):
            chosen = {node[1] for node, f in flow[("req", g)].items() if f > 0}
            combo.append(tuple(c for c in cands if c[1] in chosen))
        return tuple(combo)

    first = solve_with(set())
    if first is None:
        return []
    teams = [first]
    for group in first:
        for member in group:
            other = solve_with({member[1]})
            if other is not None:
                teams.append(other)
    return teams


def team_combos(
    reqs: Sequence[SkillRequirement], shortlists: Sequence[Sequence[Any]]
) -> Iterable[tuple[tuple[Any, ...], ...]]:
    """Every choice of `count` shortlisted people per requirement (a cartesian product).

    Shortlists are trimmed (the longest first, keeping the best-scored people) until the product
    has at most 4096 teams, so an order with many requirements stays fast.
    """
    lists = [list(s) for s in shortlists]

    def size() -> int:
        total = 1
        for req, s in zip(reqs, lists, strict=True):
            total *= math.comb(len(s), req.count)
        return total

    while size() > MAX_COMBOS:
        longest = max(range(len(lists)), key=lambda i: len(lists[i]) - reqs[i].count)
        if len(lists[longest]) <= reqs[longest].count:
            break
        lists[longest].pop()
    shortlists = lists
    per_req = [list(combinations(s, req.count)) for req, s in zip(reqs, shortlists, strict=True)]
    return product(*per_req)


def best_teams(
    reqs: Sequence[SkillRequirement],
    everyone: Sequence[Sequence[Any]],
    k: int,
    technicians: Sequence[Technician],
    wait_rate: float,
    now: datetime,
) -> dict[frozenset[int], tuple[float, tuple[str, ...], tuple[tuple[Any, ...], ...]]]:
    """The scored teams of distinct people, keyed by their set of people (see :func:`score_team`).

    `everyone` holds each requirement's candidates, best first. Teams come from the
    shortlisted combinations (each requirement's ``count + k + 1`` best); when those give
    fewer than `k` teams of distinct people and several requirements compete, from
    :func:`matched_teams`.
    """
    shortlists = [cands[: req.count + k + 1] for req, cands in zip(reqs, everyone, strict=True)]
    best: dict[frozenset[int], tuple[float, tuple[str, ...], tuple[tuple[Any, ...], ...]]] = {}
    combos: Iterable[tuple[tuple[Any, ...], ...]] = team_combos(reqs, shortlists)
    for attempt in range(2):
        for combo in combos:
            score_team(combo, best, technicians, wait_rate, now)
        if len(best) >= k or attempt or len(reqs) == 1:
            break
        # shortlists of the same people for several requirements: build teams by matching
        combos = matched_teams(reqs, everyone)
    return best
