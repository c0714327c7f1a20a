"""A realistic synthetic hospital from a few numbers: staff with skill mixes, shifts and demand.

The figures are stated in :meth:`hosplogi.simulation.Hospital.synthetic`, which builds a
:class:`~hosplogi.simulation.Hospital` from the fields made here.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, time
from typing import TypedDict

from hosplogi.crews import Certificate, Employment, SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.orders import Priority
from hosplogi.simulation.bounds import (
    MAX_BEDS,
    MAX_TECHNICIANS,
    MIN_BEDS,
    require_int,
    require_seed,
)
from hosplogi.simulation.parts import HOSPITAL_PROFILE, Demand, Profile, Shift

__all__ = [
    "DAY_SHIFT",
    "EVENING_SHIFT",
    "NIGHT_SHIFT",
    "WEEKEND_SHIFT",
    "HospitalFields",
    "synthetic_hospital",
]


class HospitalFields(TypedDict):
    """The fields of a synthetic :class:`~hosplogi.simulation.Hospital`, ready to validate."""

    name: str
    beds: int
    departments: tuple[str, ...]
    locations: tuple[str, ...]
    assets: dict[str, int]
    technicians: tuple[Technician, ...]
    shifts: dict[str, Shift]
    demand: tuple[Demand, ...]
    profile: Profile


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


def synthetic_hospital(beds: int, seed: int, technicians: int | None = None) -> HospitalFields:
    """The fields of a realistic hospital of `beds` beds (see :meth:`Hospital.synthetic`).

    Raises
    ------
    HosplogiError
        If `beds` is not an integer from 20 to 10,000, `seed` not a 64-bit integer, or
        `technicians` neither None nor an integer from 7 (one per trade) to 1,000.

    Examples
    --------
    >>> fields = synthetic_hospital(800, seed=1)
    >>> len(fields["technicians"]), len(fields["demand"])
    (60, 44)
    """
    require_int(beds, "beds of a synthetic hospital", MIN_BEDS, MAX_BEDS)
    require_seed(seed)
    if technicians is not None:
        require_int(technicians, "technicians", len(_TRADES), MAX_TECHNICIANS)
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
    return HospitalFields(
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
