"""The exact backend of :func:`hosplogi.scheduling.solve`: the same model in OR-Tools CP-SAT.

It receives the compiled integer instance (:class:`._search.Instance`) and returns plain data
(:class:`Solution`) that :mod:`.solve` reads back as a schedule; it knows no model. OR-Tools,
the optional extra ``hosplogi[cpsat]``, is imported only when a solve asks for it. The model
follows Young, Feydy and Schutt (CP 2017): one interval per task, one Boolean ``x[t, g, k]`` per
task, requirement and technician who qualifies for it, one optional interval per task and
technician present when the technician works on the task, and a no-overlap constraint per
technician that also contains the gaps between the technician's shifts. With travel, each pair of
located tasks a technician may both do gets an order literal and the walk in that direction.
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
    if inst.travel is not None:
        horizon += n * max((max(row) for row in inst.travel), default=0)
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
    present_on: dict[int, list[tuple[int, Any]]] = {}  # tech → (task, "works on it") to walk
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
                if inst.travel is not None and inst.locations[i] >= 0:
                    present_on.setdefault(k, []).append((i, present))
    if inst.travel is not None:
        _walks(model, inst.travel, inst.locations, present_on, start, end)
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
        optimal=status == cp_model.OPTIMAL and walks_exact(inst),
    )


def _walks(
    model: Any,
    travel: list[list[int]],
    locations: list[int],
    present_on: dict[int, list[tuple[int, Any]]],
    start: list[Any],
    end: list[Any],
) -> None:
    """Travel between every two located tasks a technician may both do: one order literal per
    pair of tasks (shared by all technicians), and the walk enforced when both are theirs."""
    order: dict[tuple[int, int], Any] = {}
    for k, jobs in present_on.items():
        for a in range(len(jobs)):
            i, wi = jobs[a]
            for b in range(a + 1, len(jobs)):
                j, wj = jobs[b]
                there, back = travel[locations[i]][locations[j]], travel[locations[j]][locations[i]]
                if not there and not back:
                    continue  # the no-overlap constraint says all
                key = (i, j) if i < j else (j, i)
                first = order.get(key)
                if first is None:
                    first = order[key] = model.new_bool_var(f"o{key[0]}_{key[1]}_{k}")
                i_first = first if i < j else first.Not()
                model.add(start[j] >= end[i] + there).only_enforce_if([wi, wj, i_first])
                model.add(start[i] >= end[j] + back).only_enforce_if([wi, wj, i_first.Not()])


def walks_exact(inst: _search.Instance) -> bool:
    """Whether the pairwise walks of the CP-SAT model are exactly the consecutive-task rule.

    The model asks for the walk between every two tasks of a technician, the rule only between
    consecutive ones; they agree when every task of positive duration has a location and walking
    directly is never slower than through a third place (the triangle inequality, checked up to
    100 locations). Otherwise CP-SAT's schedules stay feasible, but "optimal" is not claimed.
    """
    travel = inst.travel
    if travel is None:
        return True
    if any(d > 0 and loc < 0 for d, loc in zip(inst.durations, inst.locations, strict=True)):
        return False
    size = len(travel)
    if size > 100:
        return False
    for a in range(size):
        row_a = travel[a]
        for b in range(size):
            via = row_a[b]
            row_b = travel[b]
            if any(row_a[c] > via + row_b[c] for c in range(size)):
                return False
    return True
