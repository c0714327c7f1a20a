"""Tests of hosplogi.kpi: scoring rules, scorecards, weights, measures from orders, pay by work."""

from __future__ import annotations

import importlib.util
import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from tests.strategies_kpi import indicators, reciprocal_matrices, scorecards

from hosplogi import (
    Certificate,
    HoldReason,
    HosplogiError,
    Priority,
    Source,
    Technician,
    WorkOrder,
)
from hosplogi.kpi import (
    DEFAULT_GRADES,
    SAATY_RI,
    AhpResult,
    Band,
    FundAsset,
    Grade,
    Indicator,
    MaintenanceFund,
    Perspective,
    RelativeValue,
    Rule,
    Scorecard,
    ScorecardResult,
    WorkloadTable,
    ahp,
    ahp_hierarchy,
    ahp_scorecard,
    allocate,
    default_scorecard,
    entropy_weights,
    maintenance_fund,
    measures,
    rate_change,
    score,
    score_many,
    trend,
    workload_points,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)

# -- helpers ---------------------------------------------------------------------------------


def _order(
    oid: str = "WO-1",
    *,
    at: datetime = T0,
    source: Source = Source.PHONE,
    asset_id: str | None = None,
    due_at: datetime | None = None,
    trade: str = "plumbing",
    title: str = "t",
    estimated_minutes: int = 60,
) -> WorkOrder:
    return WorkOrder.report(
        id=oid,
        title=title,
        trade=trade,
        priority=Priority.ROUTINE,
        reported_at=at,
        location="Ward 3",
        source=source,
        asset_id=asset_id,
        due_at=due_at,
        estimated_minutes=estimated_minutes,
    )


def _done(order: WorkOrder, after: timedelta = timedelta(hours=1), who: str = "T01") -> WorkOrder:
    t = order.events[-1].at
    return order.dispatch((who,), at=t).start(at=t, by=who).complete(at=t + after, by=who)


def _linear(**kw: object) -> Indicator:
    fields: dict[str, object] = {
        "code": "x",
        "name": "X",
        "perspective": "service",
        "target": 98,
        "floor": 80,
    }
    fields.update(kw)
    return Indicator.model_validate(fields)


# -- seed oracles ----------------------------------------------------------------------------


def test_requests_fell_16_18_percent_year_on_year() -> None:
    # 001:387: 4536 requests the year before, 3802 this year, "同比下降16.18%".
    assert round(rate_change(3802, 4536), 2) == -16.18


def test_3772_of_3802_requests_completed_on_the_spot_is_99_21_percent() -> None:
    # 001:385: 3802 requests, 3772 completed on the spot, 30 pending for material.
    done = _done(_order("DONE"))
    pending = _order("WAIT").hold(HoldReason.AWAITING_MATERIAL, at=T0 + timedelta(minutes=5))
    orders = [done.model_copy(update={"id": f"D{i}"}) for i in range(3772)]
    orders += [pending.model_copy(update={"id": f"P{i}"}) for i in range(30)]
    m = measures(orders, start=T0, end=YEAR_END)
    assert round(m["completion_rate"], 2) == 99.21
    assert m["proactive_share"] == 0.0


def test_216_problems_found_on_rounds_are_5_38_percent_of_all_orders() -> None:
    # 001:387: 216 problems fixed on the weekly rounds besides the 3802 requests.
    phone = _order("A")
    rounds = _order("B", source=Source.ROUNDS)
    orders = [phone.model_copy(update={"id": f"A{i}"}) for i in range(3802)]
    orders += [rounds.model_copy(update={"id": f"B{i}"}) for i in range(216)]
    assert round(measures(orders, start=T0, end=YEAR_END)["proactive_share"], 2) == 5.38


def test_satisfaction_rose_from_97_7_to_99_75_percent() -> None:
    # 000:183: clinical satisfaction 99.75% against 97.7% a year before.
    card = default_scorecard()
    t = trend(
        card,
        dict.fromkeys(card.codes, 50.0) | {"satisfaction": 99.75},
        dict.fromkeys(card.codes, 50.0) | {"satisfaction": 97.7},
    )["satisfaction"]
    assert t.improved is True
    assert round(t.percent or 0, 2) == 2.10
    assert (t.previous_score, t.current_score) == (80.0, 100.0)


# -- indicators and scoring rules ------------------------------------------------------------


def test_linear_score_is_100_at_target_0_at_floor_and_linear_between() -> None:
    ind = _linear()
    assert [ind.score(v) for v in (80, 89, 98, 100, 50)] == [0.0, 50.0, 100.0, 100.0, 0.0]


def test_lower_is_better_linear_score_runs_the_other_way() -> None:
    ind = _linear(higher_is_better=False, target=150, floor=400)
    assert [ind.score(v) for v in (100, 150, 275, 400, 900)] == [100.0, 100.0, 50.0, 0.0, 0.0]


def test_step_bands_score_the_best_band_reached() -> None:
    ind = _linear(
        target=98, floor=0, rule="bands", bands=[{"at": 95, "score": 80}, {"at": 90, "score": 60}]
    )
    assert [ind.score(v) for v in (98, 97.9, 95, 94.99, 90, 89.99, 0)] == [
        100.0,
        80.0,
        80.0,
        60.0,
        60.0,
        0.0,
        0.0,
    ]


def test_lower_is_better_bands_use_at_or_below() -> None:
    ind = _linear(
        higher_is_better=False,
        target=1,
        floor=10,
        rule="bands",
        bands=[Band(at=3, score=70), Band(at=5, score=40)],
    )
    assert [ind.score(v) for v in (1, 3, 4, 5, 6)] == [100.0, 70.0, 40.0, 40.0, 0.0]


def test_deduction_takes_points_per_occurrence_and_never_goes_below_zero() -> None:
    ind = _linear(higher_is_better=False, target=0, floor=100, rule=Rule.DEDUCTION, points=15)
    assert [ind.score(v) for v in (0, 1, 2, 6, 7, 50)] == [100.0, 85.0, 70.0, 10.0, 0.0, 0.0]


def test_deduction_floor_is_a_veto() -> None:
    ind = _linear(higher_is_better=False, target=0, floor=2, rule="deduction", points=10)
    assert (ind.score(1), ind.score(2)) == (90.0, 0.0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"floor": 98}, "floor equals target"),
        ({"floor": 99}, "wrong side"),
        ({"higher_is_better": False}, "wrong side"),
        ({"target": float("nan")}, "finite"),
        ({"floor": float("inf")}, "finite"),
        ({"weight": -1}, "greater than or equal to 0"),
        ({"rule": "bands"}, "at least one band"),
        ({"rule": "bands", "bands": [{"at": 99, "score": 50}]}, "strictly between"),
        (
            {"rule": "bands", "bands": [{"at": 90, "score": 50}, {"at": 95, "score": 40}]},
            "best threshold to the worst",
        ),
        (
            {"rule": "bands", "bands": [{"at": 95, "score": 50}, {"at": 90, "score": 60}]},
            "more than",
        ),
        ({"bands": [{"at": 95, "score": 50}]}, "rule 'bands' only"),
        ({"rule": "deduction"}, "points"),
        ({"points": 5}, "points"),
    ],
)
def test_malformed_indicators_are_rejected_with_the_reason(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        _linear(**fields)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "99", True, None])
def test_a_non_finite_or_non_numeric_value_is_refused(bad: object) -> None:
    with pytest.raises(HosplogiError, match="indicator x"):
        _linear().score(bad)  # type: ignore[arg-type]


@given(indicators(), st.floats(-1e4, 1e4), st.floats(-1e4, 1e4))
def test_scores_stay_in_0_100_and_rise_with_a_better_value(
    ind: Indicator, a: float, b: float
) -> None:
    lo, hi = min(a, b), max(a, b)
    s_lo, s_hi = ind.score(lo), ind.score(hi)
    assert 0.0 <= s_lo <= 100.0
    assert 0.0 <= s_hi <= 100.0
    if ind.higher_is_better:
        assert s_lo <= s_hi
    else:
        assert s_lo >= s_hi
    assert ind.score(ind.target) == 100.0
    assert ind.score(ind.floor) == 0.0


@given(indicators())
def test_indicator_json_round_trip(ind: Indicator) -> None:
    assert Indicator.model_validate_json(ind.model_dump_json()) == ind


# -- scorecards ------------------------------------------------------------------------------


def _card(**kw: object) -> Scorecard:
    fields: dict[str, object] = {
        "name": "crew card",
        "indicators": (
            _linear(code="on_time", target=98, floor=80),
            _linear(code="sat", target=95, floor=75, weight=3),
            _linear(
                code="cost",
                perspective="efficiency",
                higher_is_better=False,
                target=150,
                floor=400,
            ),
        ),
        "perspective_weights": {"service": 0.6, "efficiency": 0.4},
    }
    fields.update(kw)
    return Scorecard.model_validate(fields)


def test_score_weighs_indicators_within_perspectives_then_perspectives() -> None:
    r = score(_card(), {"on_time": 89, "sat": 95, "cost": 275})
    assert r.by_indicator == {"on_time": 50.0, "sat": 100.0, "cost": 50.0}
    assert r.by_perspective == {Perspective.EFFICIENCY: 50.0, Perspective.SERVICE: 87.5}
    assert r.total == pytest.approx(72.5)
    assert (r.grade, r.weakest) == ("合格", Perspective.EFFICIENCY)
    assert r.values == {"on_time": 89.0, "sat": 95.0, "cost": 275.0}


def test_perspective_weights_need_not_sum_to_one() -> None:
    a = score(_card(), {"on_time": 89, "sat": 95, "cost": 275})
    b = score(
        _card(perspective_weights={"service": 6, "efficiency": 4}),
        {"on_time": 89, "sat": 95, "cost": 275},
    )
    assert a.total == pytest.approx(b.total)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "优秀"), (90, "优秀"), (89.999, "良好"), (80, "良好"), (60, "合格"), (59.9, "不合格")],
)
def test_default_grade_bands(total: float, grade: str) -> None:
    assert default_scorecard().grade(total) == grade


def test_grades_are_configurable() -> None:
    card = _card(grades=[Grade(name="A", min_score=75), Grade(name="B", min_score=0)])
    assert score(card, {"on_time": 89, "sat": 95, "cost": 275}).grade == "B"
    assert score(card, {"on_time": 98, "sat": 95, "cost": 275}).grade == "A"


def test_weakest_perspective_is_the_short_board() -> None:
    r = score(_card(), {"on_time": 80, "sat": 75, "cost": 150})
    assert r.weakest is Perspective.SERVICE
    assert r.by_perspective[Perspective.SERVICE] == 0.0


def test_a_missing_value_is_an_error_naming_it() -> None:
    with pytest.raises(HosplogiError, match=r"missing value for indicator sat of scorecard"):
        score(_card(), {"on_time": 89, "cost": 275})


def test_an_unknown_indicator_code_is_an_error_unless_strict_is_off() -> None:
    values = {"on_time": 89, "sat": 95, "cost": 275, "bogus": 1}
    with pytest.raises(HosplogiError, match="unknown indicator code bogus"):
        score(_card(), values)
    assert score(_card(), values, strict=False).total == pytest.approx(72.5)


def test_a_nan_value_is_an_error_naming_the_indicator() -> None:
    with pytest.raises(HosplogiError, match="indicator cost is nan"):
        score(_card(), {"on_time": 89, "sat": 95, "cost": float("nan")})


def test_values_must_be_a_mapping() -> None:
    with pytest.raises(HosplogiError, match="mapping"):
        score(_card(), [("on_time", 1)])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"indicators": ()}, "at least one indicator"),
        (
            {"indicators": (_linear(), _linear())},
            "indicator codes must be unique; got x more than once",
        ),
        ({"perspective_weights": {"service": 1}}, "no weight for efficiency"),
        (
            {"perspective_weights": {"service": 1, "efficiency": 1, "development": 1}},
            "development, which have no indicators",
        ),
        ({"perspective_weights": {"service": 0, "efficiency": 0}}, "all zero"),
        ({"perspective_weights": {"service": -1, "efficiency": 1}}, "finite ≥ 0"),
        ({"perspective_weights": {"service": math.nan, "efficiency": 1}}, "finite ≥ 0"),
        (
            {
                "indicators": (_linear(weight=0),),
                "perspective_weights": {"service": 1},
            },
            "has weight 0",
        ),
        ({"grades": ()}, "at least one grade"),
        (
            {"grades": [Grade(name="B", min_score=0), Grade(name="A", min_score=50)]},
            "highest min_score",
        ),
        ({"grades": [Grade(name="A", min_score=50)]}, "min_score 0"),
    ],
)
def test_malformed_scorecards_are_rejected(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _card(**fields)


def test_indicator_lookup_names_the_known_codes() -> None:
    assert _card().indicator("sat").weight == 3
    with pytest.raises(HosplogiError, match="unknown indicator code 'nope'; known: on_time"):
        _card().indicator("nope")


@given(scorecards(), st.data())
def test_totals_stay_in_0_100_and_json_round_trips(card: Scorecard, data: st.DataObject) -> None:
    values = {c: data.draw(st.floats(-2000, 2000), label=c) for c in card.codes}
    r = score(card, values)
    assert 0.0 <= r.total <= 100.0
    assert all(0.0 <= s <= 100.0 for s in r.by_perspective.values())
    assert r.weakest in r.by_perspective
    assert Scorecard.model_validate_json(card.model_dump_json()) == card
    assert ScorecardResult.model_validate_json(r.model_dump_json()) == r


def test_the_default_scorecard_has_16_sourced_indicators_over_four_perspectives() -> None:
    card = default_scorecard(valid_from=date(2026, 1, 1))
    assert len(card.indicators) == 16
    assert set(card.perspectives) == set(Perspective)
    assert all(i.name and i.name_zh and i.source for i in card.indicators)
    assert card.valid_from == date(2026, 1, 1)
    assert sum(card.perspective_weights.values()) == pytest.approx(1.0)
    assert card.indicator("licensed_rate").name_zh == "持证上岗率"
    assert card.indicator("cost_per_order").higher_is_better is False
    assert Perspective.INTERNAL.zh == "内部管理"


# -- many units, trends ----------------------------------------------------------------------


def test_score_many_ranks_units_and_ties_share_a_rank() -> None:
    units = {
        "crew-B": {"on_time": 98, "sat": 95, "cost": 150},
        "crew-A": {"on_time": 89, "sat": 95, "cost": 275},
        "crew-C": {"on_time": 89, "sat": 95, "cost": 275},
        "crew-D": {"on_time": 80, "sat": 75, "cost": 400},
    }
    ranked = score_many(_card(), units)
    assert [(r.unit, r.rank) for r in ranked] == [
        ("crew-B", 1),
        ("crew-A", 2),
        ("crew-C", 2),
        ("crew-D", 4),
    ]
    assert ranked[0].total == 100.0
    assert ranked[-1].grade == "不合格"


def test_score_many_names_the_unit_with_a_missing_value() -> None:
    with pytest.raises(HosplogiError, match="for unit vendor-7"):
        score_many(_card(), {"vendor-7": {"on_time": 1}})


def test_trend_reports_direction_aware_improvement() -> None:
    card = _card()
    t = trend(
        card,
        {"on_time": 90, "sat": 95, "cost": 300},
        {"on_time": 85, "sat": 95, "cost": 200},
    )
    assert list(t) == ["on_time", "sat", "cost"]
    assert (t["on_time"].improved, t["sat"].improved, t["cost"].improved) == (True, None, False)
    assert t["cost"].change == 100.0
    assert t["cost"].percent == 50.0


def test_trend_with_a_zero_previous_value_has_no_percent() -> None:
    card = _card()
    t = trend(card, {"on_time": 90, "sat": 95, "cost": 10}, {"on_time": 0, "sat": 95, "cost": 10})
    assert t["on_time"].percent is None


def test_trend_names_the_period_missing_a_value() -> None:
    with pytest.raises(HosplogiError, match="previous period has no value for indicator sat"):
        trend(_card(), {"on_time": 1, "sat": 1, "cost": 1}, {"on_time": 1, "cost": 1})


def test_rate_change_refuses_a_zero_previous_value_and_nan() -> None:
    with pytest.raises(HosplogiError, match="non-zero previous"):
        rate_change(5, 0)
    with pytest.raises(HosplogiError, match="finite"):
        rate_change(float("nan"), 1)


# -- AHP -------------------------------------------------------------------------------------


def test_saaty_random_index_table_is_pinned() -> None:
    assert SAATY_RI == (
        0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
    )  # fmt: skip


def test_ahp_textbook_three_by_three_example() -> None:
    # The widely reproduced 1-3-5 example: weights 0.637, 0.258, 0.105; λmax 3.039; CR 0.033.
    r = ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert [round(w, 3) for w in r.weights] == [0.637, 0.258, 0.105]
    assert round(r.lambda_max, 3) == 3.039
    assert round(r.ci, 4) == 0.0193
    assert r.ri == 0.58
    assert round(r.cr, 3) == 0.033
    assert r.consistent


def test_ahp_textbook_four_by_four_example() -> None:
    r = ahp([[1, "1/3", "1/9", "1/5"], [3, 1, "1/3", 1], [9, 3, 1, 3], [5, 1, "1/3", 1]])
    assert [round(w, 3) for w in r.weights] == [0.054, 0.184, 0.551, 0.211]
    assert round(r.lambda_max, 3) == 4.033
    assert round(r.cr, 4) == 0.0121


def test_a_consistent_matrix_gives_back_the_weights_it_was_built_from() -> None:
    w = [0.4, 0.3, 0.2, 0.1]
    r = ahp([[a / b for b in w] for a in w], labels=("a", "b", "c", "d"))
    assert r.weights == pytest.approx(w, abs=1e-12)
    assert r.lambda_max == pytest.approx(4.0, abs=1e-9)
    assert r.cr == pytest.approx(0.0, abs=1e-9)
    assert r.weight_of("c") == pytest.approx(0.2)


def test_an_inconsistent_matrix_is_reported_not_rejected() -> None:
    r = ahp([[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]])
    assert r.consistent is False
    assert r.cr > 0.10


def test_one_and_two_criteria_are_always_consistent() -> None:
    assert ahp([[1]]).weights == (1.0,)
    r = ahp([[1, 4], [0.25, 1]])
    assert (r.weights, r.cr, r.consistent) == ((0.8, 0.2), 0.0, True)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([], "at least one row"),
        ("1,2", "list of rows"),
        ([[1, 2], [0.5]], "square: row 1 has 1 entries"),
        ([[1, 2], 5], "row 1 is 5; expected a list of 2 entries"),
        ([[1, -2], [-0.5, 1]], r"entry \[0\]\[1\] is -2.0"),
        ([[1, 0], [0, 1]], "finite positive"),
        ([[1, math.inf], [0, 1]], "finite positive"),
        ([[2, 1], [1, 1]], "diagonal"),
        ([[1, 3], [3, 1]], r"not reciprocal: \[0\]\[1\] = 3.0 and \[1\]\[0\] = 3.0"),
        ([[1, "x"], ["1/3", 1]], "fraction"),
        ([[1, True], [1, 1]], "must be a number"),
        ([[1, None], [1, 1]], "must be a number"),
        ([[1.0] * 16 for _ in range(16)], "at most 15"),
    ],
)
def test_bad_ahp_matrices_are_rejected_naming_the_entry(matrix: object, message: str) -> None:
    with pytest.raises(HosplogiError, match=message):
        ahp(matrix)  # type: ignore[arg-type]


def test_ahp_accepts_any_iterable_of_rows_and_numeric_types() -> None:
    rows = ((Fraction(1), 3), (Fraction(1, 3), 1))
    assert ahp(iter(rows)).weights == pytest.approx((0.75, 0.25))


def test_ahp_labels_must_match_the_rows() -> None:
    with pytest.raises(HosplogiError, match="2 labels given for a matrix of 3 rows"):
        ahp([[1, 1, 1]] * 3, labels=("a", "b"))
    with pytest.raises(HosplogiError, match="no row named 'z'"):
        ahp([[1]], labels=("a",)).weight_of("z")


@given(reciprocal_matrices())
def test_ahp_weights_are_positive_and_sum_to_one(matrix: list[list[float]]) -> None:
    r = ahp(matrix)
    assert sum(r.weights) == pytest.approx(1.0, abs=1e-12)
    assert all(w > 0 for w in r.weights)
    assert r.lambda_max >= len(matrix) - 1e-9
    assert r.consistent == (r.cr <= 0.10)


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy not installed")
@given(reciprocal_matrices(max_n=12))
def test_ahp_agrees_with_numpy_eigenvectors(matrix: list[list[float]]) -> None:
    import numpy as np

    values, vectors = np.linalg.eig(np.array(matrix))
    k = int(np.argmax(values.real))
    v = vectors[:, k].real
    v = v / v.sum()
    r = ahp(matrix)
    assert r.lambda_max == pytest.approx(float(values[k].real), abs=1e-9)
    assert list(r.weights) == pytest.approx(list(v), abs=1e-9)


def test_ahp_hierarchy_multiplies_criterion_and_local_weights() -> None:
    h = ahp_hierarchy(
        ["service", "cost"],
        [[1, 3], ["1/3", 1]],
        {
            "service": (["a", "b", "c"], [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]),
            "cost": (["d"], [[1]]),
        },
    )
    assert h.weights["d"] == pytest.approx(0.25)
    assert h.weights["a"] == pytest.approx(0.75 * 0.6369856, abs=1e-6)
    assert sum(h.weights.values()) == pytest.approx(1.0)
    # Hierarchical CR = Σ w CI / Σ w RI = 0.75 × 0.019256 / (0.75 × 0.58) = CR of the group.
    assert h.cr == pytest.approx(0.0331992, abs=1e-6)
    assert h.consistent


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({"a": (["x"], [[1]])}, "no item comparison given for criteria b"),
        (
            {"a": (["x"], [[1]]), "b": (["y"], [[1]]), "c": (["z"], [[1]])},
            "unknown criteria c",
        ),
        ({"a": (["x"], [[1]]), "b": (["x"], [[1]])}, "'x' appears in more than one group"),
    ],
)
def test_ahp_hierarchy_errors(
    groups: dict[str, tuple[list[str], list[list[float]]]], message: str
) -> None:
    with pytest.raises(HosplogiError, match=message):
        ahp_hierarchy(["a", "b"], [[1, 1], [1, 1]], groups)


def test_ahp_scorecard_reweighs_the_default_scorecard() -> None:
    card = default_scorecard()
    sizes = {p: sum(i.perspective is p for i in card.indicators) for p in Perspective}
    eq = {p: [[1] * n for _ in range(n)] for p, n in sizes.items()}
    w = [2, 1, 1, 1]  # response on time twice as important as each other service indicator
    eq[Perspective.SERVICE] = [[a / b for b in w] for a in w]
    new, h = ahp_scorecard(
        card,
        [[1, "1/2", "1/2", 2], [2, 1, 1, 3], [2, 1, 1, 3], ["1/2", "1/3", "1/3", 1]],
        eq,
    )
    assert sum(h.weights.values()) == pytest.approx(1.0)
    assert new.perspective_weights[Perspective.SERVICE] == pytest.approx(
        new.perspective_weights[Perspective.INTERNAL]
    )
    assert new.indicator("response_on_time").weight == pytest.approx(
        2 * new.indicator("resolution_on_time").weight
    )
    assert new.codes == card.codes


def test_ahp_scorecard_needs_a_matrix_for_each_perspective_with_several_indicators() -> None:
    with pytest.raises(HosplogiError, match="no indicator comparison for perspective service"):
        ahp_scorecard(_card(), [[1, 1], [1, 1]], {})
    with pytest.raises(HosplogiError, match="without indicators: development"):
        ahp_scorecard(_card(), [[1, 1], [1, 1]], {Perspective.DEVELOPMENT: [[1]]})


# -- entropy weights -------------------------------------------------------------------------


def test_entropy_weights_hand_computed_example() -> None:
    # Column 1: p = (1/4, 3/4), e = 0.811278, d = 0.188722; column 2 lower-is-better (4, 1) →
    # (1/4, 1) → p = (0.2, 0.8), e = 0.721928, d = 0.278072; column 3 is constant → 0.
    w = entropy_weights([[1, 4, 5], [3, 1, 5]], [True, False, True])
    assert w == pytest.approx((0.404294, 0.595706, 0.0), abs=1e-6)


def test_entropy_weights_min_max_normalisation() -> None:
    w = entropy_weights([[1, 4], [3, 1], [2, 2]], [True, False], normalisation="minmax")
    assert w == pytest.approx((0.520557, 0.479443), abs=1e-6)


@pytest.mark.parametrize(
    ("matrix", "higher", "message"),
    [
        ([[1, 2]], [True, True], "at least two rows"),
        ([[1], [2]], [], "at least one column"),
        ([[1, 2], [3]], [True, True], "row 1 has 1 values"),
        ([[1], [math.nan]], [True], "finite"),
        ([[1], [-1]], [True], "zero or more"),
        ([[0], [1]], [False], "positive"),
        ([[1, 2], [1, 2]], [True, False], "every column is constant"),
    ],
)
def test_bad_entropy_input_is_rejected(
    matrix: list[list[float]], higher: list[bool], message: str
) -> None:
    with pytest.raises(HosplogiError, match=message):
        entropy_weights(matrix, higher)


def test_entropy_normalisation_must_be_known() -> None:
    with pytest.raises(HosplogiError, match="minmax"):
        entropy_weights([[1], [2]], [True], normalisation="z")  # type: ignore[arg-type]


@given(
    st.integers(2, 6).flatmap(
        lambda k: st.tuples(
            st.lists(
                st.lists(st.floats(0.01, 1000), min_size=k, max_size=k), min_size=2, max_size=8
            ),
            st.lists(st.booleans(), min_size=k, max_size=k),
            st.sampled_from(["proportional", "minmax"]),
        )
    )
)
def test_entropy_weights_sum_to_one_or_report_no_information(
    args: tuple[list[list[float]], list[bool], str],
) -> None:
    matrix, higher, norm = args
    if all(len({row[j] for row in matrix}) == 1 for j in range(len(higher))):
        with pytest.raises(HosplogiError, match="constant"):
            entropy_weights(matrix, higher, normalisation=norm)  # type: ignore[arg-type]
        return
    w = entropy_weights(matrix, higher, normalisation=norm)  # type: ignore[arg-type]
    assert sum(w) == pytest.approx(1.0)
    assert all(x >= 0 for x in w)
    for j in range(len(higher)):
        if len({row[j] for row in matrix}) == 1:
            assert w[j] == 0.0


# -- measures from the operations ------------------------------------------------------------


def test_measures_reads_history_as_it_stood_at_the_period_end() -> None:
    late = _done(_order("LATE"), after=timedelta(days=400))
    m = measures([late, _done(_order("OK"))], start=T0, end=YEAR_END)
    assert m["completion_rate"] == 50.0


def test_measures_excludes_orders_outside_the_period_and_cancelled_ones() -> None:
    before = _done(_order("OLD", at=T0 - timedelta(days=1)))
    after = _done(_order("NEW", at=YEAR_END))
    cancelled = _order("C").cancel(at=T0, reason="duplicate")
    waiting = _order("W")
    m = measures([before, after, cancelled, waiting, _done(_order("D"))], start=T0, end=YEAR_END)
    assert m["completion_rate"] == 50.0
    assert m["proactive_share"] == 0.0


def test_satisfaction_and_first_time_acceptance_come_from_acceptance_events() -> None:
    t = T0 + timedelta(hours=2)
    good = _done(_order("A")).verify(at=t, rating=5)
    ok = _done(_order("B")).verify(at=t, rating=4)
    redo = _done(_order("C")).verify(at=t, accepted=False, rating=2)
    redo = redo.complete(at=t).verify(at=t, rating=3)
    unrated = _done(_order("D")).verify(at=t)
    m = measures([good, ok, redo, unrated], start=T0, end=YEAR_END)
    assert m["satisfaction"] == 50.0  # 5 and 4 of the ratings 5, 4, 2, 3
    assert m["first_pass_rate"] == 75.0
    assert measures([good, redo], start=T0, end=YEAR_END, satisfied_at=2)["satisfaction"] == 100


def test_a_rejected_order_is_not_complete_until_completed_again() -> None:
    redo = _done(_order("C")).verify(at=T0 + timedelta(hours=2), accepted=False)
    assert measures([redo], start=T0, end=YEAR_END)["completion_rate"] == 0.0


def test_repeat_repairs_look_back_30_days_across_the_period_start() -> None:
    orders = [
        _order("A1", at=T0 - timedelta(days=10), asset_id="AC-1"),  # before the period
        _order("A2", at=T0 + timedelta(days=5), asset_id="AC-1"),  # repeat of A1
        _order("A3", at=T0 + timedelta(days=50), asset_id="AC-1"),  # 45 days later: not
        _order("B1", at=T0 + timedelta(days=1), asset_id="PUMP"),
        _order("B2", at=T0 + timedelta(days=31, seconds=1), asset_id="PUMP"),
        _order("B3", at=T0 + timedelta(days=32), asset_id="PUMP").cancel(
            at=T0 + timedelta(days=33), reason="duplicate"
        ),
        _order("P1", at=T0 + timedelta(days=6), asset_id="AC-1", source=Source.PREVENTIVE),
    ]
    m = measures(orders, start=T0, end=YEAR_END)
    assert m["repeat_repair_rate"] == 25.0  # A2 of A2, A3, B1, B2
    m = measures(orders, start=T0, end=YEAR_END, repeat_window=timedelta(days=31))
    assert m["repeat_repair_rate"] == 50.0


def test_pm_compliance_counts_completion_by_the_due_time() -> None:
    due = T0 + timedelta(days=7)
    on_time = _done(_order("PM1", source=Source.PREVENTIVE, due_at=due))
    late = _done(_order("PM2", source=Source.PREVENTIVE, due_at=due), after=timedelta(days=8))
    skipped = _order("PM3", source=Source.PREVENTIVE, due_at=due).cancel(at=T0, reason="no")
    not_yet_due = _order("PM4", source=Source.PREVENTIVE, due_at=YEAR_END + timedelta(days=1))
    overdue = _order("PM5", source=Source.PREVENTIVE, due_at=due)
    m = measures([on_time, late, skipped, not_yet_due, overdue], start=T0, end=YEAR_END)
    assert m["pm_compliance"] == 25.0
    assert m["proactive_share"] == 100.0


def test_rectifications_without_a_due_time_are_due_at_the_period_end() -> None:
    fixed = _done(_order("R1", source=Source.INSPECTION))
    open_ = _order("R2", source=Source.INSPECTION)
    m = measures([fixed, open_], start=T0, end=YEAR_END)
    assert m["rectification_on_time"] == 50.0


def test_measures_from_staff_and_optional_inputs() -> None:
    staff = [
        Technician(
            id="T01",
            skills={"electrical": 4, "hvac": 2, "plumbing": 1},
            certificates=(Certificate(kind="electrician", expires_on=date(2026, 12, 31)),),
        ),
        Technician(
            id="T02",
            skills={"lifts": 3},
            certificates=(Certificate(kind="lift", expires_on=date(2026, 12, 30)),),
        ),
        Technician(id="T03", skills={"carpentry": 2, "plumbing": 3}),
        Technician(id="T04", skills={"plumbing": 2, "painting": 1}),
    ]
    orders = [_done(_order("A")), _done(_order("B")), _order("C"), _order("D")]
    m = measures(
        orders,
        start=T0,
        end=YEAR_END,
        technicians=staff,
        complaints=1,
        cost=Decimal("500.00"),
        labour_cost=Decimal("200000"),
        training_hours=100,
        inspection_results=[True, True, True, False],
    )
    assert m["licensed_rate"] == 50.0  # T02's lift certificate ended on 30 December
    assert m["multi_skill_index"] == 2.0
    assert m["labour_cost_per_head"] == 50000.0
    assert m["training_hours_per_head"] == 25.0
    assert m["cost_per_order"] == 250.0
    assert m["complaints_per_1000"] == 250.0
    assert m["inspection_pass_rate"] == 75.0
    assert set(m) <= set(default_scorecard().codes)


def test_measures_leaves_out_what_it_cannot_compute() -> None:
    m = measures([_order("A")], start=T0, end=YEAR_END)
    assert set(m) == {"completion_rate", "proactive_share"}
    assert measures([], start=T0, end=YEAR_END) == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"end": T0}, "must be after start"),
        ({"cost": 10.5}, "cost must be a Decimal"),
        ({"labour_cost": Decimal(-1)}, "labour_cost is -1.00"),
        ({"complaints": -1}, "complaints is -1"),
        ({"training_hours": math.inf}, "training_hours must be a finite"),
        ({"satisfied_at": 6}, "satisfied_at"),
        ({"repeat_window": timedelta(days=-1)}, "repeat_window"),
        ({"inspection_results": [1]}, "booleans"),
    ],
)
def test_measures_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"start": T0, "end": YEAR_END, "technicians": [Technician(id="T")]}
    args.update(kwargs)
    with pytest.raises(HosplogiError, match=message):
        measures([_done(_order())], **args)  # type: ignore[arg-type]


def test_two_calls_from_raw_orders_to_a_graded_card() -> None:
    t = T0 + timedelta(hours=3)
    orders = [_done(_order(f"WO-{i}", asset_id=f"A{i}")).verify(at=t, rating=5) for i in range(9)]
    orders.append(_order("PM-1", source=Source.PREVENTIVE))
    orders.append(_done(_order("R-1", source=Source.INSPECTION)))
    staff = [Technician(id="T01", skills={"plumbing": 3, "hvac": 2, "electrical": 1})]
    values = measures(
        orders,
        start=T0,
        end=YEAR_END,
        technicians=staff,
        complaints=0,
        cost=Decimal("1350"),
        labour_cost=Decimal("45000"),
        training_hours=40,
        inspection_results=[True] * 19 + [False],
    )
    others = {"response_on_time": 97.0, "resolution_on_time": 95.0}  # from hosplogi.sla
    r = score(default_scorecard(), {**values, **others})
    assert round(values["completion_rate"], 2) == 90.91  # 10 of 11
    assert values["pm_compliance"] == 0.0
    assert values["licensed_rate"] == 0.0  # T01 has electrical skill and no licence
    assert round(r.by_indicator["completion_rate"], 2) == 10.10  # (90.91 - 90) / (99 - 90)
    assert r.by_perspective[Perspective.DEVELOPMENT] == pytest.approx(200 / 3)
    assert round(r.by_perspective[Perspective.INTERNAL], 2) == 68.35  # PM 0, completion 10.1
    assert r.weakest is Perspective.DEVELOPMENT
    assert r.grade == "良好"
    assert round(r.total, 2) == 83.17


def test_sla_rates_count_decided_clocks_at_the_period_end() -> None:
    sla = pytest.importorskip("hosplogi.sla")
    policy = sla.SlaPolicy(
        targets={
            p: sla.SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=4))
            for p in Priority
        }
    )
    t = T0 + timedelta(days=3)

    def run(oid: str, on_site: timedelta, done: timedelta, at: datetime = t) -> WorkOrder:
        o = _order(oid, at=at).dispatch(("T01",), at=at)
        return o.start(at=at + on_site).complete(at=at + done)

    met = run("MET", timedelta(minutes=20), timedelta(hours=1))
    late = run("LATE", timedelta(minutes=45), timedelta(hours=5))
    fresh = _order("FRESH", at=YEAR_END - timedelta(minutes=10))  # both clocks still running
    straddling = run(  # on site only after the period end: response breached at the end
        "STRADDLE", timedelta(hours=2), timedelta(hours=3), at=YEAR_END - timedelta(hours=1)
    )
    cancelled = _order("GONE", at=t).cancel(at=t + timedelta(hours=9), reason="duplicate")
    m = measures([met, late, fresh, straddling, cancelled], start=T0, end=YEAR_END, policy=policy)
    assert round(m["response_on_time"], 2) == 33.33  # MET of MET, LATE, STRADDLE
    assert m["resolution_on_time"] == 50.0  # MET of MET, LATE


# -- pay by work -----------------------------------------------------------------------------


def test_allocate_gives_leftover_cents_to_the_largest_remainders_then_by_key() -> None:
    assert allocate(Decimal("100"), {"C": 1, "B": 1, "A": 1}) == {
        "C": Decimal("33.33"),
        "B": Decimal("33.33"),
        "A": Decimal("33.34"),
    }
    assert allocate(Decimal("0.05"), {"x": 0.5, "y": 0.3, "z": 0.2}) == {
        "x": Decimal("0.03"),
        "y": Decimal("0.01"),
        "z": Decimal("0.01"),
    }


def test_allocate_splits_a_negative_pool_the_same_way() -> None:
    assert allocate(Decimal("-1.00"), {"a": 1, "b": 2}) == {
        "a": Decimal("-0.33"),
        "b": Decimal("-0.67"),
    }


@pytest.mark.parametrize(
    ("pool", "shares", "message"),
    [
        (100.0, {"a": 1}, "pool must be a Decimal, int or decimal string, not float"),
        ("abc", {"a": 1}, "pool must be"),
        (Decimal(10), {}, "at least one share"),
        (Decimal(10), {"a": -1, "b": 2}, "share of 'a' is -1"),
        (Decimal(10), {"a": math.nan}, "share of 'a' is nan"),
        (Decimal(10), {"a": Decimal("Infinity")}, "share of 'a' is .*Infinity"),
        (Decimal(10), {"a": "1"}, "must be a number"),
        (Decimal(10), {"a": 0, "b": 0.0}, "every share is zero"),
    ],
)
def test_allocate_rejects_bad_input(pool: object, shares: dict[str, object], message: str) -> None:
    with pytest.raises(HosplogiError, match=message):
        allocate(pool, shares)  # type: ignore[arg-type]


@given(
    st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False),
    st.dictionaries(
        st.text(min_size=1, max_size=4),
        st.floats(0, 1e6) | st.integers(0, 1000),
        min_size=1,
        max_size=12,
    ).filter(lambda d: any(v > 0 for v in d.values())),
)
@example(Decimal("0.01"), {"a": 1, "b": 1})
def test_allocations_sum_exactly_and_stay_within_a_cent_of_the_exact_share(
    pool: Decimal, shares: dict[str, float]
) -> None:
    out = allocate(pool, shares)
    assert sum(out.values()) == pool
    assert list(out) == list(shares)
    total = sum(Fraction(v) for v in shares.values())
    for k, v in shares.items():
        exact = Fraction(pool) * Fraction(v) / total
        assert abs(Fraction(out[k]) - exact) < Fraction(1, 100)
        assert out[k] == out[k].quantize(Decimal("0.01"))


def test_workload_points_split_relative_values_among_the_team() -> None:
    table = WorkloadTable(
        values=(
            RelativeValue(trade="plumbing", points=2.0),
            RelativeValue(trade="plumbing", task="unblock drain", points=3.0),
            RelativeValue(trade="electrical", points=4.0, per="hour"),
        )
    )
    a = _done(_order("A", title="unblock drain"), who="T01")
    b = _order("B", trade="electrical", estimated_minutes=90)
    b = b.dispatch(("T01", "T02"), at=T0).start(at=T0).complete(at=T0 + timedelta(hours=2))
    c = _done(_order("C", title="tap"), who="T02").verify(
        at=T0 + timedelta(hours=3), accepted=False
    )
    d = _done(_order("D", title="tap"), who="T03")
    late = _done(_order("E"), after=timedelta(days=400))
    pts = workload_points([a, b, c, d, late], table, start=T0, end=YEAR_END, quality={"T03": 0.5})
    assert pts == {"T01": 6.0, "T02": 3.0, "T03": 1.0}


def test_workload_points_credit_the_completer_without_a_dispatch_and_skip_anonymous() -> None:
    table = WorkloadTable(values=(), default=RelativeValue(trade="any", points=1.0))
    anonymous = _done(_order("N"))
    # a state no valid log reaches (model_copy now validates): pydantic's unvalidated copy
    anonymous = BaseModel.model_copy(anonymous, update={"assignees": ()})
    pts = workload_points([anonymous], table, start=T0, end=YEAR_END, task_of=lambda o: o.trade)
    assert pts == {"T01": 1.0}


def test_workload_points_errors_name_the_order_and_the_factor() -> None:
    table = WorkloadTable(values=(RelativeValue(trade="hvac", points=1.0),))
    with pytest.raises(HosplogiError, match="order WO-1: no relative value for trade 'plumbing'"):
        workload_points([_done(_order())], table, start=T0, end=YEAR_END)
    with pytest.raises(HosplogiError, match="quality factor of 'T01' is -1"):
        workload_points([], table, start=T0, end=YEAR_END, quality={"T01": -1})
    with pytest.raises(HosplogiError, match="must be after start"):
        workload_points([], table, start=T0, end=T0)
    with pytest.raises(
        ValidationError,
        match=r"relative values \(trade/task\) must be unique; got a/\* more than once",
    ):
        WorkloadTable(
            values=(RelativeValue(trade="a", points=1), RelativeValue(trade="a", points=2))
        )


def test_maintenance_fund_surplus_half_becomes_a_bonus_pool() -> None:
    # 000:247: fund = 3–5 % of eligible purchase value; 50 % of a surplus is paid as a bonus.
    assets = [
        FundAsset(id="chiller", purchase_value=Decimal("800000")),
        FundAsset(id="boiler", purchase_value=Decimal("400000"), warranty_ends=date(2025, 12, 31)),
        FundAsset(id="new-lift", purchase_value="600000", warranty_ends=date(2027, 12, 31)),
        FundAsset(id="CT", purchase_value="9000000", self_repairable=False),
    ]
    f = maintenance_fund(
        assets,
        on=date(2026, 1, 1),
        spent=Decimal("40000"),
        people=["E1", "E2", "W1", "M1"],
        rate=Decimal("0.05"),
        shares={"E1": 3, "E2": 2, "W1": 1},
    )
    assert f.assets == ("chiller", "boiler")
    assert (f.eligible_value, f.fund, f.surplus, f.overrun) == (
        Decimal("1200000.00"),
        Decimal("60000.00"),
        Decimal("20000.00"),
        Decimal("0.00"),
    )
    assert f.bonus_pool == Decimal("10000.00")
    assert f.bonuses == {
        "E1": Decimal("5000.00"),
        "E2": Decimal("3333.33"),
        "W1": Decimal("1666.67"),
        "M1": Decimal("0.00"),
    }
    assert set(f.deductions.values()) == {Decimal("0.00")}
    assert MaintenanceFund.model_validate_json(f.model_dump_json()) == f


def test_maintenance_fund_overrun_half_is_shared_equally_as_a_deduction() -> None:
    assets = [FundAsset(id="chiller", purchase_value=Decimal("1000000"))]
    f = maintenance_fund(
        assets, on=date(2026, 1, 1), spent=Decimal("31000"), people=["E1", "E2", "M1"],
        rate=Decimal("0.03"),
    )  # fmt: skip
    assert (f.fund, f.overrun, f.deduction_pool) == (
        Decimal("30000.00"),
        Decimal("1000.00"),
        Decimal("500.00"),
    )
    assert f.deductions == {
        "E1": Decimal("166.67"),
        "E2": Decimal("166.67"),
        "M1": Decimal("166.66"),
    }
    assert f.bonus_pool == Decimal("0.00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": Decimal("0.06")}, "rate is 0.06; accepted: 0.03 to 0.05"),
        ({"rate": 0.04}, "rate must be a Decimal"),
        ({"rate": "x"}, "decimal number"),
        ({"spent": 100.0}, "spent must be a Decimal"),
        ({"spent": Decimal(-5)}, "spent is -5.00"),
        ({"people": []}, "people is empty"),
        ({"people": ["E1", "E1"]}, "people must be unique; got E1 more than once"),
        ({"shares": {"X9": 1}}, "X9, who are not among people"),
        ({"bonus_share": Decimal("1.5")}, "bonus_share"),
    ],
)
def test_maintenance_fund_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"on": date(2026, 1, 1), "spent": Decimal(0), "people": ["E1"]}
    args.update(kwargs)
    with pytest.raises(HosplogiError, match=message):
        maintenance_fund([], **args)  # type: ignore[arg-type]


def test_fund_assets_refuse_float_and_negative_values() -> None:
    with pytest.raises(ValidationError, match="not float"):
        FundAsset(id="a", purchase_value=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="give ≥ 0"):
        FundAsset(id="a", purchase_value=Decimal(-1))


def test_default_grades_are_the_four_chinese_bands() -> None:
    assert [(g.name, g.min_score) for g in DEFAULT_GRADES] == [
        ("优秀", 90),
        ("良好", 80),
        ("合格", 60),
        ("不合格", 0),
    ]


@given(reciprocal_matrices(max_n=6))
def test_ahp_results_json_round_trip(matrix: list[list[float]]) -> None:
    r = ahp(matrix, labels=[f"c{i}" for i in range(len(matrix))])
    assert AhpResult.model_validate_json(r.model_dump_json()) == r


def test_other_kpi_models_json_round_trip() -> None:
    h = ahp_hierarchy(["a", "b"], [[1, 2], [0.5, 1]], {"a": (["x"], [[1]]), "b": (["y"], [[1]])})
    table = WorkloadTable(
        values=(RelativeValue(trade="hvac", task="filter", points=1.5, per="hour"),),
        default=RelativeValue(trade="any", points=1),
        valid_from=date(2026, 1, 1),
    )
    asset = FundAsset(id="AC-1", purchase_value="12000.5", warranty_ends=date(2025, 1, 1))
    t = trend(_card(), {"on_time": 1, "sat": 2, "cost": 3}, {"on_time": 2, "sat": 2, "cost": 0})
    for model in (h, table, asset, *t.values()):
        assert type(model).model_validate_json(model.model_dump_json()) == model


def test_entropy_weights_of_a_column_that_differs_below_float_resolution_once_scaled() -> None:
    """Regression: 1 − H/ln m cancelled to 0 for [0.010000000000000002, 0.01], and a column that
    does vary was reported as if every column were constant. It carries the only information."""
    matrix = [[0.010000000000000002, 0.01], [0.01, 0.01]]
    for norm in ("proportional", "minmax"):
        assert entropy_weights(matrix, [True, True], normalisation=norm) == (1.0, 0.0)
