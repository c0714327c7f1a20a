"""Regression tests for the classes tests/test_hardening_calls.py found, one per class (#13)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

import hosplogi as h
from hardening_corpus import instances, one
from hosplogi import HosplogiError
from hosplogi.cli._tour_assets import demo_register
from hosplogi.cli._tour_costs import demo_ledger
from hosplogi.cli._tour_safety import demo_drills
from hosplogi.cli.demo import demo_technicians

T = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _order() -> h.WorkOrder:
    return h.WorkOrder.report(
        id="WO-1", title="t", trade="plumbing", priority="routine", reported_at=T, location="L"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: h.stock(None, T),  # type: ignore[arg-type]
        lambda: h.stock(demo_ledger(), "2026-03-02"),  # type: ignore[arg-type]
        lambda: h.issued(demo_ledger(), department=3),  # type: ignore[arg-type]
        lambda: h.order_cost(None, technicians=(), rates=one(h.LabourRates)),  # type: ignore[arg-type]
        lambda: h.time_on_site(0),  # type: ignore[arg-type]
        lambda: h.occurrences(None, T, T),  # type: ignore[arg-type]
        lambda: h.findings(one(h.Inspection), now=None),  # type: ignore[arg-type]
        lambda: h.rank_bids(None, {"price": 1}),  # type: ignore[arg-type]
        lambda: h.drill_inspection("DR-1"),  # type: ignore[arg-type]
        lambda: h.usage(None, [], T, T),  # type: ignore[arg-type]
        lambda: h.energy_use(None, [], [], start=T, end=T),  # type: ignore[arg-type]
    ],
)
def test_wrong_type_argument_gets_a_validation_error(call: object) -> None:
    with pytest.raises(ValidationError):
        call()  # type: ignore[operator]


@pytest.mark.parametrize("value", [None, "abc", 10**400, [], {"x": 1}, float("nan")])
def test_enum_argument_outside_its_values_gets_a_library_error(value: object) -> None:
    o = _order()
    with pytest.raises(HosplogiError, match="priority must be one of emergency, urgent"):
        o.reprioritize(value, at=T)  # type: ignore[arg-type]
    started = o.dispatch(("T1",), at=T).start(at=T)
    with pytest.raises(HosplogiError, match=r"reason must be one of .*awaiting_material"):
        started.hold(value, at=T)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, 3, 1.5, T, object()])
def test_dispatch_to_a_non_iterable_is_refused(value: object) -> None:
    with pytest.raises(HosplogiError, match="assignees must be a sequence of technician ids"):
        _order().dispatch(value, at=T)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, "plumbing", {"skill": "plumbing"}, 3])
def test_may_work_refuses_a_requirement_that_is_not_one(value: object) -> None:
    with pytest.raises(HosplogiError, match="requirement must be a SkillRequirement"):
        demo_technicians()[0].may_work(value, date(2026, 3, 2))  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [[], {}, ["HOSP"], None, 3])
def test_register_lookup_with_an_unhashable_id_is_refused(value: object) -> None:
    register = demo_register()
    assert value not in register
    for method in (register.asset, register.path, register.children, register.descendants):
        with pytest.raises(HosplogiError, match="is not in the register"):
            method(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("after", [timedelta.max, timedelta(days=999_999_999)])
def test_rectification_due_past_year_9999_is_a_library_error(after: timedelta) -> None:
    drill = demo_drills()[0]
    with pytest.raises(HosplogiError, match="supported range of years 1 to 9999"):
        h.drill_rectification_orders(drill, due_after=after)
    failed = [i for i in instances(h.Inspection) if any(not r.passed for r in i.results)]
    with pytest.raises(HosplogiError, match="supported range of years 1 to 9999"):
        h.rectification_orders(failed[0], due_after=after, critical_due_after=after)


@pytest.mark.parametrize(
    ("model", "raw"),
    [
        ("Recommendation", '{"technician_ids": [], "score": "NaN"}'),
        ("Recommendation", '{"technician_ids": ["T1"], "score": "Infinity"}'),
    ],
)
def test_a_recommendation_score_that_is_not_finite_is_refused(model: str, raw: str) -> None:
    # regression (hypothesis): "NaN" was accepted and dumped as null, which did not read back
    with pytest.raises(ValidationError, match="finite number"):
        getattr(h, model).model_validate_json(raw)


def test_a_reliability_availability_that_is_not_finite_is_refused() -> None:
    row = {"key": "A", "failures": 0, "downtime": 0, "operating": 0, "mtbf": None, "mttr": None}
    with pytest.raises(ValidationError, match="finite number"):
        h.Reliability.model_validate_json(json.dumps({**row, "availability": "NaN"}))
