"""What to simulate: a :class:`Hospital` (staff, shifts, demand) and a :class:`Scenario` (the
hospital, a dispatch policy and the levers a researcher moves).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Annotated, Any, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from hosplogi._types import (
    MAX_LEVEL,
    MIN_LEVEL,
    Finite,
    FrozenDict,
    FrozenModel,
    Identifier,
    Money,
    brief,
    require_finite,
    require_unique,
)
from hosplogi.assets import Asset, AssetRegister
from hosplogi.crews import CERTIFICATE_RULES, Certificate, Employment, Technician
from hosplogi.errors import HosplogiError
from hosplogi.orders import Priority
from hosplogi.simulation.bounds import (
    FIRST_START,
    LAST_START,
    MAX_DEMAND_STREAMS,
    MAX_TECHNICIANS,
    require_int,
    require_seed,
)
from hosplogi.simulation.parts import (
    ASSUMED_KPI,
    DEFAULT_SLA,
    IN_HOUSE_COST,
    OUTSOURCED_COST,
    Demand,
    Outsourcing,
    Profile,
    Rounds,
    Shift,
    main_trade,
)
from hosplogi.simulation.policies import POLICY_NAMES, PolicyName
from hosplogi.simulation.synthetic import synthetic_hospital
from hosplogi.sla import SlaPolicy

__all__ = ["Hospital", "Scenario"]

_M = TypeVar("_M", bound=FrozenModel)
_YEAR_MINUTES = 525_600
_AssetCount = Annotated[int, Field(ge=0, le=10**9, strict=True)]


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
    departments: tuple[Identifier, ...] = ()
    """Who verifies completed work (the `by` of acceptance events): identifiers, never blank."""
    locations: tuple[str, ...] = ()
    assets: FrozenDict[Identifier, _AssetCount] = Field(default_factory=FrozenDict)
    """Trade → number of assets (设备台账) a request of that trade may concern; ids are
    ``"<trade>-<n>"``. Repeat repairs on one asset show in the scorecard."""
    technicians: tuple[Technician, ...] = Field(max_length=MAX_TECHNICIANS)
    """At most 1,000 (:data:`~hosplogi.simulation.bounds.MAX_TECHNICIANS`)."""
    shifts: FrozenDict[Identifier, Shift] = Field(default_factory=FrozenDict)
    """Technician id → shift; a technician without one works around the clock."""
    demand: tuple[Demand, ...] = Field(max_length=MAX_DEMAND_STREAMS)
    """At least one stream and at most 1,000."""
    profile: Profile = Profile()
    annual_cost: FrozenDict[Employment, Money] = Field(
        default_factory=lambda: FrozenDict(
            {
                Employment.PERMANENT: IN_HOUSE_COST,
                Employment.CONTRACT: IN_HOUSE_COST,
                Employment.OUTSOURCED: OUTSOURCED_COST,
            }
        )
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (KeyError, ValueError, OSError):
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. 'Asia/Shanghai'") from None
        return value

    @model_validator(mode="after")
    def _staff_can_serve_demand(self) -> Self:
        ids = [t.id for t in self.technicians]
        require_unique(ids, "technician ids")
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

    def register(self) -> AssetRegister:
        """The equipment register (设备台账) behind :attr:`assets`: one asset per id a run draws.

        Orders of a trade concern the assets ``"<trade>-1"`` … ``"<trade>-<n>"``; each is an
        asset of category `trade` under one site, so a run's reliability per category is
        ``reliability(hospital.register(), result.orders, start=..., end=..., by="category")``.

        Examples
        --------
        >>> h = Hospital.synthetic(beds=40, seed=1)
        >>> reg = h.register()
        >>> len(reg.assets) == 1 + sum(h.assets.values()), reg.path("lifts-1")
        (True, ('SITE', 'lifts-1'))
        """
        site = Asset(id="SITE", name=self.name or "hospital", category="site")
        equipment = (
            Asset(id=f"{trade}-{n}", name=f"{trade} {n}", category=trade, parent=site.id)
            for trade, count in sorted(self.assets.items())
            for n in range(1, count + 1)
        )
        return AssetRegister(assets=(site, *equipment))

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
            From 20 to 10,000.
        seed : int
            Makes the staff mix reproducible; a 64-bit signed integer.
        technicians : int, optional
            Overrides the staff count: from 7 (one per trade) to 1,000.

        Raises
        ------
        HosplogiError
            If an argument is not an integer in its range.

        Examples
        --------
        >>> h = Hospital.synthetic(beds=800, seed=1)
        >>> len(h.technicians), round(sum(d.per_day for d in h.demand) * 365)
        (60, 40000)
        """
        return cls(**synthetic_hospital(beds, seed, technicians))


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
    start : date
        The first simulated day, from 1973-01-01 (every IANA zone has whole-minute UTC offsets
        since 1972) to 9979-12-31 (a ten-year run then ends before the year 9999).
    batch_minutes : int
        From 1 to 1,440.
    travel_minutes : tuple[float, float]
        Uniform travel time range to the job, 0 ≤ low ≤ high ≤ 1,440.
    hold_probability, hold_minutes
        Chance that a job stops for material (001:385) and the mean wait (exponential, at most
        525,600 minutes, a year).
    reject_probability, rework_share
        Chance that acceptance is refused, and the share of the work redone.
    verify_minutes, followup_minutes
        Mean delay to the department's acceptance (验收) and to the follow-up call (回访), each
        at most a year.

    Examples
    --------
    >>> s = Scenario(hospital=Hospital.synthetic(beds=100, seed=1), policy="fifo")
    >>> s.with_policy("assign").policy
    'assign'
    """

    name: str = "baseline"
    hospital: Hospital
    start: date = Field(default=date(2026, 3, 2), ge=FIRST_START, le=LAST_START)
    policy: PolicyName = "priority"
    batch_minutes: int = Field(default=15, ge=1, le=1440, strict=True)
    travel_minutes: tuple[Finite, Finite] = (5.0, 15.0)
    hold_probability: Finite = Field(default=0.05, ge=0, le=1)
    hold_minutes: Finite = Field(default=240.0, gt=0, le=_YEAR_MINUTES)
    reject_probability: Finite = Field(default=0.03, ge=0, le=1)
    rework_share: Finite = Field(default=0.3, gt=0, le=1)
    verify_minutes: Finite = Field(default=60.0, ge=0, le=_YEAR_MINUTES)
    followup_minutes: Finite = Field(default=1440.0, ge=0, le=_YEAR_MINUTES)
    acceptance: bool = True
    """Whether departments verify completed work and the desk closes it after a follow-up call."""
    satisfaction: Finite = Field(default=0.9, ge=0, le=1)
    """Chance an accepted job is rated 5 rather than 4 (a refused one is rated 2)."""
    sla_policy: SlaPolicy = Field(default_factory=lambda: DEFAULT_SLA)
    """The clocks the run is measured against (24/7 by default; see :data:`DEFAULT_SLA`)."""
    assumed_kpi: FrozenDict[str, Finite] = Field(default_factory=lambda: FrozenDict(ASSUMED_KPI))
    """Values for scorecard indicators a run does not model (measured values take precedence)."""
    outsourcing: tuple[Outsourcing, ...] = ()
    rounds: Rounds | None = None
    holidays: bool = True
    """Lower demand on China's public holidays (the business calendar's holidays)."""

    @field_validator("policy", mode="before")
    @classmethod
    def _known_policy(cls, value: Any) -> Any:
        if value not in POLICY_NAMES:
            raise ValueError(
                f"unknown policy {brief(value)}; choose one of {', '.join(POLICY_NAMES)}"
            )
        return value

    @model_validator(mode="after")
    def _sane_ranges(self) -> Self:
        low, high = self.travel_minutes
        if not 0 <= low <= high <= 1440:
            raise ValueError(
                f"travel_minutes must be 0 ≤ low ≤ high ≤ 1440, got {self.travel_minutes}"
            )
        require_unique((o.trade for o in self.outsourcing), "outsourced trades")
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
            If a rate is not a positive finite number, or `technicians` is not an integer from 1
            to 1,000.

        Examples
        --------
        >>> s = Scenario.mmc(arrivals_per_hour=4, services_per_hour=1, technicians=5)
        >>> s.policy, len(s.hospital.technicians), s.hospital.demand[0].per_day
        ('fifo', 5, 96.0)
        """
        arrivals = require_finite(arrivals_per_hour, "arrivals_per_hour")
        services = require_finite(services_per_hour, "services_per_hour")
        if isinstance(technicians, bool) or not isinstance(technicians, int):
            raise HosplogiError(f"technicians must be an integer, got {brief(technicians)}")
        if not (arrivals > 0 and services > 0) or technicians < 1:
            raise HosplogiError(
                "an M/M/c scenario needs positive arrival and service rates and at least one "
                f"technician, got λ={arrivals_per_hour}/h, μ={services_per_hour}/h, "
                f"c={technicians}"
            )
        require_int(technicians, "technicians", 1, MAX_TECHNICIANS)
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
        >>> sum(1 for t in s.hospital.technicians if main_trade(t) == "plumbing")
        6
        """
        require_int(headcount, "headcount", 0, MAX_TECHNICIANS)
        staff = list(self.hospital.technicians)
        own = [t for t in staff if main_trade(t) == trade]
        if not own:
            raise HosplogiError(
                f"no technician has main trade {brief(trade)}; trades here: "
                f"{', '.join(sorted({main_trade(t) for t in staff}))}"
            )
        shifts = dict(self.hospital.shifts)
        for t in own[headcount:]:
            staff.remove(t)
            shifts.pop(t.id, None)
        template = own[0]
        for n in range(len(own), headcount):
            clone = _evolve(template, id=f"{template.id}-x{n}")
            staff.append(clone)
            if template.id in shifts:
                shifts[clone.id] = shifts[template.id]
        hospital = _evolve(self.hospital, technicians=tuple(staff), shifts=shifts)
        return _evolve(self, hospital=hospital, name=f"{self.name} / {trade}×{headcount}")

    def cross_trained(self, skill: str, share: float, *, level: int = 2, seed: int = 0) -> Scenario:
        """Teach `skill` at `level` to a `share` of the technicians who lack it (一专多能).

        For a licensed skill (see :data:`hosplogi.crews.CERTIFICATE_RULES`) the training comes
        with the certificate, valid for three years from the scenario's start (to 28 February
        from a 29 February).

        Raises
        ------
        HosplogiError
            If `skill` is not a non-empty string, `share` not a number from 0 to 1, `level` not
            an integer from 1 to 5 or `seed` not a 64-bit integer.

        Examples
        --------
        >>> s = Scenario(hospital=Hospital.synthetic(beds=200, seed=3))
        >>> trained = s.cross_trained("electrical", 1.0)
        >>> all(t.licensed("electrician", s.start) for t in trained.hospital.technicians)
        True
        """
        if not isinstance(skill, str) or not skill.strip():
            raise HosplogiError(f"skill must be a non-empty string, got {brief(skill)}")
        if not 0 <= require_finite(share, "share") <= 1:
            raise HosplogiError(f"share must be between 0 and 1, got {share}")
        require_int(level, "level", MIN_LEVEL, MAX_LEVEL)
        require_seed(seed)
        rng = random.Random(f"cross-train:{seed}:{skill}")
        lacking = [t for t in self.hospital.technicians if t.level(skill) == 0]
        chosen = {t.id for t in rng.sample(lacking, round(share * len(lacking)))}
        kind = CERTIFICATE_RULES.get(skill)
        expiry = _years_later(self.start, 3)

        def train(t: Technician) -> Technician:
            update: dict[str, Any] = {"skills": {**t.skills, skill: level}}
            if kind is not None and not t.licensed(kind, self.start):
                licence = Certificate(kind=kind, number=f"TR-{t.id}", expires_on=expiry)
                update["certificates"] = (*t.certificates, licence)
            return _evolve(t, **update)

        staff = tuple(train(t) if t.id in chosen else t for t in self.hospital.technicians)
        hospital = _evolve(self.hospital, technicians=staff)
        return _evolve(self, hospital=hospital, name=f"{self.name} / +{skill} for {share:.0%}")

    def outsourced(
        self, trade: str, *, vendor: str = "V1", headcount: int | None = None
    ) -> Scenario:
        """Hand `trade` to `vendor`: its in-house staff are replaced by outsourced staff
        (same skills, 40,800 CNY per person-year instead of 59,000, 000:31) under a contract
        settled monthly with SLA deductions.

        Raises
        ------
        HosplogiError
            If nobody has `trade` as main trade, or `headcount` is not an integer from 1 to
            1,000.
        """
        own = [t for t in self.hospital.technicians if main_trade(t) == trade]
        if not own:
            raise HosplogiError(f"no technician has main trade {brief(trade)} to outsource")
        count = len(own) if headcount is None else headcount
        require_int(count, "an outsourced trade's headcount", 1, MAX_TECHNICIANS)
        keep = [t for t in self.hospital.technicians if main_trade(t) != trade]
        shifts = {k: v for k, v in self.hospital.shifts.items() if k not in {t.id for t in own}}
        vendor_staff = []
        for n in range(count):
            model = own[n % len(own)]
            worker = _evolve(
                model,
                id=f"{vendor}-{trade}-{n + 1:02d}",
                employer=vendor,
                employment=Employment.OUTSOURCED,
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


def _years_later(day: date, years: int) -> date:
    """The same day `years` later; 28 February for a 29 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
