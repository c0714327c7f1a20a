"""What an hour of work, a vendor's bill and an internal service charge cost (成本核算 inputs).

Configuration is data: labour rates, vendor charges and the internal price list (内部有偿服务,
004:437) are frozen models that serialise to JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from hosplogi._types import (
    FrozenDict,
    FrozenModel,
    Identifier,
    Instant,
    Money,
    by_position,
    money_context,
    require_unique,
    to_money,
)
from hosplogi.crews import Employment, Technician
from hosplogi.errors import HosplogiError
from hosplogi.orders import Priority

__all__ = [
    "SEED_HOURS_PER_YEAR",
    "LabourRates",
    "PriceEntry",
    "PriceList",
    "VendorCharge",
    "cents",
    "charge_cents",
    "labour_cents",
]

SEED_HOURS_PER_YEAR = 2000
"""Paid hours in a person-year in China: 250 working days (365 − 104 weekend days − 11 statutory
holidays, 劳社部发〔2008〕3号) × 8 hours. Not from the seeds; used to turn 000:31's yearly cost
per person into an hourly rate."""

_US_PER_HOUR = 3_600_000_000


def cents(amount: Decimal) -> int:
    """An amount to the cent as integer cents.

    Examples
    --------
    >>> cents(Decimal("29.50"))
    2950
    """
    n, d = amount.as_integer_ratio()
    return n * 100 // d


def labour_cents(person_us: int, rate_cents: int) -> int:
    """Cost of `person_us` microseconds of one person's time at `rate_cents` per hour, rounded
    half up to the cent (exact integer arithmetic).

    Examples
    --------
    >>> labour_cents(90 * 60 * 1_000_000, 2950)  # 1.5 h at 29.50
    4425
    """
    return (2 * person_us * rate_cents + _US_PER_HOUR) // (2 * _US_PER_HOUR)


class LabourRates(FrozenModel):
    """Labour cost per hour by how a technician is employed, with per-person overrides.

    Parameters
    ----------
    permanent, contract, outsourced : Decimal
        Cost per hour (wages, performance pay and insurance, 000:31) of establishment staff (在编),
        hospital contract staff (合同制) and outsourced staff (外包); by
        :attr:`Technician.employment <hosplogi.crews.Technician.employment>`.
    overrides : mapping of technician id to Decimal
        A person's own rate, used before the employment rate.
    source : str
        Where the figures come from (a label for reports).

    The three rates may be passed by position: ``LabourRates(Decimal(30), Decimal(28),
    Decimal(21))``.

    Examples
    --------
    >>> rates = LabourRates(Decimal("30.00"), Decimal("28.00"), Decimal("21.00"),
    ...                     overrides={"E01": Decimal("35.00")})
    >>> rates.rate_of(Technician(id="E01", employment="permanent"))
    Decimal('35.00')
    >>> rates.rate_of(Technician(id="L01", employment="outsourced"))
    Decimal('21.00')
    """

    permanent: Money
    contract: Money
    outsourced: Money
    overrides: FrozenDict[Identifier, Money] = FrozenDict()
    source: str = ""

    def __init__(self, /, *args: Any, **data: Any) -> None:
        data = by_position(
            "LabourRates", ("permanent", "contract", "outsourced", "overrides"), args, data
        )
        super().__init__(**data)

    @model_validator(mode="after")
    def _not_negative(self) -> Self:
        for name in ("permanent", "contract", "outsourced"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} rate must be 0 or more, got {getattr(self, name)}")
        for tid, rate in self.overrides.items():
            if rate < 0:
                raise ValueError(f"override rate of {tid} must be 0 or more, got {rate}")
        return self

    @classmethod
    def seed_defaults(cls, hours_per_year: int = SEED_HOURS_PER_YEAR) -> LabourRates:
        """Rates derived from the seeds (000:31), labelled as such.

        In-house logistics staff cost about 59,000 CNY a person-year (wages, performance pay and
        insurance); outsourced staff at comparable hospitals about 40,800. Over
        :data:`SEED_HOURS_PER_YEAR` = 2,000 paid hours: 59,000 / 2,000 = 29.50 CNY an hour for
        permanent and contract staff (000:31 averages all of the hospital's own staff) and
        40,800 / 2,000 = 20.40 for outsourced staff.

        Examples
        --------
        >>> r = LabourRates.seed_defaults()
        >>> r.permanent, r.contract, r.outsourced
        (Decimal('29.50'), Decimal('29.50'), Decimal('20.40'))
        """
        if isinstance(hours_per_year, bool) or not isinstance(hours_per_year, int):
            raise HosplogiError(f"hours_per_year must be an int, got {hours_per_year!r}")
        if not 1 <= hours_per_year <= 8784:
            raise HosplogiError(
                f"hours_per_year must be from 1 to 8784 (a leap year), got {hours_per_year}"
            )
        with money_context():
            in_house = to_money(Decimal(59000) / hours_per_year)
            outsourced = to_money(Decimal(40800) / hours_per_year)
        return cls(
            permanent=in_house,
            contract=in_house,
            outsourced=outsourced,
            source=(
                f"derived from seed 000:31: 59,000 and 40,800 CNY a person-year "
                f"/ {hours_per_year} h"
            ),
        )

    def rate_of(self, technician: Technician | str) -> Decimal:
        """The hourly rate of `technician` (an id works when it has an override).

        Raises
        ------
        HosplogiError
            A technician with neither an override nor an employment.
        """
        tid = technician if isinstance(technician, str) else technician.id
        override = self.overrides.get(tid)
        if override is not None:
            return override
        if isinstance(technician, str):
            raise HosplogiError(
                f"technician {tid!r} has no override rate and is not among the technicians "
                "given; pass their Technician record or an override"
            )
        employment = technician.employment
        if employment is None:
            raise HosplogiError(
                f"technician {tid} has no employment (permanent, contract or outsourced) and no "
                "override rate; set one of them"
            )
        return {
            Employment.PERMANENT: self.permanent,
            Employment.CONTRACT: self.contract,
            Employment.OUTSOURCED: self.outsourced,
        }[employment]

    def cents_by_id(self, technicians: Iterable[Technician]) -> dict[str, int]:
        """Hourly rate in cents of every technician given and every override."""
        staff = list(technicians)
        require_unique((t.id for t in staff), "technician ids")
        out = {tid: cents(rate) for tid, rate in self.overrides.items()}
        for t in staff:
            if t.id not in out:
                out[t.id] = cents(self.rate_of(t))
        return out


class VendorCharge(FrozenModel):
    """An outside contractor's bill (外委维修), to a work order or to a department.

    Parameters
    ----------
    vendor : str
    amount : Decimal
        0 or more, to the cent.
    order_id : str, optional
        The order it belongs to; it then counts with the order.
    department : str, optional
        Billed to the department directly; such a charge needs `at` (the day it is booked),
        which places it in a month.
    at : datetime, optional
    reference : str, optional
        The invoice number.

    Examples
    --------
    >>> VendorCharge(vendor="V-LIFTCO", amount=Decimal("4000"), order_id="WO-0304").amount
    Decimal('4000.00')
    """

    vendor: Identifier
    amount: Money
    order_id: Identifier | None = None
    department: Identifier | None = None
    at: Instant | None = None
    reference: str | None = None

    @model_validator(mode="after")
    def _placed(self) -> Self:
        if self.amount < 0:
            raise ValueError(f"vendor charge of {self.vendor}: amount must be 0 or more")
        if self.order_id is None:
            if self.department is None:
                raise ValueError(
                    f"vendor charge of {self.vendor}: give the order_id or the department"
                )
            if self.at is None:
                raise ValueError(
                    f"vendor charge of {self.vendor} to department {self.department}: give `at`, "
                    "the day it is booked, to place it in a month"
                )
        return self


Markup = Annotated[Decimal, Field(ge=0, le=10, decimal_places=4, allow_inf_nan=False)]


class PriceEntry(FrozenModel):
    """What the service centre charges a department for an order (内部有偿服务, 004:437).

    ``charge = fee + per_hour × person-hours on site + materials × (1 + materials_markup) +
    vendor charges`` (passed through at cost), each term rounded half up to the cent; a
    cancelled order is charged no fee. `trade` and
    `priority` left as None match any.

    Examples
    --------
    >>> PriceEntry(trade="plumbing", fee=Decimal("20"), per_hour=Decimal("40")).priority is None
    True
    """

    trade: Identifier | None = None
    priority: Priority | None = None
    fee: Money = Decimal(0)
    per_hour: Money = Decimal(0)
    materials_markup: Markup = Decimal(0)

    @model_validator(mode="after")
    def _not_negative(self) -> Self:
        if self.fee < 0 or self.per_hour < 0:
            raise ValueError(f"price entry {self.key}: fee and per_hour must be 0 or more")
        return self

    @property
    def key(self) -> tuple[str | None, Priority | None]:
        """(trade, priority)."""
        return (self.trade, self.priority)


class PriceList(FrozenModel):
    """The internal price list: the most specific entry matching an order's trade and priority
    applies — (trade, priority), then (trade, any), then (any, priority), then (any, any).

    Examples
    --------
    >>> prices = PriceList(entries=(PriceEntry(fee=Decimal(10)),
    ...                             PriceEntry(trade="lifts", fee=Decimal(50))))
    >>> prices.entry_for("lifts", Priority.URGENT).fee, prices.entry_for("hvac", "routine").fee
    (Decimal('50.00'), Decimal('10.00'))
    """

    entries: tuple[PriceEntry, ...]
    name: str = ""

    @model_validator(mode="after")
    def _unique(self) -> Self:
        require_unique((e.key for e in self.entries), "price list (trade, priority) entries")
        return self

    def entry_for(self, trade: str, priority: Priority | str) -> PriceEntry:
        """The entry that prices an order of `trade` and `priority`.

        Raises
        ------
        HosplogiError
            If no entry matches; add one for the trade or a catch-all entry.
        """
        level = Priority(priority)
        table = {e.key: e for e in self.entries}
        for key in ((trade, level), (trade, None), (None, level), (None, None)):
            if key in table:
                return table[key]
        raise HosplogiError(
            f"price list {self.name!r} has no entry for trade {trade!r} at priority "
            f"{Priority(priority).value}; add one or a catch-all entry (trade=None, priority=None)"
        )


def charge_cents(
    entry: PriceEntry, person_us: int, materials: int, vendor: int, *, fee: bool = True
) -> int:
    """The charge of an order in cents under `entry` (see :class:`PriceEntry`); without the
    fee when `fee` is False (a cancelled order pays only for what was done).

    Examples
    --------
    >>> charge_cents(PriceEntry(fee=Decimal(20), per_hour=Decimal(40),
    ...              materials_markup=Decimal("0.1")), 30 * 60 * 10**6, 1000, 500)
    5600
    """
    n, d = entry.materials_markup.as_integer_ratio()
    marked = materials + (2 * materials * n + d) // (2 * d)
    base = cents(entry.fee) if fee else 0
    return base + labour_cents(person_us, cents(entry.per_hour)) + marked + vendor
