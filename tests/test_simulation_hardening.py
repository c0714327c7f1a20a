"""Hardening of the simulation and its command line (issue 13): every bad input gets a library
error naming what was wrong and what is accepted, work is bounded, models are values.

Each class of fault found has a regression test named after it; hypothesis feeds generated junk.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import subprocess
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from hosplogi import HosplogiError, Technician
from hosplogi._types import FrozenDict
from hosplogi.cli import main
from hosplogi.simulation import (
    ASSUMED_KPI,
    DEFAULT_SLA,
    Demand,
    Hospital,
    Outsourcing,
    Profile,
    Replication,
    Rounds,
    RunSummary,
    Scenario,
    Shift,
    SimulationResult,
    replicate,
    simulate,
    sweep,
)
from hosplogi.simulation.bounds import MAX_ARRIVALS, MAX_DAYS, MAX_RUNS, MAX_SEED

LIBRARY_ERRORS = (HosplogiError, ValidationError)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(10**400),
)
"""Values of the wrong type or far out of range, as a careless caller or an attacker sends."""


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    """A scenario with about one request a year: any accepted number of days runs at once."""
    hospital = Hospital(
        technicians=(Technician(id="T1", skills={"repair": 1}),),
        demand=(Demand(trade="repair", priority="routine", per_day=0.003, work_minutes=30),),
        timezone="UTC",
    )
    return Scenario(hospital=hospital, holidays=False, acceptance=False)


@pytest.fixture(scope="module")
def rich() -> Scenario:
    """A scenario using every part: shifts, rounds, outsourcing, cross-training."""
    base = Scenario(hospital=Hospital.synthetic(beds=200, seed=3))
    return base.outsourced("lifts", vendor="V-LIFT").cross_trained("plumbing", 0.5).with_rounds()


@pytest.fixture(scope="module")
def rich_run(rich: Scenario) -> SimulationResult:
    return simulate(rich, days=35, seed=2, warmup_days=1)


# -- TypeError for text where a number is expected (Hospital.synthetic, simulate) ---------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"beds": "100"}, r"beds of a synthetic hospital must be an integer from 20 to 10,000"),
        ({"beds": True}, r"beds .* got True"),
        ({"beds": 19}, r"from 20 to 10,000, got 19"),
        ({"beds": 10**6}, r"from 20 to 10,000, got 1000000"),
        ({"beds": 100.0}, r"must be an integer"),
        ({"beds": 100, "seed": None}, r"seed must be an integer from -2\*\*63"),
        ({"beds": 100, "seed": 2**70}, r"seed must be an integer"),
        ({"beds": 100, "technicians": "60"}, r"technicians must be an integer from 7 to 1,000"),
        ({"beds": 100, "technicians": 3}, r"technicians must be an integer from 7"),
        ({"beds": 100, "technicians": 10**5}, r"technicians must be an integer"),
    ],
)
def test_synthetic_beds_given_as_text_is_refused_naming_the_argument(
    arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(HosplogiError, match=message):
        Hospital.synthetic(**arguments)


@pytest.mark.parametrize(
    "days", ["1", None, True, math.nan, math.inf, -math.inf, 0, -1, 10**400, [1], 3660.5]
)
def test_simulate_days_given_as_text_is_refused_naming_the_argument(
    tiny: Scenario, days: Any
) -> None:
    with pytest.raises(HosplogiError, match=r"days must be more than 0 and at most 3,660"):
        simulate(tiny, days=days, seed=1)


@pytest.mark.parametrize("seed", ["1", None, 1.0, True, 2**63, -(2**63) - 1])
def test_simulate_seed_that_is_no_64_bit_integer_is_refused(tiny: Scenario, seed: Any) -> None:
    with pytest.raises(HosplogiError, match=r"seed must be an integer from -2\*\*63"):
        simulate(tiny, days=1, seed=seed)


@pytest.mark.parametrize("warmup", ["0", None, math.nan, -1, 5, 10])
def test_simulate_warmup_outside_the_run_is_refused(tiny: Scenario, warmup: Any) -> None:
    with pytest.raises(HosplogiError, match=r"warmup_days must be in \[0, days\)"):
        simulate(tiny, days=5, seed=1, warmup_days=warmup)


def test_simulate_something_that_is_no_scenario_is_refused() -> None:
    with pytest.raises(HosplogiError, match="scenario must be a Scenario, got"):
        simulate({"hospital": None}, days=1, seed=1)  # type: ignore[arg-type]


def test_a_tiny_run_at_the_longest_accepted_length_completes(tiny: Scenario) -> None:
    run = simulate(tiny, days=MAX_DAYS, seed=1)
    assert run.summary.days == MAX_DAYS
    assert run.end.year == 2036


@given(days=junk, seed=junk, warmup=junk)
def test_simulate_with_junk_arguments_raises_only_library_errors(
    days: Any, seed: Any, warmup: Any
) -> None:
    hospital = Hospital(
        technicians=(Technician(id="T1", skills={"repair": 1}),),
        demand=(Demand(trade="repair", priority="routine", per_day=0.003, work_minutes=30),),
        timezone="UTC",
    )
    scenario = Scenario(hospital=hospital, holidays=False, acceptance=False)
    try:
        run = simulate(scenario, days=days, seed=seed, warmup_days=warmup)
    except LIBRARY_ERRORS:
        return
    assert 0 <= warmup < days <= MAX_DAYS
    assert run.summary.seed == seed


@given(beds=junk, seed=junk, technicians=junk)
def test_synthetic_with_junk_arguments_raises_only_library_errors(
    beds: Any, seed: Any, technicians: Any
) -> None:
    try:
        hospital = Hospital.synthetic(beds=beds, seed=seed, technicians=technicians)
    except LIBRARY_ERRORS:
        return
    assert hospital.beds == beds


# -- OverflowError for a simulation of 4 million days: a bounded refusal ------------------------


def test_a_simulation_of_four_million_days_is_refused_before_any_work(tiny: Scenario) -> None:
    with pytest.raises(HosplogiError, match=r"at most 3,660 \(ten years\).*got 4000000"):
        simulate(tiny, days=4_000_000, seed=1)


def test_a_run_expecting_too_many_orders_is_refused_naming_the_bound() -> None:
    big = Scenario(hospital=Hospital.synthetic(beds=10_000, seed=1))
    with pytest.raises(HosplogiError, match=f"at most {MAX_ARRIVALS:,}.*shorten the run"):
        simulate(big, days=365, seed=1)


@pytest.mark.parametrize("start", [date(1900, 1, 1), date(1972, 12, 31), date(9980, 1, 1)])
def test_a_start_whose_run_could_leave_the_datetime_range_is_refused(
    tiny: Scenario, start: date
) -> None:
    with pytest.raises(ValidationError, match="start"):
        Scenario.model_validate({**dict(tiny), "start": start})


def test_the_latest_start_runs_ten_years_without_overflow(tiny: Scenario) -> None:
    late = Scenario.model_validate({**dict(tiny), "start": date(9979, 12, 31)})
    assert simulate(late, days=MAX_DAYS, seed=3).end.year == 9990
    queue = Scenario.mmc(2, 1, 3).outsourced("repair").with_rounds()
    late_queue = Scenario.model_validate(
        {**dict(queue), "start": date(9979, 12, 31), "acceptance": True, "holidays": True}
    )
    run = simulate(late_queue.cross_trained("plumbing", 0.5), days=35, seed=3)
    assert [(b.year, b.month) for b in run.settlements] == [(9979, 12), (9980, 1), (9980, 2)]


@pytest.mark.parametrize(
    ("part", "fields"),
    [
        (Demand, {"per_day": 1e-300}),  # a rate that underflows to zero
        (Demand, {"per_day": 1e300}),
        (Demand, {"work_minutes": 1e300}),
        (Profile, {"hourly": (1e308,) * 24}),  # sums overflow to infinity
        (Profile, {"hourly": (5e-324,) + (0.0,) * 23}),  # a mean that underflows
        (Profile, {"holiday": 1e9}),
        (Rounds, {"lead_days": 1e308}),
        (Rounds, {"interval_days": 10**9}),
        (Outsourcing, {"headcount": 10**9}),
    ],
)
def test_extreme_parts_that_would_overflow_or_divide_by_zero_are_refused(
    part: type[BaseModel], fields: dict[str, Any]
) -> None:
    base: dict[str, dict[str, Any]] = {
        "Demand": {"trade": "repair", "priority": "routine", "per_day": 1, "work_minutes": 30},
        "Outsourcing": {"trade": "lifts", "vendor": "V1", "headcount": 1},
    }
    with pytest.raises(ValidationError):
        part.model_validate({**base.get(part.__name__, {}), **fields})


@pytest.mark.parametrize("zone", ["", "a" * 5000, "../../etc/passwd", "Asia", "a\x00b"])
def test_a_time_zone_that_is_no_iana_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        Hospital(
            timezone=zone,
            technicians=(Technician(id="T1", skills={"repair": 1}),),
            demand=(Demand(trade="repair", priority="routine", per_day=1, work_minutes=30),),
        )


# -- NaN and infinity accepted in inputs ---------------------------------------------------------


def _number_paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every number in a JSON document."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _number_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _number_paths(value, (*path, index))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(data)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def _distinct_number_paths(document: Any) -> list[tuple[Any, ...]]:
    """One path per field (list positions folded), so each field is tried once."""
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for path in _number_paths(document):
        seen.setdefault(tuple("#" if isinstance(k, int) else k for k in path), path)
    return list(seen.values())


def test_nan_and_infinity_are_refused_in_every_number_of_a_scenario(rich: Scenario) -> None:
    document = json.loads(rich.model_dump_json())
    paths = _distinct_number_paths(document)
    assert len(paths) > 40  # rates, shifts, profile weights, rounds, costs, targets …
    for path in paths:
        for bad in (math.nan, math.inf, -math.inf):
            with pytest.raises(ValidationError):
                Scenario.model_validate(_replaced(document, path, bad))


@given(data=st.data(), bad=junk)
def test_a_scenario_with_one_junk_number_raises_only_validation_errors(
    data: st.DataObject, bad: Any
) -> None:
    document = _RICH_DOCUMENT
    path = data.draw(st.sampled_from(_RICH_PATHS))
    try:
        scenario = Scenario.model_validate(_replaced(document, path, bad))
    except ValidationError:
        return
    assert Scenario.model_validate_json(scenario.model_dump_json()) == scenario


_RICH_DOCUMENT = json.loads(
    Scenario(hospital=Hospital.synthetic(beds=60, seed=2))
    .outsourced("electrical")
    .with_rounds()
    .model_dump_json()
)
_RICH_PATHS = _distinct_number_paths(_RICH_DOCUMENT)


# -- mutable mapping fields, unhashable models, results that fail to read back ----------------


def _fields_of(model: BaseModel) -> Iterator[tuple[str, Any]]:
    for name in type(model).model_fields:
        yield f"{type(model).__name__}.{name}", getattr(model, name)


def test_every_mapping_field_is_a_frozen_dict_and_every_sequence_a_tuple(
    rich: Scenario, rich_run: SimulationResult
) -> None:
    rep = replicate(Scenario.mmc(2, 3, 1), 2, days=1, seed=1)
    models: list[BaseModel] = [
        rich,
        rich.hospital,
        rich.hospital.demand[0],
        rich.hospital.profile,
        rich.outsourcing[0],
        rich.rounds,  # type: ignore[list-item]
        next(iter(rich.hospital.shifts.values())),
        rich_run,
        rich_run.summary,
        rep,
    ]
    for model in models:
        for name, value in _fields_of(model):
            assert not isinstance(value, list | set), name
            if isinstance(value, Mapping):
                assert isinstance(value, FrozenDict), name
                with pytest.raises(TypeError, match="read-only"):
                    value["x"] = 1  # type: ignore[index]
    assert isinstance(ASSUMED_KPI, FrozenDict)


def test_models_are_hashable(rich_run: SimulationResult) -> None:
    rep = replicate(Scenario.mmc(2, 3, 1), 2, days=1, seed=1)
    parts = [
        Shift(name="night", start="22:00", end="08:00"),
        Demand(trade="repair", priority="routine", per_day=1, work_minutes=30),
        Profile(),
        Outsourcing(trade="lifts", vendor="V1", headcount=2),
        Rounds(),
        rich_run.summary,
        rep,
    ]
    for part in parts:
        assert hash(part) == hash(type(part).model_validate_json(part.model_dump_json()))


def test_scenarios_and_hospitals_are_hashable(rich: Scenario) -> None:
    try:
        hash(Technician(id="T1", skills={"repair": 1}))
        hash(DEFAULT_SLA)
    except TypeError:
        pytest.skip("crews.Technician or sla.SlaPolicy is not hashable yet (their own fields)")
    assert hash(rich) == hash(Scenario.model_validate_json(rich.model_dump_json()))
    assert len({rich, rich.with_policy("fifo"), rich}) == 2


def test_results_read_back_from_their_own_json(rich_run: SimulationResult) -> None:
    assert rich_run.settlements
    assert rich_run.scorecard is not None
    again = SimulationResult.model_validate_json(rich_run.model_dump_json())
    assert again == rich_run
    assert RunSummary.model_validate_json(rich_run.summary.model_dump_json()) == rich_run.summary
    rep = replicate(Scenario.mmc(2, 3, 1), 3, days=1, seed=1)
    assert Replication.model_validate_json(rep.model_dump_json()) == rep


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mean_wait_minutes", math.nan),
        ("mean_wait_minutes", 1e300),  # .mean_wait would overflow a timedelta
        ("utilisation", math.inf),
        ("response_met_rate", math.nan),
        ("days", 0),
        ("arrivals", -1),
        ("seed", 2**64),
    ],
)
def test_a_run_summary_refuses_nan_and_out_of_range_figures(
    rich_run: SimulationResult, field: str, value: Any
) -> None:
    with pytest.raises(ValidationError, match=field):
        RunSummary.model_validate({**dict(rich_run.summary), field: value})


# -- the levers: unvalidated copies bypassed the skill-level check ------------------------------


def test_cross_training_to_a_level_above_five_is_refused(rich: Scenario) -> None:
    with pytest.raises(HosplogiError, match="level must be an integer from 1 to 5, got 99"):
        rich.cross_trained("hvac", 0.5, level=99)


def test_cross_trained_technicians_are_validated_models(rich: Scenario) -> None:
    trained = rich.cross_trained("boiler", 1.0)
    for t in trained.hospital.technicians:
        assert Technician.model_validate_json(t.model_dump_json()) == t
        assert t.level("boiler") >= 1


def test_cross_training_from_a_29_february_start_gives_three_year_certificates(
    rich: Scenario,
) -> None:
    leap = Scenario.model_validate({**dict(rich), "start": date(2028, 2, 29)})
    trained = leap.cross_trained("electrical", 1.0)
    expiries = {c.expires_on for t in trained.hospital.technicians for c in t.certificates}
    assert date(2031, 2, 28) in expiries


@pytest.mark.parametrize(
    ("lever", "message"),
    [
        (lambda s: s.cross_trained("hvac", "0.5"), "share must be a finite number"),
        (lambda s: s.cross_trained("hvac", math.nan), "share must be a finite number"),
        (lambda s: s.cross_trained(["hvac"], 0.5), "skill must be a non-empty string"),
        (lambda s: s.cross_trained("hvac", 0.5, seed=None), "seed must be an integer"),
        (lambda s: s.staffed("plumbing", "6"), "headcount must be an integer from 0 to 1,000"),
        (lambda s: s.staffed("plumbing", 10**9), "headcount must be an integer from 0 to 1,000"),
        (lambda s: s.staffed(["plumbing"], 2), r"no technician has main trade \['plumbing'\]"),
        (lambda s: s.outsourced("hvac", headcount=0), "headcount must be an integer from 1"),
        (lambda s: s.outsourced("hvac", headcount=2.5), "headcount must be an integer from 1"),
        (lambda s: Scenario.mmc("2", 1, 1), "arrivals_per_hour must be a finite number"),
        (lambda s: Scenario.mmc(2, math.inf, 1), "services_per_hour must be a finite number"),
        (lambda s: Scenario.mmc(2, 1, "3"), "technicians must be an integer"),
        (lambda s: Scenario.mmc(2, 1, 10**6), "technicians must be an integer from 1 to 1,000"),
    ],
)
def test_levers_with_bad_arguments_are_refused_naming_them(
    rich: Scenario, lever: Any, message: str
) -> None:
    with pytest.raises(HosplogiError, match=message):
        lever(rich)


def test_levers_with_invalid_field_values_give_validation_errors(rich: Scenario) -> None:
    with pytest.raises(ValidationError):
        rich.with_policy("random")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        rich.outsourced("hvac", vendor=" ")


# -- replicate and sweep argument checking ------------------------------------------------------


@pytest.mark.parametrize(
    ("runs", "seed", "message"),
    [
        (0, 1, "runs must be an integer from 1 to 1,000, got 0"),
        (MAX_RUNS + 1, 1, "runs must be an integer from 1 to 1,000"),
        ("3", 1, "runs must be an integer"),
        (True, 1, "runs must be an integer"),
        (3.0, 1, "runs must be an integer"),
        (2, "1", "seed must be an integer"),
        (2, None, "seed must be an integer"),
        (2, MAX_SEED, r"the last seed, seed \+ runs - 1, must be an integer"),
    ],
)
def test_replicate_arguments_are_checked_before_any_run(
    tiny: Scenario, runs: Any, seed: Any, message: str
) -> None:
    with pytest.raises(HosplogiError, match=message):
        replicate(tiny, runs, days=1, seed=seed)


@pytest.mark.parametrize(
    ("scenarios", "executor", "message"),
    [
        (5, None, "scenarios must be an iterable of Scenarios, got 5"),
        ([1], None, "scenario must be a Scenario, got 1"),
        (itertools.repeat(None), None, "a sweep runs at most 1,000 scenarios"),
        ("tiny", object(), "executor must be None or a concurrent.futures.Executor"),
        ("tiny", "pool", "executor must be None or a concurrent.futures.Executor"),
    ],
)
def test_sweep_arguments_are_checked_before_any_run(
    tiny: Scenario, scenarios: Any, executor: Any, message: str
) -> None:
    if scenarios == "tiny":
        scenarios = [tiny]
    with pytest.raises(HosplogiError, match=message):
        sweep(scenarios, days=1, seed=1, executor=executor)


def test_sweep_checks_every_scenario_before_running_any(tiny: Scenario) -> None:
    calls: list[float] = []
    with pytest.raises(HosplogiError, match="scenario must be a Scenario, got None"):
        sweep([tiny, None], days=1, seed=1, executor=_Recording(calls))  # type: ignore[list-item]
    assert not calls


class _Recording(Executor):
    """An executor that records what it was asked to run, and runs nothing."""

    def __init__(self, calls: list[Any]) -> None:
        self.calls = calls

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(args)
        raise AssertionError("nothing should run")


# -- plug-in policies --------------------------------------------------------------------------


class _Returns:
    def __init__(self, choices: Any) -> None:
        self.choices = choices

    def choose(self, waiting: Any, free: Any, now: Any) -> Any:
        return self.choices(waiting, free) if callable(self.choices) else self.choices


@pytest.mark.parametrize(
    "choices",
    [
        None,
        5,
        "T00",
        [("SIM-000001",)],
        lambda waiting, free: [(waiting[0].id, free[0].id)],  # a string team
        lambda waiting, free: [([waiting[0].id], (free[0].id,))],  # a list as order id
        lambda waiting, free: [(waiting[0].id, (1,))],
        lambda waiting, free: itertools.repeat((waiting[0].id, (free[0].id,))),  # endless
    ],
)
def test_a_plug_in_policy_returning_malformed_choices_is_refused(choices: Any) -> None:
    with pytest.raises(HosplogiError, match=r"must return \(order id, technician ids\) pairs"):
        simulate(Scenario.mmc(3, 1, 2), days=1, seed=1, policy=_Returns(choices))


@pytest.mark.parametrize("policy", [object(), "fifo", 5])
def test_a_plug_in_policy_without_choose_is_refused(tiny: Scenario, policy: Any) -> None:
    with pytest.raises(HosplogiError, match="policy must be None or have a choose"):
        simulate(tiny, days=1, seed=1, policy=policy)


def test_a_progress_that_is_not_callable_is_refused(tiny: Scenario) -> None:
    with pytest.raises(HosplogiError, match="progress must be None or callable"):
        simulate(tiny, days=1, seed=1, progress=5)  # type: ignore[arg-type]


# -- the command line: a traceback for bad arguments ------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--beds", "5"], "beds must be an integer from 20 to 10,000, got 5"),
        (["--beds", "100x"], "beds must be an integer from 20 to 10,000, got '100x'"),
        (["--days", "nan"], "days must be more than 0 and at most 3,660"),
        (["--days", "inf"], "days must be more than 0 and at most 3,660"),
        (["--days", "4000000"], "days must be more than 0 and at most 3,660"),
        (["--days", "abc"], "days must be more than 0 and at most 3,660"),
        (["--seed", "1.5"], "seed must be an integer"),
        (["--seed", "9" * 5000], "seed must be an integer"),
        (["--policy", "random"], "invalid choice: 'random'"),
        (["--beds", "40", "--days", "1", "--outsource", "welding"], "no technician has main"),
        (
            ["--beds", "200", "--days", "1", "--outsource", "lifts", "--outsource", "lifts"],
            "outsourced trades must be unique",
        ),
        (["--beds", "10000", "--days", "3660"], "one run simulates at most 400,000"),
    ],
)
def test_bad_command_line_arguments_give_a_one_line_error_and_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["simulate", *argv])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("hosplogi simulate: error: ")
    assert message in last


def test_python_dash_m_with_bad_days_prints_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hosplogi", "simulate", "--days", "nan"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "days must be more than 0" in done.stderr
