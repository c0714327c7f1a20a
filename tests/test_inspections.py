"""Tests for hosplogi.inspections: checklists, scoring, RRULE plans, rectification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Checklist,
    ChecklistItem,
    FindingStage,
    HosplogiError,
    Inspection,
    InspectionPlan,
    ItemResult,
    Priority,
    Source,
    Status,
    findings,
    missed_inspections,
    occurrences,
    rectification_orders,
)

SH = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SH)

FIRE = Checklist(
    id="FIRE",
    name="Fire equipment daily patrol (003:221)",
    pass_mark=80,
    items=(
        ChecklistItem(
            code="exit", text="Fire exits clear", points=4, critical=True, trade="security"
        ),
        ChecklistItem(code="ext", text="Extinguishers in date", points=3),
        ChecklistItem(code="hydrant", text="Hydrant boxes sealed", points=2),
        ChecklistItem(code="log", text="Patrol log signed", points=1),
    ),
)


def _inspect(iid: str, failed: tuple[str, ...] = (), at: datetime = T0, **kw: object) -> Inspection:
    results = tuple(ItemResult(code=i.code, passed=i.code not in failed) for i in FIRE.items)
    return Inspection(id=iid, checklist=FIRE, at=at, location="Ward 3", results=results, **kw)  # type: ignore[arg-type]


# -- checklists and scoring --------------------------------------------------------------------


def test_score_is_passed_points_over_all_points() -> None:
    insp = _inspect("I1", failed=("hydrant",))
    assert insp.score == 80.0
    assert insp.passed is True


def test_score_below_pass_mark_fails() -> None:
    insp = _inspect("I1", failed=("ext",))
    assert insp.score == 70.0
    assert insp.passed is False


def test_failed_critical_item_fails_even_with_a_high_score() -> None:
    lenient = FIRE.model_copy(update={"pass_mark": 50.0})
    results = tuple(ItemResult(code=i.code, passed=i.code != "exit") for i in FIRE.items)
    insp = Inspection(id="I1", checklist=lenient, at=T0, location="L", results=results)
    assert insp.score == 60.0
    assert [i.code for i in insp.critical_failures] == ["exit"]
    assert insp.passed is False


def test_result_for_an_item_not_on_the_checklist_is_rejected_by_name() -> None:
    results = (*_inspect("I1").results, ItemResult(code="sprinkler", passed=True))
    with pytest.raises(ValidationError, match="'sprinkler', which is not on checklist FIRE"):
        Inspection(id="I1", checklist=FIRE, at=T0, location="L", results=results)


def test_regular_inspection_must_cover_every_item() -> None:
    with pytest.raises(ValidationError, match="no result for item\\(s\\) hydrant, log"):
        Inspection(
            id="I1",
            checklist=FIRE,
            at=T0,
            location="L",
            results=(ItemResult(code="exit", passed=True), ItemResult(code="ext", passed=True)),
        )


def test_reinspection_may_cover_some_items_and_scores_over_them() -> None:
    recheck = Inspection(
        id="I2",
        checklist=FIRE,
        at=T0,
        location="L",
        follow_up_of="I1",
        results=(ItemResult(code="ext", passed=True), ItemResult(code="log", passed=False)),
    )
    assert recheck.score == 75.0


def test_duplicate_item_codes_are_rejected() -> None:
    with pytest.raises(ValidationError, match="item codes must be unique; got a more than once"):
        Checklist(
            id="C", items=(ChecklistItem(code="a", text="x"), ChecklistItem(code="a", text="y"))
        )


def test_naive_inspection_time_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        _inspect("I1", at=datetime(2026, 3, 2, 9))


# -- plans and occurrences ---------------------------------------------------------------------


def _plan(
    rule: str, start: datetime = datetime(2026, 3, 2, 0, tzinfo=SH), **kw: object
) -> InspectionPlan:
    return InspectionPlan(id="P", checklist_id="FIRE", location="L", rrule=rule, start=start, **kw)  # type: ignore[arg-type]


def test_power_plant_patrol_every_two_hours_003_311() -> None:
    plan = _plan("FREQ=HOURLY;INTERVAL=2")
    got = occurrences(plan, datetime(2026, 3, 2, tzinfo=SH), datetime(2026, 3, 3, tzinfo=SH))
    assert len(got) == 12
    assert [t.hour for t in got[:3]] == [0, 2, 4]


def test_weekly_on_given_days() -> None:
    plan = _plan("FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0;BYSECOND=0")
    got = occurrences(plan, datetime(2026, 3, 1, tzinfo=SH), datetime(2026, 3, 15, tzinfo=SH))
    assert [t.date().isoformat() for t in got] == [
        "2026-03-02",
        "2026-03-05",
        "2026-03-09",
        "2026-03-12",
    ]
    assert {t.hour for t in got} == {9}


def test_monthly_joint_inspection_000_75() -> None:
    plan = _plan("RRULE:FREQ=MONTHLY;BYMONTHDAY=25", start=datetime(2026, 1, 25, 14, tzinfo=SH))
    got = occurrences(plan, datetime(2026, 1, 1, tzinfo=SH), datetime(2027, 1, 1, tzinfo=SH))
    assert len(got) == 12
    assert got[-1] == datetime(2026, 12, 25, 14, tzinfo=SH)


def test_daily_rule_keeps_wall_clock_time_across_daylight_saving() -> None:
    plan = _plan(
        "FREQ=DAILY", start=datetime(2026, 3, 27, 8, tzinfo=LONDON), timezone="Europe/London"
    )
    got = occurrences(plan, datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert [t.hour for t in got] == [8, 8, 8, 8]
    assert [t.astimezone(UTC).hour for t in got] == [8, 8, 7, 7]


def test_occurrences_range_is_half_open() -> None:
    plan = _plan("FREQ=DAILY", start=datetime(2026, 3, 2, 9, tzinfo=SH))
    got = occurrences(plan, datetime(2026, 3, 2, 9, tzinfo=SH), datetime(2026, 3, 4, 9, tzinfo=SH))
    assert [t.day for t in got] == [2, 3]


def test_invalid_rrule_is_rejected_naming_it() -> None:
    with pytest.raises(
        ValidationError, match="rrule 'FREQ=DAILY;BYDAY=XX' is not a valid RFC 5545"
    ):
        _plan("FREQ=DAILY;BYDAY=XX")


def test_naive_dtstart_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"start\n\s+Value error, must be timezone-aware"):
        _plan("FREQ=DAILY", start=datetime(2026, 3, 2))


def test_dtstart_inside_the_rule_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="without DTSTART"):
        _plan("DTSTART:20260302T000000\nRRULE:FREQ=DAILY")


def test_dtstart_with_a_fraction_of_a_second_is_rejected() -> None:
    with pytest.raises(ValidationError, match="whole seconds"):
        _plan("FREQ=DAILY", start=datetime(2026, 3, 2, 0, 0, 0, 500, tzinfo=SH))


def test_unknown_time_zone_is_rejected() -> None:
    with pytest.raises(ValidationError, match="'Mars/Olympus' is not a known IANA zone"):
        _plan("FREQ=DAILY", timezone="Mars/Olympus")


def test_naive_range_bounds_are_rejected() -> None:
    with pytest.raises(HosplogiError, match="start must be timezone-aware"):
        occurrences(_plan("FREQ=DAILY"), datetime(2026, 3, 2), datetime(2026, 3, 3, tzinfo=SH))


rules = st.sampled_from(
    (
        "FREQ=HOURLY;INTERVAL=2",
        "FREQ=DAILY",
        "FREQ=DAILY;BYHOUR=8,20",
        "FREQ=WEEKLY;BYDAY=MO,TH",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
    )
)
zones = st.sampled_from(("Asia/Shanghai", "Europe/London", "UTC", "America/New_York"))
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)


@given(rules, zones, moments, moments, st.integers(0, 24 * 40))
def test_occurrences_are_sorted_unique_and_inside_the_range(
    rule: str, tz: str, dtstart: datetime, start: datetime, hours: int
) -> None:
    plan = _plan(rule, start=dtstart.replace(microsecond=0), timezone=tz)
    end = start + timedelta(hours=hours)
    got = occurrences(plan, start, end)
    assert all(start <= t < end for t in got)
    assert all(a < b for a, b in pairwise(got))
    assert all(t >= plan.start for t in got)


@given(rules, zones, moments)
def test_plan_json_round_trip(rule: str, tz: str, dtstart: datetime) -> None:
    plan = _plan(rule, start=dtstart.replace(microsecond=0), timezone=tz)
    assert InspectionPlan.model_validate_json(plan.model_dump_json()) == plan


# -- missed inspections ------------------------------------------------------------------------


def test_missed_inspections_are_planned_times_without_a_round_within_tolerance() -> None:
    plan = _plan("FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", tolerance=timedelta(minutes=30))
    done = [
        _inspect("I1", at=datetime(2026, 3, 2, 9, 20, tzinfo=SH), plan_id="P"),
        _inspect("I2", at=datetime(2026, 3, 3, 10, 0, tzinfo=SH), plan_id="P"),  # too late
        _inspect("I3", at=datetime(2026, 3, 4, 9, 0, tzinfo=SH), plan_id="OTHER"),  # other plan
        _inspect("I4", at=datetime(2026, 3, 5, 8, 45, tzinfo=SH), plan_id="P"),
    ]
    missed = missed_inspections(
        plan, done, datetime(2026, 3, 2, tzinfo=SH), datetime(2026, 3, 6, tzinfo=SH)
    )
    assert [t.day for t in missed] == [3, 4]


def test_one_round_fulfils_only_one_planned_time() -> None:
    plan = _plan("FREQ=HOURLY;INTERVAL=2", tolerance=timedelta(hours=1))
    done = [_inspect("I1", at=datetime(2026, 3, 2, 1, 0, tzinfo=SH), plan_id="P")]
    missed = missed_inspections(
        plan, done, datetime(2026, 3, 2, tzinfo=SH), datetime(2026, 3, 2, 3, tzinfo=SH)
    )
    assert [t.hour for t in missed] == [2]


# -- rectification loop ------------------------------------------------------------------------


def test_failed_items_become_inspection_orders_linked_to_the_item() -> None:
    insp = _inspect("INSP-7", failed=("exit", "log"), inspector="S01")
    orders = rectification_orders(insp, due_after=timedelta(hours=48), trade="general")
    assert [o.id for o in orders] == ["INSP-7#exit", "INSP-7#log"]
    exit_order, log_order = orders
    assert exit_order.source is Source.INSPECTION
    assert exit_order.reference == "INSP-7#exit"
    assert exit_order.trade == "security"
    assert exit_order.priority is Priority.URGENT
    assert exit_order.due_at == T0 + timedelta(hours=4)
    assert log_order.trade == "general"
    assert log_order.priority is Priority.ROUTINE
    assert log_order.due_at == T0 + timedelta(hours=48)
    assert log_order.events[0].by == "S01"


def test_passed_inspection_raises_no_orders() -> None:
    assert rectification_orders(_inspect("I1")) == []


def test_rectification_is_idempotent() -> None:
    insp = _inspect("I1", failed=("ext",))
    assert rectification_orders(insp) == rectification_orders(insp)


def test_finding_moves_through_the_four_part_closure_003_221() -> None:
    insp = _inspect("INSP-7", failed=("ext",))
    [order] = rectification_orders(insp)

    def stage(o: object, now: datetime, rechecks: tuple[Inspection, ...] = ()) -> FindingStage:
        [f] = findings(insp, orders=[o] if o else [], reinspections=rechecks, now=now)  # type: ignore[list-item]
        return f.stage

    t = T0 + timedelta(hours=1)
    assert stage(None, t) is FindingStage.OPEN
    assert stage(order, t) is FindingStage.OPEN
    order = order.dispatch(["T01"], at=t)
    assert stage(order, t) is FindingStage.ANSWERED
    order = order.start(at=t).complete(at=t + timedelta(hours=1))
    assert stage(order, t + timedelta(hours=1)) is FindingStage.IMPROVED
    order = order.verify(at=t + timedelta(hours=2))
    assert order.status is Status.VERIFIED
    assert stage(order, t + timedelta(hours=2)) is FindingStage.CARRIED_OUT
    bad = Inspection(
        id="R1",
        checklist=FIRE,
        at=t + timedelta(hours=3),
        location="L",
        follow_up_of="INSP-7",
        results=(ItemResult(code="ext", passed=False),),
    )
    good = bad.model_copy(
        update={
            "id": "R2",
            "at": t + timedelta(hours=5),
            "results": (ItemResult(code="ext", passed=True),),
        }
    )
    [f] = findings(insp, orders=[order], reinspections=(bad, good), now=t + timedelta(hours=4))
    assert (f.stage, f.failed_rechecks, f.closed) == (FindingStage.CARRIED_OUT, ("R1",), False)
    [f] = findings(insp, orders=[order], reinspections=(bad, good), now=t + timedelta(hours=6))
    assert f.stage is FindingStage.EFFECTIVE
    assert (f.closed_by, f.closed_at) == ("R2", t + timedelta(hours=5))


def test_unclosed_finding_is_overdue_after_its_due_time() -> None:
    insp = _inspect("I1", failed=("log",))
    [order] = rectification_orders(insp, due_after=timedelta(hours=24))
    [f] = findings(insp, orders=[order], now=T0 + timedelta(hours=25))
    assert f.overdue is True
    [f] = findings(insp, orders=[order], now=T0 + timedelta(hours=23))
    assert f.overdue is False


def test_reinspection_with_another_checklist_is_rejected() -> None:
    other = Checklist(id="CLEAN", items=(ChecklistItem(code="ext", text="x"),))
    insp = _inspect("I1", failed=("ext",))
    recheck = Inspection(
        id="R1",
        checklist=other,
        at=T0 + timedelta(hours=1),
        location="L",
        follow_up_of="I1",
        results=(ItemResult(code="ext", passed=True),),
    )
    with pytest.raises(HosplogiError, match="uses checklist CLEAN"):
        findings(insp, reinspections=[recheck], now=T0 + timedelta(hours=2))


@given(st.lists(st.sampled_from([i.code for i in FIRE.items]), unique=True), st.booleans())
def test_inspection_json_round_trip(failed: list[str], contract: bool) -> None:
    insp = _inspect("I1", failed=tuple(failed), contract_id="C-1" if contract else None)
    back = Inspection.model_validate_json(insp.model_dump_json())
    assert back == insp
    assert back.score == insp.score
    assert len(rectification_orders(insp)) == len(failed)


def test_models_have_json_schemas() -> None:
    for model in (Checklist, ChecklistItem, Inspection, InspectionPlan, ItemResult):
        assert model.model_json_schema()["type"] == "object"


@given(
    st.lists(st.integers(-24 * 60, 8 * 24 * 60), max_size=14),
    st.integers(0, 180),
)
def test_missed_count_equals_planned_minus_a_maximum_matching(
    minutes: list[int], tolerance: int
) -> None:
    import networkx as nx

    plan = _plan("FREQ=HOURLY;INTERVAL=12", tolerance=timedelta(minutes=tolerance))
    start, end = datetime(2026, 3, 2, tzinfo=SH), datetime(2026, 3, 9, tzinfo=SH)
    done = [
        _inspect(f"I{i}", at=start + timedelta(minutes=m), plan_id="P")
        for i, m in enumerate(minutes)
    ]
    planned = occurrences(plan, start, end)
    graph = nx.Graph()
    graph.add_nodes_from(range(len(planned)))
    graph.add_nodes_from(d.id for d in done)
    for k, t in enumerate(planned):
        for d in done:
            if abs(d.at - t) <= plan.tolerance:
                graph.add_edge(k, d.id)
    best = len(nx.bipartite.maximum_matching(graph, top_nodes=range(len(planned)))) // 2
    assert len(missed_inspections(plan, done, start, end)) == len(planned) - best
