"""Exact numbers of the stock ledger: quantities in millionths, money in cents, shares rounded
half up — integers inside, Decimals at the edges, never the caller's decimal context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal
from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator

from hosplogi._types import MONEY_LIMIT, brief, to_decimal
from hosplogi.errors import HosplogiError

__all__ = [
    "CENT_LIMIT",
    "EPOCH",
    "MICRO",
    "QUANTITY_LIMIT",
    "QUANTITY_PLACES",
    "UNIT_COST_PLACES",
    "US",
    "Quantity",
    "UnitCost",
    "as_decimal",
    "as_money",
    "as_quantity",
    "micro_units",
    "parse_quantity",
    "share",
]

QUANTITY_PLACES = 6
"""Quantities carry at most six decimal places (metres of cable, litres, kilograms)."""
QUANTITY_LIMIT = Decimal("1E12")
"""Quantities lie below a trillion units, per movement and per stock line."""
UNIT_COST_PLACES = 4
"""Unit costs carry at most four decimal places (a screw at 0.1250 CNY)."""

MICRO = 10**QUANTITY_PLACES
"""Millionths of a unit: the ledger's integer quantities."""
CENT_LIMIT = int(MONEY_LIMIT) * 100
"""Amounts lie strictly below this many cents."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The ledger's times are microseconds since this instant."""
US = timedelta(microseconds=1)
_EXACT = Context(prec=60)  # scaling integers to Decimals is exact, whatever the caller's context


def _decimal(value: Any, what: str, places: int, limit: Decimal) -> Decimal:
    number = to_decimal(value, name=what)
    if not number.is_finite() or number < 0 or number >= limit:
        raise HosplogiError(
            f"{what} must be a finite number from 0 up to {limit:,.0f}, got {brief(value)}"
        )
    if number != number.quantize(Decimal(1).scaleb(-places), context=_EXACT):
        raise HosplogiError(f"{what} {number} has more than {places} decimal places")
    return number


def parse_quantity(value: Any, what: str = "quantity") -> Decimal:
    """`value` as a :data:`Quantity`, or a HosplogiError naming `what`.

    Examples
    --------
    >>> parse_quantity("2.5")
    Decimal('2.5')
    >>> parse_quantity(2.5, "count")
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: count must be a Decimal, int or decimal string, not float 2.5; \
write Decimal('2.5') to keep it exact
    """
    return _decimal(value, what, QUANTITY_PLACES, QUANTITY_LIMIT)


Quantity = Annotated[
    Decimal,
    BeforeValidator(
        partial(_decimal, what="quantity", places=QUANTITY_PLACES, limit=QUANTITY_LIMIT)
    ),
]
"""A Decimal quantity, 0 ≤ q < 10¹², at most six decimal places; floats are refused."""

UnitCost = Annotated[
    Decimal,
    BeforeValidator(
        partial(_decimal, what="unit_cost", places=UNIT_COST_PLACES, limit=MONEY_LIMIT)
    ),
]
"""A Decimal price per unit, 0 ≤ c < 10¹⁵, at most four decimal places; floats are refused."""


def micro_units(quantity: Decimal) -> int:
    """`quantity` in millionths of a unit, exactly (the ledger's integer quantities).

    Examples
    --------
    >>> micro_units(Decimal("2.5"))
    2500000
    """
    n, d = quantity.as_integer_ratio()
    return int(n * MICRO // d)


def as_quantity(micro: int) -> Decimal:
    """A quantity of `micro` millionths as a Decimal without trailing zeros or an exponent.

    Examples
    --------
    >>> as_quantity(2_500_000), as_quantity(100_000_000)
    (Decimal('2.5'), Decimal('100'))
    """
    if micro % MICRO == 0:
        return Decimal(micro // MICRO)
    return Decimal(micro).scaleb(-QUANTITY_PLACES, context=_EXACT).normalize(_EXACT)


def as_decimal(units: int, places: int) -> Decimal:
    """The integer `units` of ``10**-places`` as a Decimal, exactly.

    Examples
    --------
    >>> as_decimal(412500, 4)
    Decimal('41.2500')
    """
    return Decimal(units).scaleb(-places, context=_EXACT)


def as_money(cents: int) -> Decimal:
    """`cents` as a Decimal amount to the cent, whatever the caller's decimal context.

    Examples
    --------
    >>> as_money(12345), as_money(-5)
    (Decimal('123.45'), Decimal('-0.05'))
    """
    return Decimal(cents).scaleb(-2, context=_EXACT)


def share(value: int, part: int, whole: int) -> int:
    """``value × part / whole`` rounded half up, for non-negative integers; all of it when
    ``part == whole`` (the last unit out takes exactly what is left).

    Examples
    --------
    >>> share(1000, 1, 3), share(1000, 2, 3), share(1000, 3, 3)
    (333, 667, 1000)
    """
    if part == whole:
        return value
    return (2 * value * part + whole) // (2 * whole)
