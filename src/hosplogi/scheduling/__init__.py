"""Multi-skill crew scheduling: solve a day plan, recommend a team, assign open orders.

One repair often needs several trades, and hospital crews were merged around multi-skilled
technicians — 一专多能, 一岗多能 (002:61, 003:349); licensed trades need a valid certificate —
持证上岗 (003:347); zones and backup roles matter (区域化管理, 003:315); medical devices and
emergencies come first (001:413). This module answers three questions:

- :func:`solve` — a planner's day: place every task (with several skill requirements, release
  times, due dates, precedences, technician shifts and walks between locations) and choose who
  does it, minimising the weighted tardiness or the makespan within a time limit;
- :func:`recommend` — a dispatcher's question about one new order: which teams fit best right now,
  and why;
- :func:`assign` — one-shot assignment of the open orders to the free technicians
  (:func:`assign_report` also says why the others stayed unassigned).

Time in the scheduling core is integer minutes from an origin the caller chooses;
:func:`problem_from_orders` converts work orders (minutes from ``now``) and :func:`load_mspsp`
reads the public MSPSP benchmark files.

A dispatcher's day adds walks between locations (``Problem.travel``), overloaded days
(``solve(..., allow_unplaced=True)``) and :func:`replan` when an emergency arrives.

Modules: ``models`` (Task, Problem, Entry, Schedule and its checker, the dispatch answers),
``travel`` (the travel matrix and its lookup), ``solve`` (compilation and the solve entry),
``replan`` (re-planning from a time on), ``_decode`` (the serial SGS on ints), ``_search``
(priority rules and the genetic algorithm), ``_matching`` (the one bipartite matching),
``_cpsat`` (the exact backend), ``dispatch`` (recommend, assign), ``_teams`` (recommend's
candidate teams), ``_assign`` (assign's integer core), ``orders`` (problem_from_orders) and
``mspsp`` (the benchmark reader).

Examples
--------
>>> from hosplogi import SkillRequirement as Need, Technician
>>> techs = (Technician(id="E1", skills={"electrical": 3}),
...          Technician(id="P1", skills={"plumbing": 2}),
...          Technician(id="M1", skills={"electrical": 2, "plumbing": 3}))
>>> problem = Problem(
...     tasks=(Task(id="boiler-room", duration=90, due=120,
...                 requirements=(Need(skill="electrical"), Need(skill="plumbing", count=2))),
...            Task(id="ward-3-light", duration=30, due=60,
...                 requirements=(Need(skill="electrical", level=3),))),
...     technicians=techs)
>>> schedule = solve(problem, seed=1, iterations=50)
>>> [(e.task_id, e.start, e.end, sorted(e.technicians)) for e in schedule.entries]
[('ward-3-light', 0, 30, ['E1']), ('boiler-room', 30, 120, ['E1', 'M1', 'P1'])]
>>> schedule.violations(problem)
[]
"""

from __future__ import annotations

from hosplogi.crews import CERTIFICATE_RULES as CERTIFICATE_RULES  # importable here before
from hosplogi.scheduling._matching import team_for
from hosplogi.scheduling.dispatch import ASSIGN_SEARCH_LIMIT, assign, assign_report, recommend
from hosplogi.scheduling.models import (
    AssignReport,
    Entry,
    Problem,
    Recommendation,
    Schedule,
    Task,
    Unassigned,
    UnassignedReason,
)
from hosplogi.scheduling.mspsp import load_mspsp
from hosplogi.scheduling.orders import PRIORITY_WEIGHTS, problem_from_orders
from hosplogi.scheduling.replan import CHANGE_PENALTY, replan
from hosplogi.scheduling.solve import solve

__all__ = [
    "ASSIGN_SEARCH_LIMIT",
    "CHANGE_PENALTY",
    "PRIORITY_WEIGHTS",
    "AssignReport",
    "Entry",
    "Problem",
    "Recommendation",
    "Schedule",
    "Task",
    "Unassigned",
    "UnassignedReason",
    "assign",
    "assign_report",
    "load_mspsp",
    "problem_from_orders",
    "recommend",
    "replan",
    "solve",
    "team_for",
]
