"""Dispatch policies of the simulation: the plug-in protocol and the four built-in policies.

Each built-in policy asks the library's own dispatching for its teams — the matching
:func:`hosplogi.scheduling.team_for`, :func:`hosplogi.scheduling.recommend` or
:func:`hosplogi.scheduling.assign` — so who may work on a job is decided by
:meth:`hosplogi.crews.Technician.may_work` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from itertools import compress
from operator import or_
from typing import Literal, Protocol, get_args

from hosplogi.crews import SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.orders import WorkOrder
from hosplogi.scheduling import assign, team_for
from hosplogi.scheduling.dispatch import first_choice, first_team, member_fit

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


_MAX_PEOPLE = 1024
"""People :class:`_Answers` numbers before it starts afresh on a new day (the bits of a mask)."""


class _Answers:
    """:meth:`Technician.may_work` answers, as bit masks over numbered people, kept across days;
    and each person's :func:`~hosplogi.scheduling.dispatch.member_fit` once asked for.

    A dispatch pass asks about the same few requirements and people again and again; the answers
    change only with the certificates in force (:meth:`Technician.licences_alike`), so they are
    kept from one day to the next until someone asked about holds other certificates on the new
    day. The people a policy is shown get a number each, by identity, the first time they are
    shown (and are held while the answers are kept, so that a number is never read for another
    object; at most :data:`_MAX_PEOPLE` of them, then they are numbered afresh on the next new
    day); a set of them is then an integer with their bits set, and each person is kept as the
    power of two of their bit. Per requirement (frozen values, kept by value: the demand streams
    repeat a few of them) the people asked about and those who may are two such masks, so that
    a pass finds who is able among the free by integer operations and asks
    :meth:`~Technician.may_work` only about people not asked before. A requirement object met
    before is found by identity (it is held too), without hashing the model. A person's fit for
    a requirement in a zone does not change; it is kept by their bit.
    """

    def __init__(self) -> None:
        self.day: date | None = None
        self.start_afresh()

    def start_afresh(self) -> None:
        """Forget everyone numbered and every answer."""
        self.power: dict[int, int] = {}  # id(technician) → the power of two of their bit
        self.people: list[Technician] = []  # bit → technician
        self.by_id: dict[str, int] = {}  # technician id → power, while no two people share one
        self.ids_unique = True
        self.answers: dict[SkillRequirement, list[int]] = {}  # → [asked, may] masks
        self.seen: dict[int, tuple[SkillRequirement, list[int]]] = {}  # id(requirement) → answers
        # (id(requirement), zone) → (the requirement, power → member fit)
        self.fit: dict[tuple[int, str | None], tuple[SkillRequirement, dict[int, float]]] = {}

    def powers(self, people: Sequence[Technician], day: date) -> list[int]:
        """The bit of each of `people` (numbered on first sight), as a power of two, for asking
        about `day`."""
        if day != self.day:
            last, self.day = self.day, day
            if (
                last is None
                or len(self.people) > _MAX_PEOPLE
                or not all(tech.licences_alike(last, day) for tech in self.people)
            ):
                self.start_afresh()
        power = self.power
        try:
            return list(map(power.__getitem__, map(id, people)))
        except KeyError:  # someone not seen yet
            for tech in people:
                if id(tech) not in power:
                    power[id(tech)] = bit = 1 << len(self.people)
                    self.people.append(tech)
                    self.ids_unique = self.ids_unique and tech.id not in self.by_id
                    self.by_id[tech.id] = bit
            return list(map(power.__getitem__, map(id, people)))

    def able(self, req: SkillRequirement, among: int, day: date) -> int:
        """The mask of those in `among` (numbered by :meth:`powers` on `day`) who may fill `req`."""
        held = self.seen.get(id(req))
        if held is None:
            held = self.seen[id(req)] = (req, self.answers.setdefault(req, [0, 0]))
        answers = held[1]
        asked, may = answers
        new = among & ~asked
        if new:
            answers[0] = asked | new
            while new:
                low = new & -new
                new ^= low
                if self.people[low.bit_length() - 1].may_work(req, day):
                    may |= low
            answers[1] = may
        return may & among

    def fits(self, req: SkillRequirement, zone: str | None, powers: Sequence[int]) -> list[float]:
        """The :func:`member_fit` for `req` in `zone` of the people with these `powers`."""
        held = self.fit.get((id(req), zone))
        if held is None:
            held = self.fit[id(req), zone] = (req, {})
        known = held[1]
        try:
            return list(map(known.__getitem__, powers))
        except KeyError:  # someone not asked about yet
            for p in powers:
                if p not in known:
                    known[p] = member_fit(self.people[p.bit_length() - 1], req, zone)
            return list(map(known.__getitem__, powers))


Pick = Callable[
    [WorkOrder, list[Technician], list[Sequence[int]], list[int]], tuple[str, ...] | None
]
"""How a policy staffs one order: ``pick(order, candidates, able, powers)``, ``able[i]`` the
positions in `candidates` of those who may fill the order's ``i``-th requirement and `powers`
the candidates' bits (see :class:`_Answers`); technician ids or None."""


def _union(powers: Iterable[int]) -> int:
    """The mask of the people whose bits (as powers of two) are `powers`."""
    return reduce(or_, powers, 0)


def _in_turn(
    orders: Sequence[WorkOrder],
    free: Sequence[Technician],
    day: date,
    known: _Answers,
    pick: Pick,
) -> list[Assignment]:
    """Staff `orders` one after another from whoever is still free and able.

    `pick` gets the order, the people still free who may fill some requirement of it, in the
    order of `free` (the matching and :func:`scheduling.recommend` ignore everyone else and
    break ties by position, so they choose the same team from these people as from all who are
    free), and per requirement the positions among them of those who may fill it. An order
    some requirement of which has too few such people has no team and is passed over; a
    one-person order only one person may take gets that person.
    """
    powers = known.powers(free, day)
    left = _union(powers)
    people = known.people
    able: dict[int, int] = {}  # id(requirement) → mask of who may fill it; `orders` hold them
    chosen: list[Assignment] = []
    for order in orders:
        if not left:
            break
        needs = order.needs
        wanted = 0
        masks = []
        for req in needs:
            key = id(req)
            if key not in able:
                able[key] = known.able(req, left, day)
            here = able[key] & left
            if here.bit_count() < req.count:
                break
            masks.append(here)
            wanted |= here
        else:
            if len(needs) == 1 and needs[0].count == 1 and wanted & (wanted - 1) == 0:
                team: tuple[str, ...] | None = (people[wanted.bit_length() - 1].id,)
            else:  # those of `free` whose bit is in `wanted`, in order
                picked = list(map(wanted.__and__, powers))  # non-zero for those wanted
                candidates = list(compress(free, picked))
                among = list(filter(None, picked))
                positions: list[Sequence[int]] = [range(len(candidates))]
                if len(masks) > 1:
                    positions = [[i for i, p in enumerate(among) if m & p] for m in masks]
                team = pick(order, candidates, positions, among)
            if team:
                chosen.append((order.id, team))
                if known.ids_unique:  # the team's ids name its people
                    left &= ~_union(map(known.by_id.__getitem__, team))
                else:  # some id given twice: drop everyone with an id in the team
                    left &= ~_union(p for t, p in zip(free, powers, strict=True) if t.id in team)
    return chosen


@dataclass
class _Greedy:
    """First come first served (``fifo``) or most urgent first (``priority``).

    The matching gets each order's :attr:`~hosplogi.orders.WorkOrder.needs`.
    """

    by_priority: bool
    known: _Answers = field(default_factory=_Answers, repr=False, compare=False)

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]:
        day = now.date()
        queue = _urgent_first(waiting) if self.by_priority else waiting
        return _in_turn(
            queue,
            free,
            day,
            self.known,
            lambda order, left, _, __: team_for(order.needs, left, on=day),
        )


@dataclass
class _Recommend:
    """Most urgent first, each order given the top team of :func:`scheduling.recommend`.

    A one-person order gets :func:`scheduling.dispatch.first_choice` and a team job
    :func:`scheduling.dispatch.first_team`: the same people without building the recommendation.
    """

    known: _Answers = field(default_factory=_Answers, repr=False, compare=False)

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> list[Assignment]:
        def best(
            order: WorkOrder, left: list[Technician], able: list[Sequence[int]], powers: list[int]
        ) -> tuple[str, ...] | None:
            needs = order.needs
            if len(needs) == 1 and needs[0].count == 1:  # everyone in `left` may and is free
                fits = self.known.fits(needs[0], order.location, powers)
                first = first_choice(needs[0], left, zone=order.location, fits=fits)
                return (first.id,) if first else None
            return first_team(needs, left, able, zone=order.location)

        return _in_turn(_urgent_first(waiting), free, now.date(), self.known, best)


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
