"""Tests for hosplogi.safety.drills (003:307) and the safety section of the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Drill,
    DrillCompliance,
    EmergencyPlan,
    FindingStage,
    HosplogiError,
    Priority,
    Source,
    drill_compliance,
    drill_inspection,
    drill_rectification_orders,
    findings,
    rectification_orders,
)
from hosplogi.cli._tour_safety import demo_drills, demo_plans, safety_section
from hosplogi.cli.demo import end_of_day

SH = ZoneInfo("Asia/Shanghai")
SEED_HAZARDS = ("fire", "water cut", "power cut", "lift failure", "oxygen failure")  # 003:307


def at(month: int, day: int = 10, hour: int = 15, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SH)


def drill(did: str, plan: str, when: datetime, **kw: object) -> Drill:
    return Drill(id=did, plan_id=plan, at=when, **kw)  # type: ignore[arg-type]


# -- the models --------------------------------------------------------------------------------


def test_a_plan_is_drilled_twice_a_year_by_default() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire")
    assert (plan.drills_per_year, plan.per_shift, plan.buildings) == (2, False, ())
    assert plan.shifts == ("day", "evening", "night")
    assert plan.slots == ((None, None),)


def test_slots_are_buildings_by_shifts() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire", per_shift=True,
                         shifts=("day", "night"), buildings=("A", "B"))  # fmt: skip
    assert plan.slots == (("A", "day"), ("A", "night"), ("B", "day"), ("B", "night"))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"drills_per_year": 0}, "greater than or equal to 1"),
        ({"drills_per_year": 2.0}, "valid integer"),
        ({"buildings": ("A", "A")}, "plan EP-1: buildings must be unique; got A more than once"),
        ({"shifts": ("day", "day")}, "shifts must be unique"),
        ({"per_shift": True, "shifts": ()}, "per_shift needs at least one shift"),
        ({"quarterly": True, "drills_per_year": 6}, "multiple of 4"),
        ({"hazard": "  "}, "non-empty text"),
    ],
)
def test_bad_plans_are_refused(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"id": "EP-1", "name": "Fire", "hazard": "fire", **kwargs}
    with pytest.raises(ValidationError, match=match):
        EmergencyPlan(**args)  # type: ignore[arg-type]


def test_bad_drills_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        drill("D1", "EP-1", datetime(2026, 3, 2, 15))
    with pytest.raises(ValidationError, match=r"closed_at .* is before the drill"):
        drill("D1", "EP-1", at(3), closed_at=at(2))
    with pytest.raises(ValidationError, match="duration must be zero or more"):
        drill("D1", "EP-1", at(3), duration=timedelta(minutes=-5))
    with pytest.raises(ValidationError, match="participants"):
        drill("D1", "EP-1", at(3), participants=-1)
    with pytest.raises(ValidationError, match="non-empty text"):
        drill("D1", "EP-1", at(3), corrective_actions=("",))


def test_models_round_trip_through_json() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire", per_shift=True, buildings=("A",))
    d = drill("D1", "EP-1", at(3), building="A", shift="day", participants=12,
              duration=timedelta(minutes=40), findings=("Slow roll call",),
              corrective_actions=("Train wardens",), closed_at=at(4))  # fmt: skip
    assert EmergencyPlan.model_validate_json(plan.model_dump_json()) == plan
    assert Drill.model_validate_json(d.model_dump_json()) == d
    [report] = drill_compliance([plan], [d], year=2026)
    assert DrillCompliance.model_validate_json(report.model_dump_json()) == report


# -- compliance --------------------------------------------------------------------------------


def test_the_seed_plans_twice_a_year() -> None:
    plans = [EmergencyPlan(id=f"EP-{n}", name=h, hazard=h) for n, h in enumerate(SEED_HAZARDS)]
    drills = [drill(f"D{n}-{m}", p.id, at(m)) for n, p in enumerate(plans) for m in (4, 10)]
    drills = drills[:-1]  # oxygen failure drilled once
    report = drill_compliance(plans, drills, year=2026)
    assert [(c.required, c.held, c.missing) for c in report] == [(2, 2, 0)] * 4 + [(2, 1, 1)]
    assert report[4].missing_slots == ((None, None),)
    assert report[4].last_drill == at(4)
    assert [c.ok for c in report] == [True] * 4 + [False]


def test_a_surplus_in_one_building_does_not_cover_another() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire", buildings=("A", "B"))
    drills = [drill(f"D{m}", "EP-1", at(m), building="A") for m in (2, 5, 8)]
    drills.append(drill("D9", "EP-1", at(9), building="B"))
    [c] = drill_compliance([plan], drills, year=2026)
    assert (c.required, c.held, c.missing, c.missing_slots) == (4, 4, 1, (("B", None),))


def test_per_shift_counts_every_shift_of_every_building() -> None:
    plan = EmergencyPlan(id="EP-JC", name="Fire", hazard="fire", drills_per_year=1,
                         per_shift=True, buildings=("A", "B"))  # fmt: skip
    drills = [drill("D1", "EP-JC", at(3), building="A", shift="night"),
              drill("D2", "EP-JC", at(4), building="B", shift="day")]  # fmt: skip
    [c] = drill_compliance([plan], drills, year=2026)
    assert (c.required, c.held, c.missing) == (6, 2, 4)
    assert c.missing_slots == (("A", "day"), ("A", "evening"), ("B", "evening"), ("B", "night"))


def test_a_quarterly_plan_needs_its_share_every_quarter() -> None:
    plan = EmergencyPlan(id="EP-Q", name="Fire", hazard="fire", drills_per_year=4,
                         quarterly=True)  # fmt: skip
    drills = [drill(f"D{m}", "EP-Q", at(m)) for m in (1, 2, 3, 7, 11)]  # Q1 ×3, Q3, Q4
    [year] = drill_compliance([plan], drills, year=2026)
    assert (year.required, year.held, year.missing) == (4, 5, 1)  # Q2 is short
    quarters = [drill_compliance([plan], drills, year=2026, quarter=q)[0] for q in (1, 2, 3, 4)]
    assert [(c.required, c.held, c.missing) for c in quarters] == [
        (1, 3, 0), (1, 0, 1), (1, 1, 0), (1, 1, 0)
    ]  # fmt: skip
    assert quarters[1].last_drill == at(3)  # the latest drill up to the end of Q2


def test_a_drill_counts_in_the_year_of_its_recorded_wall_clock() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire", drills_per_year=1)
    new_year = datetime(2026, 1, 1, 2, tzinfo=SH)  # 2025-12-31 18:00 UTC
    [c] = drill_compliance([plan], [drill("D1", "EP-1", new_year)], year=2026)
    assert c.held == 1
    [c] = drill_compliance([plan], [drill("D1", "EP-1", new_year)], year=2025)
    assert (c.held, c.last_drill) == (0, None)


def test_last_drill_and_open_actions_carry_over_from_earlier_years() -> None:
    plan = EmergencyPlan(id="EP-1", name="Power cut", hazard="power cut")
    drills = [
        drill("D1", "EP-1", at(10, year=2025), corrective_actions=("Fix the ATS", "Log it")),
        drill("D2", "EP-1", at(11, year=2025), corrective_actions=("Done",),
              closed_at=at(12, 1, 9, 2025)),
        drill("D3", "EP-1", at(5), corrective_actions=("Buy torches",)),
        drill("D4", "EP-1", at(3, year=2027), corrective_actions=("Later",)),
    ]  # fmt: skip
    [c] = drill_compliance([plan], drills, year=2026)
    assert c.last_drill == at(5)
    assert c.open_actions == ("D1#A1", "D1#A2", "D3#A1")
    [c] = drill_compliance([plan], drills, year=2025)
    assert (c.held, c.open_actions, c.last_drill) == (2, ("D1#A1", "D1#A2"), at(11, year=2025))


def test_a_plan_without_drills_misses_them_all() -> None:
    plan = EmergencyPlan(id="EP-1", name="Flood", hazard="water cut", buildings=("A", "B"))
    [c] = drill_compliance([plan], [], year=2026)
    assert (c.required, c.held, c.missing, c.last_drill, c.open_actions) == (4, 0, 4, None, ())


def test_a_drill_for_an_unknown_plan_is_refused_by_name() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire")
    with pytest.raises(
        HosplogiError, match=r"drill D7 is for plan 'EP-9', which is not among the plans given"
    ):
        drill_compliance([plan], [drill("D7", "EP-9", at(3))], year=2026)


def test_a_drill_outside_the_plans_buildings_or_shifts_is_refused() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire", per_shift=True, buildings=("A",))
    with pytest.raises(HosplogiError, match="building 'Z' is not one of plan EP-1's buildings: A"):
        drill_compliance([plan], [drill("D1", "EP-1", at(3), building="Z", shift="day")], year=2026)
    with pytest.raises(HosplogiError, match="shift None is not one of plan EP-1's shifts"):
        drill_compliance([plan], [drill("D1", "EP-1", at(3), building="A")], year=2026)
    # drills of other years are checked too: nothing is dropped unread
    with pytest.raises(HosplogiError, match="building 'Z'"):
        drill_compliance([plan], [drill("D1", "EP-1", at(3, year=2030), building="Z")], year=2026)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"year": 0}, "year must be an int from 1 to 9999"),
        ({"year": "2026"}, "year must be an int"),
        ({"year": 2026, "quarter": 5}, "quarter must be None or an int from 1 to 4"),
        ({"year": 2026, "quarter": 1}, "plan EP-1 is drilled 2 times a year with no quarterly"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], match: str) -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire")
    with pytest.raises(HosplogiError, match=match):
        drill_compliance([plan], [], **kwargs)  # type: ignore[arg-type]


def test_repeated_ids_are_refused() -> None:
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire")
    with pytest.raises(HosplogiError, match="plan ids must be unique; got EP-1 more than once"):
        drill_compliance([plan, plan], [], year=2026)
    with pytest.raises(HosplogiError, match="drill ids must be unique; got D1 more than once"):
        drill_compliance([plan], [drill("D1", "EP-1", at(3)), drill("D1", "EP-1", at(4))],
                         year=2026)  # fmt: skip


def test_records_of_the_wrong_type_are_refused() -> None:
    with pytest.raises(HosplogiError, match="expected EmergencyPlan records"):
        drill_compliance([{"id": "EP-1"}], [], year=2026)  # type: ignore[list-item]
    plan = EmergencyPlan(id="EP-1", name="Fire", hazard="fire")
    with pytest.raises(HosplogiError, match="expected Drill records"):
        drill_compliance([plan], ["D1"], year=2026)  # type: ignore[list-item]


# -- corrective actions through the inspections' rectification path ----------------------------


def test_corrective_actions_become_the_inspections_rectification_orders() -> None:
    d = drill("D1", "EP-O2", at(3), building="Inpatient A",
              corrective_actions=("Label the shut-off valves", "Retrain night nurses"))  # fmt: skip
    orders = drill_rectification_orders(d, trade="medical_gases", priority=Priority.URGENT)
    assert orders == rectification_orders(
        drill_inspection(d), trade="medical_gases", priority=Priority.URGENT
    )
    assert [o.id for o in orders] == list(d.action_references) == ["D1#A1", "D1#A2"]
    first = orders[0]
    assert (first.source, first.reference, first.location) == (
        Source.INSPECTION, "D1#A1", "Inpatient A"
    )  # fmt: skip
    assert (first.title, first.reported_at, first.due_at) == (
        "Rectify: Label the shut-off valves", at(3), at(3) + timedelta(hours=24)
    )  # fmt: skip
    assert drill_rectification_orders(d, due_after=timedelta(days=7))[0].due_at == at(3, 17)


def test_the_inspections_findings_follow_a_drills_actions() -> None:
    d = drill("D1", "EP-1", at(3), corrective_actions=("Clear the exit",))
    [order] = drill_rectification_orders(d)
    order = order.dispatch(["T01"], at=at(3, 11)).start(at=at(3, 11)).complete(at=at(3, 12))
    [finding] = findings(drill_inspection(d), orders=[order], now=at(3, 13))
    assert (finding.stage, finding.order_id) == (FindingStage.IMPROVED, "D1#A1")


def test_a_drill_without_actions_has_no_orders_and_no_inspection() -> None:
    d = drill("D1", "EP-1", at(3))
    assert drill_rectification_orders(d) == []
    with pytest.raises(HosplogiError, match="drill D1 has no corrective actions"):
        drill_inspection(d)


# -- properties --------------------------------------------------------------------------------

BUILDINGS = ("A", "B", "C")
SHIFTS = ("day", "evening", "night")


@st.composite
def plans_and_drills(draw: st.DrawFn) -> tuple[EmergencyPlan, list[Drill]]:
    quarterly = draw(st.booleans())
    per_year = 4 * draw(st.integers(1, 2)) if quarterly else draw(st.integers(1, 4))
    plan = EmergencyPlan(
        id="EP-1", name="Fire", hazard="fire", drills_per_year=per_year, quarterly=quarterly,
        per_shift=draw(st.booleans()), buildings=BUILDINGS[: draw(st.integers(0, 3))],
    )  # fmt: skip
    drills = []
    zones = st.sampled_from((UTC, SH, timezone(-timedelta(hours=5))))
    for n in range(draw(st.integers(0, 25))):
        when = draw(st.datetimes(min_value=datetime(2025, 11, 1), max_value=datetime(2027, 2, 1),
                                 timezones=zones))  # fmt: skip
        drills.append(
            Drill(id=f"D{n}", plan_id="EP-1", at=when,
                  building=draw(st.sampled_from(plan.buildings)) if plan.buildings else None,
                  shift=draw(st.sampled_from(SHIFTS)) if plan.per_shift else None)
        )  # fmt: skip
    return plan, drills


def _oracle_missing(plan: EmergencyPlan, drills: list[Drill], year: int) -> int:
    """Brute force: for each slot and period, count the drills in it one by one."""
    periods = [1, 2, 3, 4] if plan.quarterly else [None]
    each = plan.drills_per_year // len(periods)
    missing = 0
    for building, shift in plan.slots:
        for q in periods:
            held = sum(
                1 for d in drills
                if d.at.year == year and (q is None or (d.at.month - 1) // 3 + 1 == q)
                and (building is None or d.building == building)
                and (shift is None or d.shift == shift)
            )  # fmt: skip
            missing += max(0, each - held)
    return missing


@given(plans_and_drills())
def test_missing_matches_a_brute_force_count(case: tuple[EmergencyPlan, list[Drill]]) -> None:
    plan, drills = case
    [c] = drill_compliance([plan], drills, year=2026)
    assert c.missing == _oracle_missing(plan, drills, 2026)
    assert c.held == sum(1 for d in drills if d.at.year == 2026)
    assert c.required == plan.drills_per_year * len(plan.slots)
    assert (c.missing == 0) == (c.missing_slots == ())
    assert c.required - c.missing <= c.held


@given(plans_and_drills(), st.data())
def test_another_drill_never_adds_to_what_is_missing(
    case: tuple[EmergencyPlan, list[Drill]], data: st.DataObject
) -> None:
    plan, drills = case
    [before] = drill_compliance([plan], drills, year=2026)
    extra = Drill(
        id="EXTRA", plan_id="EP-1", at=data.draw(st.datetimes(min_value=datetime(2026, 1, 1),
                                                             max_value=datetime(2026, 12, 31),
                                                             timezones=st.just(SH))),
        building=data.draw(st.sampled_from(plan.buildings)) if plan.buildings else None,
        shift=data.draw(st.sampled_from(SHIFTS)) if plan.per_shift else None,
    )  # fmt: skip
    [after] = drill_compliance([plan], [*drills, extra], year=2026)
    assert after.held == before.held + 1
    assert before.missing - 1 <= after.missing <= before.missing


# -- the demo section --------------------------------------------------------------------------


def test_demo_quarter_has_one_drill_missing() -> None:
    report = drill_compliance(demo_plans(), demo_drills(), year=2025, quarter=4)
    assert [(c.plan_id, c.missing, c.missing_slots) for c in report] == [
        ("EP-FIRE", 1, (("Inpatient B", "night"),)),
        ("EP-LIFT", 0, ()),
    ]


def test_safety_section_shows_the_missing_drill_and_the_unsigned_handover() -> None:
    lines = safety_section([], [], end_of_day())
    text = "\n".join(lines)
    assert "Inpatient B night" in text
    assert "rectification order DR-F0#A1 (inspection)" in text
    assert "Chain-of-custody audit at 02 Mar 18:00: 1 finding(s)" in text
    assert (
        "missing_signature: batch MW-0226-2: handover MW-0226-2.2 (stored) at "
        "2026-02-26T08:00:00+08:00 is not signed by Waste store"
    ) in text
    assert "Ward 3              infectious 感染性        7   67.8" in text
    assert lines[-1] == ""
