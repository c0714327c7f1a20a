"""Hardening of kpi, contracts, inspections and maintenance (issue 13): one test per class found."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, getcontext, localcontext
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from hosplogi.contracts import (
    Bid,
    Complaint,
    Contract,
    DeductionRule,
    HeadcountRecord,
    YearEndRule,
    rank_bids,
    settle,
    settle_year,
)
from hosplogi.errors import HosplogiError
from hosplogi.inspections import Checklist, ChecklistItem, Inspection, InspectionPlan, ItemResult
from hosplogi.kpi import (
    FundAsset,
    Indicator,
    Scorecard,
    ahp,
    ahp_hierarchy,
    allocate,
    default_scorecard,
    entropy_weights,
    maintenance_fund,
    measures,
    rate_change,
    score,
    trend,
)
from hosplogi.maintenance import MaintenancePlan, due, generate_orders, pm_compliance

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
BIG = sys.float_info.max


def _contract(**extra: Any) -> Contract:
    fields: dict[str, Any] = {
        "id": "C-1",
        "vendor": "V-1",
        "services": ("cleaning",),
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
        "monthly_fee": Decimal("286500.07"),
        "staffing": {"ward": 40},
        "deduction_cap": Decimal("0.10"),
        "deductions": (
            DeductionRule(kind="missing_person_day", amount=Decimal("150.33")),
            DeductionRule(kind="complaint", amount=Decimal("500")),
        ),
        "year_end": YearEndRule(reward_score=95, penalty_score=85, reward_rate=Decimal("0.0123")),
    }
    return Contract(**(fields | extra))


def _month(contract: Contract) -> Any:
    headcount = [HeadcountRecord(post="ward", day=date(2026, 3, d), present=37) for d in (2, 3)]
    complaints = [Complaint(id="CP-1", at=T0, substantiated=True)]
    return settle(contract, 2026, 3, headcount=headcount, complaints=complaints, score=96.5)


# -- money never depends on the caller's decimal context ---------------------------------------


def test_money_never_depends_on_the_callers_decimal_context() -> None:
    contract = _contract()
    expected = (
        _month(contract),
        settle_year(contract, 2026, [_month(contract)], scores={3: 96.5}),
        allocate(Decimal("1234567.89"), {"A": 1, "B": 2, "C": 3}),
        maintenance_fund(
            [FundAsset(id="A", purchase_value="123456789.01")],
            on=date(2026, 1, 1),
            spent=Decimal("1000000.01"),
            people=["E1", "E2", "E3"],
        ),
        rank_bids(
            [Bid(vendor="A", price=Decimal("3333333.33")), Bid(vendor="B", price="2999999.99")],
            {"price": 100},
            shortlist=1,
        ),
    )
    with localcontext() as ctx:
        ctx.prec = 3
        assert getcontext().prec == 3
        got = (
            _month(contract),
            settle_year(contract, 2026, [_month(contract)], scores={3: 96.5}),
            allocate(Decimal("1234567.89"), {"A": 1, "B": 2, "C": 3}),
            maintenance_fund(
                [FundAsset(id="A", purchase_value="123456789.01")],
                on=date(2026, 1, 1),
                spent=Decimal("1000000.01"),
                people=["E1", "E2", "E3"],
            ),
            rank_bids(
                [Bid(vendor="A", price=Decimal("3333333.33")), Bid(vendor="B", price="2999999.99")],
                {"price": 100},
                shortlist=1,
            ),
        )
    assert got == expected


@pytest.mark.parametrize("amount", ["1e26", "1E30", Decimal("1e26"), 10**26, "-1e26"])
def test_amounts_of_1e26_and_more_are_refused(amount: object) -> None:
    with pytest.raises(ValidationError, match="out of range"):
        _contract(monthly_fee=amount)
    with pytest.raises(HosplogiError, match="out of range"):
        allocate(amount, {"A": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", ["abc", None, {}, [], "NaN", "Infinity", "1e999999999"])
def test_text_null_or_an_object_where_a_rate_is_expected_is_refused(rate: object) -> None:
    with pytest.raises(ValidationError):
        _contract(deduction_cap=rate)
    with pytest.raises(ValidationError):
        YearEndRule(reward_score=95, penalty_score=85, penalty_rate=rate)
    with pytest.raises(HosplogiError):
        maintenance_fund([], on=date(2026, 1, 1), spent=Decimal(0), people=["E1"], rate=rate)  # type: ignore[arg-type]


def test_json_rates_that_are_not_numbers_give_validation_errors() -> None:
    data = json.loads(_contract().model_dump_json())
    for rate in ("abc", None, {}, "1e26"):
        with pytest.raises(ValidationError):
            Contract.model_validate_json(json.dumps(data | {"deduction_cap": rate}))


# -- kpi numbers near the float limits ----------------------------------------------------------


def test_entropy_weights_near_the_float_maximum_are_finite_and_sum_to_one() -> None:
    for normalisation in ("proportional", "minmax"):
        w = entropy_weights(
            [
                [BIG, 5e-324, 1.0],
                [BIG / 3, BIG, 2.0],
                [1.0, 1.0, -BIG if normalisation == "minmax" else 3.0],
            ],
            [True, False, True],
            normalisation=normalisation,  # type: ignore[arg-type]
        )
        assert all(0.0 <= x <= 1.0 for x in w)
        assert abs(sum(w) - 1.0) < 1e-12


def test_score_with_a_400_digit_integer_is_refused_naming_the_indicator() -> None:
    card = default_scorecard()
    values = {i.code: i.target for i in card.indicators} | {"completion_rate": 10**400}
    with pytest.raises(HosplogiError, match="value of indicator completion_rate"):
        score(card, values)
    with pytest.raises(HosplogiError):
        card.indicator("satisfaction").score(-(10**400))
    with pytest.raises(HosplogiError):
        measures([], start=T0, end=T0 + timedelta(days=1), complaints=10**400)


def test_linear_score_between_a_huge_target_and_floor_is_the_midpoint() -> None:
    wide = Indicator(code="x", name="x", perspective="service", target=1e308, floor=-1e308)
    assert wide.score(0) == 50.0
    assert wide.score(BIG) == 100.0
    low = Indicator(
        code="y", name="y", perspective="service", higher_is_better=False, target=-BIG, floor=BIG
    )
    assert low.score(0) == 50.0
    assert rate_change(3802, 4536) == (3802 - 4536) / 4536 * 100.0
    assert rate_change(BIG, -BIG) == 200.0
    with pytest.raises(HosplogiError, match="too large"):
        rate_change(BIG, 1e-300)


def test_huge_weights_do_not_give_nan_scores() -> None:
    card = Scorecard(
        name="c",
        indicators=(
            Indicator(code="a", name="a", perspective="service", target=1, floor=0, weight=BIG),
            Indicator(code="b", name="b", perspective="service", target=1, floor=0, weight=BIG),
        ),
        perspective_weights={"service": BIG},
    )
    assert score(card, {"a": 1, "b": 0}).total == 50.0


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_infinity_are_refused_in_kpi_inputs_and_outputs(bad: float) -> None:
    card = default_scorecard()
    values = {i.code: i.target for i in card.indicators} | {"satisfaction": bad}
    with pytest.raises(HosplogiError, match="satisfaction"):
        score(card, values)
    with pytest.raises(HosplogiError):
        trend(card, values, values)
    with pytest.raises(HosplogiError):
        entropy_weights([[1, bad], [2, 3]], [True, True])
    with pytest.raises(HosplogiError):
        ahp([[1, bad], [1, 1]])
    with pytest.raises(HosplogiError):
        allocate(Decimal(10), {"A": bad})
    with pytest.raises(HosplogiError):
        measures([], start=T0, end=T0 + timedelta(days=1), training_hours=bad)
    result = score(card, {i.code: i.target for i in card.indicators})
    data = json.loads(result.model_dump_json())
    with pytest.raises(ValidationError):
        type(result).model_validate_json(json.dumps(data | {"total": "NaN"}))
    with pytest.raises(ValidationError):
        type(result).model_validate(data | {"by_indicator": {"satisfaction": bad}})


def test_allocate_refuses_keys_that_collide_as_text() -> None:
    with pytest.raises(
        HosplogiError, match=r"share keys \(as text\) must be unique; got 1 more than once"
    ):
        allocate(Decimal(4), {1: 1, "1": 3})  # type: ignore[dict-item]


# -- immutable all the way down, hashable, JSON round trips ------------------------------------


def _models() -> list[BaseModel]:
    contract = _contract()
    month = _month(contract)
    card = default_scorecard()
    checklist = Checklist(id="C", items=(ChecklistItem(code="a", text="x"),))
    plan = MaintenancePlan(id="P", title="t", trade="hvac", interval=timedelta(days=7), start=T0)
    return [
        contract,
        month,
        settle_year(contract, 2026, [month], scores={3: 96.5}),
        *rank_bids(
            [Bid(vendor="A", price="1", scores={"qualification": 80})],
            {"price": 60, "qualification": 40},
            shortlist=1,
        ),
        card,
        score(card, {i.code: i.target for i in card.indicators}),
        *trend(
            card,
            {i.code: i.target for i in card.indicators},
            {i.code: i.floor for i in card.indicators},
        ).values(),
        ahp([[1, 3], ["1/3", 1]]),
        ahp_hierarchy(["a", "b"], [[1, 2], ["1/2", 1]], {"a": (["x"], [[1]]), "b": (["y"], [[1]])}),
        maintenance_fund(
            [FundAsset(id="A", purchase_value="100000")],
            on=date(2026, 1, 1),
            spent=Decimal(1),
            people=["E1", "E2"],
        ),
        checklist,
        Inspection(
            id="I",
            checklist=checklist,
            at=T0,
            location="L",
            results=(ItemResult(code="a", passed=True),),
        ),
        InspectionPlan(id="IP", checklist_id="C", location="L", rrule="FREQ=DAILY", start=T0),
        plan,
        *due([plan], T0, T0 + timedelta(days=14)),
        pm_compliance([plan], T0, T0 + timedelta(days=14)),
    ]


def test_models_are_immutable_all_the_way_down_hashable_and_round_trip_their_json() -> None:
    for model in _models():
        assert hash(model) == hash(type(model).model_validate_json(model.model_dump_json()))
        assert type(model).model_validate_json(model.model_dump_json()) == model, model
        for name in type(model).model_fields:
            value = getattr(model, name)
            assert not isinstance(value, (list, set)), (type(model).__name__, name)
            if isinstance(value, dict):
                with pytest.raises(TypeError, match="read-only"):
                    value["x"] = 1  # type: ignore[index]


def test_scorecard_perspective_weights_and_contract_staffing_cannot_be_changed_in_place() -> None:
    card = default_scorecard()
    with pytest.raises(TypeError):
        card.perspective_weights[next(iter(card.perspective_weights))] = 9.0  # type: ignore[index]
    with pytest.raises(TypeError):
        _contract().staffing["ward"] = 0  # type: ignore[index]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["NaN", "Infinity", "1e26", "abc", "", "2026-03-02T09:00:00", "9999-12-31"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(st.data())
def test_malformed_json_gives_only_validation_errors(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(_MODELS))
    fields = json.loads(model.model_dump_json())
    name = data.draw(st.sampled_from(sorted(fields)))
    fields[name] = data.draw(json_values)
    try:
        parsed = type(model).model_validate_json(json.dumps(fields))
    except ValidationError:
        return
    assert type(model).model_validate_json(parsed.model_dump_json()) == parsed
    hash(parsed)


_MODELS = _models()


# -- bounded work and datetime limits ------------------------------------------------------------


def test_daily_maintenance_plan_over_decades_gives_every_day_once() -> None:
    # Regression: "a daily plan over 100 years takes 26 s" (quadratic duplicate checks and a scan
    # of every loose completion per occurrence); benchmarks/bench_contracts.py times 100 years.
    t0 = datetime(2000, 1, 1, 8, tzinfo=UTC)
    plan = MaintenancePlan(
        id="P", title="t", trade="hvac", rrule="FREQ=DAILY", start=t0, timezone="UTC"
    )
    items = due([plan], t0, t0.replace(year=2010))
    assert len(items) == len({i.id for i in items}) == 3653


def test_a_plan_starting_in_year_one_at_plus_14_gives_a_library_error_naming_the_range() -> None:
    year_one = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    with pytest.raises(ValidationError, match="supported range of years 1 to 9999"):
        MaintenancePlan(id="P", title="t", trade="hvac", rrule="FREQ=DAILY", start=year_one)
    with pytest.raises(ValidationError, match="supported range of years 1 to 9999"):
        InspectionPlan(id="P", checklist_id="C", location="L", rrule="FREQ=DAILY", start=year_one)
    plan = MaintenancePlan(
        id="P", title="t", trade="hvac", interval=timedelta(days=1), start=year_one
    )
    with pytest.raises(HosplogiError, match="supported range of years 1 to 9999"):
        due([plan], datetime(1, 1, 2, tzinfo=UTC), datetime(1, 2, 1, tzinfo=UTC))


@pytest.mark.parametrize("kind", [{"rrule": "FREQ=WEEKLY"}, {"interval": timedelta(days=7)}])
def test_far_future_windows_give_results_or_library_errors(kind: dict[str, Any]) -> None:
    plan = MaintenancePlan(
        id="P", title="t", trade="hvac", start=T0, lead_time=timedelta(days=3), **kind
    )
    end = datetime.max.replace(tzinfo=UTC)
    start = datetime(9999, 11, 1, tzinfo=UTC)
    items = due([plan], start, end)
    assert 7 <= len(items) <= 9
    assert len(generate_orders([plan], start, end)) == len(items)
    assert pm_compliance([plan], start, end, now=end).due == len(items)
