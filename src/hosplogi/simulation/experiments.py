"""Running experiments: one run (:func:`simulate`), replications with confidence intervals
(:func:`replicate`) and sweeps over scenarios through any executor (:func:`sweep`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Any

from hosplogi._checks import guarded
from hosplogi._types import brief
from hosplogi.errors import HosplogiError
from hosplogi.simulation import engine
from hosplogi.simulation.bounds import MAX_RUNS, require_int, require_seed
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


@guarded
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
        If `scenario` is not a Scenario, `days` is not a number more than 0 and at most 3,660
        (ten years), `seed` is not a 64-bit integer, `warmup_days` is not in [0, days), `policy`
        has no ``choose`` method, `progress` is not callable, or the run expects more than
        400,000 orders (see :mod:`~hosplogi.simulation.bounds`).

    Notes
    -----
    Work is bounded: at most 400,000 expected orders, 3,660 days and 1,000 technicians a run.

    Examples
    --------
    >>> run = simulate(Scenario.mmc(3, 1, 4), days=2, seed=5)
    >>> run.summary.completed <= run.summary.arrivals
    True
    """
    _check(scenario, days, seed, warmup_days)
    state = engine.run(scenario, days=days, seed=seed, policy=policy, progress=progress)
    return assemble(scenario, state, days=days, seed=seed, warmup_days=warmup_days)


def _check(scenario: Any, days: Any, seed: Any, warmup_days: Any) -> None:
    engine.check_run(scenario, days=days, seed=seed)
    real = isinstance(warmup_days, int | float) and not isinstance(warmup_days, bool)
    if not real or not 0 <= warmup_days < days:
        raise HosplogiError(f"warmup_days must be in [0, days), got {brief(warmup_days)}")


@guarded
def replicate(
    scenario: Scenario, runs: int, *, days: float, seed: int, warmup_days: float = 0.0
) -> Replication:
    """Run `scenario` `runs` times with seeds ``seed, seed + 1, …`` and give means with 95% CIs.

    Raises
    ------
    HosplogiError
        If `runs` is not an integer from 1 to 1,000, the seeds ``seed … seed + runs − 1`` are not
        all 64-bit integers, or an argument of :func:`simulate` is refused.

    Examples
    --------
    >>> rep = replicate(Scenario.mmc(2, 1.5, 2), 3, days=2, seed=1)
    >>> wait = "mean_wait_minutes"
    >>> rep.low[wait] <= rep.mean[wait] <= rep.high[wait]
    True
    """
    require_int(runs, "runs", 1, MAX_RUNS)
    _check(scenario, days, seed, warmup_days)
    require_seed(seed + runs - 1, "the last seed, seed + runs - 1,")
    summaries = tuple(
        simulate(scenario, days=days, seed=seed + i, warmup_days=warmup_days).summary
        for i in range(runs)
    )
    return summarise(scenario.name, summaries)


def _summary_of(scenario: Scenario, days: float, seed: int, warmup_days: float) -> RunSummary:
    return simulate(scenario, days=days, seed=seed, warmup_days=warmup_days).summary


@guarded
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

    Raises
    ------
    HosplogiError
        If `scenarios` is not an iterable of at most 1,000 Scenarios, `executor` is neither None
        nor an Executor, or an argument of :func:`simulate` is refused (checked before any run).

    Examples
    --------
    >>> base = Scenario.mmc(2, 1, 3)
    >>> rows = sweep([base, base.staffed("repair", 4)], days=1, seed=3)
    >>> [r.scenario for r in rows]
    ['M/M/3 λ=2/h μ=1/h', 'M/M/3 λ=2/h μ=1/h / repair×4']
    """
    try:
        items = list(itertools.islice(iter(scenarios), MAX_RUNS + 1))
    except TypeError:
        raise HosplogiError(
            f"scenarios must be an iterable of Scenarios, got {brief(scenarios)}"
        ) from None
    if len(items) > MAX_RUNS:
        raise HosplogiError(f"a sweep runs at most {MAX_RUNS:,} scenarios; split it")
    for item in items:
        _check(item, days, seed, warmup_days)
    if executor is not None and not isinstance(executor, Executor):
        raise HosplogiError(
            "executor must be None or a concurrent.futures.Executor (a ProcessPoolExecutor, "
            f"Dask's Client.get_executor()), got {brief(executor)}"
        )
    if executor is None:
        return [_summary_of(s, days, seed, warmup_days) for s in items]
    futures = [executor.submit(_summary_of, s, days, seed, warmup_days) for s in items]
    return [f.result() for f in futures]
