"""The building blocks of a simulated hospital: shifts, demand streams, arrival profiles,
outsourcing deals, proactive rounds, and the stated defaults (SLA targets, costs, assumed KPIs).

Everything here is data: frozen models that serialise to JSON. :mod:`~hosplogi.simulation.scenario`
assembles them into a :class:`~hosplogi.simulation.Hospital` and a
:class:`~hosplogi.simulation.Scenario`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from hosplogi._types import Finite, FrozenDict, FrozenModel, Identifier, Money
from hosplogi.crews import SkillRequirement, Technician
from hosplogi.orders import Priority
from hosplogi.simulation.bounds import MAX_DAYS, MAX_TECHNICIANS
from hosplogi.sla import SlaPolicy, SlaTarget

__all__ = [
    "ALWAYS",
    "ASSUMED_KPI",
    "DEFAULT_SLA",
    "HOSPITAL_PROFILE",
    "IN_HOUSE_COST",
    "OUTSOURCED_COST",
    "Demand",
    "Outsourcing",
    "Profile",
    "Rounds",
    "Shift",
    "main_trade",
]

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


ASSUMED_KPI: Mapping[str, float] = FrozenDict(
    {
        "cost_per_order": 150.0,
        "complaints_per_1000": 1.0,
        "pm_compliance": 95.0,
        "inspection_pass_rate": 90.0,
        "rectification_on_time": 95.0,
        "training_hours_per_head": 24.0,
    }
)
"""Scorecard values a simulation does not produce (materials, complaints, inspections, preventive
maintenance, training): stated assumptions, overridable per scenario with `Scenario.assumed_kpi`."""


def main_trade(technician: Technician) -> str:
    """The technician's strongest skill (ties: alphabetical); ``""`` for no skills.

    Examples
    --------
    >>> main_trade(Technician(id="T1", skills={"hvac": 3, "electrical": 3, "plumbing": 1}))
    'electrical'
    """
    skills = technician.skills
    return min(skills, key=lambda s: (-skills[s], s)) if skills else ""


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
        Mean requests a day (before the time-of-day, weekday and holiday profile), from 10⁻⁶ to
        10⁶.
    work_minutes : float
        Mean hands-on work time, more than 0 and at most 43,200 (30 days).
    distribution : {"exponential", "lognormal", "fixed"}
        Work-time distribution; `work_cv` (more than 0, at most 10) is the coefficient of
        variation of the lognormal.
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
    per_day: Finite = Field(ge=1e-6, le=1e6)
    work_minutes: Finite = Field(gt=0, le=43_200)
    distribution: Literal["exponential", "lognormal", "fixed"] = "exponential"
    work_cv: Finite = Field(default=0.8, gt=0, le=10)
    requirements: tuple[SkillRequirement, ...] = ()

    @property
    def needs(self) -> tuple[SkillRequirement, ...]:
        """The requirements, defaulting to one person of the trade."""
        return self.requirements or (SkillRequirement(skill=self.trade),)


class Profile(FrozenModel):
    """Relative arrival intensity by hour of day and weekday, and on public holidays.

    The weights are relative: a profile of all ones is a homogeneous Poisson process. Each is
    normalised to mean 1 over the day / week, so `Demand.per_day` stays the mean daily rate. A
    weight is 0 or from 10⁻⁶ to 10⁶, and not all are 0; the holiday factor is from 0 to 10.

    Examples
    --------
    >>> Profile(weekday=(1, 1, 1, 1, 1, 0.5, 0.5)).holiday
    1.0
    """

    hourly: tuple[Finite, ...] = (1.0,) * 24
    weekday: tuple[Finite, ...] = (1.0,) * 7
    holiday: Finite = Field(default=1.0, ge=0, le=10)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        for name, weights, size in (("hourly", self.hourly, 24), ("weekday", self.weekday, 7)):
            if len(weights) != size:
                raise ValueError(f"{name} needs {size} weights, got {len(weights)}")
            if any(not (w == 0 or 1e-6 <= w <= 1e6) for w in weights) or not any(weights):
                raise ValueError(
                    f"{name} weights must each be 0 or from 1e-6 to 1e6, and not all 0: {weights}"
                )
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
    headcount: int = Field(ge=1, le=MAX_TECHNICIANS, strict=True)
    annual_cost_per_head: Money = OUTSOURCED_COST
    sla_deduction: Money = Decimal("200.00")
    """Deducted from the monthly fee per order whose resolution clock is breached."""


class Rounds(FrozenModel):
    """Proactive rounds (巡查, 001:387) that find developing faults before they are reported.

    A routine fault is detectable for a lead time before it would be reported. A round every
    `interval_days` at `at` local time finds it with probability `coverage`; it then becomes a
    PLANNED order from source ROUNDS and takes `work_factor` of the work (caught early). The
    interval and the lead time are at most 3,660 days.

    Examples
    --------
    >>> Rounds(interval_days=7, coverage=0.5).at
    datetime.time(9, 0)
    """

    interval_days: int = Field(default=7, ge=1, le=MAX_DAYS, strict=True)
    at: time = time(9)
    coverage: Finite = Field(default=0.5, ge=0, le=1)
    lead_days: Finite = Field(default=10.0, gt=0, le=MAX_DAYS)
    work_factor: Finite = Field(default=0.7, gt=0, le=1)
