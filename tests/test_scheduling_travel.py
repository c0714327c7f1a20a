"""Travel between locations: the model, the decoder, CP-SAT, the checker, orders and recommend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import HosplogiError, Priority, SkillRequirement, Technician, WorkOrder
from hosplogi.scheduling import (
    Entry,
    Problem,
    Schedule,
    Task,
    problem_from_orders,
    recommend,
    solve,
)
from hosplogi.scheduling._cpsat import walks_exact
from hosplogi.scheduling._decode import INF, next_free, next_free_travel
from hosplogi.scheduling.solve import compile_problem
from hosplogi.scheduling.travel import MAX_LOCATIONS, MAX_TRAVEL, check_travel
from strategies_scheduling import problems

HVAC = (SkillRequirement(skill="hvac"),)
WALK = {"Boiler house": {"Ward 7": 12}, "Ward 7": {"Boiler house": 9}}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def two_jobs(**kw: object) -> Problem:
    return Problem(
        tasks=(
            Task(id="A", duration=30, requirements=HVAC, location="Boiler house", due=30),
            Task(id="B", duration=20, requirements=HVAC, location="Ward 7", due=50),
        ),
        technicians=(Technician(id="X", skills={"hvac": 2}),),
        travel=WALK,
        **kw,  # type: ignore[arg-type]
    )


def test_the_walk_from_the_boiler_house_delays_the_next_task() -> None:
    p = two_jobs()
    s = solve(p, iterations=50, time_limit=None)
    assert [(e.task_id, e.start) for e in s.entries] == [("A", 0), ("B", 42)]
    assert s.violations(p) == []


def test_violations_name_the_technician_the_tasks_and_the_minutes_short() -> None:
    p = two_jobs()
    s = Schedule(
        entries=(
            Entry(task_id="A", start=0, end=30, technicians={"X": "hvac"}),
            Entry(task_id="B", start=35, end=55, technicians={"X": "hvac"}),
        )
    )
    assert s.violations(p) == [
        "technician 'X' needs 12 min from 'Boiler house' (task 'A' ends at 30) to 'Ward 7' "
        "(task 'B' starts at 35): 7 min short"
    ]


def test_missing_pairs_take_the_default_and_the_same_place_or_no_place_takes_nothing() -> None:
    p = Problem(
        tasks=(
            Task(id="A", duration=10, requirements=HVAC, location="ICU"),
            Task(id="B", duration=10, requirements=HVAC, location="OR 4"),
            Task(id="C", duration=10, requirements=HVAC, location="OR 4"),
            Task(id="D", duration=10, requirements=HVAC),
        ),
        technicians=(Technician(id="X", skills={"hvac": 2}),),
        travel=WALK,
        default_travel=6,
    )
    assert p.travel_minutes("ICU", "OR 4") == 6
    assert p.travel_minutes("OR 4", "OR 4") == 0
    assert p.travel_minutes("OR 4", None) == 0
    s = solve(p, objective="makespan", iterations=100, time_limit=None)
    assert s.violations(p) == []
    # D, without a location, needs no walk to or from it: between ICU and OR 4 it saves the walk
    assert s.makespan == 40
    order = [e.task_id for e in s.entries]
    assert abs(order.index("D") - order.index("A")) == 1
    assert solve(p.model_copy(update={"tasks": p.tasks[:3]}), objective="makespan").makespan == 36


def test_travel_that_is_all_zero_gives_exactly_the_schedule_without_travel() -> None:
    p = two_jobs()
    plain = p.model_copy(update={"travel": None})
    zero = p.model_copy(update={"travel": {"Boiler house": {"Ward 7": 0}}})
    assert compile_problem(zero).travel is None
    assert solve(zero, iterations=50, time_limit=None) == solve(
        plain, iterations=50, time_limit=None
    )


@given(problems(travel=False), st.integers(0, 3))
def test_problems_without_travel_compile_without_a_matrix(problem: Problem, seed: int) -> None:
    assert compile_problem(problem).travel is None


@given(
    problems(travel=True), st.sampled_from(["weighted_tardiness", "makespan"]), st.integers(0, 3)
)
def test_every_schedule_solved_with_travel_has_no_violations(
    problem: Problem, objective: str, seed: int
) -> None:
    s = solve(problem, objective=objective, seed=seed, iterations=30, time_limit=None)  # type: ignore[arg-type]
    assert s.violations(problem) == []
    assert s.unplaced == ()


@given(problems(travel=True, max_tasks=6))
def test_the_same_seed_and_budget_give_the_same_schedule_with_travel(problem: Problem) -> None:
    a = solve(problem, seed=5, iterations=40, time_limit=None)
    assert a == solve(problem, seed=5, iterations=40, time_limit=None)


def _slow_next_free(
    busy: list[tuple[int, int, int]],
    windows: list[tuple[int, int]] | None,
    t: int,
    d: int,
    here: int,
    travel: list[list[int]],
    horizon: int,
) -> int:
    """Minute by minute: the first start that fits a window and the walks either side."""

    def walk(a: int, b: int) -> int:
        return 0 if a < 0 or b < 0 else travel[a][b]

    for s in range(t, horizon):
        if windows is not None and not any(a <= s and s + d <= b for a, b in windows):
            continue
        ok = True
        before = [x for x in busy if x[1] <= s]
        after = [x for x in busy if x[1] > s]
        if before and before[-1][1] + walk(before[-1][2], here) > s:
            ok = False
        if after and after[0][0] < s + d + walk(here, after[0][2]):
            ok = False
        if ok:
            return s
    return INF


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[tuple[int, int, int]], list[list[int]]]:
    places = 3
    travel = [
        [0 if a == b else draw(st.integers(0, 9)) for b in range(places)] for a in range(places)
    ]
    busy = []
    t = draw(st.integers(0, 10))
    for _ in range(draw(st.integers(0, 5))):
        length = draw(st.integers(1, 12))
        busy.append((t, t + length, draw(st.integers(-1, places - 1))))
        t += length + draw(st.integers(0, 15))
    return busy, travel


@given(
    timelines(),
    st.none() | st.just([(0, 40), (50, 200)]),
    st.integers(0, 60),
    st.integers(0, 15),
    st.integers(-1, 2),
)
@example(  # a walk that pushes the start past the next job: start right after that job instead
    timeline=([(0, 1, 1), (1, 2, 0)], [[0, 0, 0], [0, 0, 2], [0, 0, 0]]),
    windows=None,
    t=0,
    d=1,
    here=2,
)
def test_next_free_with_travel_agrees_with_minute_stepping(
    timeline: tuple[list[tuple[int, int, int]], list[list[int]]],
    windows: list[tuple[int, int]] | None,
    t: int,
    d: int,
    here: int,
) -> None:
    busy, travel = timeline
    bs, be, bl = [b[0] for b in busy], [b[1] for b in busy], [b[2] for b in busy]
    ws = None if windows is None else [a for a, _ in windows]
    we = None if windows is None else [b for _, b in windows]
    fast = next_free_travel(bs, be, bl, ws, we, t, d, here, travel)
    assert fast == _slow_next_free(busy, windows, t, d, here, travel, 400)
    if here < 0:
        assert fast == next_free(bs, be, ws, we, t, d)


@settings(max_examples=10)
@given(problems(travel=True, max_tasks=5, max_techs=3, windows=False))
def test_cp_sat_with_travel_is_feasible_and_a_proven_optimum_bounds_the_heuristic(
    problem: Problem,
) -> None:
    pytest.importorskip("ortools")
    c = solve(problem, backend="cp-sat", time_limit=10)
    assert c.violations(problem) == []
    h = solve(problem, iterations=200, time_limit=None)
    if c.proven_optimal:
        assert c.weighted_tardiness(problem) <= h.weighted_tardiness(problem) + 1e-9


def test_cp_sat_respects_travel_and_proves_the_optimum_on_a_metric() -> None:
    pytest.importorskip("ortools")
    p = two_jobs()
    c = solve(p, backend="cp-sat", time_limit=10)
    assert c.violations(p) == []
    assert c.proven_optimal
    assert c.weighted_tardiness(p) == solve(p, iterations=50).weighted_tardiness(p) == 12.0


@pytest.mark.parametrize(
    ("travel", "default", "message"),
    [
        ({"A": {"B": -1}}, 0, "greater than or equal to 0"),
        ({"A": {"B": 2.5}}, 0, "valid integer"),
        ({"A": {"B": True}}, 0, "valid integer"),
        ({"A": {"B": MAX_TRAVEL + 1}}, 0, "less than or equal to 10080"),
        ({"A": {"A": 3}}, 0, "to itself is 0"),
        ({"A": 5}, 0, "valid dictionary"),
        ([("A", "B")], 0, "must be a mapping"),
        (None, -1, "default_travel must be whole minutes"),
        (None, 1.5, "default_travel must be whole minutes"),
        ({f"L{i}": {} for i in range(MAX_LOCATIONS + 1)}, 0, "more than 1000 locations"),
    ],
)
def test_a_bad_travel_matrix_is_refused_naming_the_pair(
    travel: object, default: object, message: str
) -> None:
    with pytest.raises(HosplogiError, match=message):
        check_travel(travel, default)
    with pytest.raises(ValidationError, match=message.split(" ")[0]):
        Problem(tasks=(), technicians=(), travel=travel, default_travel=default)  # type: ignore[arg-type]


def test_too_many_task_locations_with_travel_are_refused() -> None:
    tasks = tuple(Task(id=f"J{i}", duration=1, location=f"room {i}") for i in range(1001))
    Problem(tasks=tasks, technicians=())  # no travel: any number of locations
    with pytest.raises(ValidationError, match="1001 distinct locations"):
        Problem(tasks=tasks, technicians=(), default_travel=3)


def test_problem_with_travel_round_trips_through_json() -> None:
    p = two_jobs(default_travel=4)
    assert Problem.model_validate_json(p.model_dump_json()) == p
    with pytest.raises(TypeError):
        p.travel["Ward 7"]["ICU"] = 3  # type: ignore[index]


def _order(oid: str, location: str, priority: Priority = Priority.URGENT) -> WorkOrder:
    return WorkOrder.report(
        id=oid, title=oid, trade="plumbing", priority=priority, reported_at=T0, location=location
    )


def test_problem_from_orders_fills_locations_and_takes_the_travel_matrix() -> None:
    techs = [Technician(id="P1", skills={"plumbing": 2})]
    p = problem_from_orders(
        [_order("WO-1", "Boiler house"), _order("WO-2", "Ward 7")], techs, now=T0, travel=WALK
    )
    assert [t.location for t in p.tasks] == ["Boiler house", "Ward 7"]
    assert p.travel == WALK
    assert p.default_travel == 0
    s = solve(p, iterations=50)
    assert s.violations(p) == []
    assert s.entries[1].start - s.entries[0].end >= 9
    with pytest.raises(ValidationError, match="travel"):
        problem_from_orders([_order("WO-1", "A")], techs, now=T0, travel={"A": {"B": -4}})


def test_recommend_counts_the_walk_from_where_each_technician_is() -> None:
    techs = [
        Technician(id="P1", skills={"plumbing": 2}),
        Technician(id="P2", skills={"plumbing": 2}),
    ]
    order = _order("WO-7", "Ward 7")
    recs = recommend(
        order,
        techs,
        now=T0,
        positions={"P1": "Boiler house", "P2": "Ward 7"},
        travel=WALK,
        busy_until={"P2": T0 + timedelta(minutes=10)},
    )
    assert [r.technician_ids for r in recs] == [("P2",), ("P1",)]
    assert recs[1].available_at == T0 + timedelta(minutes=12)
    assert "P1 is at Boiler house, 12 min from Ward 7: on site at 09:12" in recs[1].reasons
    assert "P2 is already at Ward 7" in recs[0].reasons
    # nobody placed: the old scores, no travel reasons
    plain = recommend(order, techs, now=T0)
    assert all("min from" not in reason for r in plain for reason in r.reasons)
    far = recommend(order, techs[:1], now=T0, positions={"P1": "Gate"}, default_travel=30)
    assert far[0].score == pytest.approx(plain[0].score - 30 / 60)


def test_recommend_refuses_bad_positions_and_travel() -> None:
    techs = [Technician(id="P1", skills={"plumbing": 2})]
    order = _order("WO-7", "Ward 7")
    with pytest.raises(HosplogiError, match="positions must be a mapping"):
        recommend(order, techs, now=T0, positions=["P1"])  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="positions\\['P1'\\] must be a location"):
        recommend(order, techs, now=T0, positions={"P1": 3})  # type: ignore[dict-item]
    with pytest.raises(HosplogiError, match="greater than or equal to 0"):
        recommend(order, techs, now=T0, travel={"A": {"B": -1}})


def test_a_busy_hospital_day_with_walks_has_no_violations() -> None:
    rng = Random(7)
    places = [f"zone {z} room {r}" for z in "ABCD" for r in range(3)]
    walk = {
        a: {
            b: (3 if a[5] == b[5] else 8 + 2 * abs(ord(a[5]) - ord(b[5]))) for b in places if b != a
        }
        for a in places
    }
    techs = tuple(Technician(id=f"T{k}", skills={"hvac": 2, "plumbing": 1}) for k in range(6))
    tasks = tuple(
        Task(
            id=f"J{j}",
            duration=rng.choice((15, 30, 45)),
            requirements=(
                SkillRequirement(skill=rng.choice(("hvac", "plumbing")), count=rng.choice((1, 2))),
            ),
            release=rng.randint(0, 200),
            due=rng.randint(60, 400),
            location=rng.choice(places),
        )
        for j in range(40)
    )
    p = Problem(
        tasks=tasks, technicians=techs, travel=walk, availability={t.id: [(0, 2000)] for t in techs}
    )
    for objective in ("weighted_tardiness", "makespan"):
        s = solve(p, objective=objective, iterations=100, time_limit=None)  # type: ignore[arg-type]
        assert s.violations(p) == []


def test_cp_sat_does_not_claim_optimal_when_walks_break_the_triangle_inequality() -> None:
    pytest.importorskip("ortools")
    detour = {"A": {"B": 1, "C": 20}, "B": {"C": 1}}  # A → C direct is slower than via B
    p = Problem(
        tasks=tuple(
            Task(id=f"J{i}", duration=5, requirements=HVAC, location=where, due=0)
            for i, where in enumerate("ABC")
        ),
        technicians=(Technician(id="X", skills={"hvac": 1}),),
        travel=detour,
    )
    assert not walks_exact(compile_problem(p))
    c = solve(p, backend="cp-sat", time_limit=10)
    assert c.violations(p) == []
    assert not c.proven_optimal
    metric = p.model_copy(update={"travel": {"A": {"B": 1, "C": 2}, "B": {"C": 1}}})
    assert walks_exact(compile_problem(metric))
