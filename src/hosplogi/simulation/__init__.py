"""Simulation for researchers: a synthetic hospital and a discrete-event run of its logistics.

Requests arrive, a dispatch policy assigns technicians, technicians travel and work, orders go on
hold for material and are sometimes refused at acceptance — and everything is recorded as real
:class:`~hosplogi.orders.WorkOrder` histories, so the answers come out of the library's own engines
(lifecycle, SLA clocks, recommend/assign, KPI measures and scorecards, contract settlement), never
a parallel re-implementation. The event engine is SimPy.

A question such as "how many electricians does an 800-bed hospital need?" is a short script:

>>> base = Scenario(hospital=Hospital.synthetic(beds=120, seed=1))
>>> result = simulate(base, days=2, seed=7)
>>> result.arrivals == len(result.orders)
True

Examples
--------
The textbook M/M/c queue, for validation against Erlang C:

>>> run = simulate(Scenario.mmc(arrivals_per_hour=2, services_per_hour=1.5, technicians=2),
...                days=5, seed=1)
>>> run.mean_wait < timedelta(hours=1)
True
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from hosplogi._types import FrozenModel, Identifier, Money
from hosplogi.contracts import (
    Contract,
    DeductionKind,
    DeductionRule,
    ServiceItem,
    Settlement,
    settle,
)
from hosplogi.crews import CERTIFICATE_RULES, Certificate, Employment, SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.kpi import ScorecardResult, default_scorecard, measures, score
from hosplogi.orders import Action, Priority, Status, WorkOrder
from hosplogi.simulation import _engine
from hosplogi.simulation._engine import Policy
from hosplogi.simulation._statistics import mean_confidence_interval
from hosplogi.sla import ComplianceReport, SlaPolicy, SlaTarget, compliance

__all__ = [
    "ASSUMED_KPI",
    "DEFAULT_SLA",
    "Demand",
    "Hospital",
    "Outsourcing",
    "Policy",
    "Profile",
    "Replication",
    "Rounds",
    "RunSummary",
    "Scenario",
    "Shift",
    "SimulationResult",
    "replicate",
    "simulate",
    "sweep",
]

PolicyName = Literal["fifo", "priority", "recommend", "assign"]
_M = TypeVar("_M", bound=FrozenModel)

IN_HOUSE_COST = Decimal("59000.00")
"""Labour cost of an in-house technician per person-year, CNY (000:31)."""
OUTSOURCED_COST = Decimal("40800.00")
"""Cost of an outsourced technician per person-year, CNY (000:31)."""


DEFAULT_SLA = SlaPolicy(
    targets={
        Priority.EMERGENCY: SlaTarget(respond=timedelta(minutes=15), resolve=timedelta(hours=4)),
        Priority.URGENT: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=8)),
        Priority.ROUTINE: SlaTarget(respond=timedelta(hours=2), resolve=timedelta(hours=48)),
        Priority.PLANNED: SlaTarget(respond=timedelta(hours=24), resolve=timedelta(days=7)),
    }
)
"""Round-the-clock targets for simulated hospitals: someone on site within 15 minutes for an
emergency (cf. hot food at the bedside within 20 minutes, 000:135), resolved within 4 hours."""


ASSUMED_KPI: Mapping[str, float] = {
    "cost_per_order": 150.0,
    "complaints_per_1000": 1.0,
    "pm_compliance": 95.0,
    "inspection_pass_rate": 90.0,
    "rectification_on_time": 95.0,
    "training_hours_per_head": 24.0,
}
"""Scorecard values a simulation does not produce (materials, complaints, inspections, preventive
maintenance, training): stated assumptions, overridable per scenario with `Scenario.assumed_kpi`."""


class Shift(FrozenModel):
    """A working window repeated on the given weekdays; `end` ≤ `start` runs past midnight.

    Examples
    --------
    >>> Shift(name="night", start=time(22), end=time(8)).minutes
    600
    """

    name: str = ""
    start: time
    end: time
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)

    @field_validator("weekdays")
    @classmethod
    def _weekdays_in_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(not 0 <= d <= 6 for d in value) or len(set(value)) != len(value):
            raise ValueError(f"weekdays must be distinct integers 0 (Monday) to 6, got {value}")
        return tuple(sorted(value))

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.start == self.end and self.start != time(0):
            raise ValueError(f"shift {self.name!r} starts and ends at {self.start}: give a window")
        return self

    @property
    def minutes(self) -> int:
        """Length of one shift in minutes (before any daylight-saving change)."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return (end - start) % 1440 or 1440


ALWAYS = Shift(name="24/7", start=time(0), end=time(0))


class Demand(FrozenModel):
    """One stream of requests: a trade and priority with a mean rate and a work-time model.

    Parameters
    ----------
    trade : str
    priority : Priority
    per_day : float
        Mean requests a day (before the time-of-day, weekday and holiday profile).
    work_minutes : float
        Mean hands-on work time.
    distribution : {"exponential", "lognormal", "fixed"}
        Work-time distribution; `work_cv` is the coefficient of variation of the lognormal.
    requirements : tuple[SkillRequirement, ...]
        People the job needs; empty means one person of `trade`.

    Examples
    --------
    >>> d = Demand(trade="plumbing", priority="urgent", per_day=6.5, work_minutes=60)
    >>> d.needs
    (SkillRequirement(skill='plumbing', count=1, level=1),)
    """

    trade: Identifier
    priority: Priority
    per_day: float = Field(gt=0, allow_inf_nan=False)
    work_minutes: float = Field(gt=0, allow_inf_nan=False)
    distribution: Literal["exponential", "lognormal", "fixed"] = "exponential"
    work_cv: float = Field(default=0.8, gt=0, allow_inf_nan=False)
    requirements: tuple[SkillRequirement, ...] = ()

    @property
    def needs(self) -> tuple[SkillRequirement, ...]:
        """The requirements, defaulting to one person of the trade."""
        return self.requirements or (SkillRequirement(skill=self.trade),)


class Profile(FrozenModel):
    """Relative arrival intensity by hour of day and weekday, and on public holidays.

    The weights are relative: a profile of all ones is a homogeneous Poisson process. Each is
    normalised to mean 1 over the day / week, so `Demand.per_day` stays the mean daily rate.

    Examples
    --------
    >>> Profile(weekday=(1, 1, 1, 1, 1, 0.5, 0.5)).holiday
    1.0
    """

    hourly: tuple[float, ...] = (1.0,) * 24
    weekday: tuple[float, ...] = (1.0,) * 7
    holiday: float = Field(default=1.0, ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        for name, weights, size in (("hourly", self.hourly, 24), ("weekday", self.weekday, 7)):
            if len(weights) != size:
                raise ValueError(f"{name} needs {size} weights, got {len(weights)}")
            if any(not math.isfinite(w) or w < 0 for w in weights) or not any(weights):
                raise ValueError(f"{name} weights must be finite, ≥ 0 and not all 0: {weights}")
        return self


HOSPITAL_PROFILE = Profile(
    hourly=(0.3, 0.25, 0.2, 0.2, 0.2, 0.3, 0.6, 1.2, 2.2, 2.4, 2.2, 1.8,
            1.2, 1.6, 1.9, 1.8, 1.5, 1.1, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35),
    weekday=(1.2, 1.15, 1.1, 1.1, 1.05, 0.75, 0.65),
    holiday=0.6,
)  # fmt: skip
"""Requests peak in the morning rounds and after lunch, fall at night, at weekends and holidays."""


class Outsourcing(FrozenModel):
    """A trade handed to a vendor: its staff replace the in-house technicians of that trade.

    Examples
    --------
    >>> Outsourcing(trade="lifts", vendor="V-LIFTCO", headcount=2).annual_cost_per_head
    Decimal('40800.00')
    """

    trade: Identifier
    vendor: Identifier
    headcount: int = Field(ge=1, strict=True)
    annual_cost_per_head: Money = OUTSOURCED_COST
    sla_deduction: Money = Decimal("200.00")
    """Deducted from the monthly fee per order whose resolution clock is breached."""


class Rounds(FrozenModel):
    """Proactive rounds (巡查, 001:387) that find developing faults before they are reported.

    A routine fault is detectable for a lead time before it would be reported. A round every
    `interval_days` at `at` local time finds it with probability `coverage`; it then becomes a
    PLANNED order from source ROUNDS and takes `work_factor` of the work (caught early).

    Examples
    --------
    >>> Rounds(interval_days=7, coverage=0.5).at
    datetime.time(9, 0)
    """

    interval_days: int = Field(default=7, ge=1, strict=True)
    at: time = time(9)
    coverage: float = Field(default=0.5, ge=0, le=1, allow_inf_nan=False)
    lead_days: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    work_factor: float = Field(default=0.7, gt=0, le=1, allow_inf_nan=False)


class Hospital(FrozenModel):
    """A hospital's logistics set-up: staff and shifts, demand and its profile.

    Build a realistic one from a few numbers with :meth:`synthetic`; every parameter is data, so a
    hospital can be saved as JSON and shared.

    Examples
    --------
    >>> h = Hospital(technicians=(Technician(id="T1", skills={"repair": 2}),),
    ...              demand=(Demand(trade="repair", priority="routine", per_day=4,
    ...                             work_minutes=45),))
    >>> Hospital.model_validate_json(h.model_dump_json()) == h
    True
    """

    name: str = "hospital"
    beds: int = Field(default=0, ge=0, strict=True)
    timezone: str = "Asia/Shanghai"
    departments: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    assets: dict[Identifier, int] = Field(default_factory=dict)
    """Trade → number of assets (设备台账) a request of that trade may concern; ids are
    ``"<trade>-<n>"``. Repeat repairs on one asset show in the scorecard."""
    technicians: tuple[Technician, ...]
    shifts: dict[Identifier, Shift] = Field(default_factory=dict)
    """Technician id → shift; a technician without one works around the clock."""
    demand: tuple[Demand, ...]
    profile: Profile = Profile()
    annual_cost: dict[Employment, Money] = Field(
        default_factory=lambda: {
            Employment.PERMANENT: IN_HOUSE_COST,
            Employment.CONTRACT: IN_HOUSE_COST,
            Employment.OUTSOURCED: OUTSOURCED_COST,
        }
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (KeyError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. 'Asia/Shanghai'") from None
        return value

    @model_validator(mode="after")
    def _staff_can_serve_demand(self) -> Self:
        ids = [t.id for t in self.technicians]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"technician ids must be unique, repeated: {', '.join(repeated)}")
        unknown = sorted(set(self.shifts) - set(ids))
        if unknown:
            raise ValueError(f"shifts name unknown technicians: {', '.join(unknown)}")
        if not self.demand:
            raise ValueError("a hospital needs at least one demand stream")
        for d in self.demand:
            for req in d.needs:
                able = sum(1 for t in self.technicians if t.can_fill(req))
                if able < req.count:
                    raise ValueError(
                        f"demand {d.trade}/{d.priority.value} needs {req.count} × {req.skill} at "
                        f"level ≥ {req.level}, but only {able} technician(s) have it; add staff "
                        "or lower the requirement"
                    )
        return self

    @classmethod
    def synthetic(cls, *, beds: int, seed: int = 0, technicians: int | None = None) -> Hospital:
        """A realistic hospital of `beds` beds: departments, staff with skill mixes, shifts, demand.

        Demand is about 50 requests per bed per year (an 800-bed hospital: about 40,000 orders a
        year), spread over seven trades and four priorities, with one request in twelve needing two
        trades (000:35). Staff default to 0.075 per bed (60 for 800 beds), allotted to trades by
        workload; each has one main trade at level 3–5 and up to two secondary skills (一专多能,
        002:61); licensed trades carry certificates (003:347). About 70% of each trade work the
        day shift (08:00–17:30, Monday–Friday); the rest cover evenings, nights and weekends in
        turn (24-hour duty, 002:69).

        Parameters
        ----------
        beds : int
            At least 20.
        seed : int
            Makes the staff mix reproducible.
        technicians : int, optional
            Overrides the staff count.

        Examples
        --------
        >>> h = Hospital.synthetic(beds=800, seed=1)
        >>> len(h.technicians), round(sum(d.per_day for d in h.demand) * 365)
        (60, 40000)
        """
        return _synthetic_hospital(beds, seed, technicians)


class Scenario(FrozenModel):
    """What to simulate: a hospital, a dispatch policy and the levers a researcher moves.

    Levers return new scenarios: :meth:`with_policy`, :meth:`staffed`, :meth:`cross_trained`,
    :meth:`outsourced`, :meth:`with_rounds`.

    Parameters
    ----------
    hospital : Hospital
    policy : {"fifo", "priority", "recommend", "assign"}
        ``fifo`` first come first served with the longest-idle qualified staff; ``priority`` most
        urgent first; ``recommend`` asks :func:`hosplogi.scheduling.recommend` for the best team;
        ``assign`` batches open orders every `batch_minutes` through
        :func:`hosplogi.scheduling.assign`.
    travel_minutes : tuple[float, float]
        Uniform travel time range to the job.
    hold_probability, hold_minutes
        Chance that a job stops for material (001:385) and the mean wait (exponential).
    reject_probability, rework_share
        Chance that acceptance is refused, and the share of the work redone.
    verify_minutes, followup_minutes
        Mean delay to the department's acceptance (验收) and to the follow-up call (回访).

    Examples
    --------
    >>> s = Scenario(hospital=Hospital.synthetic(beds=100, seed=1), policy="fifo")
    >>> s.with_policy("assign").policy
    'assign'
    """

    name: str = "baseline"
    hospital: Hospital
    start: date = date(2026, 3, 2)
    policy: PolicyName = "priority"
    batch_minutes: int = Field(default=15, ge=1, strict=True)
    travel_minutes: tuple[float, float] = (5.0, 15.0)
    hold_probability: float = Field(default=0.05, ge=0, le=1, allow_inf_nan=False)
    hold_minutes: float = Field(default=240.0, gt=0, allow_inf_nan=False)
    reject_probability: float = Field(default=0.03, ge=0, le=1, allow_inf_nan=False)
    rework_share: float = Field(default=0.3, gt=0, le=1, allow_inf_nan=False)
    verify_minutes: float = Field(default=60.0, ge=0, allow_inf_nan=False)
    followup_minutes: float = Field(default=1440.0, ge=0, allow_inf_nan=False)
    acceptance: bool = True
    """Whether departments verify completed work and the desk closes it after a follow-up call."""
    satisfaction: float = Field(default=0.9, ge=0, le=1, allow_inf_nan=False)
    """Chance an accepted job is rated 5 rather than 4 (a refused one is rated 2)."""
    sla_policy: SlaPolicy = Field(default_factory=lambda: DEFAULT_SLA)
    """The clocks the run is measured against (24/7 by default; see :data:`DEFAULT_SLA`)."""
    assumed_kpi: dict[str, float] = Field(default_factory=lambda: dict(ASSUMED_KPI))
    """Values for scorecard indicators a run does not model (measured values take precedence)."""
    outsourcing: tuple[Outsourcing, ...] = ()
    rounds: Rounds | None = None
    holidays: bool = True
    """Lower demand on China's public holidays (the business calendar's holidays)."""

    @field_validator("policy", mode="before")
    @classmethod
    def _known_policy(cls, value: Any) -> Any:
        if value not in ("fifo", "priority", "recommend", "assign"):
            raise ValueError(
                f"unknown policy {value!r}; choose one of fifo, priority, recommend, assign"
            )
        return value

    @model_validator(mode="after")
    def _sane_ranges(self) -> Self:
        low, high = self.travel_minutes
        if not (0 <= low <= high) or not math.isfinite(high):
            raise ValueError(f"travel_minutes must be 0 ≤ low ≤ high, got {self.travel_minutes}")
        trades = [o.trade for o in self.outsourcing]
        if len(set(trades)) != len(trades):
            raise ValueError(f"a trade is outsourced twice: {trades}")
        for d in self.hospital.demand:
            for req in d.needs:
                licensed = [t for t in self.hospital.technicians if t.may_work(req, self.start)]
                if len(licensed) < req.count:
                    raise ValueError(
                        f"demand {d.trade}/{d.priority.value} needs {req.count} × {req.skill} at "
                        f"level ≥ {req.level} with a valid certificate where the trade is "
                        f"licensed ({CERTIFICATE_RULES.get(req.skill, 'none needed')}) on "
                        f"{self.start}, but only {len(licensed)} technician(s) qualify"
                    )
        return self

    @classmethod
    def mmc(cls, arrivals_per_hour: float, services_per_hour: float, technicians: int) -> Scenario:
        """The textbook M/M/c queue: one trade, Poisson arrivals around the clock, exponential
        work, `technicians` identical people on duty 24/7, FIFO, no travel, holds or refusals.

        Raises
        ------
        HosplogiError
            If a rate is not positive or there are no technicians.

        Examples
        --------
        >>> s = Scenario.mmc(arrivals_per_hour=4, services_per_hour=1, technicians=5)
        >>> s.policy, len(s.hospital.technicians), s.hospital.demand[0].per_day
        ('fifo', 5, 96.0)
        """
        if not (arrivals_per_hour > 0 and services_per_hour > 0) or technicians < 1:
            raise HosplogiError(
                "an M/M/c scenario needs positive arrival and service rates and at least one "
                f"technician, got λ={arrivals_per_hour}/h, μ={services_per_hour}/h, "
                f"c={technicians}"
            )
        staff = tuple(Technician(id=f"T{i:02d}", skills={"repair": 1}) for i in range(technicians))
        stream = Demand(
            trade="repair",
            priority=Priority.ROUTINE,
            per_day=arrivals_per_hour * 24,
            work_minutes=60 / services_per_hour,
            distribution="exponential",
        )
        hospital = Hospital(name="M/M/c", technicians=staff, demand=(stream,), timezone="UTC")
        return cls(
            name=f"M/M/{technicians} λ={arrivals_per_hour:g}/h μ={services_per_hour:g}/h",
            hospital=hospital,
            policy="fifo",
            travel_minutes=(0.0, 0.0),
            hold_probability=0.0,
            reject_probability=0.0,
            acceptance=False,
            holidays=False,
        )

    # -- levers -------------------------------------------------------------------------------

    def with_policy(self, policy: PolicyName) -> Scenario:
        """The same scenario dispatched by another policy."""
        return _evolve(self, policy=policy, name=f"{self.name} / {policy}")

    def staffed(self, trade: str, headcount: int) -> Scenario:
        """Set the number of technicians whose main trade is `trade` to `headcount`.

        Extra staff copy the skill mix of the trade's first technician; removed staff are the
        last ones listed.

        Examples
        --------
        >>> h = Hospital.synthetic(beds=200, seed=3)
        >>> s = Scenario(hospital=h).staffed("plumbing", 6)
        >>> sum(1 for t in s.hospital.technicians if _main_trade(t) == "plumbing")
        6
        """
        if headcount < 0:
            raise HosplogiError(f"headcount must be 0 or more, got {headcount}")
        staff = list(self.hospital.technicians)
        own = [t for t in staff if _main_trade(t) == trade]
        if not own:
            raise HosplogiError(
                f"no technician has main trade {trade!r}; trades here: "
                f"{', '.join(sorted({_main_trade(t) for t in staff}))}"
            )
        shifts = dict(self.hospital.shifts)
        for t in own[headcount:]:
            staff.remove(t)
            shifts.pop(t.id, None)
        template = own[0]
        for n in range(len(own), headcount):
            clone = template.model_copy(update={"id": f"{template.id}-x{n}"})
            staff.append(clone)
            if template.id in shifts:
                shifts[clone.id] = shifts[template.id]
        hospital = _evolve(self.hospital, technicians=tuple(staff), shifts=shifts)
        return _evolve(self, hospital=hospital, name=f"{self.name} / {trade}×{headcount}")

    def cross_trained(self, skill: str, share: float, *, level: int = 2, seed: int = 0) -> Scenario:
        """Teach `skill` at `level` to a `share` of the technicians who lack it (一专多能).

        For a licensed skill (see :data:`hosplogi.crews.CERTIFICATE_RULES`) the training comes
        with the certificate, valid for three years from the scenario's start.

        Examples
        --------
        >>> s = Scenario(hospital=Hospital.synthetic(beds=200, seed=3))
        >>> trained = s.cross_trained("electrical", 1.0)
        >>> all(t.licensed("electrician", s.start) for t in trained.hospital.technicians)
        True
        """
        if not 0 <= share <= 1:
            raise HosplogiError(f"share must be between 0 and 1, got {share}")
        rng = random.Random(f"cross-train:{seed}:{skill}")
        lacking = [t for t in self.hospital.technicians if t.level(skill) == 0]
        chosen = {t.id for t in rng.sample(lacking, round(share * len(lacking)))}
        kind = CERTIFICATE_RULES.get(skill)
        expiry = self.start.replace(year=self.start.year + 3)

        def train(t: Technician) -> Technician:
            update: dict[str, Any] = {"skills": {**t.skills, skill: level}}
            if kind is not None and not t.licensed(kind, self.start):
                licence = Certificate(kind=kind, number=f"TR-{t.id}", expires_on=expiry)
                update["certificates"] = (*t.certificates, licence)
            return t.model_copy(update=update)

        staff = tuple(train(t) if t.id in chosen else t for t in self.hospital.technicians)
        hospital = _evolve(self.hospital, technicians=staff)
        return _evolve(self, hospital=hospital, name=f"{self.name} / +{skill} for {share:.0%}")

    def outsourced(
        self, trade: str, *, vendor: str = "V1", headcount: int | None = None
    ) -> Scenario:
        """Hand `trade` to `vendor`: its in-house staff are replaced by outsourced staff
        (same skills, 40,800 CNY per person-year instead of 59,000, 000:31) under a contract
        settled monthly with SLA deductions.
        """
        own = [t for t in self.hospital.technicians if _main_trade(t) == trade]
        if not own:
            raise HosplogiError(f"no technician has main trade {trade!r} to outsource")
        count = len(own) if headcount is None else headcount
        if count < 1:
            raise HosplogiError(f"an outsourced trade needs a headcount of 1 or more, got {count}")
        keep = [t for t in self.hospital.technicians if _main_trade(t) != trade]
        shifts = {k: v for k, v in self.hospital.shifts.items() if k not in {t.id for t in own}}
        vendor_staff = []
        for n in range(count):
            model = own[n % len(own)]
            worker = model.model_copy(
                update={
                    "id": f"{vendor}-{trade}-{n + 1:02d}",
                    "employer": vendor,
                    "employment": Employment.OUTSOURCED,
                }
            )
            vendor_staff.append(worker)
            if model.id in self.hospital.shifts:
                shifts[worker.id] = self.hospital.shifts[model.id]
        hospital = _evolve(self.hospital, technicians=(*keep, *vendor_staff), shifts=shifts)
        deal = Outsourcing(trade=trade, vendor=vendor, headcount=count)
        return _evolve(
            self,
            hospital=hospital,
            outsourcing=(*self.outsourcing, deal),
            name=f"{self.name} / {trade} outsourced",
        )

    def with_rounds(self, rounds: Rounds | None = None) -> Scenario:
        """Add proactive rounds (巡查) that catch developing routine faults early (001:387)."""
        return _evolve(self, rounds=rounds or Rounds(), name=f"{self.name} / rounds")


def _evolve(model: _M, **update: Any) -> _M:
    """A copy with `update` applied and validated (pydantic's model_copy does not validate)."""
    return type(model).model_validate({**dict(model), **update})


class RunSummary(FrozenModel):
    """The headline figures of one run, without the orders: cheap to send between processes.

    Examples
    --------
    >>> s = simulate(Scenario.mmc(2, 3, 1), days=1, seed=1).summary
    >>> s.completed + s.cancelled + s.open == s.arrivals
    True
    """

    scenario: str
    seed: int
    days: float
    arrivals: int
    completed: int
    cancelled: int
    open: int
    mean_wait_minutes: float
    """Report → first start on site, over orders that started."""
    mean_time_in_system_minutes: float
    mean_in_system: float
    """Time-average number of orders reported and not yet completed (L of Little's law)."""
    arrival_rate_per_minute: float
    utilisation: float
    """Busy time / on-shift time over all technicians."""
    response_met_rate: float | None = None
    resolution_met_rate: float | None = None
    response_met_by_priority: dict[str, float | None] = Field(default_factory=dict)
    scorecard_total: float | None = None
    labour_cost: Money = Decimal("0.00")

    def to_record(self) -> dict[str, Any]:
        """A flat dict for a DataFrame row (per-priority rates as ``response_met_rate_<p>``).

        Examples
        --------
        >>> row = simulate(Scenario.mmc(2, 3, 1), days=1, seed=2).summary.to_record()
        >>> row["scenario"], "response_met_rate_routine" in row
        ('M/M/1 λ=2/h μ=3/h', True)
        """
        row = self.model_dump(mode="json", exclude={"response_met_by_priority"})
        for priority, rate in self.response_met_by_priority.items():
            row[f"response_met_rate_{priority}"] = rate
        return row


class SimulationResult(FrozenModel):
    """Everything one run produced: the order histories and the figures computed from them.

    Examples
    --------
    >>> run = simulate(Scenario(hospital=Hospital.synthetic(beds=40, seed=1)), days=1, seed=1)
    >>> run.sla["response"].total.count == run.summary.arrivals
    True
    """

    summary: RunSummary
    orders: tuple[WorkOrder, ...]
    utilisation: dict[str, float]
    """Technician id → busy time / on-shift time."""
    utilisation_by_trade: dict[str, float]
    sla: dict[str, ComplianceReport]
    """``"response"``, ``"resolution"`` → :func:`hosplogi.sla.compliance` by priority at the end."""
    scorecard: ScorecardResult | None
    """:func:`hosplogi.kpi.score` of the default scorecard on :func:`hosplogi.kpi.measures` of the
    run (plus the scenario's `assumed_kpi` for what a run does not model); None when some
    indicator has no measure (listed in `unmeasured`)."""
    unmeasured: tuple[str, ...] = ()
    settlements: tuple[Settlement, ...] = ()
    """Monthly :func:`hosplogi.contracts.settle` results of the outsourced trades."""
    labour_cost: Money
    end: datetime

    @property
    def arrivals(self) -> int:
        """Orders reported during the run."""
        return self.summary.arrivals

    @property
    def mean_wait(self) -> timedelta:
        """Mean time from report to first start on site, over the orders that started."""
        return timedelta(minutes=self.summary.mean_wait_minutes)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per order (id, trade, priority, status, times in minutes), for a DataFrame.

        Examples
        --------
        >>> run = simulate(Scenario.mmc(2, 3, 1), days=1, seed=2)
        >>> sorted(run.to_records()[0])[:4]
        ['assignees', 'completed_minutes', 'id', 'priority']
        """
        rows = []
        for o in self.orders:
            start = o.first_at(Action.START)
            done = o.first_at(Action.COMPLETE)
            rows.append(
                {
                    "id": o.id,
                    "trade": o.trade,
                    "priority": o.priority.value,
                    "source": o.source.value,
                    "status": o.status.value,
                    "reported_at": o.reported_at.isoformat(),
                    "wait_minutes": _minutes(o.reported_at, start),
                    "completed_minutes": _minutes(o.reported_at, done),
                    "assignees": "+".join(o.assignees),
                }
            )
        return rows


def _minutes(a: datetime, b: datetime | None) -> float | None:
    return None if b is None else (b - a).total_seconds() / 60


class Replication(FrozenModel):
    """Independent replications of one scenario with means and 95% confidence intervals.

    Examples
    --------
    >>> rep = replicate(Scenario.mmc(2, 3, 1), 2, days=1, seed=1)
    >>> len(rep.to_records())
    2
    """

    scenario: str
    runs: tuple[RunSummary, ...]
    mean: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]

    def to_records(self) -> list[dict[str, Any]]:
        """One row per run."""
        return [r.to_record() for r in self.runs]


_NUMERIC = (
    "mean_wait_minutes",
    "mean_time_in_system_minutes",
    "mean_in_system",
    "utilisation",
    "response_met_rate",
    "resolution_met_rate",
    "scorecard_total",
)


def simulate(
    scenario: Scenario,
    *,
    days: float,
    seed: int,
    warmup_days: float = 0.0,
    policy: _engine.Policy | None = None,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Run `scenario` for `days` days and return the orders and the figures computed from them.

    Parameters
    ----------
    scenario : Scenario
    days : float
        Simulated time, more than 0.
    seed : int
        The same scenario and seed give identical results, in-process or in another process.
        Each request draws its own random numbers from the seed and its index, so two scenarios
        run with one seed see the same requests (common random numbers).
    warmup_days : float
        Orders reported before this are left out of the wait and time-in-system figures.
    policy : Policy, optional
        A plug-in dispatch policy (any object with ``choose(waiting, free, now)``); overrides
        ``scenario.policy``.
    progress : callable, optional
        Called with the fraction of simulated time done, once a simulated day and at the end.

    Returns
    -------
    SimulationResult

    Raises
    ------
    HosplogiError
        If `days` ≤ 0 or `warmup_days` is not in [0, days).

    Examples
    --------
    >>> run = simulate(Scenario.mmc(3, 1, 4), days=2, seed=5)
    >>> run.summary.completed <= run.summary.arrivals
    True
    """
    if not days > 0 or not math.isfinite(days):
        raise HosplogiError(f"days must be more than 0, got {days}")
    if not 0 <= warmup_days < days:
        raise HosplogiError(f"warmup_days must be in [0, days), got {warmup_days}")
    return _engine.run(
        scenario,
        days=days,
        seed=seed,
        warmup_days=warmup_days,
        policy=policy,
        progress=progress,
    )


def replicate(
    scenario: Scenario, runs: int, *, days: float, seed: int, warmup_days: float = 0.0
) -> Replication:
    """Run `scenario` `runs` times with seeds ``seed, seed + 1, …`` and give means with 95% CIs.

    Examples
    --------
    >>> rep = replicate(Scenario.mmc(2, 1.5, 2), 3, days=2, seed=1)
    >>> wait = "mean_wait_minutes"
    >>> rep.low[wait] <= rep.mean[wait] <= rep.high[wait]
    True
    """
    if runs < 1:
        raise HosplogiError(f"runs must be 1 or more, got {runs}")
    summaries = tuple(
        simulate(scenario, days=days, seed=seed + i, warmup_days=warmup_days).summary
        for i in range(runs)
    )
    return _replication(scenario.name, summaries)


def _replication(name: str, summaries: tuple[RunSummary, ...]) -> Replication:
    mean, low, high = {}, {}, {}
    for field in _NUMERIC:
        values = [v for s in summaries if (v := getattr(s, field)) is not None]
        if values:
            mean[field], low[field], high[field] = mean_confidence_interval(values)
    return Replication(scenario=name, runs=summaries, mean=mean, low=low, high=high)


def _summary_of(scenario: Scenario, days: float, seed: int, warmup_days: float) -> RunSummary:
    return simulate(scenario, days=days, seed=seed, warmup_days=warmup_days).summary


def sweep(
    scenarios: Iterable[Scenario],
    *,
    days: float,
    seed: int,
    executor: Executor | None = None,
    warmup_days: float = 0.0,
) -> list[RunSummary]:
    """Run every scenario with the same seed and return their summaries, in order.

    `executor` is any :class:`concurrent.futures.Executor`: None runs in this process; a
    ``ProcessPoolExecutor`` uses every local core; Dask's ``Client.get_executor()`` or Ray's
    executor run on a cluster. Results are identical whichever runs them.

    Examples
    --------
    >>> base = Scenario.mmc(2, 1, 3)
    >>> rows = sweep([base, base.staffed("repair", 4)], days=1, seed=3)
    >>> [r.scenario for r in rows]
    ['M/M/3 λ=2/h μ=1/h', 'M/M/3 λ=2/h μ=1/h / repair×4']
    """
    items = list(scenarios)
    if executor is None:
        return [_summary_of(s, days, seed, warmup_days) for s in items]
    futures = [executor.submit(_summary_of, s, days, seed, warmup_days) for s in items]
    return [f.result() for f in futures]


# -- synthetic hospital -------------------------------------------------------------------------

# trade: (share of requests, mean work minutes, certificate kind or None)
_TRADES: dict[str, tuple[float, float, str | None]] = {
    "electrical": (0.28, 50, "electrician"),
    "plumbing": (0.24, 60, None),
    "hvac": (0.13, 75, None),
    "carpentry": (0.11, 45, None),
    "medical_devices": (0.12, 70, None),
    "lifts": (0.07, 80, "lift"),
    "boiler": (0.05, 60, "boiler"),
}
_PRIORITY_SHARE = {
    Priority.EMERGENCY: 0.05,
    Priority.URGENT: 0.20,
    Priority.ROUTINE: 0.65,
    Priority.PLANNED: 0.10,
}
_SECOND_TRADE = {
    "hvac": "electrical",
    "medical_devices": "electrical",
    "plumbing": "carpentry",
    "boiler": "plumbing",
}
_MULTI_TRADE_SHARE = 1 / 12
_REQUESTS_PER_BED_YEAR = 50.0
_STAFF_PER_BED = 0.075
_ROTA_SHARE = 0.3
_DEPARTMENTS = (
    "Emergency", "ICU", "Surgery", "Internal Medicine", "Paediatrics", "Obstetrics", "Outpatients",
    "Radiology", "Laboratory", "Pharmacy", "CSSD", "Dialysis", "Oncology", "Administration",
)  # fmt: skip

DAY_SHIFT = Shift(name="day", start=time(8), end=time(17, 30), weekdays=(0, 1, 2, 3, 4))
EVENING_SHIFT = Shift(name="evening", start=time(16), end=time(0))
NIGHT_SHIFT = Shift(name="night", start=time(0), end=time(8))
WEEKEND_SHIFT = Shift(name="weekend day", start=time(8), end=time(17, 30), weekdays=(5, 6))


def _main_trade(t: Technician) -> str:
    """The technician's strongest skill (ties: alphabetical)."""
    return min(t.skills, key=lambda s: (-t.skills[s], s)) if t.skills else ""


def _synthetic_hospital(beds: int, seed: int, technicians: int | None) -> Hospital:
    if beds < 20:
        raise HosplogiError(f"a synthetic hospital needs at least 20 beds, got {beds}")
    rng = random.Random(f"hospital:{seed}:{beds}")
    per_day = beds * _REQUESTS_PER_BED_YEAR / 365
    demand = []
    for trade, (share, minutes, _) in _TRADES.items():
        for priority, p_share in _PRIORITY_SHARE.items():
            rate = per_day * share * p_share
            second = _SECOND_TRADE.get(trade)
            single = rate * (1 - _MULTI_TRADE_SHARE) if second else rate
            demand.append(
                Demand(trade=trade, priority=priority, per_day=single, work_minutes=minutes,
                       distribution="lognormal")
            )  # fmt: skip
            if second:
                demand.append(
                    Demand(
                        trade=trade,
                        priority=priority,
                        per_day=rate * _MULTI_TRADE_SHARE,
                        work_minutes=minutes * 1.4,
                        distribution="lognormal",
                        requirements=(
                            SkillRequirement(skill=trade, level=2),
                            SkillRequirement(skill=second),
                        ),
                    )
                )
    workload = {t: s * m for t, (s, m, _) in _TRADES.items()}
    head = (
        technicians if technicians is not None else max(len(_TRADES), round(beds * _STAFF_PER_BED))
    )
    counts = _apportion(head, workload)
    staff: list[Technician] = []
    shifts: dict[str, Shift] = {}
    rota = (EVENING_SHIFT, NIGHT_SHIFT, WEEKEND_SHIFT)
    valid_until = date(2030, 12, 31)
    for trade, count in counts.items():
        for n in range(count):
            tid = f"{trade[:2].upper()}{n + 1:02d}"
            skills = {trade: rng.choice((3, 4, 4, 5))}
            for other in rng.sample([t for t in _TRADES if t != trade], rng.choice((0, 1, 1, 2))):
                skills[other] = rng.choice((1, 2, 2, 3))
            certificates = tuple(
                Certificate(kind=kind, number=f"{kind[:2].upper()}-{tid}", expires_on=valid_until)
                for s in skills
                if (kind := _TRADES[s][2]) is not None
            )
            staff.append(
                Technician(
                    id=tid,
                    name=f"{trade} technician {n + 1}",
                    skills=skills,
                    certificates=certificates,
                    zone=rng.choice(("Inpatient", "Outpatient", "Medical Technology", "Plant")),
                    employment=Employment.PERMANENT if rng.random() < 0.6 else Employment.CONTRACT,
                )
            )
            # A share of each trade covers evenings, nights and weekends in turn; the first
            # person of a trade always works days.
            on_rota = 0 < n <= round(_ROTA_SHARE * count)
            shifts[tid] = rota[(n - 1) % 3] if on_rota else DAY_SHIFT
    locations = tuple(f"{d} level {k}" for d in _DEPARTMENTS for k in (1, 2))
    # Enough assets that about 5% of repairs hit an asset repaired in the last 30 days.
    assets = {
        trade: max(10, round(per_day * share * 600)) for trade, (share, _, _) in _TRADES.items()
    }
    return Hospital(
        name=f"synthetic {beds}-bed hospital (seed {seed})",
        beds=beds,
        departments=_DEPARTMENTS,
        locations=locations,
        assets=assets,
        technicians=tuple(staff),
        shifts=shifts,
        demand=tuple(demand),
        profile=HOSPITAL_PROFILE,
    )


def _apportion(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split `total` people over trades by weight, at least one each (largest remainder)."""
    keys = sorted(weights)
    spare = total - len(keys)
    if spare < 0:
        raise HosplogiError(f"need at least {len(keys)} technicians, one per trade, got {total}")
    whole = sum(weights.values())
    exact = {k: spare * weights[k] / whole for k in keys}
    counts = {k: 1 + int(exact[k]) for k in keys}
    rest = total - sum(counts.values())
    for k in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))[:rest]:
        counts[k] += 1
    return counts


# -- results ------------------------------------------------------------------------------------


def _assemble(
    scenario: Scenario, sim: Any, *, days: float, seed: int, warmup_days: float
) -> SimulationResult:
    """Turn the engine's state into a SimulationResult; every figure from the order histories."""
    horizon = sim.horizon
    jobs = sim.jobs
    orders = tuple(j.order for j in jobs)
    end = sim.clock.instant(horizon)
    warm = warmup_days * 1440
    waits = [
        j.first_start - j.reported for j in jobs if j.first_start is not None and j.reported >= warm
    ]
    in_system = [_minutes_in_system(o, end) for o in orders]
    utilisation, by_trade = _utilisation(scenario.hospital, sim, horizon)
    done = (Status.COMPLETED, Status.VERIFIED, Status.CLOSED)
    settlements = _settlements(scenario, orders, days)
    labour = _labour_cost(scenario, days, settlements)
    sla = {
        clock: compliance(orders, scenario.sla_policy, end, by="priority", clock=clock)
        for clock in ("response", "resolution")
    }
    card, unmeasured = _scorecard(scenario, orders, sim.clock.instant(0.0), end, labour, days)
    summary = RunSummary(
        scenario=scenario.name,
        seed=seed,
        days=days,
        arrivals=len(orders),
        completed=sum(1 for o in orders if o.status in done),
        cancelled=sum(1 for o in orders if o.status is Status.CANCELLED),
        open=sum(1 for o in orders if o.status not in done and o.status is not Status.CANCELLED),
        mean_wait_minutes=sum(waits) / len(waits) if waits else 0.0,
        mean_time_in_system_minutes=sum(in_system) / len(in_system) if in_system else 0.0,
        mean_in_system=sim.area / horizon,
        arrival_rate_per_minute=len(orders) / horizon,
        utilisation=_overall_utilisation(sim, horizon),
        response_met_rate=sla["response"].total.met_rate,
        resolution_met_rate=sla["resolution"].total.met_rate,
        response_met_by_priority={
            row.key: row.met_rate for row in sla["response"].rows if row.key is not None
        },
        scorecard_total=card.total if card else None,
        labour_cost=labour,
    )
    return SimulationResult(
        summary=summary,
        orders=orders,
        utilisation=utilisation,
        utilisation_by_trade=by_trade,
        sla=sla,
        scorecard=card,
        unmeasured=unmeasured,
        settlements=settlements,
        labour_cost=labour,
        end=end,
    )


def _scorecard(
    scenario: Scenario,
    orders: Sequence[WorkOrder],
    start: datetime,
    end: datetime,
    labour: Decimal,
    days: float,
) -> tuple[ScorecardResult | None, tuple[str, ...]]:
    """The default scorecard on the run's own measures, or None and the indicators no measure
    exists for (an M/M/c run has no acceptance, assets or licences). Labour cost is annualised."""
    annual_labour = (labour * Decimal(365) / Decimal(str(days))).quantize(Decimal("0.01"))
    measured = measures(
        orders,
        start=start,
        end=end,
        policy=scenario.sla_policy,
        technicians=scenario.hospital.technicians,
        labour_cost=annual_labour,
    )
    card = default_scorecard()
    values = {**scenario.assumed_kpi, **measured}
    unmeasured = tuple(i.code for i in card.indicators if i.code not in values)
    if unmeasured:
        return None, unmeasured
    return score(card, values, strict=False), ()


def _minutes_in_system(order: WorkOrder, end: datetime) -> float:
    """Minutes between report (or refused acceptance) and completion, read from the event log."""
    total, entered = 0.0, None
    for e in order.events:
        if e.action in (Action.REPORT, Action.REJECT):
            entered = e.at
        elif e.action is Action.COMPLETE and entered is not None:
            total += (e.at - entered).total_seconds()
            entered = None
    if entered is not None:
        total += (end - entered).total_seconds()
    return total / 60


def _shift_minutes(sim: Any, tid: str, horizon: float) -> float:
    return float(_engine._shift_overlap(sim.windows[tid], 0.0, horizon))


def _utilisation(
    hospital: Hospital, sim: Any, horizon: float
) -> tuple[dict[str, float], dict[str, float]]:
    per: dict[str, float] = {}
    busy: dict[str, float] = {}
    shift: dict[str, float] = {}
    for t in hospital.technicians:
        on = _shift_minutes(sim, t.id, horizon)
        per[t.id] = sim.busy_minutes[t.id] / on if on else 0.0
        trade = _main_trade(t)
        busy[trade] = busy.get(trade, 0.0) + sim.busy_minutes[t.id]
        shift[trade] = shift.get(trade, 0.0) + on
    return per, {k: busy[k] / shift[k] if shift[k] else 0.0 for k in sorted(busy)}


def _overall_utilisation(sim: Any, horizon: float) -> float:
    on = sum(_shift_minutes(sim, tid, horizon) for tid in sim.busy_minutes)
    return sum(sim.busy_minutes.values()) / on if on else 0.0


def _contract(scenario: Scenario, deal: Outsourcing, days: float) -> Contract:
    """The outsourcing contract of `deal` for the run: fee from headcount, SLA breach deductions."""
    service = ServiceItem.LIFTS if deal.trade == "lifts" else ServiceItem.MAINTENANCE
    last_day = scenario.start + timedelta(days=math.ceil(days) - 1)
    return Contract(
        id=f"C-{deal.vendor}-{deal.trade}",
        name=f"{deal.trade} services by {deal.vendor}",
        vendor=deal.vendor,
        services=(service,),
        start=scenario.start,
        end=last_day,
        monthly_fee=(deal.annual_cost_per_head * deal.headcount / 12),
        staffing={deal.trade: deal.headcount},
        sla_policy=scenario.sla_policy,
        deductions=(DeductionRule(kind=DeductionKind.SLA_BREACH, amount=deal.sla_deduction),),
        timezone=scenario.hospital.timezone,
    )


def _settlements(
    scenario: Scenario, orders: Sequence[WorkOrder], days: float
) -> tuple[Settlement, ...]:
    """Each outsourced trade settled month by month with :func:`hosplogi.contracts.settle`."""
    settled = []
    for deal in scenario.outsourcing:
        contract = _contract(scenario, deal, days)
        own = [o for o in orders if o.trade == deal.trade]
        year, month = contract.start.year, contract.start.month
        while (year, month) <= (contract.end.year, contract.end.month):
            settled.append(settle(contract, year, month, orders=own))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(settled)


def _labour_cost(scenario: Scenario, days: float, settlements: Sequence[Settlement]) -> Decimal:
    """In-house staff at their annual cost pro rata, plus what the outsourcing contracts pay."""
    years = Decimal(str(days)) / Decimal(365)
    costs = scenario.hospital.annual_cost
    vendors = {deal.vendor for deal in scenario.outsourcing}
    in_house = sum(
        (
            costs.get(t.employment or Employment.PERMANENT, IN_HOUSE_COST)
            for t in scenario.hospital.technicians
            if t.employer not in vendors
        ),
        Decimal(0),
    )
    paid = sum((s.payable for s in settlements), Decimal(0))
    return (in_house * years + paid).quantize(Decimal("0.01"))
