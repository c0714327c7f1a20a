"""Simulation: queueing-theory oracle, Little's law, conservation, determinism, bad input."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import time, timedelta

import pytest
from pydantic import ValidationError

from hosplogi import HosplogiError, Priority, Source, Status, Technician
from hosplogi.orders import Action
from hosplogi.simulation import (
    Demand,
    Hospital,
    Rounds,
    Scenario,
    Shift,
    replicate,
    simulate,
    sweep,
)
from hosplogi.simulation.results import outsourcing_contract
from hosplogi.simulation.stats import erlang_c_wait, mean_confidence_interval


@pytest.mark.parametrize(
    ("arrivals", "services", "servers", "runs", "days"),
    [
        (2.0, 1.5, 2, 20, 10),  # ρ = 0.67
        (4.0, 1.0, 5, 16, 8),  # ρ = 0.80
        (9.0, 1.0, 10, 12, 10),  # ρ = 0.90, heavily loaded
    ],
)
def test_mmc_mean_wait_matches_erlang_c_within_the_confidence_interval(
    arrivals: float, services: float, servers: int, runs: int, days: int
) -> None:
    scenario = Scenario.mmc(arrivals, services, servers)
    rep = replicate(scenario, runs, days=days, seed=1, warmup_days=1)
    expected = erlang_c_wait(arrivals, services, servers) * 60
    assert rep.low["mean_wait_minutes"] <= expected <= rep.high["mean_wait_minutes"]
    load = arrivals / services / servers
    assert rep.low["utilisation"] <= load <= rep.high["utilisation"]


def test_erlang_c_reproduces_a_textbook_value() -> None:
    # M/M/1 with λ = 1, μ = 1.5: Wq = ρ / (μ − λ) = (2/3) / 0.5 hours.
    assert erlang_c_wait(1.0, 1.5, 1) == pytest.approx(4 / 3)
    # M/M/2, λ = 2, μ = 1.5: C = 8/15, Wq = C / (cμ − λ) = 8/15 h = 32 min.
    assert erlang_c_wait(2.0, 1.5, 2) * 60 == pytest.approx(32.0)
    with pytest.raises(HosplogiError, match="unstable"):
        erlang_c_wait(3.0, 1.0, 3)


def test_confidence_interval_uses_student_t() -> None:
    mean, low, high = mean_confidence_interval([10.0, 12.0, 14.0, 16.0])
    assert mean == 13.0
    assert high - mean == pytest.approx(3.182 * (20 / 3) ** 0.5 / 2)
    assert low == pytest.approx(2 * mean - high)


@pytest.fixture(scope="module")
def hospital_run() -> tuple[Scenario, object]:
    scenario = Scenario(hospital=Hospital.synthetic(beds=200, seed=4)).with_rounds()
    return scenario, simulate(scenario, days=14, seed=11)


def test_littles_law_holds_on_a_hospital_run(hospital_run: tuple[Scenario, object]) -> None:
    _, run = hospital_run
    s = run.summary  # type: ignore[attr-defined]
    assert s.mean_in_system == pytest.approx(
        s.arrival_rate_per_minute * s.mean_time_in_system_minutes, rel=1e-9
    )


def test_littles_law_holds_on_an_mmc_run() -> None:
    s = simulate(Scenario.mmc(4, 1, 5), days=5, seed=9).summary
    assert s.mean_in_system == pytest.approx(
        s.arrival_rate_per_minute * s.mean_time_in_system_minutes, rel=1e-9
    )


def test_no_order_is_lost(hospital_run: tuple[Scenario, object]) -> None:
    _, run = hospital_run
    s = run.summary  # type: ignore[attr-defined]
    orders = run.orders  # type: ignore[attr-defined]
    assert s.arrivals == len(orders) == len({o.id for o in orders})
    assert s.completed + s.cancelled + s.open == s.arrivals
    assert s.completed > 0.9 * s.arrivals


def test_orders_are_real_histories_with_holds_refusals_and_rounds(
    hospital_run: tuple[Scenario, object],
) -> None:
    _, run = hospital_run
    orders = run.orders  # type: ignore[attr-defined]
    actions = {e.action for o in orders for e in o.events}
    assert {Action.HOLD, Action.RESUME, Action.REJECT, Action.VERIFY, Action.CLOSE} <= actions
    assert any(o.source is Source.ROUNDS and o.priority is Priority.PLANNED for o in orders)
    for o in orders[:200]:
        assert type(o).model_validate_json(o.model_dump_json()) == o


def test_licensed_work_goes_to_licensed_technicians(
    hospital_run: tuple[Scenario, object],
) -> None:
    scenario, run = hospital_run
    staff = {t.id: t for t in scenario.hospital.technicians}
    for o in run.orders:  # type: ignore[attr-defined]
        if o.trade == "electrical" and len(o.requirements) == 1:
            for team in o.assignee_history:
                assert all(staff[t].licensed("electrician", o.reported_at.date()) for t in team)


def test_sla_compliance_comes_from_the_sla_engine(hospital_run: tuple[Scenario, object]) -> None:
    _, run = hospital_run
    report = run.sla["response"]  # type: ignore[attr-defined]
    assert {row.key for row in report.rows} == {p.value for p in Priority}
    assert run.summary.response_met_rate == report.total.met_rate  # type: ignore[attr-defined]


def test_same_scenario_and_seed_give_identical_results() -> None:
    scenario = Scenario(hospital=Hospital.synthetic(beds=100, seed=2))
    a = simulate(scenario, days=3, seed=5)
    b = simulate(scenario, days=3, seed=5)
    assert a == b
    assert simulate(scenario, days=3, seed=6).orders != a.orders


def test_sweep_through_a_process_pool_matches_in_process() -> None:
    base = Scenario(hospital=Hospital.synthetic(beds=60, seed=2))
    scenarios = [base, base.staffed("plumbing", 1), base.with_policy("fifo")]
    local = sweep(scenarios, days=2, seed=3)
    with ProcessPoolExecutor(max_workers=2) as pool:
        remote = sweep(scenarios, days=2, seed=3, executor=pool)
    assert local == remote
    assert [r.scenario for r in local] == [s.name for s in scenarios]


def test_more_staff_never_waits_longer_in_mmc() -> None:
    rows = sweep([Scenario.mmc(4, 1, n) for n in (5, 6, 8)], days=4, seed=2)
    waits = [r.mean_wait_minutes for r in rows]
    assert waits == sorted(waits, reverse=True)


def test_work_is_dispatched_only_to_technicians_on_shift() -> None:
    day = Shift(name="day", start=time(8), end=time(17))
    staff = (Technician(id="T1", skills={"repair": 1}),)
    hospital = Hospital(
        technicians=staff,
        shifts={"T1": day},
        demand=(Demand(trade="repair", priority="routine", per_day=20, work_minutes=10),),
    )
    run = simulate(Scenario(hospital=hospital, holidays=False), days=2, seed=1)
    dispatched = [e.at for o in run.orders for e in o.events if e.action is Action.DISPATCH]
    assert dispatched
    assert all(time(8) <= at.time() < time(17) for at in dispatched)
    assert any(o.reported_at.time() < time(8) for o in run.orders)


class TestBadInputIsRefusedBeforeAnySimulation:
    def test_negative_rate(self) -> None:
        with pytest.raises(ValidationError, match="per_day"):
            Demand(trade="repair", priority="routine", per_day=-1, work_minutes=10)

    def test_zero_technicians_for_a_trade_with_requests(self) -> None:
        with pytest.raises(ValidationError, match="needs 1 × lifts"):
            Hospital(
                technicians=(Technician(id="T1", skills={"repair": 1}),),
                demand=(Demand(trade="lifts", priority="urgent", per_day=1, work_minutes=30),),
            )

    def test_licensed_work_with_nobody_licensed(self) -> None:
        hospital = Hospital(
            technicians=(Technician(id="E1", skills={"electrical": 3}),),
            demand=(Demand(trade="electrical", priority="urgent", per_day=1, work_minutes=30),),
        )
        with pytest.raises(ValidationError, match=r"valid certificate .*electrician"):
            Scenario(hospital=hospital)

    def test_days_not_positive(self) -> None:
        with pytest.raises(HosplogiError, match="days must be more than 0"):
            simulate(Scenario.mmc(1, 1, 2), days=0, seed=1)

    def test_unknown_policy(self) -> None:
        with pytest.raises(ValidationError, match="unknown policy 'random'"):
            Scenario.mmc(1, 1, 2).model_copy(update={}).model_validate(
                {**dict(Scenario.mmc(1, 1, 2)), "policy": "random"}
            )

    def test_mmc_rates(self) -> None:
        with pytest.raises(HosplogiError, match="positive arrival and service rates"):
            Scenario.mmc(-1, 1, 2)
        with pytest.raises(HosplogiError, match="at least one"):
            Scenario.mmc(1, 1, 0)

    def test_unknown_trade_to_staff(self) -> None:
        with pytest.raises(HosplogiError, match="no technician has main trade 'welding'"):
            Scenario.mmc(1, 1, 2).staffed("welding", 3)


def test_scenario_json_round_trip() -> None:
    scenario = Scenario(hospital=Hospital.synthetic(beds=120, seed=3)).with_rounds(
        Rounds(coverage=0.3)
    )
    assert Scenario.model_validate_json(scenario.model_dump_json()) == scenario


def test_statuses_at_the_end_include_open_work() -> None:
    run = simulate(Scenario.mmc(9, 1, 10), days=1, seed=4)
    statuses = {o.status for o in run.orders}
    assert Status.COMPLETED in statuses
    assert statuses <= {Status.COMPLETED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REPORTED}


def test_scorecard_comes_from_kpi_measures_of_the_run(
    hospital_run: tuple[Scenario, object],
) -> None:
    from hosplogi.kpi import default_scorecard, measures, score

    scenario, run = hospital_run
    card = run.scorecard  # type: ignore[attr-defined]
    assert card is not None
    assert run.summary.scorecard_total == card.total  # type: ignore[attr-defined]
    measured = measures(
        run.orders,  # type: ignore[attr-defined]
        start=run.orders[0].reported_at.replace(hour=0, minute=0, second=0, microsecond=0),  # type: ignore[attr-defined]
        end=run.end,  # type: ignore[attr-defined]
        policy=scenario.sla_policy,
        technicians=scenario.hospital.technicians,
    )
    assert card.values["response_on_time"] == pytest.approx(measured["response_on_time"])
    assert card.values["proactive_share"] > 0  # rounds find problems (001:387)
    assert card == score(default_scorecard(), dict(card.values), strict=False)


def test_rounds_turn_reported_faults_into_planned_work() -> None:
    base = Scenario(hospital=Hospital.synthetic(beds=150, seed=8))
    without = simulate(base, days=21, seed=3).orders
    with_rounds = simulate(base.with_rounds(Rounds(coverage=0.8)), days=21, seed=3).orders
    reactive = [o for o in with_rounds if o.source is not Source.ROUNDS]
    assert len(with_rounds) == len(without)
    assert len(reactive) < 0.9 * len(without)


def test_cross_training_raises_the_multi_skill_index() -> None:
    base = Scenario(hospital=Hospital.synthetic(beds=150, seed=8))
    trained = base.cross_trained("plumbing", 1.0)
    a = simulate(base, days=3, seed=1).scorecard
    b = simulate(trained, days=3, seed=1).scorecard
    assert a is not None
    assert b is not None
    assert b.values["multi_skill_index"] > a.values["multi_skill_index"]


def test_an_mmc_run_has_no_scorecard_and_says_why() -> None:
    run = simulate(Scenario.mmc(2, 3, 1), days=1, seed=2)
    assert run.scorecard is None
    assert "satisfaction" in run.unmeasured


def test_an_outsourced_trade_is_settled_monthly_with_the_contracts_engine() -> None:
    from hosplogi.contracts import settle

    base = Scenario(hospital=Hospital.synthetic(beds=300, seed=5))
    outsourced = base.outsourced("lifts", vendor="V-LIFT")
    run = simulate(outsourced, days=40, seed=2)
    assert [(b.year, b.month) for b in run.settlements] == [(2026, 3), (2026, 4)]
    lifts = [o for o in run.orders if o.trade == "lifts"]
    contract = simulation_contract(outsourced, 40)
    again = settle(contract, 2026, 3, orders=lifts)
    assert run.settlements[0] == again
    vendor_staff = [t for t in outsourced.hospital.technicians if t.employer == "V-LIFT"]
    assert vendor_staff
    assert all(
        t.employment is not None and t.employment.value == "outsourced" for t in vendor_staff
    )
    in_house = simulate(base, days=40, seed=2)
    saved = in_house.labour_cost - run.labour_cost
    assert saved > 0  # 40,800 vs 59,000 CNY a person-year (000:31), less any deductions


def simulation_contract(scenario: Scenario, days: float):  # type: ignore[no-untyped-def]
    return outsourcing_contract(scenario, scenario.outsourcing[0], days)


def test_a_plug_in_policy_that_picks_an_unavailable_team_is_refused() -> None:
    class Greedy:
        def choose(self, waiting, free, now):  # type: ignore[no-untyped-def]
            return [(o.id, ("T00",)) for o in waiting]  # the same person for everyone

    with pytest.raises(HosplogiError, match="non-empty, distinct and free now"):
        simulate(Scenario.mmc(30, 1, 3), days=1, seed=1, policy=Greedy())


# -- the package's structure (issue 12) ---------------------------------------------------------


def test_policy_names_live_in_one_table() -> None:
    from typing import get_args

    from hosplogi.cli.main import _parser
    from hosplogi.simulation.policies import POLICY_NAMES, PolicyName, named_policy

    assert POLICY_NAMES == get_args(PolicyName) == ("fifo", "priority", "recommend", "assign")
    for name in POLICY_NAMES:
        assert callable(named_policy(name).choose)
        assert Scenario.mmc(1, 1, 2).with_policy(name).policy == name
    simulate_command = _parser()._subparsers._group_actions[0].choices["simulate"]  # type: ignore[union-attr]
    policy = next(a for a in simulate_command._actions if a.dest == "policy")
    assert tuple(policy.choices) == POLICY_NAMES
    with pytest.raises(HosplogiError, match="choose one of fifo, priority, recommend, assign"):
        named_policy("random")


def test_the_engine_leaves_a_typed_run_state_that_results_assemble() -> None:
    from hosplogi.simulation import engine
    from hosplogi.simulation.results import assemble

    scenario = Scenario.mmc(3, 1, 4)
    state = engine.run(scenario, days=2, seed=5)
    assert isinstance(state, engine.RunState)
    assert len(state.orders) == len(state.reported) == len(state.first_start)
    assert (
        set(state.busy_minutes)
        == set(state.on_shift_minutes)
        == {t.id for t in scenario.hospital.technicians}
    )
    assembled = assemble(scenario, state, days=2, seed=5, warmup_days=0)
    assert assembled == simulate(scenario, days=2, seed=5)


def test_no_import_inside_a_function_in_simulation_or_cli() -> None:
    import ast
    from pathlib import Path

    import hosplogi

    root = Path(hosplogi.__file__).parent
    for path in [*(root / "simulation").glob("*.py"), *(root / "cli").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.If):
                inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert not inner, f"{path.name}:{inner[0].lineno} imports inside {type(node)}"


def test_repeated_technician_ids_are_refused_naming_them() -> None:
    staff = tuple(Technician(id=i, skills={"repair": 1}) for i in ("T1", "T2", "T1"))
    demand = (Demand(trade="repair", priority="routine", per_day=1, work_minutes=10),)
    with pytest.raises(
        ValidationError, match="technician ids must be unique; got T1 more than once"
    ):
        Hospital(technicians=staff, demand=demand)


def test_a_trade_outsourced_twice_is_refused() -> None:
    once = Scenario(hospital=Hospital.synthetic(beds=200, seed=3)).outsourced("lifts")
    with pytest.raises(
        ValidationError, match="outsourced trades must be unique; got lifts more than once"
    ):
        Scenario.model_validate({**dict(once), "outsourcing": once.outsourcing * 2})


def test_a_run_reports_reliability_per_category_over_the_hospitals_register() -> None:
    from hosplogi.assets import reliability

    scenario = Scenario(hospital=Hospital.synthetic(beds=120, seed=2))
    result = simulate(scenario, days=5, seed=2)
    register = scenario.hospital.register()
    known = {a.id for a in register.assets}
    on_assets = [o for o in result.orders if o.asset_id is not None]
    assert on_assets
    assert all(o.asset_id in known for o in on_assets)
    rows = reliability(
        register, result.orders, start=result.end - timedelta(days=5), end=result.end, by="category"
    )
    assert {r.key for r in rows} == set(scenario.hospital.assets)
    corrective = Counter(
        o.asset_id.rsplit("-", 1)[0]
        for o in on_assets
        if o.source not in (Source.PREVENTIVE, Source.INSPECTION)
        and o.status is not Status.CANCELLED
    )
    assert {r.key: r.failures for r in rows} == {
        k: corrective.get(k, 0) for k in scenario.hospital.assets
    }
    assert all(0.0 <= r.availability <= 1.0 for r in rows)
