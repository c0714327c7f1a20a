"""The exact backend of :func:`hosplogi.scheduling.solve`: the same model in OR-Tools CP-SAT.

It receives the compiled integer instance (:class:`._search.Instance`) and returns plain data
(:class:`Solution`) that :mod:`.solve` reads back as a schedule; it knows no model. OR-Tools,
the optional extra ``hosplogi[cpsat]``, is imported only when a solve asks for it. The model
follows Young, Feydy and Schutt (CP 2017): one interval per task, one Boolean ``x[t, g, k]`` per
task, requirement and technician who qualifies for it, one optional interval per task and
technician present when the technician works on the task, and a no-overlap constraint per
technician that also contains the gaps between the technician's shifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hosplogi.errors import HosplogiError, InfeasibleError
from hosplogi.scheduling import _search

__all__ = ["Solution", "solve_cpsat"]

_WEIGHT_SCALE = 1000


@dataclass(frozen=True, slots=True)
class Solution:
    """CP-SAT's answer as plain data: per task its start and the technician of each slot."""

    starts: list[int]
    teams: list[list[int]]
    """Per task, per slot of :attr:`_search.Instance.slots`, the technician index."""
    optimal: bool


def solve_cpsat(
    inst: _search.Instance,
    objective: str,
    *,
    time_limit: float | None,
    seed: int,
    workers: int,
    hint: _search.Decoded | None = None,
) -> Solution:
    """Solve the compiled instance with CP-SAT; the best solution found within `time_limit` s."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        raise HosplogiError(
            "backend='cp-sat' needs OR-Tools; install the extra: pip install 'hosplogi[cpsat]'"
        ) from None

    n = len(inst.durations)
    if n == 0:
        return Solution(starts=[], teams=[], optimal=True)
    ends_win = [we[-1] for we in inst.win_ends if we]
    horizon = max(inst.releases) + sum(inst.durations) + max(ends_win, default=0)
    if objective == "makespan":
        # any schedule's makespan bounds an optimal one: one serial-SGS pass tightens the horizon
        first = _search.decode(inst, _search.priority_lists(inst, objective)[0], objective)
        if not first.cost[0]:
            horizon = min(horizon, max(first.ends))
    model = cp_model.CpModel()
    start = [model.new_int_var(inst.releases[i], horizon, f"s{i}") for i in range(n)]
    end = [model.new_int_var(0, horizon, f"e{i}") for i in range(n)]
    for i in range(n):
        model.add(end[i] == start[i] + inst.durations[i])
        for p in inst.preds[i]:
            model.add(start[i] >= end[p])
    per_tech: dict[int, list[Any]] = {}
    # slots of one requirement are interchangeable: one Boolean per (task, requirement, tech)
    assign: dict[tuple[int, int, int], Any] = {}
    for i in range(n):
        counts: dict[int, int] = {}
        cands: dict[int, list[int]] = {}
        for s, g in enumerate(inst.slot_groups[i]):
            counts[g] = counts.get(g, 0) + 1
            cands[g] = inst.slots[i][s]
        works: dict[int, list[Any]] = {}
        for g, count in counts.items():
            xs = []
            for k in cands[g]:
                x = model.new_bool_var(f"x{i}_{g}_{k}")
                assign[i, g, k] = x
                xs.append(x)
                works.setdefault(k, []).append(x)
            model.add(sum(xs) == count)
        for k, xs in works.items():
            present = model.new_bool_var(f"w{i}_{k}")
            model.add(sum(xs) == present)
            ws, we = inst.win_starts[k], inst.win_ends[k]
            if inst.durations[i] == 0 and ws is not None and we is not None:
                inside = cp_model.Domain.from_intervals(
                    [[a, b] for a, b in zip(ws, we, strict=True)]
                )
                model.add_linear_expression_in_domain(start[i], inside).only_enforce_if(present)
            elif inst.durations[i] > 0:
                iv = model.new_optional_interval_var(
                    start[i], inst.durations[i], end[i], present, f"iv{i}_{k}"
                )
                per_tech.setdefault(k, []).append(iv)
    for k, ivs in per_tech.items():
        ws, we = inst.win_starts[k], inst.win_ends[k]
        if ws is not None and we is not None:
            gaps = []
            prev = -1
            for a, b in zip(ws, we, strict=True):
                if a > prev:
                    gaps.append((prev, a))
                prev = b
            gaps.append((prev, horizon + 1))
            for a, b in gaps:
                if b > a:
                    ivs.append(model.new_fixed_size_interval_var(a, b - a, f"off{k}_{a}"))
        model.add_no_overlap(ivs)
    if objective == "makespan":
        makespan = model.new_int_var(0, horizon, "makespan")
        model.add_max_equality(makespan, end)
        model.minimize(makespan)
    else:
        terms = []
        for i in range(n):
            due = inst.dues[i]
            w = round(inst.weights[i] * _WEIGHT_SCALE)
            if due is None or w == 0:
                continue
            late = model.new_int_var(0, horizon + abs(due), f"late{i}")
            model.add(late >= end[i] - due)
            terms.append(w * late)
        model.minimize(sum(terms))
    if hint is not None:
        for i in range(n):
            model.add_hint(start[i], hint.starts[i])
    solver = cp_model.CpSolver()
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError(
            "CP-SAT proved that the tasks cannot all be placed inside the technicians' "
            "availability windows; lengthen the shifts or add technicians"
        )
    if status == cp_model.MODEL_INVALID:
        raise HosplogiError(
            "CP-SAT refused the model (its numbers overflow 64-bit integers: "
            f"{solver.solution_info() or 'no detail'}); shorten the horizon or use the default "
            "backend"
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise HosplogiError(
            f"CP-SAT found no schedule within time_limit={time_limit} s; give it more time "
            "or use the default backend"
        )
    teams: list[list[int]] = []
    for i in range(n):
        chosen: dict[int, list[int]] = {}
        for s, g in enumerate(inst.slot_groups[i]):
            if g not in chosen:
                chosen[g] = [
                    k
                    for k in inst.slots[i][s]
                    if (var := assign.get((i, g, k))) is not None and solver.value(var)
                ]
        teams.append([chosen[g].pop() for g in inst.slot_groups[i]])
    return Solution(
        starts=[int(solver.value(start[i])) for i in range(n)],
        teams=teams,
        optimal=status == cp_model.OPTIMAL,
    )
