"""Comparisons over time: the change of each indicator and the rate of change (同比/环比).

The public names are re-exported by :mod:`hosplogi.kpi`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from hosplogi._checks import guarded
from hosplogi._types import Finite, FrozenModel
from hosplogi.errors import HosplogiError
from hosplogi.kpi.scorecard import Scorecard, finite_value

__all__ = ["Trend", "rate_change", "trend"]


class Trend(FrozenModel):
    """How one indicator moved from the previous period to the current one.

    Attributes
    ----------
    code : str
    previous, current : float
        The values.
    change : float
        ``current − previous``.
    percent : float, optional
        :func:`rate_change` of the values; None when `previous` is 0.
    previous_score, current_score : float
    improved : bool, optional
        True if the value moved in the better direction, False if in the worse, None if equal.
    """

    code: str
    previous: Finite
    current: Finite
    change: Finite
    percent: Finite | None
    previous_score: Finite
    current_score: Finite
    improved: bool | None


@guarded
def trend(
    scorecard: Scorecard,
    current: Mapping[str, float],
    previous: Mapping[str, float],
) -> dict[str, Trend]:
    """Compare each indicator with the previous period (the feedback of 考核—反馈—改进—考核).

    Parameters
    ----------
    scorecard : Scorecard
    current, previous : mapping of str to float
        The two periods' values; both must hold every indicator (extra codes are ignored).

    Returns
    -------
    dict[str, Trend]
        In scorecard order.

    Raises
    ------
    HosplogiError
        If a value is missing or not finite, naming the indicator and the period.

    Examples
    --------
    >>> from hosplogi.kpi import Indicator
    >>> card = Scorecard(name="c", indicators=(
    ...     Indicator(code="complaints", name="Complaints per 1,000", perspective="service",
    ...               higher_is_better=False, target=0.5, floor=5),),
    ...     perspective_weights={"service": 1})
    >>> t = trend(card, {"complaints": 1.0}, {"complaints": 2.0})["complaints"]
    >>> t.change, t.percent, t.improved
    (-1.0, -50.0, True)
    """
    out: dict[str, Trend] = {}
    for ind in scorecard.indicators:
        for label, vals in (("current", current), ("previous", previous)):
            if ind.code not in vals:
                raise HosplogiError(f"the {label} period has no value for indicator {ind.code}")
        c = finite_value(ind.code, current[ind.code])
        p = finite_value(ind.code, previous[ind.code])
        better = c > p if ind.higher_is_better else c < p
        out[ind.code] = Trend(
            code=ind.code,
            previous=p,
            current=c,
            change=c - p,
            percent=None if p == 0 else rate_change(c, p),
            previous_score=ind.score(p),
            current_score=ind.score(c),
            improved=None if c == p else better,
        )
    return out


@guarded
def rate_change(current: float, previous: float) -> float:
    """Return the change from `previous` to `current` in percent (同比/环比).

    Raises
    ------
    HosplogiError
        If either is not a finite number or `previous` is 0.

    Examples
    --------
    Requests fell from 4536 to 3802 year on year (001:387):

    >>> round(rate_change(3802, 4536), 2)
    -16.18
    """
    c = finite_value("current", current)
    p = finite_value("previous", previous)
    if p == 0:
        raise HosplogiError("rate_change needs a non-zero previous value, got 0")
    rate = (c / 2 - p / 2) / abs(p) * 200.0  # halves: c − p may overflow near the float maximum
    if not math.isfinite(rate):
        raise HosplogiError(
            f"the change from {p!r} to {c!r} is too large to give in percent as a float"
        )
    return rate
