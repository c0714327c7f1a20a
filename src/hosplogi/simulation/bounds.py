"""The bounds of the simulation's work, stated once, and the checks of its plain arguments.

A run keeps every order's full history in memory (about 5 KB an order) and costs about a
millisecond of CPU an order, so the work of one call is bounded by the expected number of
orders (:data:`MAX_ARRIVALS`), the simulated time (:data:`MAX_DAYS`) and the staff
(:data:`MAX_TECHNICIANS`):

========================  ===========  ======================================================
bound                     value        why
========================  ===========  ======================================================
``MAX_DAYS``              3,660        ten years; a longer study is several runs
``MAX_ARRIVALS``          400,000      expected orders of one run (ten years of the synthetic
                                       800-bed hospital): about 2 GB and minutes of CPU
``MAX_TECHNICIANS``       1,000        staff of one hospital (shift windows are per person
                                       and day; 750 for a 10,000-bed synthetic hospital)
``MAX_DEMAND_STREAMS``    1,000        demand streams of one hospital
``MIN_BEDS``–``MAX_BEDS`` 20–10,000    the synthetic hospital (the largest hospitals have
                                       about 10,000 beds)
``MAX_RUNS``              1,000        runs of one :func:`replicate`, scenarios of one
                                       :func:`sweep`
seeds                     ±2⁶³         a 64-bit signed integer
``FIRST_START``           1973-01-01   every IANA zone has whole-minute UTC offsets from 1972
                                       on (JSON instants keep no seconds of an offset)
``LAST_START``            9979-12-31   a ten-year run ends before Python's year 9999
========================  ===========  ======================================================
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hosplogi._types import brief
from hosplogi.errors import HosplogiError

__all__ = [
    "FIRST_START",
    "LAST_START",
    "MAX_ARRIVALS",
    "MAX_BEDS",
    "MAX_DAYS",
    "MAX_DEMAND_STREAMS",
    "MAX_RUNS",
    "MAX_SEED",
    "MAX_TECHNICIANS",
    "MIN_BEDS",
    "MIN_SEED",
    "require_days",
    "require_int",
    "require_seed",
]

MAX_DAYS = 3660
"""Longest run in simulated days (ten years)."""
MAX_ARRIVALS = 400_000
"""Most orders one run may expect (the demand's mean daily rate × days)."""
MAX_TECHNICIANS = 1000
"""Most technicians of one hospital."""
MAX_DEMAND_STREAMS = 1000
"""Most demand streams of one hospital."""
MIN_BEDS = 20
"""Fewest beds of a synthetic hospital."""
MAX_BEDS = 10_000
"""Most beds of a synthetic hospital."""
MAX_RUNS = 1000
"""Most runs of one :func:`~hosplogi.simulation.replicate` or scenarios of one sweep."""
MIN_SEED = -(2**63)
"""Smallest seed (seeds are 64-bit signed integers)."""
MAX_SEED = 2**63 - 1
"""Largest seed."""
FIRST_START = date(1973, 1, 1)
"""Earliest start of a scenario."""
LAST_START = date(9979, 12, 31)
"""Latest start of a scenario."""


def require_int(value: Any, name: str, low: int, high: int) -> int:
    """Return `value` if it is an int (not a bool) in ``[low, high]``, else raise HosplogiError.

    Examples
    --------
    >>> require_int(800, "beds", 20, 10_000)
    800
    >>> require_int("100", "beds", 20, 10_000)
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: beds must be an integer from 20 to 10,000, got '100'
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise HosplogiError(
            f"{name} must be an integer from {low:,} to {high:,}, got {brief(value)}"
        )
    return value


def require_seed(value: Any, name: str = "seed") -> int:
    """Return `value` if it is a 64-bit signed integer, else raise HosplogiError.

    Examples
    --------
    >>> require_seed(-3)
    -3
    >>> require_seed(None)
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: seed must be an integer from -2**63 to 2**63 - 1, got None
    """
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SEED <= value <= MAX_SEED:
        raise HosplogiError(
            f"{name} must be an integer from -2**63 to 2**63 - 1, got {brief(value)}"
        )
    return value


def require_days(value: Any, name: str = "days", *, low: float = 0.0) -> float:
    """Return `value` if it is a real number with ``low < value ≤ MAX_DAYS``, else raise.

    Examples
    --------
    >>> require_days(30)
    30
    >>> require_days("1")
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: days must be more than 0 and at most 3,660 (ten years), \
given as a number, got '1'
    """
    real = isinstance(value, int | float) and not isinstance(value, bool)
    if not real or not low < value <= MAX_DAYS:  # NaN fails the comparison too
        raise HosplogiError(
            f"{name} must be more than {low:g} and at most {MAX_DAYS:,} (ten years), given as a "
            f"number, got {brief(value)}"
        )
    return value  # type: ignore[no-any-return]
