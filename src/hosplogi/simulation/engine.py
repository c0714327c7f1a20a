"""The discrete-event engine behind :func:`hosplogi.simulation.simulate`.

Time inside the engine is float minutes from local midnight of the scenario's start date; every
order event is recorded through the real :class:`~hosplogi.orders.WorkOrder` lifecycle methods.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from hosplogi._types import brief
from hosplogi.calendars import BusinessCalendar, china_official_years
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, HoldReason, Priority, Source, WorkOrder
from hosplogi.simulation._clock import Clock, EventLoop, on_shift, shift_overlap, shift_windows
from hosplogi.simulation._log import OrderLog
from hosplogi.simulation.bounds import MAX_ARRIVALS, require_days, require_seed
from hosplogi.simulation.parts import Demand, Profile, Rounds
from hosplogi.simulation.policies import Assignment, Policy, named_policy
from hosplogi.simulation.scenario import Hospital, Scenario

__all__ = ["RunState", "check_run", "run"]


@dataclass(frozen=True)
class RunState:
    """What one run of the engine leaves behind, for :mod:`~hosplogi.simulation.results`.

    Times are float minutes from local midnight of the scenario's start date.

    Attributes
    ----------
    start, end : datetime
        The instants of minute 0 and of the horizon.
    horizon : float
        Simulated minutes.
    orders : tuple[WorkOrder, ...]
        Every order reported, in order of report, with its history at the end.
    reported : tuple[float, ...]
        When each order was reported.
    first_start : tuple[float | None, ...]
        When work on each order first started on site, or None.
    area : float
        The integral over time of the number of orders reported and not yet completed.
    minutes_in_system : tuple[float, ...]
        Per order, the minutes from report (or refused acceptance) to completion, or to the end:
        the sum, in turn, of the times between those events of its log, as a reader of the log
        adds them up (``tests/test_simulation_fastpath.py`` checks it against such a reader).
    busy_minutes, on_shift_minutes : Mapping[str, float]
        Technician id → minutes busy, and minutes on shift, over the horizon (technicians in the
        hospital's order).
    """

    start: datetime
    end: datetime
    horizon: float
    orders: tuple[WorkOrder, ...]
    reported: tuple[float, ...]
    first_start: tuple[float | None, ...]
    area: float
    minutes_in_system: tuple[float, ...]
    busy_minutes: Mapping[str, float]
    on_shift_minutes: Mapping[str, float]


# -- requests -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    """The engine's mutable state for one order; the order itself stays a frozen value."""

    index: int
    history: OrderLog
    work_left: float
    travel: float
    hold_pending: bool
    hold_at: float
    hold_minutes: float
    reject_pending: bool
    rework: float
    verify_delay: float
    followup_delay: float
    rating: int
    entered: datetime | None  # the report or refused acceptance not completed yet


class _Arrival(NamedTuple):
    """One request to come. Plain values, not enum members: a tuple of such values is left
    alone by Python's garbage collector, and a year's arrivals live through the whole run."""

    at: float
    stream: int
    source: str  # a Source value
    priority: str  # a Priority value
    work_factor: float


_ROUNDS, _PLANNED = Source.ROUNDS.value, Priority.PLANNED.value
_PRIORITY = {p.value: p for p in Priority}  # an _Arrival's values back to members
_SOURCE = {s.value: s for s in Source}


def _local_weights(profile: Profile, local: datetime, holidays: frozenset[date]) -> float:
    factor: float = profile.hourly[local.hour] * profile.weekday[local.weekday()]
    return factor * profile.holiday if local.date() in holidays else factor


def _arrivals(
    scenario: Scenario, clock: Clock, horizon: float, seed: int, holidays: frozenset[date]
) -> list[_Arrival]:
    """Non-homogeneous Poisson arrivals per stream by thinning; rounds may catch some early."""
    hospital = scenario.hospital
    profile = hospital.profile
    hourly_mean = sum(profile.hourly) / 24
    weekday_mean = sum(profile.weekday) / 7
    peak = (max(profile.hourly) / hourly_mean) * (max(profile.weekday) / weekday_mean)
    peak *= max(1.0, profile.holiday)
    scale = 1 / (hourly_mean * weekday_mean)
    rounds = scenario.rounds
    round_times = _round_times(rounds, clock, horizon) if rounds else []
    found: list[_Arrival] = []
    factors: dict[int, float] = {}  # engine hour → the profile's weight, when steady
    for i, stream in enumerate(hospital.demand):
        rng = random.Random(f"{seed}:arrivals:{i}")
        found_early = random.Random(f"{seed}:rounds:{i}")  # apart, so arrivals stay the same
        base = stream.per_day / 1440
        top = base * peak
        t = 0.0
        while True:
            t += rng.expovariate(top)
            if t >= horizon:
                break
            hour = math.floor(t / 60)
            factor = factors.get(hour)
            if factor is None:
                steady = clock.steady_hour(t)
                factor = _local_weights(profile, steady or clock.local(t), holidays)
                if steady is not None:  # the same for every instant of this hour
                    factors[hour] = factor
            rate = base * scale * factor
            if rng.random() * top >= rate:
                continue
            arrival = _Arrival(t, i, _source_of(rng).value, stream.priority.value, 1.0)
            if rounds and stream.priority is Priority.ROUTINE:
                onset = t - found_early.expovariate(1 / (rounds.lead_days * 1440))
                k = bisect.bisect_left(round_times, onset)
                caught = found_early.random() < rounds.coverage
                if k < len(round_times) and round_times[k] < t and caught:
                    arrival = _Arrival(round_times[k], i, _ROUNDS, _PLANNED, rounds.work_factor)
            found.append(arrival)
    found.sort(key=lambda a: (a.at, a.stream))
    return found


def _source_of(rng: random.Random) -> Source:
    return Source.PHONE if rng.random() < 0.7 else Source.APP


def _round_times(rounds: Rounds, clock: Clock, horizon: float) -> list[float]:
    times: list[float] = []
    day = 0
    while True:
        t = clock.minutes(
            datetime.combine(clock.start + timedelta(days=day), rounds.at, clock.zone)
        )
        if t >= horizon:
            return times
        if t >= 0:
            times.append(t)
        day += rounds.interval_days


def _asset(assets: Mapping[str, int], trade: str, rng: random.Random) -> str | None:
    count = assets.get(trade, 0)
    return f"{trade}-{rng.randrange(count) + 1}" if count else None


def _draw_work(stream: Demand, rng: random.Random) -> float:
    mean = stream.work_minutes
    if stream.distribution == "fixed":
        return mean
    if stream.distribution == "exponential":
        return rng.expovariate(1 / mean)
    sigma2 = math.log(1 + stream.work_cv**2)
    return rng.lognormvariate(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))


# -- the run ------------------------------------------------------------------------------------


class _Run:
    def __init__(self, scenario: Scenario, days: float, seed: int, policy: Policy | None) -> None:
        self.scenario = scenario
        self.hospital: Hospital = scenario.hospital
        self.horizon = days * 1440
        self.seed = seed
        self.clock = Clock.at(scenario.start, self.hospital.timezone)
        self.policy = policy or named_policy(scenario.policy)
        self.batch = policy is None and scenario.policy == "assign"
        self.env = EventLoop()
        self.staff = {t.id: t for t in self.hospital.technicians}
        # one requirements tuple per stream, shared by its orders (a policy can tell them apart
        # by identity instead of comparing models)
        self.needs = [stream.needs for stream in self.hospital.demand]
        self.windows = {
            t.id: shift_windows(self.hospital.shifts.get(t.id), self.clock, self.horizon)
            for t in self.hospital.technicians
        }
        self.idle_since: dict[str, float] = {t.id: 0.0 for t in self.hospital.technicians}
        self.busy_from: dict[str, float] = {}
        self.busy_minutes: dict[str, float] = {t.id: 0.0 for t in self.hospital.technicians}
        self.shift_state: dict[str, tuple[bool, float]] = {}
        self.free: list[str] | None = None
        self.free_until = -math.inf
        self.waiting: dict[str, _Job] = {}
        # per order, by index: its job while the order is still moving (then None), and what the
        # results read — kept in lists once it is finished, so that a finished order holds no
        # engine objects (fewer objects for Python's garbage collector to walk)
        self.jobs: list[_Job | None] = []
        self.orders: list[WorkOrder | None] = []
        self.reported: list[float] = []
        self.first_start: list[float | None] = []
        self.seconds_in_system: list[float] = []
        self.in_system = 0
        self.area = 0.0
        self.last_change = 0.0
        self.last_instant = (math.nan, self.clock.instant(0.0))

    # state changes ---------------------------------------------------------------------------

    def at(self) -> datetime:
        now = self.env.now
        if now != self.last_instant[0]:  # several events often share one instant
            self.last_instant = (now, self.clock.instant(now))
        return self.last_instant[1]

    def _count(self, delta: int) -> None:
        now = self.env.now
        self.area += self.in_system * (now - self.last_change)
        self.last_change = now
        self.in_system += delta

    def enter(self) -> None:
        self._count(+1)

    def leave(self) -> None:
        self._count(-1)

    def take(self, team: tuple[str, ...]) -> None:
        if self.free is not None:
            self.free = [tid for tid in self.free if tid not in team]
        for tid in team:
            del self.idle_since[tid]
            self.busy_from[tid] = self.env.now

    def release(self, team: tuple[str, ...]) -> None:
        now = self.env.now
        for tid in team:
            self.busy_minutes[tid] += now - self.busy_from.pop(tid)
            self.idle_since[tid] = now
            if self.free is not None and self.on_shift(tid, now):
                bisect.insort(self.free, tid, key=self.idle_key)
            if self.free is not None:
                self.free_until = min(self.free_until, self.shift_state[tid][1])

    # dispatching -----------------------------------------------------------------------------

    def dispatch_pass(self) -> None:
        if not self.waiting or not self.idle_since:
            return
        free_ids = self.free_now(self.env.now)
        if not free_ids:
            return
        waiting = [j.history.order for j in self.waiting.values()]  # in order of report
        free = list(map(self.staff.__getitem__, free_ids))
        choices = _pairs(self.policy, self.policy.choose(waiting, free, self.at()), len(free))
        available = set(free_ids)
        for order_id, team in choices:
            job = self.waiting.get(order_id)
            members = set(team)
            if job is None or not team or not members <= available or len(members) != len(team):
                raise HosplogiError(
                    f"policy {self.policy!r} chose {order_id} → {team}: the order must be waiting "
                    "and the team non-empty, distinct and free now"
                )
            available -= members
            del self.waiting[order_id]
            self.take(team)
            self.env.process(self.work(job, team))

    def free_now(self, now: float) -> list[str]:
        """Idle technicians on shift now, the longest idle first (do not change the list).

        Built when an idle technician's shift starts or ends, and kept up to date by
        :meth:`take` and :meth:`release` in between.
        """
        if self.free is None or now >= self.free_until:
            free, until = [], math.inf
            for tid in self.idle_since:
                if self.on_shift(tid, now):
                    free.append(tid)
                until = min(until, self.shift_state[tid][1])
            free.sort(key=self.idle_key)
            self.free, self.free_until = free, until
        return self.free

    def idle_key(self, tid: str) -> tuple[float, str]:
        return self.idle_since[tid], tid

    def on_shift(self, tid: str, now: float) -> bool:
        on, until = self.shift_state.get(tid, (False, -math.inf))
        if now >= until:  # the cached answer holds until `until`; time only moves on
            on, until = on_shift(self.windows[tid], now)
            self.shift_state[tid] = (on, until)
        return on

    def queue(self, job: _Job) -> None:
        """Put `job` in the waiting orders, kept in order of report, and dispatch."""
        waiting = self.waiting
        back = bool(waiting) and next(reversed(waiting.values())).index > job.index
        waiting[job.history.fixed.id] = job
        if back:  # from a hold or a refused acceptance, behind later reports
            self.waiting = dict(sorted(waiting.items(), key=lambda item: item[1].index))
        if not self.batch:
            self.dispatch_pass()

    # processes -------------------------------------------------------------------------------

    def arrivals(self, arrivals: list[_Arrival]) -> Generator[float, None, None]:
        demand = self.hospital.demand
        titles = [f"{stream.trade} request" for stream in demand]
        departments = self.hospital.departments or ("Wards",)
        locations = self.hospital.locations or ("Main building",)
        s = self.scenario
        low, high = s.travel_minutes
        for k, a in enumerate(arrivals):
            if a.at > self.env.now:
                yield a.at - self.env.now
            stream = demand[a.stream]
            rng = random.Random(f"{self.seed}:order:{k}")
            work = _draw_work(stream, rng) * a.work_factor
            history = OrderLog.report(
                id=f"SIM-{k + 1:06d}",
                title=titles[a.stream],
                trade=stream.trade,
                priority=_PRIORITY[a.priority],
                reported_at=self.at(),
                location=rng.choice(locations),
                department=rng.choice(departments),
                asset_id=_asset(self.hospital.assets, stream.trade, rng),
                requirements=self.needs[a.stream],
                estimated_minutes=round(stream.work_minutes * a.work_factor),
                source=_SOURCE[a.source],
                by="desk",
            )
            job = _Job(
                index=k,
                history=history,
                work_left=work,
                travel=rng.uniform(low, high) if high > 0 else 0.0,
                hold_pending=rng.random() < s.hold_probability,
                hold_at=rng.random(),
                hold_minutes=rng.expovariate(1 / s.hold_minutes),
                reject_pending=rng.random() < s.reject_probability,
                rework=work * s.rework_share,
                verify_delay=rng.expovariate(1 / s.verify_minutes) if s.verify_minutes else 0.0,
                followup_delay=s.followup_minutes,
                rating=5 if rng.random() < s.satisfaction else 4,
                entered=history.fixed.reported_at,
            )
            self.jobs.append(job)
            self.orders.append(None)
            self.reported.append(self.env.now)
            self.first_start.append(None)
            self.seconds_in_system.append(0.0)
            self.enter()
            self.queue(job)

    def work(self, job: _Job, team: tuple[str, ...]) -> Generator[float, None, None]:
        lead = team[0]
        job.history.move(Action.DISPATCH, self.at(), by="desk", assignees=team)
        if job.travel:
            yield job.travel
        job.history.move(Action.START, self.at(), by=lead)
        if self.first_start[job.index] is None:
            self.first_start[job.index] = self.env.now
        if job.hold_pending:
            job.hold_pending = False
            part = job.work_left * job.hold_at
            yield part
            job.work_left -= part
            job.history.move(
                Action.HOLD,
                self.at(),
                by=lead,
                note="part out of stock",
                hold_reason=HoldReason.AWAITING_MATERIAL,
            )
            self.release(team)
            self.dispatch_pass()
            yield job.hold_minutes
            job.history.move(Action.RESUME, self.at(), by="stores")
            self.queue(job)
            return
        yield job.work_left
        job.work_left = 0.0
        done = self.at()
        job.history.move(Action.COMPLETE, done, by=lead, note=None)
        if job.entered is not None:
            self.seconds_in_system[job.index] += (done - job.entered).total_seconds()
            job.entered = None
        self.leave()
        self.release(team)
        if self.scenario.acceptance:
            self.env.process(self.acceptance(job))
        else:
            self.finish(job)
        self.dispatch_pass()

    def acceptance(self, job: _Job) -> Generator[float, None, None]:
        yield job.verify_delay
        verifier = job.history.fixed.department or "requester"
        if job.reject_pending:
            job.reject_pending = False
            job.entered = self.at()
            job.history.move(Action.REJECT, job.entered, by=verifier, note=None, rating=2)
            job.work_left = job.rework
            self.enter()
            self.queue(job)
            return
        job.history.move(Action.VERIFY, self.at(), by=verifier, note=None, rating=job.rating)
        yield job.followup_delay
        job.history.move(Action.CLOSE, self.at(), by="desk", note=None)
        self.finish(job)

    def finish(self, job: _Job) -> None:
        """Keep the finished order and let go of its job: no more moves come."""
        self.orders[job.index] = job.history.order
        self.jobs[job.index] = None

    def progress(self, report: Callable[[float], None]) -> Generator[float, None, None]:
        while self.env.now < self.horizon:
            report(self.env.now / self.horizon)
            yield min(1440.0, self.horizon - self.env.now)

    def ticker(self, every: float) -> Generator[float, None, None]:
        while True:
            self.dispatch_pass()
            yield every

    def shift_starts(self) -> Generator[float, None, None]:
        starts = sorted({a for ws in self.windows.values() for a, _ in ws if 0 < a < self.horizon})
        for a in starts:
            yield a - self.env.now
            if not self.batch:
                self.dispatch_pass()

    # the whole run ---------------------------------------------------------------------------

    def go(self, holidays: frozenset[date], progress: Callable[[float], None] | None) -> None:
        arrivals = _arrivals(self.scenario, self.clock, self.horizon, self.seed, holidays)
        self.env.process(self.arrivals(arrivals))
        if progress is not None:
            self.env.process(self.progress(progress))
        self.env.process(self.shift_starts())
        if self.batch:
            self.env.process(self.ticker(self.scenario.batch_minutes))
        self.env.run(until=self.horizon)
        self.env.drop()
        self._count(0)
        for tid, since in self.busy_from.items():
            self.busy_minutes[tid] += self.horizon - since
        if progress is not None:
            progress(1.0)


def _final(order: WorkOrder | None, job: _Job | None) -> WorkOrder:
    """The order as the run leaves it: kept when it finished, else read from its job."""
    if job is not None:
        return job.history.order
    assert order is not None  # an order without a job has finished
    return order


def _minutes_in_system(seconds: float, job: _Job | None, end: datetime) -> float:
    if job is not None and job.entered is not None:
        seconds += (end - job.entered).total_seconds()
    return seconds / 60


_SEQUENCE = (tuple, list)


def _pairs(policy: Policy, choices: Any, free: int) -> list[Assignment]:
    """The policy's choices as ``(order id, technician ids)`` pairs, or a HosplogiError.

    At most `free` pairs are read: each names at least one of the `free` technicians.
    """

    def refused(why: str) -> HosplogiError:
        return HosplogiError(f"policy {brief(policy)} must return (order id, technician ids) {why}")

    try:
        given = list(itertools.islice(iter(choices), free + 1))
    except TypeError:
        raise refused(f"pairs, got {brief(choices)}") from None
    if len(given) > free:
        raise refused(f"pairs, at most one per free technician ({free})")
    pairs: list[Assignment] = []
    for pair in given:
        if not isinstance(pair, _SEQUENCE) or len(pair) != 2:
            raise refused(f"pairs, got {brief(pair)}")
        order_id, team = pair
        if (
            not isinstance(order_id, str)
            or not isinstance(team, _SEQUENCE)
            or not all(map(str.__instancecheck__, team))  # isinstance(t, str) for every t
        ):
            raise refused(f"pairs of strings, got {brief(pair)}")
        pairs.append((order_id, tuple(team)))
    return pairs


def _holidays(scenario: Scenario, days: float) -> frozenset[date]:
    """China's public holidays in the run, for the years with an official notice in the source.

    Later years (no notice published yet) get no holiday dip rather than a guessed one.
    """
    if not scenario.holidays:
        return frozenset()
    last = scenario.start + timedelta(days=math.ceil(days))
    known = set(china_official_years())
    years = [y for y in range(scenario.start.year, last.year + 1) if y in known]
    if not years:
        return frozenset()
    return frozenset(BusinessCalendar.china(years=years).holidays)


def check_run(
    scenario: Any,
    *,
    days: Any,
    seed: Any,
    policy: Any = None,
    progress: Any = None,
) -> None:
    """Refuse a run the engine cannot do within its bounds (:mod:`~hosplogi.simulation.bounds`).

    Raises
    ------
    HosplogiError
        If `scenario` is not a Scenario; `days` not a number in (0, 3,660]; `seed` not a 64-bit
        integer; `policy` neither None nor an object with a ``choose`` method; `progress`
        neither None nor callable; or the run expects more than 400,000 orders.

    Examples
    --------
    >>> check_run(Scenario.mmc(2, 3, 1), days=4_000_000, seed=1)
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: days must be more than 0 and at most 3,660 (ten years), \
given as a number, got 4000000
    """
    if not isinstance(scenario, Scenario):
        raise HosplogiError(f"scenario must be a Scenario, got {brief(scenario)}")
    require_days(days)
    require_seed(seed)
    if policy is not None and not callable(getattr(policy, "choose", None)):
        raise HosplogiError(
            f"policy must be None or have a choose(waiting, free, now) method, got {brief(policy)}"
        )
    if progress is not None and not callable(progress):
        raise HosplogiError(f"progress must be None or callable, got {brief(progress)}")
    expected = days * math.fsum(d.per_day for d in scenario.hospital.demand)
    if expected > MAX_ARRIVALS:
        raise HosplogiError(
            f"a run of {days:g} days of {scenario.hospital.name!r} expects about {expected:,.0f} "
            f"orders; one run simulates at most {MAX_ARRIVALS:,} (every order's history is kept, "
            "about 5 KB each): shorten the run or split it"
        )


def run(
    scenario: Scenario,
    *,
    days: float,
    seed: int,
    policy: Policy | None = None,
    progress: Callable[[float], None] | None = None,
) -> RunState:
    """Run the event engine for `days` days (see :func:`hosplogi.simulation.simulate`).

    The arguments are checked first by :func:`check_run`.

    Examples
    --------
    >>> state = run(Scenario.mmc(2, 3, 1), days=1, seed=1)
    >>> len(state.orders) == len(state.reported), state.end - state.start
    (True, datetime.timedelta(days=1))
    """
    check_run(scenario, days=days, seed=seed, policy=policy, progress=progress)
    sim = _Run(scenario, days, seed, policy)
    sim.go(_holidays(scenario, days), progress)
    end = sim.clock.instant(sim.horizon)
    jobs = sim.jobs
    return RunState(
        start=sim.clock.instant(0.0),
        end=end,
        horizon=sim.horizon,
        orders=tuple(map(_final, sim.orders, jobs)),
        reported=tuple(sim.reported),
        first_start=tuple(sim.first_start),
        area=sim.area,
        minutes_in_system=tuple(
            map(_minutes_in_system, sim.seconds_in_system, jobs, itertools.repeat(end, len(jobs)))
        ),
        busy_minutes=dict(sim.busy_minutes),
        on_shift_minutes={
            tid: float(shift_overlap(windows, 0.0, sim.horizon))
            for tid, windows in sim.windows.items()
        },
    )
