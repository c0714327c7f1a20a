"""Small statistics for simulation reports: Student-t confidence intervals, Erlang C.

Pure Python so that the library needs no numpy or scipy for a mean and its confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from hosplogi.errors import HosplogiError

__all__ = ["erlang_c_wait", "mean_confidence_interval", "t_quantile_975"]

# Two-sided 95% Student-t quantiles t(0.975, df), df = 1..30 (Abramowitz & Stegun, table 26.10).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_T975_LARGE = ((40, 2.021), (60, 2.000), (120, 1.980))


def t_quantile_975(df: int) -> float:
    """The 97.5% quantile of Student's t with `df` degrees of freedom (for 95% intervals).

    Examples
    --------
    >>> t_quantile_975(9)
    2.262
    >>> t_quantile_975(10_000)
    1.96
    """
    if df < 1:
        raise HosplogiError(f"degrees of freedom must be 1 or more, got {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    for limit, value in _T975_LARGE:
        if df <= limit:
            return value
    return 1.96


def mean_confidence_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95% confidence interval ``(mean, low, high)`` of independent replications.

    Uses Student's t with n − 1 degrees of freedom; with one value the interval is that value.

    Examples
    --------
    >>> [round(x, 3) for x in mean_confidence_interval([1.0, 2.0, 3.0])]
    [2.0, -0.484, 4.484]
    """
    n = len(values)
    if n == 0:
        raise HosplogiError("a confidence interval needs at least one value, got none")
    mean = math.fsum(values) / n
    if n == 1:
        return mean, mean, mean
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_quantile_975(n - 1) * math.sqrt(variance / n)
    return mean, mean - half, mean + half


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of an M/M/c FIFO queue (Erlang C), in the rates' time unit.

    ``Wq = C(c, a) / (c·μ − λ)`` with offered load ``a = λ/μ`` and the Erlang C probability of
    waiting ``C(c, a)``.

    Raises
    ------
    HosplogiError
        If a rate is not positive, `servers` < 1, or the queue is unstable (λ ≥ c·μ).

    Examples
    --------
    >>> round(erlang_c_wait(1.0, 1.5, 1), 6)   # M/M/1: ρ/(μ − λ) = (2/3)/0.5
    1.333333

    References
    ----------
    .. [1] Kleinrock, L. (1975). Queueing Systems, Vol. 1, §3.5.
    """
    if arrival_rate <= 0 or service_rate <= 0 or servers < 1:
        raise HosplogiError(
            f"Erlang C needs positive rates and at least one server, got λ={arrival_rate}, "
            f"μ={service_rate}, c={servers}"
        )
    load = arrival_rate / service_rate
    if load >= servers:
        raise HosplogiError(
            f"the queue is unstable: offered load λ/μ = {load:g} is not below c = {servers}"
        )
    term, series = 1.0, 1.0  # a^k / k!, summed for k < c
    for k in range(1, servers):
        term *= load / k
        series += term
    tail = term * load / servers / (1 - load / servers)  # a^c / c! / (1 − ρ)
    waiting_probability = tail / (series + tail)
    return waiting_probability / (servers * service_rate - arrival_rate)
