"""Tests for hosplogi.contracts: monthly settlement to the cent, evidence handling, tenders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Bid,
    BonusRule,
    Checklist,
    ChecklistItem,
    Complaint,
    Contract,
    DeductionKind,
    DeductionRule,
    HeadcountRecord,
    HosplogiError,
    Inspection,
    ItemResult,
    Priority,
    ServiceItem,
    Settlement,
    SlaPolicy,
    SlaTarget,
    Vendor,
    WorkOrder,
    rank_bids,
    settle,
)

SH = ZoneInfo("Asia/Shanghai")
POLICY = SlaPolicy(
    targets={
        Priority.EMERGENCY: SlaTarget(respond=timedelta(minutes=15), resolve=timedelta(hours=2)),
        Priority.URGENT: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=4)),
        Priority.ROUTINE: SlaTarget(respond=timedelta(hours=2), resolve=timedelta(hours=24)),
        Priority.PLANNED: SlaTarget(respond=timedelta(hours=24), resolve=timedelta(hours=72)),
    }
)
RULES = (
    DeductionRule(kind="sla_breach", priority="urgent", amount=Decimal("300")),
    DeductionRule(kind="sla_breach", amount=Decimal("100")),
    DeductionRule(kind="missing_person_day", amount=Decimal("150")),
    DeductionRule(kind="failed_inspection", amount=Decimal("1000")),
    DeductionRule(kind="complaint", amount=Decimal("500")),
    DeductionRule(kind="score_below", threshold=90, amount=Decimal("800")),
)


def _contract(**kw: object) -> Contract:
    fields: dict[str, object] = {
        "id": "C-CLN-2026",
        "vendor": "V-CLEAN",
        "services": (ServiceItem.CLEANING, ServiceItem.TRANSPORT),
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
        "monthly_fee": Decimal("286500.00"),
        "staffing": {"ward-cleaner": 40, "or-cleaner": 6},
        "sla_policy": POLICY,
        "deductions": RULES,
        "deduction_cap": Decimal("0.10"),
        "bonus": BonusRule(threshold=95, amount=Decimal("5000")),
    }
    fields.update(kw)
    return Contract(**fields)  # type: ignore[arg-type]


def _at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SH)


def _order(oid: str, priority: str, reported: datetime, done_after: timedelta | None) -> WorkOrder:
    o = WorkOrder.report(
        id=oid, title="t", trade="cleaning", priority=priority, reported_at=reported, location="L"
    )  # type: ignore[arg-type]
    if done_after is None:
        return o
    o = o.dispatch(["S01"], at=reported).start(at=reported + timedelta(minutes=10))
    return o.complete(at=reported + done_after)


JOINT = Checklist(
    id="JOINT",
    pass_mark=85,
    items=(
        ChecklistItem(code="floors", text="Floors clean and dry", points=5),
        ChecklistItem(code="waste", text="Medical waste sorted", points=5, critical=True),
    ),
)


def _inspection(iid: str, at: datetime, ok: bool, **kw: object) -> Inspection:
    results = (ItemResult(code="floors", passed=True), ItemResult(code="waste", passed=ok))
    return Inspection(id=iid, checklist=JOINT, at=at, location="Ward 3", results=results, **kw)  # type: ignore[arg-type]


# -- the worked example of docs/contracts.md ---------------------------------------------------


def _march_evidence() -> dict[str, object]:
    return {
        "orders": [
            _order("WO-1", "urgent", _at(3), timedelta(hours=6)),  # 6 h > 4 h: breached
            _order("WO-2", "routine", _at(20), timedelta(hours=48)),  # 48 h > 24 h: breached
            _order("WO-3", "routine", _at(31, 20), None),  # open 4 h at month end: fine
            _order("WO-0", "routine", _at(27, month=2), timedelta(hours=30)),  # February
        ],
        "headcount": [
            HeadcountRecord(post="ward-cleaner", day=date(2026, 3, 2), present=37),
            HeadcountRecord(post="ward-cleaner", day=date(2026, 3, 3), present=40),
            HeadcountRecord(post="ward-cleaner", day=date(2026, 3, 4), present=39),
            HeadcountRecord(post="or-cleaner", day=date(2026, 3, 2), present=5),
            HeadcountRecord(post="kitchen", day=date(2026, 3, 2), present=3),
        ],
        "inspections": [
            _inspection("JI-03", _at(25, 14), ok=False, contract_id="C-CLN-2026"),
            _inspection("DP-0302", _at(2), ok=True, vendor="V-CLEAN"),
            _inspection("JI-SEC", _at(25, 15), ok=False, contract_id="C-SEC-2026"),
        ],
        "complaints": [
            Complaint(id="CP-1", at=_at(5), substantiated=True),
            Complaint(id="CP-2", at=_at(18), substantiated=True, contract_id="C-CLN-2026"),
            Complaint(id="CP-3", at=_at(19), substantiated=False),
            Complaint(id="CP-4", at=_at(21), substantiated=True, contract_id="C-CAT-2026"),
        ],
        "score": 87.5,
    }


def test_monthly_settlement_worked_example_to_the_cent() -> None:
    s = settle(_contract(), 2026, 3, **_march_evidence())  # type: ignore[arg-type]
    assert s.base == Decimal("286500.00")
    got = [(ln.kind.value, ln.quantity, ln.unit_amount, ln.amount, ln.evidence) for ln in s.lines]
    assert got == [
        ("sla_breach", Decimal(1), Decimal("300.00"), Decimal("300.00"), ("WO-1",)),
        ("sla_breach", Decimal(1), Decimal("100.00"), Decimal("100.00"), ("WO-2",)),
        (
            "missing_person_day",
            Decimal(1),
            Decimal("150.00"),
            Decimal("150.00"),
            ("or-cleaner@2026-03-02",),
        ),
        (
            "missing_person_day",
            Decimal(4),
            Decimal("150.00"),
            Decimal("600.00"),
            ("ward-cleaner@2026-03-02", "ward-cleaner@2026-03-04"),
        ),
        ("failed_inspection", Decimal(1), Decimal("1000.00"), Decimal("1000.00"), ("JI-03",)),
        ("complaint", Decimal(2), Decimal("500.00"), Decimal("1000.00"), ("CP-1", "CP-2")),
        ("score_below", Decimal("2.5"), Decimal("800.00"), Decimal("2000.00"), ("score",)),
    ]
    assert (s.deductions, s.cap, s.deducted, s.bonus) == (
        Decimal("5150.00"),
        Decimal("28650.00"),
        Decimal("5150.00"),
        Decimal("0"),
    )
    assert s.payable == Decimal("281350.00")
    assert {(u.kind, u.id) for u in s.unused} == {
        ("order", "WO-0"),
        ("headcount", "kitchen@2026-03-02"),
        ("inspection", "JI-SEC"),
        ("complaint", "CP-4"),
    }
    assert s.used["order"] == ("WO-1", "WO-2", "WO-3")
    assert "CP-3" in s.used["complaint"]
    assert len(s.unrecorded) == 31 * 2 - 4


def test_unused_evidence_says_why() -> None:
    s = settle(_contract(), 2026, 3, **_march_evidence())  # type: ignore[arg-type]
    reasons = {u.id: u.reason for u in s.unused}
    assert reasons["WO-0"].startswith("reported 2026-02-27T09:00:00+08:00 is outside 2026-03")
    assert reasons["JI-SEC"] == "belongs to contract C-SEC-2026, not C-CLN-2026"
    assert reasons["kitchen@2026-03-02"].startswith("post 'kitchen' is not contracted")
    assert reasons["CP-4"] == "belongs to contract C-CAT-2026, not C-CLN-2026"


def test_strict_settlement_raises_on_unused_evidence() -> None:
    with pytest.raises(HosplogiError, match="could not use: order WO-0: reported"):
        settle(_contract(), 2026, 3, strict=True, **_march_evidence())  # type: ignore[arg-type]


def test_deductions_are_capped_at_a_fraction_of_the_base() -> None:
    contract = _contract(monthly_fee=Decimal("10000"), deduction_cap=Decimal("0.10"))
    complaints = [Complaint(id=f"CP-{i}", at=_at(i), substantiated=True) for i in range(1, 4)]
    s = settle(contract, 2026, 3, complaints=complaints)
    assert (s.deductions, s.cap, s.deducted, s.payable) == (
        Decimal("1500.00"),
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("9000.00"),
    )
    assert s.capped


def test_partial_month_is_pro_rated_and_the_cap_follows_the_base() -> None:
    contract = _contract(start=date(2026, 2, 10), monthly_fee=Decimal("100000.00"))
    s = settle(contract, 2026, 2)
    assert (s.days, s.days_in_month) == (19, 28)
    assert s.base == Decimal("67857.14")  # 100000 × 19 / 28 = 67857.142857…
    assert s.cap == Decimal("6785.71")


def test_last_partial_month_counts_days_up_to_the_end_inclusive() -> None:
    contract = _contract(end=date(2026, 4, 15), monthly_fee=Decimal("1000.01"))
    s = settle(contract, 2026, 4)
    assert s.days == 15
    assert s.base == Decimal("500.01")  # 500.005 rounds half up, not to even


def test_evidence_after_the_contract_end_is_reported() -> None:
    contract = _contract(end=date(2026, 4, 15))
    late = Complaint(id="CP-9", at=datetime(2026, 4, 20, tzinfo=SH), substantiated=True)
    s = settle(contract, 2026, 4, complaints=[late])
    assert s.lines == ()
    assert s.unused[0].reason.endswith("is outside the contract period 2026-01-01 to 2026-04-15")


def test_fractional_score_points_count_pro_rata() -> None:
    s = settle(_contract(), 2026, 3, score=Decimal("89.99"))
    assert [(ln.quantity, ln.amount) for ln in s.lines] == [(Decimal("0.01"), Decimal("8.00"))]


def test_bonus_is_paid_at_the_threshold_and_never_capped() -> None:
    s = settle(_contract(deduction_cap=Decimal("0")), 2026, 3, score=95)
    assert (s.bonus, s.deducted, s.payable) == (
        Decimal("5000.00"),
        Decimal("0.00"),
        Decimal("291500.00"),
    )
    assert settle(_contract(), 2026, 3, score=94.99).bonus == Decimal("0")


def test_sla_breach_is_judged_at_the_end_of_the_month() -> None:
    late_report = _order("WO-9", "routine", _at(31, 1), None)  # 23 h open at month end
    s = settle(_contract(), 2026, 3, orders=[late_report])
    assert s.lines == ()
    earlier = _order("WO-8", "routine", _at(30, 23), None)  # 25 h open
    s = settle(_contract(), 2026, 3, orders=[earlier])
    assert [(ln.kind, ln.evidence) for ln in s.lines] == [(DeductionKind.SLA_BREACH, ("WO-8",))]


def test_priority_without_a_rule_is_reported() -> None:
    contract = _contract(deductions=RULES[:1])
    s = settle(contract, 2026, 3, orders=[_order("WO-5", "routine", _at(3), None)])
    assert s.unused[0].reason == "contract C-CLN-2026 has no sla_breach rule for priority routine"


def test_duplicate_evidence_is_counted_once_and_reported() -> None:
    c = Complaint(id="CP-1", at=_at(5), substantiated=True)
    s = settle(_contract(), 2026, 3, complaints=[c, c])
    assert s.deductions == Decimal("500.00")
    assert s.unused[0].reason == "complaint CP-1 was given more than once; counted once"


def test_month_outside_the_contract_is_an_error() -> None:
    with pytest.raises(HosplogiError, match="2027-01 is outside it"):
        settle(_contract(), 2027, 1)


def test_score_out_of_range_is_an_error() -> None:
    with pytest.raises(HosplogiError, match="score must be a number from 0 to 100, got 101"):
        settle(_contract(), 2026, 3, score=101)


# -- contract validation -----------------------------------------------------------------------


def test_contract_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValidationError, match="ends on 2025-12-31, before it starts on 2026-01-01"):
        _contract(end=date(2025, 12, 31))


def test_float_fee_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"not float 286500\.0"):
        _contract(monthly_fee=286500.0)


def test_negative_fee_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"monthly_fee must be zero or more, got -1\.00"):
        _contract(monthly_fee=Decimal("-1"))


def test_float_cap_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"not float 0\.1"):
        _contract(deduction_cap=0.1)


def test_cap_above_one_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"between 0 and 1, got 1\.5"):
        _contract(deduction_cap=Decimal("1.5"))


def test_sla_rule_needs_a_policy() -> None:
    with pytest.raises(ValidationError, match="sla_breach rule but no sla_policy"):
        _contract(sla_policy=None)


def test_repeated_rules_are_rejected() -> None:
    with pytest.raises(ValidationError, match="must be unique; got complaint/any more than once"):
        _contract(deductions=(*RULES, DeductionRule(kind="complaint", amount=Decimal("1"))))


def test_priority_on_a_non_sla_rule_is_rejected() -> None:
    with pytest.raises(ValidationError, match="only sla_breach rules may name a priority"):
        DeductionRule(kind="complaint", priority="urgent", amount=Decimal("1"))


def test_vendor_model() -> None:
    v = Vendor(id="V-CLEAN", name="Clean Co", qualifications=("ISO 9001",), years_in_business=12)
    assert Vendor.model_validate_json(v.model_dump_json()) == v


# -- properties --------------------------------------------------------------------------------

cents = st.integers(0, 10**8).map(lambda c: Decimal(c) / 100)
caps = st.integers(0, 100).map(lambda c: Decimal(c) / 100)


Case = tuple[Contract, int, list[Complaint], list[HeadcountRecord], float | None]


@st.composite
def settlement_cases(draw: st.DrawFn) -> Case:
    start = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)))
    end = start + timedelta(days=draw(st.integers(0, 400)))
    contract = Contract(
        id="C",
        vendor="V",
        services=("cleaning",),
        start=start,
        end=end,
        monthly_fee=draw(cents),
        staffing={"p": draw(st.integers(0, 50))},
        deduction_cap=draw(caps),
        deductions=(
            DeductionRule(kind="complaint", amount=draw(cents.filter(lambda d: d > 0))),
            DeductionRule(kind="missing_person_day", amount=Decimal(draw(st.integers(1, 500)))),
            DeductionRule(kind="score_below", amount=Decimal(100), threshold=90),
        ),
        bonus=draw(st.none() | st.builds(BonusRule, threshold=st.just(95.0), amount=cents)),
    )
    day = draw(st.dates(min_value=start, max_value=end))
    in_month = st.dates(min_value=day.replace(day=1), max_value=day.replace(day=28))
    complaints = [
        Complaint(
            id=f"CP-{i}",
            at=datetime.combine(draw(in_month), datetime.min.time(), SH) + timedelta(hours=9),
            substantiated=draw(st.booleans()),
            contract_id=draw(st.sampled_from((None, "C", "OTHER"))),
        )
        for i in range(draw(st.integers(0, 8)))
    ]
    headcount = [
        HeadcountRecord(
            post=draw(st.sampled_from(("p", "q"))), day=d, present=draw(st.integers(0, 60))
        )
        for d in draw(st.lists(in_month, max_size=6, unique=True))
    ]
    score = draw(st.none() | st.floats(0, 100).map(lambda f: round(f, 2)))
    return contract, day.year * 12 + day.month - 1, complaints, headcount, score


@given(settlement_cases())
def test_payable_is_base_minus_capped_deductions_plus_bonus(case: Case) -> None:
    contract, ym, complaints, headcount, score = case
    s = settle(
        contract, ym // 12, ym % 12 + 1, complaints=complaints, headcount=headcount, score=score
    )
    assert s.payable == max(Decimal(0), s.base - min(s.deductions, s.cap) + s.bonus)
    assert s.deductions == sum((ln.amount for ln in s.lines), Decimal(0))
    assert s.cap == (contract.deduction_cap * s.base).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    for value in (s.base, s.deductions, s.cap, s.payable, *(ln.amount for ln in s.lines)):
        assert value == value.quantize(Decimal("0.01"))
    given_ids = {("complaint", c.id) for c in complaints} | {("headcount", h.id) for h in headcount}
    seen = {(k, i) for k, ids in s.used.items() for i in ids} | {(u.kind, u.id) for u in s.unused}
    assert given_ids <= seen
    assert Settlement.model_validate_json(s.model_dump_json()) == s
    assert Contract.model_validate_json(contract.model_dump_json()) == contract


# -- tender ranking ----------------------------------------------------------------------------

WEIGHTS = {
    "price": 40,
    "qualification": 10,
    "scale": 10,
    "years": 5,
    "service_quality": 15,
    "management_team": 10,
    "healthcare_specialism": 10,
}


def _bid(vendor: str, price: str, q: float, **kw: object) -> Bid:
    scores = {c: q for c in WEIGHTS if c != "price"}
    return Bid(vendor=vendor, price=Decimal(price), scores=scores, **kw)  # type: ignore[arg-type]


def test_ten_bidders_three_kept_000_85() -> None:
    bids = [_bid(f"V{i:02d}", str(3_000_000 + 100_000 * i), 60 + 3 * (i % 5)) for i in range(10)]
    ranked = rank_bids(bids, WEIGHTS)
    assert [r.shortlisted for r in ranked].count(True) == 3
    assert max(r.price_score for r in ranked) == 40.0  # the lowest price, V00
    top = ranked[0]
    assert top.vendor == "V04"  # 3.4 M, quality 72: 40 × 3.0/3.4 + 0.6 × 72 = 78.49
    assert round(top.total, 2) == 78.49


def test_price_score_formula() -> None:
    ranked = rank_bids([_bid("A", "80", 50), _bid("B", "100", 50)], WEIGHTS, shortlist=1)
    assert [(r.vendor, r.price_score, r.quality_score) for r in ranked] == [
        ("A", 40.0, 30.0),
        ("B", 32.0, 30.0),
    ]


def test_ties_are_broken_by_price_then_quality() -> None:
    w = {"price": 50, "service_quality": 50}
    a = Bid(vendor="A", price=Decimal("100"), scores={"service_quality": 80})  # 50 + 40 = 90
    b = Bid(vendor="B", price=Decimal("125"), scores={"service_quality": 100})  # 40 + 50 = 90
    assert [r.vendor for r in rank_bids([b, a], w, shortlist=1)] == ["A", "B"]
    c = Bid(vendor="C", price=Decimal("100"), scores={"service_quality": 80})
    assert [r.rank for r in rank_bids([c, a], w, shortlist=2)] == [1, 2]


def test_invalid_bid_sets_no_baseline_and_is_listed_last() -> None:
    cheap = _bid("X", "10", 90, valid=False, reason="no cleaning licence")
    ranked = rank_bids([cheap, _bid("A", "80", 50), _bid("B", "100", 50)], WEIGHTS, shortlist=2)
    assert [(r.vendor, r.rank, r.shortlisted) for r in ranked] == [
        ("A", 1, True),
        ("B", 2, True),
        ("X", None, False),
    ]
    assert ranked[0].price_score == 40.0


def test_too_few_valid_bids_for_the_shortlist() -> None:
    with pytest.raises(HosplogiError, match="only 2 valid bid\\(s\\) for a shortlist of 3"):
        rank_bids([_bid("A", "80", 50), _bid("B", "100", 50)], WEIGHTS)


def test_weights_must_add_up_to_100() -> None:
    with pytest.raises(HosplogiError, match="add up to 100 points, got 90"):
        rank_bids([_bid("A", "1", 1)], {**WEIGHTS, "price": 30}, shortlist=1)


def test_unknown_weight_is_named() -> None:
    with pytest.raises(HosplogiError, match="unknown weight 'charm'"):
        rank_bids([_bid("A", "1", 1)], {**WEIGHTS, "price": 30, "charm": 10}, shortlist=1)


def test_missing_criterion_score_is_named() -> None:
    bid = Bid(vendor="A", price=Decimal("1"), scores={"qualification": 50})
    with pytest.raises(HosplogiError, match="bid of A has no score for weighted criteria scale"):
        rank_bids([bid], WEIGHTS, shortlist=1)


@given(st.lists(st.integers(1, 10**7), min_size=3, max_size=12), st.data())
def test_ranking_properties(prices: list[int], data: st.DataObject) -> None:
    bids = [_bid(f"V{i}", str(p), data.draw(st.integers(0, 100))) for i, p in enumerate(prices)]
    ranked = rank_bids(bids, WEIGHTS)
    assert [r.rank for r in ranked] == list(range(1, len(bids) + 1))
    assert all(a.total >= b.total - 1e-9 for a, b in pairwise(ranked))
    assert max(r.price_score for r in ranked) == 40.0
    assert sum(r.shortlisted for r in ranked) == 3


# -- more bad input and unusable evidence ------------------------------------------------------


def test_zero_deduction_amount_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"must be positive, got 0\.00"):
        DeductionRule(kind="complaint", amount=Decimal("0"))


def test_threshold_on_a_non_score_rule_is_refused() -> None:
    with pytest.raises(ValidationError, match="only score_below rules take a threshold"):
        DeductionRule(kind="complaint", amount=Decimal("1"), threshold=90)


def test_negative_bonus_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"bonus must be zero or more, got -5\.00"):
        BonusRule(threshold=95, amount=Decimal("-5"))


def test_missing_person_rule_needs_staffing() -> None:
    with pytest.raises(ValidationError, match="missing_person_day rule but no staffing"):
        _contract(staffing={})


@pytest.mark.parametrize(
    ("year", "month", "message"),
    [(2026, 13, "month must be an int from 1 to 12, got 13"), (True, 3, "year must be an int")],
)
def test_bad_year_or_month_is_an_error(year: object, month: object, message: str) -> None:
    with pytest.raises(HosplogiError, match=message):
        settle(_contract(), year, month)  # type: ignore[arg-type]


def test_score_that_is_not_a_number_is_an_error() -> None:
    with pytest.raises(HosplogiError, match="got '90'"):
        settle(_contract(), 2026, 3, score="90")  # type: ignore[arg-type]


def test_evidence_without_a_rule_is_reported() -> None:
    bare = _contract(deductions=(), sla_policy=None, bonus=None)
    s = settle(
        bare,
        2026,
        3,
        orders=[_order("WO-1", "urgent", _at(3), None)],
        headcount=[HeadcountRecord(post="or-cleaner", day=date(2026, 3, 2), present=1)],
        inspections=[_inspection("JI-1", _at(4), ok=False)],
        complaints=[Complaint(id="CP-1", at=_at(5), substantiated=True)],
        score=50,
    )
    assert s.lines == ()
    assert s.payable == s.base
    assert [(u.kind, u.reason) for u in s.unused] == [
        ("order", "contract C-CLN-2026 has no sla_breach rule"),
        ("inspection", "contract C-CLN-2026 has no failed_inspection rule"),
        ("headcount", "contract C-CLN-2026 has no missing_person_day rule"),
        ("complaint", "contract C-CLN-2026 has no complaint rule"),
        ("score", "contract C-CLN-2026 has no score_below or bonus rule"),
    ]


def test_cancelled_order_and_other_vendor_and_other_month_are_reported() -> None:
    cancelled = _order("WO-7", "urgent", _at(3), None).cancel(at=_at(4), reason="duplicate")
    s = settle(
        _contract(),
        2026,
        3,
        orders=[cancelled],
        inspections=[_inspection("DP-1", _at(2), ok=False, vendor="V-GUARD")],
        headcount=[
            HeadcountRecord(post="or-cleaner", day=date(2026, 4, 1), present=0),
            HeadcountRecord(post="or-cleaner", day=date(2026, 3, 3), present=0, contract_id="X"),
        ],
    )
    assert [u.reason for u in s.unused] == [
        "cancelled; SLA clocks do not apply",
        "concerns vendor V-GUARD, not V-CLEAN",
        "2026-04-01 is outside 2026-03",
        "belongs to contract X, not C-CLN-2026",
    ]
    assert s.lines == ()


def test_duplicate_inspections_and_headcount_are_counted_once() -> None:
    insp = _inspection("JI-1", _at(4), ok=False)
    rec = HeadcountRecord(post="or-cleaner", day=date(2026, 3, 2), present=4)
    s = settle(_contract(), 2026, 3, inspections=[insp, insp], headcount=[rec, rec])
    assert [(ln.kind.value, ln.quantity) for ln in s.lines] == [
        ("missing_person_day", 2),
        ("failed_inspection", 1),
    ]
    assert len(s.unused) == 2


def test_bad_bids_and_arguments_are_rejected() -> None:
    with pytest.raises(ValidationError, match="price must be positive"):
        Bid(vendor="A", price=Decimal("0"))
    with pytest.raises(ValidationError, match="qualification score must be 0–100, got 120"):
        Bid(vendor="A", price=Decimal("1"), scores={"qualification": 120})
    with pytest.raises(ValidationError, match="marked invalid without a reason"):
        Bid(vendor="A", price=Decimal("1"), valid=False)
    with pytest.raises(HosplogiError, match="weight of 'price' must be a number ≥ 0, got -40"):
        rank_bids([_bid("A", "1", 1)], {**WEIGHTS, "price": -40}, shortlist=1)
    with pytest.raises(HosplogiError, match="shortlist must be an int ≥ 1, got 0"):
        rank_bids([_bid("A", "1", 1)], WEIGHTS, shortlist=0)
    with pytest.raises(
        HosplogiError, match=r"\(one bid per vendor\) must be unique; got A more than once"
    ):
        rank_bids([_bid("A", "1", 1), _bid("A", "2", 1)], WEIGHTS, shortlist=1)
