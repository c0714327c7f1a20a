"""Tests of hosplogi.scheduling: models, bad input, the checker, solve, recommend, assign."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Certificate,
    HosplogiError,
    InfeasibleError,
    Priority,
    SkillRequirement,
    SlaPolicy,
    SlaTarget,
    Status,
    Technician,
    WorkOrder,
)
from hosplogi.scheduling import (
    CERTIFICATE_RULES,
    Entry,
    Problem,
    Recommendation,
    Schedule,
    Task,
    UnassignedReason,
    _matching,
    _search,
    assign,
    assign_report,
    load_mspsp,
    problem_from_orders,
    recommend,
    solve,
)
from hosplogi.scheduling._matching import match
from hosplogi.scheduling.solve import compile_problem
from strategies_scheduling import problems

DATA = Path(__file__).parent / "data" / "mspsp"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def need(skill: str, count: int = 1, level: int = 1) -> SkillRequirement:
    return SkillRequirement(skill=skill, count=count, level=level)


def report(oid: str, trade: str, priority: Priority = Priority.ROUTINE, **kw: Any) -> WorkOrder:
    return WorkOrder.report(
        id=oid, title=oid, trade=trade, priority=priority, reported_at=T0, location="A", **kw
    )


def objective_value(schedule: Schedule, problem: Problem, objective: str) -> float:
    if objective == "makespan":
        return float(schedule.makespan)
    return schedule.weighted_tardiness(problem)


def critical_path_bound(problem: Problem) -> int:
    """Longest chain of releases and durations, computed apart from the solver."""
    tasks = {t.id: t for t in problem.tasks}
    memo: dict[str, int] = {}

    def finish(tid: str) -> int:
        if tid not in memo:
            t = tasks[tid]
            start = max([t.release, *(finish(p) for p in t.predecessors)])
            memo[tid] = start + t.duration
        return memo[tid]

    return max((finish(t) for t in tasks), default=0)


# -- models and bad input -------------------------------------------------------------------------


def test_a_task_needing_a_skill_nobody_has_is_infeasible_naming_task_and_skill() -> None:
    p = Problem(
        tasks=(Task(id="boiler-7", duration=30, requirements=(need("boiler"),)),),
        technicians=(Technician(id="E1", skills={"electrical": 3}),),
    )
    with pytest.raises(InfeasibleError, match=r"task 'boiler-7' needs 1 × boiler .*nobody"):
        solve(p)


def test_a_task_needing_a_level_nobody_reaches_is_infeasible_naming_who_qualifies() -> None:
    p = Problem(
        tasks=(Task(id="T7", duration=30, requirements=(need("electrical", 2, 2),)),),
        technicians=(
            Technician(id="E03", skills={"electrical": 2}),
            Technician(id="E04", skills={"electrical": 1}),
        ),
    )
    with pytest.raises(
        InfeasibleError, match=r"'T7' needs 2 × electrical at level ≥ 2; qualified: E03$"
    ):
        solve(p)


def test_two_slots_that_only_one_person_could_fill_are_infeasible() -> None:
    p = Problem(
        tasks=(Task(id="J", duration=5, requirements=(need("hvac"), need("plumbing"))),),
        technicians=(
            Technician(id="M1", skills={"hvac": 1, "plumbing": 1}),
            Technician(id="X", skills={"hvac": 1}),
        ),
    )
    p_bad = Problem(tasks=p.tasks, technicians=(p.technicians[0],))
    assert solve(p, iterations=5).entry("J").technicians == {"M1": "plumbing", "X": "hvac"}
    with pytest.raises(
        InfeasibleError, match=r"task 'J' needs 2 distinct .* no one is left for plumbing"
    ):
        solve(p_bad)
    both = Problem(
        tasks=(
            Task(
                id="J",
                duration=5,
                requirements=(
                    need("hvac"),
                    need("hvac", level=1),
                ),
            ),
        ),
        technicians=(Technician(id="M1", skills={"hvac": 1}),),
    )
    with pytest.raises(InfeasibleError, match=r"task 'J' needs 2 distinct people"):
        solve(both)


def test_a_precedence_cycle_is_an_error_naming_the_cycle() -> None:
    p = Problem(
        tasks=(
            Task(id="A", duration=1, predecessors=("C",)),
            Task(id="B", duration=1, predecessors=("A",)),
            Task(id="C", duration=1, predecessors=("B",)),
            Task(id="D", duration=1),
        ),
        technicians=(),
    )
    with pytest.raises(HosplogiError, match=r"cycle: (A → C → B → A|A → B → C → A)"):
        solve(p)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Problem(
                tasks=(Task(id="A", duration=1), Task(id="A", duration=2)), technicians=()
            ),
            "task ids must be unique; got A more than once",
        ),
        (
            lambda: Problem(tasks=(), technicians=(Technician(id="X"), Technician(id="X"))),
            "technician ids must be unique; got X more than once",
        ),
        (
            lambda: Problem(tasks=(Task(id="A", duration=1, predecessors=("Q",)),), technicians=()),
            "task 'A' has unknown predecessor 'Q'",
        ),
        (lambda: Task(id="A", duration=1, predecessors=("A",)), "lists itself as a predecessor"),
        (lambda: Task(id="A", duration=-1), "greater than or equal to 0"),
        (lambda: SkillRequirement(skill="hvac", count=0), "greater than or equal to 1"),
        (lambda: Task(id="A", duration=1, weight=-1.0), "greater than or equal to 0"),
        (
            lambda: Problem(
                tasks=(), technicians=(Technician(id="X"),), availability={"X": [(60, 30)]}
            ),
            r"window \(60, 30\) of 'X' ends before it starts",
        ),
        (
            lambda: Problem(tasks=(), technicians=(), availability={"Y": [(0, 30)]}),
            "unknown technician 'Y'",
        ),
    ],
)
def test_malformed_problems_are_rejected_with_a_clear_message(make: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()


def test_solve_rejects_unknown_objective_backend_and_budgets() -> None:
    p = Problem(tasks=(Task(id="A", duration=1),), technicians=())
    with pytest.raises(HosplogiError, match="unknown objective 'speed'"):
        solve(p, objective="speed")  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="unknown backend 'magic'"):
        solve(p, backend="magic")  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="time_limit must be a non-negative"):
        solve(p, time_limit=-1)
    with pytest.raises(HosplogiError, match="give a time_limit, an iterations budget"):
        solve(p, time_limit=None)


@given(problems())
def test_problem_and_schedule_round_trip_through_json(problem: Problem) -> None:
    assert Problem.model_validate_json(problem.model_dump_json()) == problem
    schedule = solve(problem, iterations=3, time_limit=None)
    assert Schedule.model_validate_json(schedule.model_dump_json()) == schedule


def test_every_model_has_a_json_schema() -> None:
    for model in (Task, Problem, Entry, Schedule, Recommendation):
        assert model.model_json_schema()["type"] == "object"


# -- the checker ----------------------------------------------------------------------------------


CHECK = Problem(
    tasks=(
        Task(id="A", duration=30, requirements=(need("hvac", level=2),), release=10),
        Task(id="B", duration=20, requirements=(need("hvac"),), predecessors=("A",)),
    ),
    technicians=(Technician(id="X", skills={"hvac": 2}), Technician(id="Y", skills={"hvac": 1})),
    availability={"Y": [(0, 100)]},
)


def test_a_feasible_schedule_has_no_violations() -> None:
    s = Schedule(
        entries=(
            Entry(task_id="A", start=10, end=40, technicians={"X": "hvac"}),
            Entry(task_id="B", start=40, end=60, technicians={"X": "hvac"}),
        )
    )
    assert s.violations(CHECK) == []


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("A", 10, 40, {"X": "hvac"})], "task 'B' is not scheduled"),
        (
            [
                ("A", 10, 40, {"X": "hvac"}),
                ("B", 40, 60, {"X": "hvac"}),
                ("A", 60, 90, {"X": "hvac"}),
            ],
            "task 'A' is scheduled more than once",
        ),
        (
            [("A", 5, 35, {"X": "hvac"}), ("B", 40, 60, {"X": "hvac"})],
            "starts at 5, before its release 10",
        ),
        (
            [("A", 10, 40, {"X": "hvac"}), ("B", 30, 50, {"Y": "hvac"})],
            "'B' starts at 30 before its predecessor 'A' ends at 40",
        ),
        (
            [("A", 10, 40, {"Y": "hvac"}), ("B", 40, 60, {"X": "hvac"})],
            "'Y' has hvac at level 1, below the required 2",
        ),
        ([("A", 10, 40, {}), ("B", 40, 60, {"X": "hvac"})], "needs 1 × hvac at level ≥ 2, got 0"),
        ([("A", 10, 45, {"X": "hvac"}), ("B", 45, 65, {"X": "hvac"})], "but its duration is 30"),
        (
            [("A", 10, 40, {"X": "hvac"}), ("B", 90, 110, {"Y": "hvac"})],
            "'Y' works 90–110 outside the availability",
        ),
        (
            [("A", 10, 40, {"X": "hvac"}), ("B", 40, 60, {"X": "hvac", "Y": "hvac"})],
            "needs 1 × hvac at level ≥ 1, got 2",
        ),
        ([("A", 10, 40, {"X": "hvac"}), ("B", 40, 60, {"Z": "hvac"})], "unknown technician 'Z'"),
        (
            [("A", 10, 40, {"X": "plumbing"}), ("B", 40, 60, {"Y": "hvac"})],
            "X fill plumbing, which it does not need",
        ),
    ],
)
def test_the_checker_names_each_broken_rule(entries: list[Any], message: str) -> None:
    s = Schedule(
        entries=tuple(Entry(task_id=t, start=a, end=b, technicians=m) for t, a, b, m in entries)
    )
    assert any(message in v for v in s.violations(CHECK)), s.violations(CHECK)


def test_the_checker_finds_a_technician_on_two_tasks_at_once() -> None:
    p = Problem(
        tasks=(
            Task(id="A", duration=10, requirements=(need("hvac"),)),
            Task(id="B", duration=10, requirements=(need("hvac"),)),
        ),
        technicians=(Technician(id="X", skills={"hvac": 1}),),
    )
    s = Schedule(
        entries=(
            Entry(task_id="A", start=0, end=10, technicians={"X": "hvac"}),
            Entry(task_id="B", start=5, end=15, technicians={"X": "hvac"}),
        )
    )
    assert s.violations(p) == ["technician 'X' works on 'A' (0–10) and 'B' (5–15) at the same time"]


# -- solve ----------------------------------------------------------------------------------------


def test_specialists_are_used_first_so_the_multi_skilled_stay_free() -> None:
    # 一专多能 (002:61): M1 can do both trades; the plumber should take the plumbing job so that
    # M1 is free for the electrical one at the same time.
    p = Problem(
        tasks=(
            Task(id="leak", duration=60, requirements=(need("plumbing"),)),
            Task(id="socket", duration=60, requirements=(need("electrical"),)),
        ),
        technicians=(
            Technician(id="M1", skills={"plumbing": 2, "electrical": 2}),
            Technician(id="P1", skills={"plumbing": 1}),
        ),
    )
    s = solve(p, objective="makespan", iterations=0)
    assert s.makespan == 60
    assert s.entry("leak").technicians == {"P1": "plumbing"}
    assert s.entry("socket").technicians == {"M1": "electrical"}


def test_releases_shifts_and_predecessors_are_honoured() -> None:
    p = Problem(
        tasks=(
            Task(id="inspect", duration=20, requirements=(need("lifts"),), release=15),
            Task(
                id="repair", duration=40, requirements=(need("lifts"),), predecessors=("inspect",)
            ),
        ),
        technicians=(Technician(id="L1", skills={"lifts": 3}),),
        availability={"L1": [(0, 30), (60, 200)]},
    )
    s = solve(p, iterations=10)
    assert [(e.task_id, e.start, e.end) for e in s.entries] == [
        ("inspect", 60, 80),
        ("repair", 80, 120),
    ]
    assert s.violations(p) == []


def test_weighted_tardiness_serves_the_heavier_task_first() -> None:
    p = Problem(
        tasks=(
            Task(id="routine", duration=60, requirements=(need("hvac"),), due=60, weight=1.0),
            Task(id="emergency", duration=60, requirements=(need("hvac"),), due=60, weight=8.0),
        ),
        technicians=(Technician(id="H1", skills={"hvac": 1}),),
    )
    s = solve(p, iterations=20)
    assert s.entry("emergency").start == 0
    assert s.weighted_tardiness(p) == 60.0
    assert s.proven_optimal is False


def test_an_empty_problem_gives_an_empty_schedule() -> None:
    assert solve(Problem(tasks=(), technicians=())) == Schedule(entries=(), proven_optimal=True)


def test_a_task_that_fits_no_shift_is_infeasible() -> None:
    p = Problem(
        tasks=(Task(id="long", duration=120, requirements=(need("hvac"),)),),
        technicians=(Technician(id="H1", skills={"hvac": 1}),),
        availability={"H1": [(0, 60), (90, 180)]},
    )
    with pytest.raises(InfeasibleError, match=r"task 'long' .* fits in no availability window"):
        solve(p)


def test_adjacent_shifts_merge_into_one_window() -> None:
    p = Problem(
        tasks=(Task(id="long", duration=120, requirements=(need("hvac"),)),),
        technicians=(Technician(id="H1", skills={"hvac": 1}),),
        availability={"H1": [(60, 180), (0, 60)]},
    )
    assert solve(p, iterations=0).entry("long").start == 0


@given(problems(), st.sampled_from(["weighted_tardiness", "makespan"]), st.integers(0, 3))
def test_every_solved_schedule_is_feasible_and_above_the_critical_path(
    problem: Problem, objective: str, seed: int
) -> None:
    s = solve(problem, objective=objective, iterations=20, time_limit=None, seed=seed)  # type: ignore[arg-type]
    assert s.violations(problem) == []
    assert s.makespan >= critical_path_bound(problem)


@given(
    problems(max_tasks=9), st.sampled_from(["weighted_tardiness", "makespan"]), st.integers(0, 5)
)
def test_a_larger_iteration_budget_never_gives_a_worse_schedule(
    problem: Problem, objective: str, seed: int
) -> None:
    values = [
        objective_value(
            solve(problem, objective=objective, iterations=it, time_limit=None, seed=seed),  # type: ignore[arg-type]
            problem,
            objective,
        )
        for it in (0, 5, 40)
    ]
    assert values[0] >= values[1] >= values[2]


@given(problems(max_tasks=6))
def test_the_same_seed_and_budget_give_the_same_schedule(problem: Problem) -> None:
    a = solve(problem, iterations=15, time_limit=None, seed=7)
    b = solve(problem, iterations=15, time_limit=60.0, seed=7)
    assert a == b


@settings(max_examples=15)
@given(
    problems(max_tasks=4, max_techs=3, max_duration=8),
    st.sampled_from(["weighted_tardiness", "makespan"]),
)
def test_cp_sat_is_feasible_and_never_worse_than_the_heuristic(
    problem: Problem, objective: str
) -> None:
    pytest.importorskip("ortools")
    exact = solve(problem, objective=objective, backend="cp-sat", time_limit=10)  # type: ignore[arg-type]
    heuristic = solve(problem, objective=objective, iterations=30, time_limit=None)  # type: ignore[arg-type]
    assert exact.violations(problem) == []
    if exact.proven_optimal:
        assert (
            objective_value(exact, problem, objective)
            <= objective_value(heuristic, problem, objective) + 1e-9
        )


def test_cp_sat_proves_the_small_makespan_optimal() -> None:
    pytest.importorskip("ortools")
    techs = (Technician(id="A", skills={"hvac": 1}), Technician(id="B", skills={"hvac": 1}))
    p = Problem(
        tasks=tuple(
            Task(id=f"J{i}", duration=d, requirements=(need("hvac"),))
            for i, d in enumerate([3, 3, 2, 2, 2])
        ),
        technicians=techs,
    )
    s = solve(p, objective="makespan", backend="cp-sat", time_limit=10)
    assert (s.makespan, s.proven_optimal, s.violations(p)) == (6, True, [])


# -- matching -------------------------------------------------------------------------------------


@given(
    st.lists(st.lists(st.integers(0, 5), unique=True, max_size=4), max_size=4),
    st.sets(st.integers(0, 5)),
)
def test_the_hot_loop_matching_agrees_with_networkx(slots: list[list[int]], free: set[int]) -> None:
    team = match(slots, free)
    g = nx.Graph()
    g.add_nodes_from(("s", i) for i in range(len(slots)))
    g.add_edges_from((("s", i), ("k", k)) for i, s in enumerate(slots) for k in s if k in free)
    size = (
        len(nx.bipartite.maximum_matching(g, top_nodes=[("s", i) for i in range(len(slots))])) // 2
    )
    assert (team is not None) == (size == len(slots))
    if team is not None:
        assert len(set(team)) == len(slots)
        assert all(k in free and k in slots[i] for i, k in enumerate(team))


# -- MSPSP benchmark instances --------------------------------------------------------------------


OPTIMA = {
    "inst_set1a_sf0.5_nc1.5_n20_m10_00.dzn": 61,
    "inst_set1a_sf0.75_nc2.1_n20_m20_03.dzn": 38,
    "inst_set2a_sf0_nc1.5_n25_l3_m10_00.dzn": 34,
    "inst_set2a_sf0_nc1.5_n25_l3_m10_04.dzn": 40,
    "inst_set2c_sf0_nc2.1_n20_l9_m8_00.dzn": 25,
}


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_mspsp_instances_are_solved_feasibly_and_never_below_the_proven_optimum(name: str) -> None:
    p = load_mspsp(DATA / name)
    s = solve(p, objective="makespan", iterations=150, time_limit=None)
    assert s.violations(p) == []
    assert OPTIMA[name] <= s.makespan <= 1.15 * OPTIMA[name]


def test_the_copied_optima_match_the_shared_results_table() -> None:
    table = Path(__file__).parents[2] / "shared" / "benchmarks" / "mspsp" / "results.csv"
    if not table.exists():
        table = Path("/work/shared/benchmarks/mspsp/results.csv")
    if not table.exists():
        pytest.skip("the shared MSPSP folder is not beside the checkout")
    rows = {Path(r["instance"]).name: r for r in csv.DictReader(table.open())}
    for name, best in OPTIMA.items():
        assert (rows[name]["optimal"], int(rows[name]["best_makespan"])) == ("1", best)


def test_load_mspsp_reads_tasks_skills_and_precedences() -> None:
    p = load_mspsp(DATA / "inst_set1a_sf0.5_nc1.5_n20_m10_00.dzn")
    assert (len(p.tasks), len(p.technicians)) == (20, 10)
    a3 = next(t for t in p.tasks if t.id == "a3")
    assert (a3.duration, a3.requirements, a3.predecessors) == (
        8,
        (need("s2", 3), need("s3", 1)),
        (),
    )
    assert next(t for t in p.tasks if t.id == "a10").predecessors == ("a8",)
    assert p.technicians[0].skills == {"s1": 1, "s2": 1, "s3": 1}


def test_load_mspsp_names_a_missing_field(tmp_path: Path) -> None:
    f = tmp_path / "x.dzn"
    f.write_text("nActs = 2; dur = [0,0];")
    with pytest.raises(HosplogiError, match="field 'nSkills' is missing"):
        load_mspsp(f)


# -- recommend ------------------------------------------------------------------------------------


LIFT_TECHS = [
    Technician(
        id="L1",
        skills={"lifts": 3},
        zone="A",
        certificates=(Certificate(kind="lift", expires_on=date(2027, 1, 1)),),
    ),
    Technician(
        id="L2",
        skills={"lifts": 5},
        zone="A",
        certificates=(Certificate(kind="lift", expires_on=date(2026, 3, 1)),),
    ),
    Technician(
        id="L3",
        skills={"lifts": 2, "electrical": 2},
        zone="B",
        certificates=(Certificate(kind="lift"),),
    ),
    Technician(id="L4", skills={"lifts": 2}, zone="B"),
]


def test_an_expired_certificate_is_never_proposed() -> None:
    order = report("WO-1", "lifts", Priority.EMERGENCY)
    recs = recommend(order, LIFT_TECHS, now=T0, k=5)
    proposed = {t for r in recs for t in r.technician_ids}
    assert proposed == {"L1", "L3"}  # L2 expired on 2026-03-01, L4 has no lift certificate


def test_recommend_ranks_by_zone_and_says_why() -> None:
    order = report("WO-1", "lifts", Priority.ROUTINE)
    recs = recommend(order, LIFT_TECHS, now=T0)
    assert [r.technician_ids for r in recs] == [("L1",), ("L3",)]
    assert recs[0].reasons == (
        "L1 fills lifts: level 3 (needs ≥ 1)",
        "L1 holds a valid lift certificate",
        "L1 works in zone A, the order's zone",
        "L1 is free now",
    )
    assert recs[0].available_at == T0
    assert all(Recommendation.model_validate_json(r.model_dump_json()) == r for r in recs)


def test_a_busy_technician_drops_below_a_free_one_for_an_emergency() -> None:
    order = report("WO-1", "lifts", Priority.EMERGENCY)
    recs = recommend(order, LIFT_TECHS, now=T0, busy_until={"L1": T0 + timedelta(hours=1)})
    assert [r.technician_ids for r in recs] == [("L3",), ("L1",)]
    assert "L1 is busy until 10:00 (60 min)" in recs[1].reasons
    assert recs[1].available_at == T0 + timedelta(hours=1)


def test_a_multi_trade_order_gets_distinct_people_for_each_slot() -> None:
    techs = [
        Technician(
            id="E1", skills={"electrical": 3}, certificates=(Certificate(kind="electrician"),)
        ),
        Technician(
            id="M1",
            skills={"electrical": 2, "hvac": 2},
            certificates=(Certificate(kind="electrician"),),
        ),
        Technician(id="H1", skills={"hvac": 1}),
        Technician(id="H2", skills={"hvac": 1}),
    ]
    order = report("WO-9", "hvac", requirements=(need("electrical"), need("hvac", 2)))
    recs = recommend(order, techs, now=T0, k=10)
    assert recs
    for r in recs:
        assert len(set(r.technician_ids)) == 3
        assert sorted(r.roles.values()) == ["electrical", "hvac", "hvac"]
    # scores: M1 on electrical 1 - 0.05 - 0.02 = 0.93 beats over-qualified E1 (1 - 0.10 = 0.90)
    assert recs[0].roles == {"M1": "electrical", "H1": "hvac", "H2": "hvac"}
    assert round(recs[0].score, 4) == round((0.93 + 1 + 1) / 3, 4)
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_recommend_explains_why_no_team_exists() -> None:
    order = report("WO-1", "lifts")
    with pytest.raises(
        InfeasibleError,
        match=r"1 × lifts .* valid lift certificate on 2026-03-02 \(no valid certificate: L2, L4\)",
    ):
        recommend(order, [LIFT_TECHS[1], LIFT_TECHS[3]], now=T0)


def test_recommend_rejects_a_naive_now_and_bad_k() -> None:
    order = report("WO-1", "lifts")
    with pytest.raises(HosplogiError, match="timezone-aware"):
        recommend(order, LIFT_TECHS, now=datetime(2026, 3, 2, 9))
    with pytest.raises(HosplogiError, match="k must be at least 1, got 0"):
        recommend(order, LIFT_TECHS, now=T0, k=0)


def test_certificate_rules_are_data() -> None:
    order = report("WO-1", "lifts")
    recs = recommend(order, LIFT_TECHS, now=T0, k=5, certificate_rules={})
    assert {t for r in recs for t in r.technician_ids} == {"L1", "L2", "L3", "L4"}
    assert CERTIFICATE_RULES["electrical"] == "electrician"


# -- assign ---------------------------------------------------------------------------------------


def test_assign_serves_emergencies_first() -> None:
    orders = [
        report("WO-1", "plumbing", Priority.ROUTINE),
        report("WO-2", "plumbing", Priority.EMERGENCY),
    ]
    techs = [Technician(id="P1", skills={"plumbing": 2})]
    assert assign(orders, techs, now=T0) == {"WO-2": ("P1",)}


def test_assign_staffs_a_multi_trade_order_completely_or_not_at_all() -> None:
    orders = [
        report("WO-1", "hvac", Priority.URGENT, requirements=(need("hvac"), need("electrical"))),
        report("WO-2", "hvac", Priority.ROUTINE),
    ]
    techs = [Technician(id="H1", skills={"hvac": 1})]
    assert assign(orders, techs, now=T0) == {"WO-2": ("H1",)}
    techs.append(
        Technician(
            id="E1", skills={"electrical": 1}, certificates=(Certificate(kind="electrician"),)
        )
    )
    assert assign(orders, techs, now=T0) == {"WO-1": ("H1", "E1")}


def test_assign_skips_busy_and_unlicensed_people_and_non_reported_orders() -> None:
    dispatched = report("WO-3", "lifts").dispatch(["L1"], at=T0)
    orders = [report("WO-1", "lifts"), dispatched]
    got = assign(orders, LIFT_TECHS, now=T0, busy_until={"L1": T0 + timedelta(minutes=5)})
    assert got == {"WO-1": ("L3",)}
    assert dispatched.status is Status.DISPATCHED


def test_assign_breaks_ties_by_fit_then_by_load() -> None:
    orders = [report("WO-1", "plumbing")]
    techs = [
        Technician(id="P1", skills={"plumbing": 1}),
        Technician(id="P2", skills={"plumbing": 1}),
        Technician(id="P9", skills={"plumbing": 5}),
    ]
    assert assign(orders, techs, now=T0, load={"P1": 3, "P2": 1}) == {"WO-1": ("P2",)}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["hvac", "plumbing"]),
            st.sampled_from(list(Priority)),
            st.integers(1, 2),
        ),
        max_size=8,
    ),
    st.lists(
        st.dictionaries(st.sampled_from(["hvac", "plumbing"]), st.integers(1, 3), min_size=1),
        max_size=6,
    ),
)
def test_assign_never_uses_a_person_twice_and_always_fills_every_slot(
    specs: list[tuple[str, Priority, int]], skill_sets: list[dict[str, int]]
) -> None:
    orders = [
        report(f"WO-{i}", s, p, requirements=(need(s, c),)) for i, (s, p, c) in enumerate(specs)
    ]
    techs = [Technician(id=f"T{k}", skills=sk) for k, sk in enumerate(skill_sets)]
    got = assign(orders, techs, now=T0)
    people = [t for team in got.values() for t in team]
    assert len(people) == len(set(people))
    by_id = {t.id: t for t in techs}
    for o in orders:
        if o.id in got:
            (req,) = o.requirements
            assert len(got[o.id]) == req.count
            assert all(by_id[t].skills.get(req.skill, 0) >= req.level for t in got[o.id])
    # an emergency left out means nobody eligible was free for it
    free_left = [t for t in techs if t.id not in people]
    for o in orders:
        if o.id not in got and o.priority is Priority.EMERGENCY:
            (req,) = o.requirements
            assert sum(t.skills.get(req.skill, 0) >= 1 for t in free_left) < req.count


@st.composite
def dispatch_cases(draw: st.DrawFn) -> tuple[list[WorkOrder], list[Technician], dict[str, Any]]:
    """Up to six open orders of one to two requirements and up to five technicians, some busy,
    some licensed electricians: small enough for a brute-force oracle."""
    skills = ["hvac", "plumbing", "electrical"]
    orders = []
    for i in range(draw(st.integers(0, 6))):
        chosen = draw(st.lists(st.sampled_from(skills), min_size=1, max_size=2, unique=True))
        reqs = tuple(need(sk, draw(st.integers(1, 2)), draw(st.integers(1, 2))) for sk in chosen)
        orders.append(
            report(f"WO-{i}", chosen[0], draw(st.sampled_from(list(Priority))), requirements=reqs)
        )
    techs = []
    busy = {}
    for k in range(draw(st.integers(0, 5))):
        techs.append(
            Technician(
                id=f"T{k}",
                skills=draw(
                    st.dictionaries(st.sampled_from(skills), st.integers(1, 3), min_size=1)
                ),
                certificates=(Certificate(kind="electrician"),) if draw(st.booleans()) else (),
            )
        )
        if draw(st.integers(0, 4)) == 0:
            busy[f"T{k}"] = T0 + timedelta(minutes=30)
    return orders, techs, busy


def _staffable(orders: list[WorkOrder], free: list[Technician]) -> bool:
    """Whether every slot of `orders` gets a distinct person of `free` (networkx matching)."""
    g = nx.Graph()
    slots = [
        (o.id, j, r) for o in orders for j, r in enumerate(o.requirements) for _ in range(r.count)
    ]
    g.add_nodes_from(("slot", n) for n in range(len(slots)))
    for n, (_, _, r) in enumerate(slots):
        for t in free:
            if t.may_work(r, T0.date()):
                g.add_edge(("slot", n), ("tech", t.id))
    top = [("slot", n) for n in range(len(slots))]
    return len(nx.bipartite.maximum_matching(g, top_nodes=top)) // 2 == len(slots)


def _by_priority(orders: list[WorkOrder], ids: Any) -> list[int]:
    return [sum(o.id in ids and o.priority is p for o in orders) for p in Priority]


@given(dispatch_cases())
def test_assign_covers_the_most_orders_by_priority_against_brute_force(
    case: tuple[list[WorkOrder], list[Technician], dict[str, Any]],
) -> None:
    orders, techs, busy = case
    got = assign(orders, techs, now=T0, busy_until=busy)
    free = [t for t in techs if t.id not in busy]
    # a valid assignment: whole orders, distinct free people who may do each requirement
    people = [t for team in got.values() for t in team]
    assert len(people) == len(set(people))
    assert set(people) <= {t.id for t in free}
    by_id = {t.id: t for t in techs}
    for o in orders:
        if o.id in got:
            team = list(got[o.id])
            for r in o.requirements:
                mine, team = team[: r.count], team[r.count :]
                assert all(by_id[t].may_work(r, T0.date()) for t in mine)
            assert team == []
    # no assignment covers more orders of a higher priority (lexicographic by priority counts)
    best = max(
        _by_priority(orders, {o.id for o in subset})
        for n in range(len(orders) + 1)
        for subset in combinations(orders, n)
        if _staffable(list(subset), free)
    )
    assert _by_priority(orders, got) == best
    report_ = assign_report(orders, techs, now=T0, busy_until=busy)
    assert dict(report_.assignment) == got
    assert report_.exact
    assert sorted([*got, *(u.order_id for u in report_.unassigned)]) == sorted(o.id for o in orders)


def test_a_dropped_orders_partial_team_stays_free_for_later_orders() -> None:
    """Regression (issue 12): A took P1 as a partial team, so C lost P1 and nothing was staffed."""
    a = report("A", "plumbing", Priority.EMERGENCY, requirements=(need("plumbing", 2),))
    c = report("C", "hvac", Priority.ROUTINE, requirements=(need("plumbing"), need("hvac")))
    techs = [
        Technician(id="P1", skills={"plumbing": 2}),
        Technician(id="H1", skills={"hvac": 2}),
    ]
    assert assign([c], techs, now=T0) == {"C": ("P1", "H1")}
    assert assign([a, c], techs, now=T0) == {"C": ("P1", "H1")}
    r = assign_report([a, c], techs, now=T0)
    assert [(u.order_id, u.reason) for u in r.unassigned] == [
        ("A", UnassignedReason.NOBODY_QUALIFIED)
    ]
    assert "2 × plumbing at level ≥ 1; eligible: P1" in r.unassigned[0].detail


def test_assign_report_says_nobody_free_and_who_outranked_an_order() -> None:
    orders = [
        report("WO-1", "plumbing", Priority.EMERGENCY),
        report("WO-2", "plumbing", Priority.ROUTINE),
        report("WO-3", "hvac", Priority.URGENT),
        report("WO-4", "lifts").dispatch(["L1"], at=T0),
    ]
    techs = [Technician(id="P1", skills={"plumbing": 1}), Technician(id="H1", skills={"hvac": 1})]
    r = assign_report(orders, techs, now=T0, busy_until={"H1": T0 + timedelta(hours=1)})
    assert dict(r.assignment) == {"WO-1": ("P1",)}
    assert [(u.order_id, u.reason, u.taken_by) for u in r.unassigned] == [
        ("WO-3", UnassignedReason.NOBODY_FREE, ()),
        ("WO-2", UnassignedReason.OUTRANKED, ("WO-1",)),
    ]
    assert r.skipped == ("WO-4",)


def test_a_search_limit_of_zero_still_gives_the_greedy_choice_and_says_so() -> None:
    orders = [
        report("WO-1", "hvac", requirements=(need("hvac"), need("plumbing"))),
        report("WO-2", "hvac"),
        report("WO-3", "plumbing"),
    ]
    techs = [Technician(id="H1", skills={"hvac": 1}), Technician(id="P1", skills={"plumbing": 1})]
    greedy = assign_report(orders, techs, now=T0, search_limit=0)
    assert (dict(greedy.assignment), greedy.exact) == ({"WO-1": ("H1", "P1")}, False)
    best = assign_report(orders, techs, now=T0)
    assert (sorted(best.assignment), best.exact) == (["WO-2", "WO-3"], True)


@given(
    st.lists(st.lists(st.integers(0, 8), unique=True, max_size=4), min_size=1, max_size=8),
    st.sets(st.integers(0, 8)),
)
def test_the_iterative_augmenting_path_agrees_with_the_recursive_one(
    slots: list[list[int]], free: set[int]
) -> None:
    a: dict[int, int] = {}
    b: dict[int, int] = {}
    for s in range(len(slots)):
        assert _matching._augment_recursive(s, slots, free, a, set()) == (
            _matching._augment_iterative(s, slots, free, b)
        )
        assert a == b


def test_a_dispatch_of_thousands_of_slots_needs_no_deep_recursion() -> None:
    # a chain: slot i may take person i or i + 1, filled from the end, so each new slot shifts all
    n = 3000
    slots = [[i, i + 1] for i in range(n)]
    owner: dict[int, int] = {}
    for s in reversed(range(n)):
        assert _matching.augment(s, slots, set(range(n + 1)), owner)
    assert sorted(owner.values()) == list(range(n))


# -- problem_from_orders --------------------------------------------------------------------------


def test_orders_become_tasks_in_minutes_from_now() -> None:
    early = report(
        "WO-1", "plumbing", Priority.URGENT, estimated_minutes=40, due_at=T0 + timedelta(hours=2)
    )
    later = WorkOrder.report(
        id="WO-2",
        title="t",
        trade="electrical",
        priority=Priority.EMERGENCY,
        reported_at=T0 + timedelta(minutes=30, seconds=10),
        location="B",
    )
    closed = report("WO-3", "hvac").cancel(at=T0, reason="duplicate")
    techs = [
        Technician(
            id="E1",
            skills={"electrical": 3, "hvac": 1},
            certificates=(Certificate(kind="electrician", expires_on=date(2026, 1, 1)),),
        ),
        Technician(id="P1", skills={"plumbing": 2}),
    ]
    p = problem_from_orders(
        [early, later, closed],
        techs,
        now=T0,
        shifts={"P1": [(T0 - timedelta(hours=1), T0 + timedelta(hours=8))]},
        busy_until={"E1": T0 + timedelta(minutes=20)},
    )
    assert [(t.id, t.duration, t.release, t.due, t.weight) for t in p.tasks] == [
        ("WO-1", 40, 0, 120, 4.0),
        ("WO-2", 60, 31, None, 8.0),
    ]
    assert p.tasks[1].requirements == (need("electrical"),)
    assert p.technicians[0].skills == {"hvac": 1}  # the electrician certificate expired
    assert p.availability == {"P1": ((0, 480),), "E1": ((20, 10**7),)}


def test_the_sla_resolution_clock_gives_the_due_time() -> None:
    policy = SlaPolicy(
        targets={
            p: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=h))
            for p, h in zip(Priority, (1, 4, 8, 24), strict=True)
        }
    )
    orders = [
        WorkOrder.report(
            id=f"WO-{i}",
            title="t",
            trade="plumbing",
            priority=p,
            reported_at=T0 - timedelta(minutes=10 * i),
            location="A",
            due_at=T0 + timedelta(days=3),  # the policy's clock wins over the order's own due
        )
        for i, p in enumerate(Priority)
    ]
    p = problem_from_orders(
        orders, [Technician(id="P1", skills={"plumbing": 1})], now=T0, policy=policy
    )
    assert [(t.id, t.due, t.weight) for t in p.tasks] == [
        ("WO-0", 60, 8.0),
        ("WO-1", 230, 4.0),
        ("WO-2", 460, 2.0),
        ("WO-3", 1410, 1.0),
    ]
    s = solve(p, iterations=20)
    assert s.weighted_tardiness(p) == 0.0
    assert [e.task_id for e in s.entries] == ["WO-0", "WO-1", "WO-2", "WO-3"]


def test_an_order_with_many_requirements_still_gets_distinct_teams() -> None:
    skills = ["hvac", "plumbing", "carpentry", "painting", "masonry", "glazing"]
    techs = [Technician(id=f"T{i:02d}", skills=dict.fromkeys(skills, 1 + i % 3)) for i in range(40)]
    order = report("WO-1", "hvac", requirements=tuple(need(s, 2) for s in skills))
    recs = recommend(order, techs, now=T0, k=3)
    assert len(recs) == 3
    assert all(len(set(r.technician_ids)) == 12 for r in recs)


def test_recommend_needs_distinct_people_for_different_requirements() -> None:
    order = report("WO-1", "hvac", requirements=(need("hvac"), need("plumbing")))
    with pytest.raises(InfeasibleError, match="cannot be filled by distinct eligible technicians"):
        recommend(order, [Technician(id="M1", skills={"hvac": 1, "plumbing": 1})], now=T0)


def test_a_task_squeezed_out_of_the_shifts_is_moved_earlier_in_the_list() -> None:
    p = Problem(
        tasks=(
            Task(id="X", duration=60, requirements=(need("lifts"),), due=1000),
            Task(id="Y", duration=30, requirements=(need("lifts"),), due=10, weight=10.0),
        ),
        technicians=(Technician(id="A", skills={"lifts": 2}),),
        availability={"A": [(0, 60), (100, 130)]},
    )
    inst = compile_problem(p)
    edd = _search.decode(inst, [1, 0], "weighted_tardiness")
    assert edd.placed == [False, True]
    order, fixed = _search.repair(inst, [1, 0], edd, "weighted_tardiness")
    assert (order, fixed.starts, fixed.cost[:2]) == ([0, 1], [0, 100], (0, 1200.0))
    s = solve(p, iterations=10)
    assert [(e.task_id, e.start) for e in s.entries] == [("X", 0), ("Y", 100)]
    assert s.violations(p) == []


def test_the_cp_sat_backend_says_how_to_install_or_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ortools.sat.python", None)
    p = Problem(tasks=(Task(id="A", duration=1),), technicians=())
    with pytest.raises(HosplogiError, match=r"pip install 'hosplogi\[cpsat\]'"):
        solve(p, backend="cp-sat")


def test_assign_covers_more_orders_rather_than_bigger_ones() -> None:
    orders = [
        report("WO-1", "hvac", requirements=(need("hvac", 2),)),
        report("WO-2", "hvac"),
        report("WO-3", "hvac"),
    ]
    techs = [Technician(id="H1", skills={"hvac": 1}), Technician(id="H2", skills={"hvac": 1})]
    got = assign(orders, techs, now=T0)
    assert sorted(got) == ["WO-2", "WO-3"]
    assert sorted(got["WO-2"] + got["WO-3"]) == ["H1", "H2"]


def test_a_zero_time_limit_still_returns_a_feasible_schedule() -> None:
    p = load_mspsp(DATA / "inst_set2c_sf0_nc2.1_n20_l9_m8_00.dzn")
    s = solve(p, objective="makespan", time_limit=0.0)
    assert s.violations(p) == []
    assert s.makespan >= OPTIMA["inst_set2c_sf0_nc2.1_n20_l9_m8_00.dzn"]
