"""Dispatch policies of the simulation: the plug-in protocol and the four built-in policies.

Each built-in policy asks the library's own dispatching for its teams — the matching
:func:`hosplogi.scheduling.team_for`, :func:`hosplogi.scheduling.recommend` or
:func:`hosplogi.scheduling.assign` — so who may work on a job is decided by
:meth:`hosplogi.crews.Technician.may_work` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from typing import Literal, Protocol, get_args

from hosplogi.crews import SkillRequirement, Technician
from hosplogi.errors import HosplogiError, InfeasibleError
from hosplogi.orders import WorkOrder
from hosplogi.scheduling import assign, recommend, team_for
from hosplogi.scheduling.dispatch import first_choice

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


_ID = attrgetter("id")


def _urgent_first(waiting: Sequence[WorkOrder]) -> list[WorkOrder]:
    return sorted(waiting, key=lambda o: (o.priority.rank, o.reported_at))


class _MayWork:
    """:meth:`Technician.may_work` answers for one day, kept per requirement and technician.

    A dispatch pass asks about the same few requirements and people again and again; the answers
    change only with the day (certificates expire by the day). Requirements are frozen values,
    kept by value (the demand streams repeat a few of them); technicians are told apart by
    identity and held while the day lasts, so an answer is never read for another object. Per
    requirement the people asked about and those who may are kept as sets, so that a pass finds
    who is able among the free by set operations and asks :meth:`~Technician.may_work` only
    about people not asked before that day.
    """

    def __init__(self) -> None:
        self.day: date | None = None
        self.held: dict[int, Technician] = {}  # the people asked about today, by identity
        # requirement → (id(technician) asked about, id(technician) → id of who may)
        self.answers: dict[SkillRequirement, tuple[set[int], dict[int, str]]] = {}

    def able(
        self, req: SkillRequirement, free: Sequence[Technician], idents: set[int], day: date
    ) -> set[str]:
        """The ids of the people in `free` who may fill `req` on `day` (`idents`: their ``id``)."""
        if day != self.day:
            self.day, self.held, self.answers = day, {}, {}
        known = self.answers.get(req)
        if known is None:
            known = self.answers[req] = (set(), {})
        asked, yes = known
        if not asked >= idents:
            for tech in free:
                if id(tech) not in asked:
                    asked.add(id(tech))
                    self.held[id(tech)] = tech
                    if tech.may_work(req, day):
                        yes[id(tech)] = tech.id
        return {yes[k] for k in idents.intersection(yes)}


def _in_turn(
    orders: Sequence[WorkOrder],
    free: Sequence[Technician],
    day: date,
    may_work: _MayWork,
    pick: Callable[[WorkOrder, list[Technician]], tuple[str, ...] | None],
) -> list[Assignment]:
    """Staff `orders` one after another from whoever is still free and able.

    `pick` gets the people still free who may fill some requirement of the order, in the order
    of `free`: the matching and :func:`scheduling.recommend` ignore everyone else and break ties
    by position, so they choose the same team from these people as from all who are free. An
    order some requirement of which has too few such people has no team and is passed over; a
    one-person order only one person may take gets that person.
    """
    left = list(free)
    left_ids = set(map(_ID, left))
    idents = set(map(id, free))
    able: dict[int, set[str]] = {}  # id(requirement) → who may fill it; `orders` hold them
    chosen: list[Assignment] = []
    for order in orders:
        if not left:
            break
        needs = order.needs
        wanted: set[str] = set()
        for req in needs:
            key = id(req)
            if key not in able:
                able[key] = may_work.able(req, free, idents, day)
            here = able[key] & left_ids
            if len(here) < req.count:
                break
            wanted |= here
        else:
            if len(needs) == 1 and needs[0].count == 1 and len(wanted) == 1:
                team: tuple[str, ...] | None = tuple(wanted)
            else:
                team = pick(order, [t for t in left if t.id in wanted])
            if team:
                chosen.append((order.id, team))
                left = [t for t in left if t.id not in team]
                left_ids.difference_update(team)
    return chosen


@dataclass
class _Greedy:
    """First come first served (``fifo``) or most urgent first (``priority``).

    The matching gets each order's :attr:`~hosplogi.orders.WorkOrder.needs`.
    """

    by_priority: bool
    may_work: _MayWork = field(default_factory=_MayWork, repr=False, compare=False)

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]:
        day = now.date()
        queue = _urgent_first(waiting) if self.by_priority else waiting
        return _in_turn(
            queue,
            free,
            day,
            self.may_work,
            lambda order, left: team_for(order.needs, left, on=day),
        )


@dataclass
class _Recommend:
    """Most urgent first, each order given the top team of :func:`scheduling.recommend`.

    A one-person order gets :func:`scheduling.dispatch.first_choice`, the same person without
    building the recommendation.
    """

    may_work: _MayWork = field(default_factory=_MayWork, repr=False, compare=False)

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]:
        def best(order: WorkOrder, left: list[Technician]) -> tuple[str, ...] | None:
            needs = order.needs
            if len(needs) == 1 and needs[0].count == 1:  # everyone in `left` may and is free
                first = first_choice(needs[0], left, zone=order.location)
                return (first.id,) if first else None
            try:
                top = recommend(order, left, now=now, k=1)
            except InfeasibleError:  # nobody free now can staff it; it waits
                return None
            return tuple(top[0].technician_ids) if top else None

        return _in_turn(_urgent_first(waiting), free, now.date(), self.may_work, best)


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
