"""Technicians, certificates and crews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import Certificate, Crew, HosplogiError, SkillRequirement, Technician
from hosplogi.crews import Employment
from strategies import certificates, crews, skill_requirements, technicians


def test_skill_levels_run_from_one_to_five() -> None:
    assert Technician(id="T1", skills={"hvac": 1, "electrical": 5}).level("electrical") == 5
    for bad in (0, 6, -1):
        with pytest.raises(ValidationError, match="hvac"):
            Technician(id="T1", skills={"hvac": bad})


def test_a_level_given_as_float_or_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="valid integer"):
        Technician(id="T1", skills={"hvac": 2.0})  # type: ignore[dict-item]
    with pytest.raises(ValidationError):
        SkillRequirement(skill="hvac", level="2")  # type: ignore[arg-type]


def test_can_fill_needs_the_skill_at_the_level_or_above() -> None:
    t = Technician(id="T1", skills={"plumbing": 3})
    assert t.can_fill(SkillRequirement(skill="plumbing", level=3))
    assert not t.can_fill(SkillRequirement(skill="plumbing", level=4))
    assert not t.can_fill(SkillRequirement(skill="hvac"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"skill": "", "count": 1}, "non-empty"),
        ({"skill": "hvac", "count": 0}, "greater than or equal to 1"),
        ({"skill": "hvac", "level": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_requirements_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SkillRequirement(**fields)


def test_licensed_checks_kind_and_validity_on_the_day() -> None:
    t = Technician(
        id="T1",
        skills={"electrical": 4},
        certificates=(
            Certificate(kind="electrician", expires_on=date(2026, 6, 30)),
            Certificate(kind="boiler", issued_on=date(2026, 7, 1)),
        ),
    )
    assert t.licensed("electrician", on=date(2026, 6, 30))
    assert not t.licensed("electrician", on=date(2026, 7, 1))
    assert not t.licensed("boiler", on=date(2026, 6, 30))
    assert t.licensed("boiler", on=date(2040, 1, 1))
    assert not t.licensed("lift", on=date(2026, 1, 1))


@given(
    technicians,
    skill_requirements,
    st.dates(min_value=date(2019, 1, 1), max_value=date(2036, 1, 1)),
    st.dates(min_value=date(2019, 1, 1), max_value=date(2036, 1, 1)),
)
def test_licences_alike_on_two_days_means_may_work_answers_alike(
    tech: Technician, req: SkillRequirement, a: date, b: date
) -> None:
    if tech.licences_alike(a, b):
        assert tech.may_work(req, a) == tech.may_work(req, b)


def test_licences_alike_sees_a_certificate_start_and_end() -> None:
    t = Technician(
        id="T1",
        skills={"boiler": 2},
        certificates=(
            Certificate(kind="boiler", issued_on=date(2026, 7, 1), expires_on=date(2026, 7, 31)),
        ),
    )
    assert t.licences_alike(date(2026, 7, 1), date(2026, 7, 31))
    assert not t.licences_alike(date(2026, 6, 30), date(2026, 7, 1))
    assert not t.licences_alike(date(2026, 7, 31), date(2026, 8, 1))
    assert t.licences_alike(date(2026, 6, 30), date(2026, 8, 1))
    assert Technician(id="T2").licences_alike(date(2020, 1, 1), date(2030, 1, 1))


@pytest.mark.parametrize("bad", ["2026-03-02", None, 20260302, datetime(2026, 3, 2, 9)])
def test_a_day_that_is_not_a_date_is_refused_by_every_certificate_check(bad: Any) -> None:
    # regression: may_work, licensed and is_valid raised a raw TypeError for a licensed person
    lift = Certificate(kind="lift", expires_on=date(2027, 1, 1))
    t = Technician(id="L1", skills={"lifts": 3}, certificates=(lift,))
    checks = [
        lambda: t.may_work(SkillRequirement(skill="lifts"), bad),
        lambda: t.may_work(SkillRequirement(skill="plumbing"), bad),  # no certificate asked
        lambda: t.licensed("lift", bad),
        lambda: lift.is_valid(bad),
        lambda: t.licences_alike(date(2026, 3, 2), bad),
        lambda: Technician(id="T2").licences_alike(bad, date(2026, 3, 2)),
    ]
    for check in checks:
        with pytest.raises(HosplogiError, match=r"must be a datetime\.date"):
            check()


@pytest.mark.parametrize("rules", [None, "lift", ["lifts"]])
def test_certificate_rules_that_are_not_a_mapping_are_refused(rules: Any) -> None:
    # regression: a raw AttributeError for a licensed person
    t = Technician(id="L1", skills={"lifts": 3}, certificates=(Certificate(kind="lift"),))
    with pytest.raises(HosplogiError, match="certificate_rules must be a mapping"):
        t.may_work(SkillRequirement(skill="lifts"), date(2026, 3, 2), rules)


def test_certificate_expiring_before_issue_is_refused() -> None:
    with pytest.raises(ValidationError, match="before it is issued"):
        Certificate(kind="lift", issued_on=date(2026, 2, 1), expires_on=date(2026, 1, 1))


def test_crew_members_must_be_unique_and_include_the_leader() -> None:
    with pytest.raises(ValidationError, match="T1 more than once"):
        Crew(id="C1", members=("T1", "T2", "T1"))
    with pytest.raises(ValidationError, match="leader 'T9' is not a member"):
        Crew(id="C1", members=("T1", "T2"), leader="T9")
    assert Crew(id="C1", members=("T1", "T2"), leader="T2").size == 2


def test_employment_kinds_are_the_three_of_the_seeds() -> None:
    assert [e.value for e in Employment] == ["permanent", "contract", "outsourced"]


def test_empty_technician_id_is_refused() -> None:
    with pytest.raises(ValidationError, match="non-empty"):
        Technician(id=" ")


@given(technicians)
def test_technician_json_round_trip(t: Technician) -> None:
    assert Technician.model_validate_json(t.model_dump_json()) == t


@given(certificates)
def test_certificate_json_round_trip(c: Certificate) -> None:
    assert Certificate.model_validate_json(c.model_dump_json()) == c


@given(crews)
def test_crew_json_round_trip(c: Crew) -> None:
    assert Crew.model_validate_json(c.model_dump_json()) == c


@given(skill_requirements)
def test_requirement_json_round_trip(r: SkillRequirement) -> None:
    assert SkillRequirement.model_validate_json(r.model_dump_json()) == r
