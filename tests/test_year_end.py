"""Tests for hosplogi.contracts.settle_year: the year-end reward and penalty (000:75, 004:281)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    BonusRule,
    Complaint,
    Contract,
    DeductionRule,
    HosplogiError,
    Renewal,
    Settlement,
    YearEndGrade,
    YearEndRule,
    YearEndSettlement,
    settle,
    settle_year,
)

SH = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")

RULE = YearEndRule(
    reward_score=93,
    reward_satisfaction=90,
    penalty_score=85,
    penalty_satisfaction=80,
    reward_rate=Decimal("0.01"),
    penalty=Decimal("20000"),
    penalty_rate=Decimal("0.02"),
    terminate_score=75,
    terminate_failed_months=3,
)
SCORES: dict[int, float | Decimal] = {
    1: 96, 2: 94, 3: 87.5, 4: 92, 5: 95, 6: 96.5, 7: 93, 8: 91, 9: 94, 10: 95.5, 11: 97, 12: 96,
}  # fmt: skip
SURVEY: dict[int, float | Decimal] = {
    1: 92, 2: 91.5, 3: 88, 4: 90, 5: 93, 6: 94, 7: 92.5, 8: 90, 9: 91, 10: 93.5, 11: 94, 12: 95,
}  # fmt: skip


def _contract(**kw: object) -> Contract:
    fields: dict[str, object] = {
        "id": "C-CLN-2026",
        "vendor": "V-CLEAN",
        "services": ("cleaning",),
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
        "monthly_fee": Decimal("286500.00"),
        "deductions": (
            DeductionRule(kind="complaint", amount=Decimal("500")),
            DeductionRule(kind="score_below", threshold=90, amount=Decimal("800")),
        ),
        "bonus": BonusRule(threshold=95, amount=Decimal("5000")),
        "year_end": RULE,
    }
    fields.update(kw)
    return Contract(**fields)  # type: ignore[arg-type]


def _year(
    contract: Contract, scores: dict[int, float | Decimal], months: range | None = None
) -> list[Settlement]:
    return [settle(contract, 2026, m, score=scores.get(m)) for m in months or range(1, 13)]


def _complaint(cid: str, month: int) -> Complaint:
    return Complaint(id=cid, at=datetime(2026, month, 5, 9, tzinfo=SH), substantiated=True)


# -- the worked example (docs/contracts.md, "Year end") ----------------------------------------


def test_full_year_worked_example_to_the_cent() -> None:
    c = _contract()
    months = _year(c, SCORES)
    # March as in the monthly worked example: 3 substantiated complaints, score 87.5
    months[2] = settle(
        c, 2026, 3, score=87.5, complaints=[_complaint(f"CP-{i}", 3) for i in range(3)]
    )
    y = settle_year(c, 2026, months, scores=SCORES, satisfaction=SURVEY)
    march = y.months[2]
    assert (march.deductions, march.payable) == (Decimal("3500.00"), Decimal("283000.00"))
    assert (y.base, y.deductions, y.deducted, y.bonus, y.payable) == (
        Decimal("3438000.00"),
        Decimal("3500.00"),  # 3 × 500 + 2.5 points × 800
        Decimal("3500.00"),
        Decimal("30000.00"),
        Decimal("3464500.00"),
    )
    assert (y.mean_score, y.mean_satisfaction) == (Decimal("93.96"), Decimal("92.04"))
    assert y.grade is YearEndGrade.EXCELLENT
    assert (y.reward, y.penalty_due, y.penalty, y.net) == (
        Decimal("34380.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("3498880.00"),
    )
    assert y.renewal is Renewal.KEEP
    assert y.complete
    assert [m.month for m in y.months] == list(range(1, 13))
    assert y.failed_months == ()


def test_per_month_lines_carry_the_settlement_score_and_satisfaction() -> None:
    c = _contract()
    y = settle_year(c, 2026, _year(c, SCORES), scores=SCORES, satisfaction=SURVEY)
    jan, mar = y.months[0], y.months[2]
    assert (jan.month, jan.days, jan.base, jan.bonus, jan.payable) == (
        1,
        31,
        Decimal("286500.00"),
        Decimal("5000.00"),
        Decimal("291500.00"),
    )
    assert (jan.score, jan.satisfaction, jan.failed) == (Decimal(96), Decimal("92"), False)
    assert (mar.score, mar.deductions) == (Decimal("87.5"), Decimal("2000.00"))


def test_settlements_may_come_in_any_order_and_from_json() -> None:
    c = _contract()
    months = _year(c, SCORES)
    loaded = [Settlement.model_validate_json(m.model_dump_json()) for m in reversed(months)]
    assert settle_year(c, 2026, loaded, scores=SCORES, satisfaction=SURVEY) == settle_year(
        c, 2026, months, scores=SCORES, satisfaction=SURVEY
    )


# -- partial years and gaps --------------------------------------------------------------------


def test_contract_starting_mid_year_has_a_partial_year() -> None:
    c = _contract(start=date(2026, 2, 10), monthly_fee=Decimal("100000.00"))
    months = [settle(c, 2026, m) for m in range(2, 13)]
    marks = dict.fromkeys(range(2, 13), 90)
    y = settle_year(c, 2026, months, scores=marks, satisfaction=marks)
    assert [m.month for m in y.months] == list(range(2, 13))
    assert y.months[0].days == 19
    assert y.base == Decimal("1067857.14")  # 67,857.14 + 10 × 100,000.00
    assert y.missing == ()
    assert y.grade is YearEndGrade.PASS
    assert y.reasons == ("mean score 90.00 is below the reward score 93.0",)


def test_contract_ending_mid_year_stops_at_its_last_month() -> None:
    c = _contract(end=date(2026, 6, 15), monthly_fee=Decimal("1000.01"), year_end=None)
    c = Contract.model_validate(
        {**c.model_dump(), "year_end": YearEndRule(reward_score=90, penalty_score=80)}
    )
    y = settle_year(c, 2026, [settle(c, 2026, m) for m in range(1, 7)], scores={6: 91})
    assert y.months[-1].base == Decimal("500.01")  # 15 of 30 days: 500.005 rounds half up
    assert y.base == Decimal("5500.06")
    assert y.unscored == (1, 2, 3, 4, 5)
    assert y.grade is YearEndGrade.EXCELLENT
    assert y.reward == Decimal("0.00")  # the rule has no reward amount


def test_missing_months_are_reported_not_guessed() -> None:
    c = _contract()
    months = [settle(c, 2026, m) for m in (1, 2, 4)]
    y = settle_year(
        c, 2026, months, scores={1: 90, 2: 80, 4: Decimal("86.5")}, satisfaction={1: 85, 4: 85}
    )
    assert y.missing == (3, 5, 6, 7, 8, 9, 10, 11, 12)
    assert y.unsurveyed == (2,)
    assert not y.complete
    assert y.base == Decimal("859500.00")  # the three settled months only
    assert y.mean_score == Decimal("85.50")  # (90 + 80 + 86.5) / 3
    assert y.failed_months == (2,)
    assert "not settled, not counted: 2026-03, 2026-05, 2026-06" in y.reasons[-1]


def test_strict_refuses_an_incomplete_year_and_names_the_gaps() -> None:
    c = _contract()
    months = [settle(c, 2026, m) for m in (1, 2)]
    with pytest.raises(
        HosplogiError,
        match=r"is incomplete: not settled: 2026-03, .*, 2026-12; no score: 2026-02; "
        r"no satisfaction: 2026-01, 2026-02$",
    ):
        settle_year(c, 2026, months, scores={1: 90}, strict=True)


def test_satisfaction_is_not_required_when_the_rule_has_no_satisfaction_threshold() -> None:
    rule = YearEndRule(reward_score=95, penalty_score=85)
    c = _contract(year_end=rule)
    y = settle_year(c, 2026, _year(c, SCORES), scores=SCORES, strict=True)
    assert (y.unsurveyed, y.mean_satisfaction, y.complete) == ((), None, True)


# -- grades, reward, penalty, renewal ----------------------------------------------------------


def test_mean_exactly_at_the_reward_score_is_rewarded() -> None:
    c = _contract()
    flat = dict.fromkeys(range(1, 13), 93)
    y = settle_year(c, 2026, _year(c, flat), scores=flat, satisfaction=SURVEY)
    assert (y.grade, y.reward) == (YearEndGrade.EXCELLENT, Decimal("34380.00"))


def test_thresholds_apply_to_the_mean_rounded_to_hundredths() -> None:
    c = _contract()
    # (85 × 2 + 84.99) / 3 = 84.9966… → 85.00: not below the penalty score
    marks: dict[int, float | Decimal] = {1: 85, 2: 85, 3: Decimal("84.99")}
    months = [settle(c, 2026, m) for m in (1, 2, 3)]
    y = settle_year(c, 2026, months, scores=marks, satisfaction={1: 85})
    assert (y.mean_score, y.grade) == (Decimal("85.00"), YearEndGrade.PASS)
    # (85 + 84.99 + 84.99) / 3 = 84.9933… → 84.99: penalised
    marks[2] = Decimal("84.99")
    y = settle_year(c, 2026, months, scores=marks, satisfaction={1: 85})
    assert (y.mean_score, y.grade) == (Decimal("84.99"), YearEndGrade.FAIL)


def test_low_satisfaction_fails_a_year_with_a_rewardable_score() -> None:
    c = _contract()
    poor = dict.fromkeys(range(1, 13), Decimal("79.5"))
    y = settle_year(c, 2026, _year(c, SCORES), scores=SCORES, satisfaction=poor)
    assert y.grade is YearEndGrade.FAIL
    assert y.reward == Decimal("0.00")
    # 20,000.00 + 2 % × 3,438,000.00 = 88,760.00
    assert (y.penalty_due, y.penalty) == (Decimal("88760.00"), Decimal("88760.00"))
    assert y.net == y.payable - Decimal("88760.00")
    assert y.reasons[0] == "mean satisfaction 79.50 is below the penalty satisfaction 80.0"
    assert y.renewal is Renewal.WARN


def test_good_score_with_middling_satisfaction_passes_without_reward() -> None:
    c = _contract()
    middling = dict.fromkeys(range(1, 13), 85)
    y = settle_year(c, 2026, _year(c, SCORES), scores=SCORES, satisfaction=middling)
    assert (y.grade, y.reward, y.penalty) == (YearEndGrade.PASS, Decimal("0"), Decimal("0"))
    assert y.reasons == ("mean satisfaction 85.00 is below the reward satisfaction 90.0",)


def test_reward_adds_a_fixed_part_and_a_share_of_the_base_rounded_half_up() -> None:
    rule = YearEndRule(
        reward_score=90, penalty_score=80, reward=Decimal("1000"), reward_rate=Decimal("0.015")
    )
    c = _contract(monthly_fee=Decimal("1000.01"), year_end=rule, bonus=None)
    y = settle_year(c, 2026, [settle(c, 2026, 1)], scores={1: 95})
    # 1,000.00 + 0.015 × 1,000.01 = 1,015.00015 → 1,015.00; missing months are not billed
    assert y.reward == Decimal("1015.00")
    assert y.net == Decimal("2015.01")


def test_penalty_never_exceeds_the_years_payable() -> None:
    rule = YearEndRule(reward_score=95, penalty_score=85, penalty=Decimal("50000"))
    c = _contract(monthly_fee=Decimal("10000"), year_end=rule, deductions=(), bonus=None)
    y = settle_year(c, 2026, [settle(c, 2026, m) for m in (1, 2)], scores={1: 70, 2: 80})
    assert (y.payable, y.penalty_due, y.penalty, y.net) == (
        Decimal("20000.00"),
        Decimal("50000.00"),
        Decimal("20000.00"),
        Decimal("0.00"),
    )
    assert "penalty 50000.00 cut to the year's payable 20000.00" in y.reasons


def test_terminate_when_the_mean_is_below_the_terminate_score() -> None:
    c = _contract()
    awful = dict.fromkeys(range(1, 13), Decimal("74.99"))
    y = settle_year(c, 2026, _year(c, awful), scores=awful, satisfaction=SURVEY)
    assert (y.grade, y.renewal) == (YearEndGrade.FAIL, Renewal.TERMINATE)
    assert "mean score 74.99 is below the terminate score 75.0" in y.reasons


def test_terminate_after_enough_failed_months_even_in_a_passing_year() -> None:
    c = _contract()
    marks = {**dict.fromkeys(range(1, 13), 92), 2: 84, 5: Decimal("84.5"), 9: 80}
    y = settle_year(c, 2026, _year(c, marks), scores=marks, satisfaction=SURVEY)
    assert y.grade is YearEndGrade.PASS
    assert y.failed_months == (2, 5, 9)
    assert y.renewal is Renewal.TERMINATE
    assert y.reasons[-1] == (
        "3 months scored below 85.0 (2026-02, 2026-05, 2026-09); terminate_failed_months is 3"
    )


def test_two_failed_months_in_a_passing_year_keep_the_provider() -> None:
    c = _contract()
    marks = {**dict.fromkeys(range(1, 13), 92), 2: 84, 9: 80}
    y = settle_year(c, 2026, _year(c, marks), scores=marks, satisfaction=SURVEY)
    assert (y.grade, y.renewal, y.failed_months) == (YearEndGrade.PASS, Renewal.KEEP, (2, 9))


# -- bad input ---------------------------------------------------------------------------------


def test_settlement_of_another_contract_is_refused_by_name() -> None:
    c = _contract()
    other = _contract(id="C-SEC-2026")
    months = [*_year(c, {}, range(1, 3)), settle(other, 2026, 3)]
    with pytest.raises(
        HosplogiError,
        match=r"^year-end settlement of C-CLN-2026 for 2026 cannot use: settlement C-SEC-2026 "
        r"2026-03 belongs to contract C-SEC-2026, not C-CLN-2026$",
    ):
        settle_year(c, 2026, months, scores={1: 90})


def test_settlement_of_another_vendor_or_year_is_refused_and_every_culprit_named() -> None:
    c = _contract(end=date(2027, 12, 31))
    other_vendor = _contract(vendor="V-OTHER")
    months = [settle(c, 2026, 1), settle(other_vendor, 2026, 2), settle(c, 2027, 1)]
    with pytest.raises(HosplogiError) as info:
        settle_year(c, 2026, months, scores={1: 90})
    assert str(info.value).endswith(
        "cannot use: settlement C-CLN-2026 2026-02 names vendor V-OTHER, not V-CLEAN; "
        "settlement C-CLN-2026 2027-01 is of year 2027, not 2026"
    )


def test_duplicate_months_are_refused() -> None:
    c = _contract()
    jan = settle(c, 2026, 1)
    with pytest.raises(
        HosplogiError, match="settlement C-CLN-2026 2026-01 is given more than once"
    ):
        settle_year(c, 2026, [jan, settle(c, 2026, 2), jan], scores={1: 90})


def test_settlement_billed_for_other_days_is_refused() -> None:
    c = _contract(start=date(2026, 2, 10))
    full_feb = settle(_contract(), 2026, 2)  # same id, but settled for all 28 days
    with pytest.raises(
        HosplogiError, match="2026-02 bills 28 days but the contract covers 19 days of that month"
    ):
        settle_year(c, 2026, [full_feb], scores={2: 90})


def test_settlement_outside_the_contract_is_refused() -> None:
    c = _contract(start=date(2026, 3, 1))
    jan = settle(_contract(), 2026, 1)
    with pytest.raises(HosplogiError, match="2026-01 is outside the contract period 2026-03-01"):
        settle_year(c, 2026, [jan], scores={1: 90})


def test_something_that_is_not_a_settlement_is_refused() -> None:
    c = _contract()
    with pytest.raises(HosplogiError, match="item 1 is a dict, not a Settlement"):
        settle_year(c, 2026, [settle(c, 2026, 1), {"month": 2}], scores={1: 90})  # type: ignore[list-item]


def test_float_money_in_the_rule_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"(?s)\breward\n.*not float 1000\.0"):
        YearEndRule(reward_score=95, penalty_score=85, reward=1000.0)  # type: ignore[arg-type]
    with pytest.raises(
        ValidationError, match=r"(?s)penalty_rate\n.*not float 0\.02; write Decimal\('0\.02'\)"
    ):
        YearEndRule(reward_score=95, penalty_score=85, penalty_rate=0.02)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"penalty": Decimal("-1")}, r"penalty must be zero or more, got -1\.00"),
        (
            {"reward_rate": Decimal("1.5")},
            r"reward_rate is a fraction .* between 0 and 1, got 1\.5",
        ),
        ({"penalty_score": 96}, "penalty_score 96.0 is above reward_score 95.0"),
        ({"terminate_score": 90}, "terminate_score 90.0 is above penalty_score 85.0"),
        (
            {"reward_satisfaction": 80, "penalty_satisfaction": 90},
            "penalty_satisfaction 90.0 is above reward_satisfaction 80.0",
        ),
        ({"terminate_failed_months": 0}, "greater than or equal to 1"),
        ({"reward_score": 101}, "less than or equal to 100"),
    ],
)
def test_inconsistent_rules_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        YearEndRule(**{"reward_score": 95, "penalty_score": 85, **fields})  # type: ignore[arg-type]


def test_contract_without_a_year_end_rule_is_refused() -> None:
    c = _contract(year_end=None)
    with pytest.raises(HosplogiError, match="contract C-CLN-2026 has no year_end rule"):
        settle_year(c, 2026, [settle(c, 2026, 1)], scores={1: 90})


def test_year_outside_the_contract_is_refused() -> None:
    with pytest.raises(HosplogiError, match="2027 is outside it, so there is no year to assess"):
        settle_year(_contract(), 2027, [])
    with pytest.raises(HosplogiError, match="year must be an int from 1 to 9998, got '2026'"):
        settle_year(_contract(), "2026", [])  # type: ignore[arg-type]


def test_score_for_a_month_not_settled_is_refused() -> None:
    c = _contract()
    with pytest.raises(
        HosplogiError, match="scores has a value for 2026-02 but no settlement of that month"
    ):
        settle_year(c, 2026, [settle(c, 2026, 1)], scores={1: 90, 2: 91})


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({1: 101}, "scores of 2026-01 must be a number from 0 to 100, got 101"),
        ({1: "90"}, "scores of 2026-01 must be a number from 0 to 100, got '90'"),
        ({"1": 90}, "scores are keyed by month number 1 to 12, got key '1'"),
        ([90], r"scores must map a month number to a value"),
    ],
)
def test_bad_scores_are_refused(scores: object, message: str) -> None:
    c = _contract()
    with pytest.raises(HosplogiError, match=message):
        settle_year(c, 2026, [settle(c, 2026, 1)], scores=scores, satisfaction={1: 90})  # type: ignore[arg-type]


def test_a_year_without_scores_or_without_satisfaction_cannot_be_graded() -> None:
    c = _contract()
    months = [settle(c, 2026, 1)]
    with pytest.raises(HosplogiError, match="needs at least one monthly score; settled months: "):
        settle_year(c, 2026, months, satisfaction={1: 90})
    with pytest.raises(HosplogiError, match="no settlements given"):
        settle_year(c, 2026, [], scores={})
    with pytest.raises(HosplogiError, match="has a satisfaction threshold but no month of 2026"):
        settle_year(c, 2026, months, scores={1: 90})


# -- properties --------------------------------------------------------------------------------

cents = st.integers(0, 10**7).map(lambda c: Decimal(c) / 100)
points = st.integers(0, 10000).map(lambda p: Decimal(p) / 100)
rates = st.integers(0, 100).map(lambda r: Decimal(r) / 1000)

YearCase = tuple[Contract, list[Settlement], dict[int, Decimal], dict[int, Decimal]]


@st.composite
def rules(draw: st.DrawFn) -> YearEndRule:
    low, high = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)))
    s_low, s_high = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)))
    with_satisfaction = draw(st.booleans())
    return YearEndRule(
        reward_score=high,
        penalty_score=low,
        reward_satisfaction=s_high if with_satisfaction else None,
        penalty_satisfaction=s_low if with_satisfaction else None,
        reward=draw(cents),
        reward_rate=draw(rates),
        penalty=draw(cents),
        penalty_rate=draw(rates),
        terminate_score=draw(st.none() | st.integers(0, low)),
        terminate_failed_months=draw(st.none() | st.integers(1, 12)),
    )


@st.composite
def years(draw: st.DrawFn) -> YearCase:
    start = draw(st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 12, 31)))
    end = max(start, draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 6, 30))))
    contract = Contract(
        id="C",
        vendor="V",
        services=("cleaning",),
        start=start,
        end=end,
        monthly_fee=draw(cents),
        deduction_cap=draw(st.integers(0, 100).map(lambda c: Decimal(c) / 100)),
        deductions=(DeductionRule(kind="complaint", amount=draw(cents.filter(lambda d: d > 0))),),
        bonus=draw(st.none() | st.builds(BonusRule, threshold=st.just(95.0), amount=cents)),
        year_end=draw(rules()),
    )
    covered = [
        m
        for m in range(1, 13)
        if max(start, date(2026, m, 1)) <= min(end, date(2026, m, calendar.monthrange(2026, m)[1]))
    ]
    settled = draw(st.lists(st.sampled_from(covered), min_size=1, unique=True))
    settlements = []
    for m in settled:
        first = max(start, date(2026, m, 1))
        complaints = [
            Complaint(
                id=f"CP-{m}-{i}",
                at=datetime.combine(first, datetime.min.time(), SH) + timedelta(hours=9),
                substantiated=True,
            )
            for i in range(draw(st.integers(0, 3)))
        ]
        settlements.append(settle(contract, 2026, m, complaints=complaints))
    scores = {m: draw(points) for m in settled if m == settled[0] or draw(st.booleans())}
    satisfaction = {m: draw(points) for m in settled if m == settled[0] or draw(st.booleans())}
    return contract, settlements, scores, satisfaction


@given(years())
def test_year_end_properties(case: YearCase) -> None:
    contract, settlements, scores, satisfaction = case
    rule = contract.year_end
    assert rule is not None
    y = settle_year(contract, 2026, settlements, scores=scores, satisfaction=satisfaction)
    for total in ("base", "deductions", "deducted", "bonus", "payable"):
        assert getattr(y, total) == sum((getattr(s, total) for s in settlements), Decimal(0))
        assert getattr(y, total) == sum((getattr(m, total) for m in y.months), Decimal(0))
    assert not (y.reward > 0 and y.penalty > 0)
    assert y.reward == 0 or y.grade is YearEndGrade.EXCELLENT
    assert y.penalty_due == 0 or y.grade is YearEndGrade.FAIL
    assert y.net == y.payable + y.reward - y.penalty >= 0
    assert y.penalty == min(y.penalty_due, y.payable)
    for amount in (y.reward, y.penalty_due, y.net):
        assert amount == amount.quantize(CENT)
    if y.grade is YearEndGrade.EXCELLENT:
        expected = (rule.reward + rule.reward_rate * y.base).quantize(CENT, ROUND_HALF_UP)
        assert y.reward == expected
    exact = sum(scores.values(), Decimal(0)) / len(scores)
    assert y.mean_score == exact.quantize(CENT, ROUND_HALF_UP)
    assert (y.grade is YearEndGrade.FAIL) == (
        y.mean_score < Decimal(str(rule.penalty_score))
        or (
            rule.penalty_satisfaction is not None
            and y.mean_satisfaction is not None
            and y.mean_satisfaction < rule.penalty_satisfaction
        )
    )
    settled = {s.month for s in settlements}
    assert settled.isdisjoint(y.missing)
    assert [m.month for m in y.months] == sorted(settled)
    assert y.failed_months == tuple(sorted(m for m, v in scores.items() if v < rule.penalty_score))
    assert YearEndSettlement.model_validate_json(y.model_dump_json()) == y
    assert YearEndRule.model_validate_json(rule.model_dump_json()) == rule
    assert Contract.model_validate_json(contract.model_dump_json()) == contract


@given(years(), st.randoms(use_true_random=False))
def test_order_of_the_settlements_does_not_matter(case: YearCase, rnd: object) -> None:
    contract, settlements, scores, satisfaction = case
    shuffled = list(settlements)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert settle_year(
        contract, 2026, shuffled, scores=scores, satisfaction=satisfaction
    ) == settle_year(contract, 2026, settlements, scores=scores, satisfaction=satisfaction)
