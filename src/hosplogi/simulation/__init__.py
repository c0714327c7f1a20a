"""Simulation for researchers: a synthetic hospital and a discrete-event run of its logistics.

Requests arrive, a dispatch policy assigns technicians, technicians travel and work, orders go on
hold for material and are sometimes refused at acceptance — and everything is recorded as real
:class:`~hosplogi.orders.WorkOrder` histories, so the answers come out of the library's own engines
(lifecycle, SLA clocks, recommend/assign, KPI measures and scorecards, contract settlement), never
a parallel re-implementation. The event engine is a small loop of generator processes that keeps
SimPy's event order (it replaced ``simpy.Environment``, whose event objects cost a tenth of a run).

The package, bottom up: :mod:`~hosplogi.simulation.stats` (confidence intervals, Erlang C),
:mod:`~hosplogi.simulation.parts` (shifts, demand, profiles, defaults),
:mod:`~hosplogi.simulation.synthetic` (a realistic hospital from a few numbers),
:mod:`~hosplogi.simulation.policies` (dispatch policies), :mod:`~hosplogi.simulation.scenario`
(:class:`Hospital`, :class:`Scenario`), :mod:`~hosplogi.simulation.engine` (the event engine, which
leaves a typed run state; its clock and event loop in ``_clock``, its order logs in ``_log``),
:mod:`~hosplogi.simulation.results` (the figures read from it) and
:mod:`~hosplogi.simulation.experiments` (:func:`simulate`, :func:`replicate`, :func:`sweep`).

A question such as "how many electricians does an 800-bed hospital need?" is a short script:

>>> base = Scenario(hospital=Hospital.synthetic(beds=120, seed=1))
>>> result = simulate(base, days=2, seed=7)
>>> result.arrivals == len(result.orders)
True

Examples
--------
The textbook M/M/c queue, for validation against Erlang C:

>>> run = simulate(Scenario.mmc(arrivals_per_hour=2, services_per_hour=1.5, technicians=2),
...                days=5, seed=1)
>>> run.mean_wait < timedelta(hours=1)
True
"""

from __future__ import annotations

from hosplogi.simulation.experiments import replicate, simulate, sweep
from hosplogi.simulation.parts import (
    ASSUMED_KPI,
    DEFAULT_SLA,
    Demand,
    Outsourcing,
    Profile,
    Rounds,
    Shift,
)
from hosplogi.simulation.policies import Policy
from hosplogi.simulation.results import Replication, RunSummary, SimulationResult, sweep_frame
from hosplogi.simulation.scenario import Hospital, Scenario

__all__ = [
    "ASSUMED_KPI",
    "DEFAULT_SLA",
    "Demand",
    "Hospital",
    "Outsourcing",
    "Policy",
    "Profile",
    "Replication",
    "Rounds",
    "RunSummary",
    "Scenario",
    "Shift",
    "SimulationResult",
    "replicate",
    "simulate",
    "sweep",
    "sweep_frame",
]
