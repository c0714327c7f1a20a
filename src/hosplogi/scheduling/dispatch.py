"""Dispatching now: :func:`recommend` a team for one order, :func:`assign` the open orders at once.

Who may fill a requirement is :meth:`Technician.may_work` on ``now``'s date (skill, level and,
for a licensed trade, a valid certificate — 持证上岗, 003:347), nowhere re-stated here.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hosplogi._checks import guarded
from hosplogi._types import brief, require_aware, require_unique
from hosplogi.crews import CERTIFICATE_RULES, SkillRequirement, Technician
from hosplogi.errors import HosplogiError, InfeasibleError
from hosplogi.orders import Priority, Status, WorkOrder
from hosplogi.scheduling import _assign, _teams
from hosplogi.scheduling._matching import match
from hosplogi.scheduling.models import AssignReport, Recommendation, Unassigned, UnassignedReason
from hosplogi.scheduling.orders import needs
from hosplogi.scheduling.travel import check_travel, travel_minutes

__all__ = ["ASSIGN_SEARCH_LIMIT", "assign", "assign_report", "recommend"]

_WAIT_PENALTY_PER_HOUR: Mapping[Priority, float] = {
    Priority.EMERGENCY: 2.0,
    Priority.URGENT: 1.0,
    Priority.ROUTINE: 0.25,
    Priority.PLANNED: 0.1,
}
_DISPATCHABLE = frozenset({Status.REPORTED})

ASSIGN_SEARCH_LIMIT = 2000
"""Search nodes :func:`assign` may visit after its first complete choice (see its Notes)."""


def _check_dispatch(
    technicians: Sequence[Technician],
    now: datetime,
    busy_until: Mapping[str, datetime] | None,
    load: Mapping[str, int] | None,
) -> None:
    """The checks `recommend` and `assign` share; linear in the technicians and mappings."""
    require_aware(now, "now")
    require_unique((t.id for t in technicians), "technician ids")
    for name, value in (("busy_until", busy_until), ("load", load)):
        if value is not None and not isinstance(value, Mapping):
            raise HosplogiError(
                f"{name} must be a mapping of technician id to a value, got {brief(value)}"
            )
    for tid, at in (busy_until or {}).items():
        require_aware(at, f"busy_until[{tid!r}]")
    for tid, jobs in (load or {}).items():
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
            raise HosplogiError(
                f"load[{tid!r}] must be a whole number of open jobs, zero or more, "
                f"got {brief(jobs)}"
            )


def _why_not(
    req: SkillRequirement,
    technicians: Sequence[Technician],
    rules: Mapping[str, str],
    day: date,
) -> str:
    kind = rules.get(req.skill)
    skilled = [t for t in technicians if t.can_fill(req)]
    ok = [t.id for t in skilled if t.may_work(req, day, rules)]
    text = f"{req.count} × {req.skill} at level ≥ {req.level}"
    if kind is not None:
        text += f" with a valid {kind} certificate on {day}"
        unlicensed = [t.id for t in skilled if not t.may_work(req, day, rules)]
        if unlicensed:
            text += f" (no valid certificate: {', '.join(unlicensed[:10])})"
    return f"{text}; eligible: {', '.join(ok[:10]) or 'nobody'}"


def member_fit(tech: Technician, req: SkillRequirement, zone: str | None, load: int = 0) -> float:
    """How well `tech` fits `req` as a member of a team :func:`recommend` scores, before waiting.

    1, minus 0.05 per level above the one required and 0.02 per extra skill, plus 0.3 when the
    technician's zone is `zone`, minus 0.1 per open job (`load`). Whether `tech` may work on
    `req` at all is not checked here.

    Examples
    --------
    >>> t = Technician(id="M1", skills={"plumbing": 3, "hvac": 1}, zone="A")
    >>> round(member_fit(t, SkillRequirement(skill="plumbing"), zone="A"), 2)
    1.18
    """
    level = tech.level(req.skill)
    score = 1.0 - 0.05 * (level - req.level) - 0.02 * (len(tech.skills) - 1) - 0.1 * load
    if zone is not None and tech.zone is not None and tech.zone == zone:
        score += 0.3
    return score


def first_choice(
    req: SkillRequirement,
    able: Sequence[Technician],
    *,
    zone: str | None,
    fits: Sequence[float] | None = None,
) -> Technician | None:
    """The person ``recommend(order, able, now=now, k=1)`` proposes for a one-person order.

    For an order whose :func:`~hosplogi.scheduling.orders.needs` are `req` alone with count 1
    and `zone` its location, when everyone in `able` may work on `req` on ``now``'s date and is
    free now, with no load, no positions and no travel given: then every candidate's score is
    its :func:`member_fit`, :func:`recommend` shortlists the best ``count + k + 1 = 3`` by score
    and position, and proposes the best of them by score and id. The same answer without the
    checks, the reasons and the model (a simulated dispatcher asks this thousands of times);
    ``tests/test_simulation_fastpath.py`` checks it against :func:`recommend`. None if `able` is
    empty. Linear in `able`. `fits`, when given, are the :func:`member_fit` of each of `able`
    for `req` and `zone` (a caller asking again and again may keep them).

    Examples
    --------
    >>> techs = [Technician(id="B", skills={"hvac": 2}), Technician(id="A", skills={"hvac": 2})]
    >>> first_choice(SkillRequirement(skill="hvac"), techs, zone=None).id
    'A'
    """
    if not able:
        return None
    scores = [member_fit(tech, req, zone) for tech in able] if fits is None else fits
    top = max(scores)
    shortlist = [tech for tech, score in zip(able, scores, strict=True) if score == top][:3]
    return min(shortlist, key=lambda tech: tech.id)


def first_team(
    reqs: Sequence[SkillRequirement],
    people: Sequence[Technician],
    able: Sequence[Sequence[int]],
    *,
    zone: str | None,
) -> tuple[str, ...] | None:
    """The team ``recommend(order, people, now=now, k=1)`` proposes, as technician ids.

    For an order whose :func:`~hosplogi.scheduling.orders.needs` are `reqs` and `zone` its
    location, when ``able[i]`` lists, in increasing order, the positions in `people` of those
    who may work on ``reqs[i]`` on ``now``'s date, and everyone in `people` is free now, with
    no load, no positions and no travel given: then every candidate's score is its
    :func:`member_fit`, no one waits, and :func:`recommend` ranks the same teams. The same
    answer without the checks, the reasons and the models (a simulated dispatcher asks this
    for every team job); ``tests/test_simulation_fastpath.py`` checks it against
    :func:`recommend`. None where :func:`recommend` finds no team.

    Examples
    --------
    >>> techs = [Technician(id="E", skills={"electrical": 2}),
    ...          Technician(id="P", skills={"plumbing": 2, "electrical": 1})]
    >>> reqs = (SkillRequirement(skill="electrical"), SkillRequirement(skill="plumbing"))
    >>> first_team(reqs, techs, [[0, 1], [1]], zone=None)
    ('E', 'P')
    """
    everyone = []
    for req, positions in zip(reqs, able, strict=True):
        if len(positions) < req.count:
            return None
        cands = []
        for i in positions:
            fit = member_fit(people[i], req, zone)
            cands.append((fit, i, fit, (), _NO_WAIT))
        cands.sort(key=_best_first)
        everyone.append(cands)
    best = _teams.best_teams(reqs, everyone, 1, people, 0.0, _NO_WAIT)
    if not best:
        return None
    return min(best.values(), key=_top)[1]


def _best_first(cand: tuple[Any, ...]) -> tuple[float, int]:
    """Candidates by solo score, best first, then by position."""
    return -cand[0], cand[1]


def _top(team: tuple[float, tuple[str, ...], Any]) -> tuple[float, tuple[str, ...]]:
    """Teams by score, best first, then by their ids."""
    return -team[0], team[1]


_NO_WAIT = datetime(2000, 1, 1, tzinfo=UTC)
"""Free-at and now for :func:`first_team`: the same instant, so that no one waits."""


def _member_score(
    tech: Technician, req: SkillRequirement, zone: str | None, load: int
) -> tuple[float, list[str]]:
    score = member_fit(tech, req, zone, load)
    reasons = [f"{tech.id} fills {req.skill}: level {tech.level(req.skill)} (needs ≥ {req.level})"]
    if zone is not None and tech.zone is not None:
        if tech.zone == zone:
            reasons.append(f"{tech.id} works in zone {zone}, the order's zone")
        else:
            reasons.append(f"{tech.id} works in zone {tech.zone}, not the order's zone {zone}")
    if load:
        reasons.append(f"{tech.id} has {load} job(s) open")
    return score, reasons


@guarded
def recommend(
    order: WorkOrder,
    technicians: Sequence[Technician],
    *,
    now: datetime,
    busy_until: Mapping[str, datetime] | None = None,
    k: int = 3,
    load: Mapping[str, int] | None = None,
    zone: str | None = None,
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
    positions: Mapping[str, str] | None = None,
    travel: Mapping[str, Mapping[str, int]] | None = None,
    default_travel: int = 0,
) -> list[Recommendation]:
    """Return up to `k` teams for `order`, best first, each with a score and its reasons.

    A team fills every requirement of the order (one person of the order's trade when it lists
    none) with distinct technicians having the skill at the level — and, for a licensed skill in
    `certificate_rules`, a certificate valid on ``now``'s date (持证上岗, 003:347): a technician
    whose certificate has expired is never proposed for that skill. Each member scores 1, minus 0.05
    per level above the one required and 0.02 per extra skill (keep experts and multi-skilled
    people free), plus 0.3 in the order's zone (区域化管理, 003:315), minus 0.1 per open job; the
    team's score is its members' mean minus a waiting penalty per hour until the whole team is
    on site (2 for an emergency, 1 urgent, 0.25 routine, 0.1 planned): a member is on site when
    free (`busy_until`) plus the travel time from where they are (`positions`) to the order's
    location.

    Parameters
    ----------
    order : WorkOrder
    technicians : sequence of Technician
    now : datetime
        Timezone-aware; never read from the clock.
    busy_until : mapping of technician id to datetime, optional
        When each busy technician becomes free; absent or past means free now.
    k : int
        How many teams to return, at least 1.
    load : mapping of technician id to int, optional
        Open jobs per technician.
    zone : str, optional
        The order's service zone; defaults to ``order.location``.
    certificate_rules : mapping of skill to certificate kind
        Defaults to :data:`CERTIFICATE_RULES`.
    positions : mapping of technician id to location, optional
        Where each technician is (or will be when free); a technician not listed needs no travel.
    travel : mapping of location to mapping of location to minutes, optional
        As ``Problem.travel``: minutes from one location to another; pairs not listed take
        `default_travel`, the same location takes 0.
    default_travel : int
        Minutes for a pair of locations that `travel` does not list (0 to 10,080).

    Returns
    -------
    list of Recommendation
        ``available_at`` is when the whole team can be on site.

    Raises
    ------
    InfeasibleError
        When no team can be formed; the message names the skill and who lacks a certificate.

    Examples
    --------
    >>> from datetime import date, datetime, timedelta, timezone
    >>> from hosplogi import Certificate, Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> order = WorkOrder.report(id="WO-7", title="Lift stuck", trade="lifts",
    ...     priority=Priority.EMERGENCY, reported_at=t0, location="A")
    >>> techs = [
    ...     Technician(id="L1", skills={"lifts": 3}, zone="A",
    ...                certificates=(Certificate(kind="lift", expires_on=date(2027, 1, 1)),)),
    ...     Technician(id="L2", skills={"lifts": 4}, zone="B",
    ...                certificates=(Certificate(kind="lift", expires_on=date(2026, 1, 1)),)),
    ...     Technician(id="L3", skills={"lifts": 2, "electrical": 2}, zone="B",
    ...                certificates=(Certificate(kind="lift"),))]
    >>> recs = recommend(order, techs, now=t0, busy_until={"L1": t0 + timedelta(minutes=30)})
    >>> [(r.technician_ids, round(r.score, 2)) for r in recs]
    [(('L3',), 0.93), (('L1',), 0.2)]
    >>> for reason in recs[1].reasons:
    ...     print(reason)
    L1 fills lifts: level 3 (needs ≥ 1)
    L1 holds a valid lift certificate
    L1 works in zone A, the order's zone
    L1 is busy until 09:30 (30 min)
    """
    _check_dispatch(technicians, now, busy_until, load)
    if isinstance(k, bool) or not isinstance(k, int):
        raise HosplogiError(f"k must be a whole number, at least 1, got {brief(k)}")
    if k < 1:
        raise HosplogiError(f"k must be at least 1, got {k}")
    matrix, default_walk = check_travel(travel, default_travel)
    if positions is not None and not isinstance(positions, Mapping):
        raise HosplogiError(
            f"positions must be a mapping of technician id to location, got {brief(positions)}"
        )
    places = positions or {}
    for tid, place in places.items():
        if not isinstance(place, str):
            raise HosplogiError(f"positions[{tid!r}] must be a location name, got {brief(place)}")
    day = now.date()
    busy = busy_until or {}
    loads = load or {}
    where = zone if zone is not None else order.location
    reqs = needs(order)
    wait_rate = _WAIT_PENALTY_PER_HOUR[order.priority]
    # per requirement, best first: (solo score, tech, member score, reasons, free_at)
    everyone: list[list[tuple[float, int, float, list[str], datetime]]] = []
    for req in reqs:
        kind = certificate_rules.get(req.skill)
        cands = []
        for idx, tech in enumerate(technicians):
            if not tech.may_work(req, day, certificate_rules):
                continue
            score, reasons = _member_score(tech, req, where, loads.get(tech.id, 0))
            if kind is not None:
                reasons.insert(1, f"{tech.id} holds a valid {kind} certificate")
            free_at = busy.get(tech.id, now)
            if free_at > now:
                minutes = math.ceil((free_at - now).total_seconds() / 60)
                reasons.append(f"{tech.id} is busy until {free_at:%H:%M} ({minutes} min)")
            else:
                free_at = now
                reasons.append(f"{tech.id} is free now")
            here = places.get(tech.id)
            if here is not None:
                walk = travel_minutes(matrix, default_walk, here, order.location)
                free_at += timedelta(minutes=walk)
                if walk:
                    reasons.append(
                        f"{tech.id} is at {here}, {walk} min from {order.location}: on site at "
                        f"{free_at:%H:%M}"
                    )
                elif here == order.location:
                    reasons.append(f"{tech.id} is already at {here}")
            solo = score - wait_rate * (free_at - now).total_seconds() / 3600
            cands.append((solo, idx, score, reasons, free_at))
        if len(cands) < req.count:
            raise InfeasibleError(
                f"no team for order {order.id!r}: it needs "
                f"{_why_not(req, technicians, certificate_rules, day)}"
            )
        cands.sort(key=_best_first)
        everyone.append(cands)
    best = _teams.best_teams(reqs, everyone, k, technicians, wait_rate, now)
    if not best:
        raise InfeasibleError(
            f"no team for order {order.id!r}: its requirements "
            f"({', '.join(f'{r.count} × {r.skill} at level ≥ {r.level}' for r in reqs)}) "
            "cannot be filled by distinct eligible technicians"
        )
    ranked = sorted(best.values(), key=_top)[:k]
    out = []
    for score, ids, combo in ranked:
        members = [m for group in combo for m in group]
        roles = {}
        for req, group in zip(reqs, combo, strict=True):
            for m in group:
                roles[technicians[m[1]].id] = req.skill
        out.append(
            Recommendation(
                technician_ids=ids,
                score=score,
                reasons=tuple(r for m in members for r in m[3]),
                roles=roles,
                available_at=max(m[4] for m in members),
            )
        )
    return out


def _fit_cost(tech: Technician, req: SkillRequirement, zone: str | None, load: int) -> int:
    fit = 2 * (tech.level(req.skill) - req.level) + (len(tech.skills) - 1)
    if zone is not None and tech.zone is not None and tech.zone != zone:
        fit += 3
    return 1000 * fit + load


@guarded
def assign(
    orders: Iterable[WorkOrder],
    technicians: Sequence[Technician],
    *,
    now: datetime,
    busy_until: Mapping[str, datetime] | None = None,
    load: Mapping[str, int] | None = None,
    zones: Mapping[str, str] | None = None,
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
    search_limit: int = ASSIGN_SEARCH_LIMIT,
) -> dict[str, tuple[str, ...]]:
    """Assign open orders to free technicians at once, covering as many urgent orders as possible.

    The assignment of :func:`assign_report` (same arguments, one implementation), as a plain
    mapping; the report also says why each order left out stayed unassigned.

    Returns
    -------
    dict of order id to technician ids
        Only the orders fully staffed, most urgent first; per order the people of its first
        requirement (by id), then of the next, and so on.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from hosplogi import Priority, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> def report(i, trade, priority):
    ...     return WorkOrder.report(id=i, title=i, trade=trade, priority=priority,
    ...                             reported_at=t0, location="A")
    >>> orders = [report("WO-1", "plumbing", Priority.ROUTINE),
    ...           report("WO-2", "plumbing", Priority.EMERGENCY),
    ...           report("WO-3", "hvac", Priority.URGENT)]
    >>> techs = [Technician(id="P1", skills={"plumbing": 2}),
    ...          Technician(id="M1", skills={"plumbing": 1, "hvac": 1})]
    >>> assign(orders, techs, now=t0)
    {'WO-2': ('P1',), 'WO-3': ('M1',)}
    """
    report = assign_report(
        orders,
        technicians,
        now=now,
        busy_until=busy_until,
        load=load,
        zones=zones,
        certificate_rules=certificate_rules,
        search_limit=search_limit,
    )
    return dict(report.assignment)


@guarded
def assign_report(
    orders: Iterable[WorkOrder],
    technicians: Sequence[Technician],
    *,
    now: datetime,
    busy_until: Mapping[str, datetime] | None = None,
    load: Mapping[str, int] | None = None,
    zones: Mapping[str, str] | None = None,
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
    search_limit: int = ASSIGN_SEARCH_LIMIT,
) -> AssignReport:
    """Assign open orders to free technicians at once, and say why the others stayed unassigned.

    An order is staffed whole or not at all: every slot of every requirement (one person of the
    order's trade when it lists none) gets a distinct free technician who
    :meth:`~hosplogi.crews.Technician.may_work` on it on ``now``'s date. Among all such
    assignments it covers the most emergencies, then — among those — the most urgent orders, then
    routine, then planned (lexicographically by priority); among equally good sets of orders,
    earlier ones (by priority, then report time, then id) are preferred. The people for the chosen
    orders are then the cheapest by a min-cost flow (networkx), a person's cost on a slot being
    ``1000 × fit + open jobs``, where fit counts two per level above the one required, one per
    extra skill (keep the multi-skilled free) and three for a zone other than the order's.

    Only orders in ``REPORTED`` status are assigned (the rest are already dispatched, under way or
    finished; their ids are listed in ``skipped``).

    Parameters
    ----------
    orders : iterable of WorkOrder
        Ids must be unique.
    technicians : sequence of Technician
        Ids must be unique.
    now : datetime
        Timezone-aware.
    busy_until : mapping of technician id to datetime, optional
        Timezone-aware; a technician busy after ``now`` is not free.
    load : mapping of technician id to int, optional
        Open jobs per technician (zero or more).
    zones : mapping of order id to zone, optional
        Defaults to each order's ``location``.
    certificate_rules : mapping of skill to certificate kind
    search_limit : int
        Search nodes allowed after the first complete choice (default
        :data:`ASSIGN_SEARCH_LIMIT`); see Notes.

    Returns
    -------
    AssignReport
        ``assignment`` (as :func:`assign` returns it), ``unassigned`` (each open order left out,
        with its reason: nobody qualified, nobody free, or outranked by the orders named),
        ``skipped`` and ``exact``.

    Raises
    ------
    HosplogiError
        A naive or non-datetime `now` or `busy_until` value, repeated order or technician ids, a
        negative or non-integer load or search limit.

    Notes
    -----
    Orders needing one person each are chosen exactly by a greedy matching (they form a matroid);
    orders needing several people are chosen by a branch and bound that visits at most
    `search_limit` nodes after the first complete choice, each node costing one matching pass
    (augmenting paths) over the one-person orders still in play. When the limit stops it, the best
    choice found is returned and ``exact`` is False. Candidate lists are cut to the number of
    slots of all the orders (an exchange argument keeps every choice feasible), so the work grows
    linearly with the number of technicians.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from hosplogi import Priority, SkillRequirement, WorkOrder
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> a = WorkOrder.report(id="A", title="Burst main", trade="plumbing", location="W1",
    ...     priority=Priority.EMERGENCY, reported_at=t0,
    ...     requirements=(SkillRequirement(skill="plumbing", count=2),))
    >>> c = WorkOrder.report(id="C", title="Cold ward", trade="hvac", location="W2",
    ...     priority=Priority.ROUTINE, reported_at=t0,
    ...     requirements=(SkillRequirement(skill="plumbing"), SkillRequirement(skill="hvac")))
    >>> staff = [Technician(id="P1", skills={"plumbing": 2}),
    ...          Technician(id="H1", skills={"hvac": 2})]
    >>> report = assign_report([a, c], staff, now=t0)
    >>> dict(report.assignment)
    {'C': ('P1', 'H1')}
    >>> [(u.order_id, u.reason.value) for u in report.unassigned]
    [('A', 'nobody_qualified')]
    """
    _check_dispatch(technicians, now, busy_until, load)
    if isinstance(search_limit, bool) or not isinstance(search_limit, int) or search_limit < 0:
        raise HosplogiError(
            f"search_limit must be a whole number of search nodes, zero or more, "
            f"got {brief(search_limit)}"
        )
    given = list(orders)
    require_unique((o.id for o in given), "order ids")
    day = now.date()
    busy = busy_until or {}
    loads = load or {}
    where = zones or {}
    if not isinstance(where, Mapping):
        raise HosplogiError(f"zones must be a mapping of order id to zone, got {brief(zones)}")
    free = {k for k, t in enumerate(technicians) if busy.get(t.id, now) <= now}
    todo = sorted(
        (o for o in given if o.status in _DISPATCHABLE),
        key=lambda o: (o.priority.rank, o.reported_at, o.id),
    )
    skipped = tuple(o.id for o in given if o.status not in _DISPATCHABLE)
    able: dict[tuple[str, int], list[int]] = {}  # (skill, level) → who may work on it today
    groups: list[list[tuple[SkillRequirement, list[int]]]] = []
    for order in todo:
        order_groups = []
        for req in needs(order):
            key = (req.skill, req.level)
            if key not in able:
                able[key] = [
                    k for k, t in enumerate(technicians) if t.may_work(req, day, certificate_rules)
                ]
            order_groups.append((req, able[key]))
        groups.append(order_groups)
    total_slots = sum(req.count for order_groups in groups for req, _ in order_groups)

    cheapest: dict[tuple[str | None, str, int, bool], list[tuple[int, int]]] = {}

    def priced(o: int, req: SkillRequirement, only_free: bool) -> list[tuple[int, int]]:
        """The `total_slots` cheapest people for `req` of order `o`, as (person, cost)."""
        zone = where.get(todo[o].id, todo[o].location)
        key = (zone, req.skill, req.level, only_free)
        if key not in cheapest:  # orders share zones and requirements: price each pair once
            costs = (
                (k, _fit_cost(technicians[k], req, zone, loads.get(technicians[k].id, 0)))
                for k in able[req.skill, req.level]
                if not only_free or k in free
            )
            cheapest[key] = heapq.nsmallest(total_slots, costs, key=lambda c: (c[1], c[0]))
        return cheapest[key]

    def slots_of(o: int, only_free: bool) -> list[list[int]]:
        out: list[list[int]] = []
        for req, _ in groups[o]:
            out.extend([[k for k, _ in priced(o, req, only_free)]] * req.count)
        return out

    unassigned: dict[int, Unassigned] = {}
    staffable: list[int] = []
    for o, order in enumerate(todo):
        if match(slots_of(o, False), range(len(technicians))) is None:
            missing = [
                _why_not(req, technicians, certificate_rules, day)
                for req, cands in groups[o]
                if len(cands) < req.count
            ]
            detail = "; ".join(missing) or (
                "its requirements cannot be filled by distinct eligible technicians"
            )
            unassigned[o] = Unassigned(
                order_id=order.id, reason=UnassignedReason.NOBODY_QUALIFIED, detail=detail
            )
        elif match(slots_of(o, True), free) is None:
            unassigned[o] = Unassigned(
                order_id=order.id,
                reason=UnassignedReason.NOBODY_FREE,
                detail="the technicians who may do it are busy at "
                f"{now:%Y-%m-%d %H:%M} (busy_until)",
            )
        else:
            staffable.append(o)
    choice = _assign.choose(
        [slots_of(o, True) for o in staffable],
        [todo[o].priority.rank for o in staffable],
        free,
        n_ranks=len(Priority),
        limit=search_limit,
    )
    chosen = [staffable[c] for c in choice.chosen]
    teams = _assign.cheapest_teams(
        [[(r.count, priced(o, r, True)) for r, _ in groups[o]] for o in chosen]
    )
    assignment = {
        todo[o].id: tuple(
            i for team in order_teams for i in sorted(technicians[k].id for k in team)
        )
        for o, order_teams in zip(chosen, teams, strict=True)
    }
    holder = {
        k: todo[o].id
        for o, order_teams in zip(chosen, teams, strict=True)
        for team in order_teams
        for k in team
    }
    for o in set(staffable) - set(chosen):
        wanted = {k for _, cands in groups[o] for k in cands}
        unassigned[o] = Unassigned(
            order_id=todo[o].id,
            reason=UnassignedReason.OUTRANKED,
            detail="the free technicians who may do it staff orders that rank before it",
            taken_by=tuple(sorted({holder[k] for k in wanted if k in holder})),
        )
    return AssignReport(
        assignment=assignment,
        unassigned=tuple(unassigned[o] for o in sorted(unassigned)),
        skipped=skipped,
        exact=choice.exact,
    )
