"""Running experiments: one run (:func:`simulate`), replications with confidence intervals
(:func:`replicate`) and sweeps over scenarios through any executor (:func:`sweep`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from concurrent.futures import Executor

from hosplogi.errors import HosplogiError
from hosplogi.simulation import engine
from hosplogi.simulation.policies import Policy
from hosplogi.simulation.results import (
    Replication,
    RunSummary,
    SimulationResult,
    assemble,
    summarise,
)
from hosplogi.simulation.scenario import Scenario

__all__ = ["replicate", "simulate", "sweep"]


def simulate(
    scenario: Scenario,
    *,
    days: float,
    seed: int,
    warmup_days: float = 0.0,
    policy: Policy | None = None,
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
    state = engine.run(scenario, days=days, seed=seed, policy=policy, progress=progress)
    return assemble(scenario, state, days=days, seed=seed, warmup_days=warmup_days)


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
    return summarise(scenario.name, summaries)


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
