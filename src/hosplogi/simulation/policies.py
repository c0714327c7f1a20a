"""Dispatch policies of the simulation: the plug-in protocol and the four built-in policies.

Each built-in policy asks the library's own dispatching for its teams — the matching
:func:`hosplogi.scheduling.team_for`, :func:`hosplogi.scheduling.recommend` or
:func:`hosplogi.scheduling.assign` — so who may work on a job is decided by
:meth:`hosplogi.crews.Technician.may_work` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol, get_args

from hosplogi.crews import SkillRequirement, Technician
from hosplogi.errors import HosplogiError, InfeasibleError
from hosplogi.orders import WorkOrder
from hosplogi.scheduling import assign, recommend, team_for

__all__ = ["POLICY_NAMES", "Assignment", "Policy", "PolicyName", "named_policy"]

PolicyName = Literal["fifo", "priority", "recommend", "assign"]
"""The names of the built-in policies: the one table, read by the scenario and the command line."""

POLICY_NAMES: tuple[PolicyName, ...] = get_args(PolicyName)
"""``("fifo", "priority", "recommend", "assign")``, in the order the docs list them."""

Assignment = tuple[str, tuple[str, ...]]
"""``(order id, technician ids)``: one dispatch chosen by a policy."""


class Policy(Protocol):
    """A dispatch policy: given the waiting orders and the free technicians, say who goes where.

    `waiting` is in order of report; `free` lists technicians idle and on shift now, the longest
    idle first. Return ``(order id, technician ids)`` pairs; each technician at most once.

    Examples
    --------
    A policy that sends the longest-idle person to the newest order:

    >>> class NewestFirst:
    ...     def choose(self, waiting, free, now):
    ...         return [(waiting[-1].id, (free[0].id,))] if waiting and free else []
    >>> from hosplogi.simulation import Scenario, simulate
    >>> run = simulate(Scenario.mmc(2, 3, 2), days=1, seed=1, policy=NewestFirst())
    >>> run.summary.arrivals > 0
    True
    """

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]: ...


def _urgent_first(waiting: Sequence[WorkOrder]) -> list[WorkOrder]:
    return sorted(waiting, key=lambda o: (o.priority.rank, o.reported_at))


class _Eligible:
    """Who among `free` may fill each requirement on `day` (:meth:`Technician.may_work`), asked
    once per requirement and pass rather than once per waiting order and technician."""

    def __init__(self, free: Sequence[Technician], day: date) -> None:
        self.free = free
        self.day = day
        self.able: dict[SkillRequirement, frozenset[str]] = {}

    def candidates(
        self, needs: Sequence[SkillRequirement], left: list[Technician], left_ids: set[str]
    ) -> list[Technician] | None:
        """The people in `left` able to fill some requirement of `needs`, in `left`'s order; None
        when some requirement has fewer such people than it needs (then no team exists).

        The matching and :func:`scheduling.recommend` ignore everyone else and break ties by
        position, so they choose the same team from these people as from all of `left`.
        """
        wanted: set[str] = set()
        for req in needs:
            able = self.able.get(req)
            if able is None:
                able = frozenset(t.id for t in self.free if t.may_work(req, self.day))
                self.able[req] = able
            here = able & left_ids
            if len(here) < req.count:
                return None
            wanted |= here
        return [t for t in left if t.id in wanted]


def _in_turn(
    orders: Sequence[WorkOrder],
    free: Sequence[Technician],
    day: date,
    pick: Callable[[WorkOrder, list[Technician]], tuple[str, ...] | None],
) -> list[Assignment]:
    """Staff `orders` one after another from whoever is still free and able.

    `pick` gets the people still free who may fill some requirement of the order; an order that
    cannot be staffed from them is passed over without asking `pick`.
    """
    left = list(free)
    left_ids = {t.id for t in left}
    eligible = _Eligible(free, day)
    chosen: list[Assignment] = []
    for order in orders:
        if not left:
            break
        able = eligible.candidates(order.needs, left, left_ids)
        if able is None:
            continue
        team = pick(order, able)
        if team:
            chosen.append((order.id, team))
            left = [t for t in left if t.id not in team]
            left_ids.difference_update(team)
    return chosen


@dataclass
class _Greedy:
    """First come first served (``fifo``) or most urgent first (``priority``).

    Every order the simulation makes lists its requirements (a demand stream's `needs`), so the
    matching gets them as they are.
    """

    by_priority: bool

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]:
        day = now.date()
        queue = _urgent_first(waiting) if self.by_priority else waiting
        return _in_turn(
            queue, free, day, lambda order, left: team_for(order.requirements, left, on=day)
        )


@dataclass
class _Recommend:
    """Most urgent first, each order given the top team of :func:`scheduling.recommend`."""

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]:
        def best(order: WorkOrder, left: list[Technician]) -> tuple[str, ...] | None:
            try:
                top = recommend(order, left, now=now, k=1)
            except InfeasibleError:  # nobody free now can staff it; it waits
                return None
            return tuple(top[0].technician_ids) if top else None

        return _in_turn(_urgent_first(waiting), free, now.date(), best)


@dataclass
class _Batch:
    """Periodic batch assignment by min-cost flow (:func:`scheduling.assign`)."""

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]:
        plan = assign(list(waiting), list(free), now=now)
        return [(oid, tuple(team)) for oid, team in sorted(plan.items()) if team]


_BUILT_IN: Mapping[PolicyName, Callable[[], Policy]] = {
    "fifo": lambda: _Greedy(by_priority=False),
    "priority": lambda: _Greedy(by_priority=True),
    "recommend": _Recommend,
    "assign": _Batch,
}


def named_policy(name: str) -> Policy:
    """The built-in policy called `name` (one of :data:`POLICY_NAMES`).

    Raises
    ------
    HosplogiError
        If `name` is not a built-in policy.

    Examples
    --------
    >>> type(named_policy("assign")).__name__
    '_Batch'
    """
    for known in POLICY_NAMES:
        if name == known:
            return _BUILT_IN[known]()
    raise HosplogiError(f"unknown policy {name!r}; choose one of {', '.join(POLICY_NAMES)}")
