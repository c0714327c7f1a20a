"""The maintenance package: today's names from one place, modules along their jobs, and the
per-plan steps the modules share (plan_items, next_due_after, as_completions, by_plan)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import hosplogi
from hosplogi import maintenance
from hosplogi.maintenance import Completion, MaintenancePlan, due
from hosplogi.maintenance.occurrences import next_due_after, plan_items
from hosplogi.maintenance.plans import as_completions, by_plan

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)

NAMES_OF_2026_11_30 = [
    "Completion",
    "DueItem",
    "MaintenancePlan",
    "MinimumCheck",
    "PmCompliance",
    "check_minimum",
    "completions",
    "due",
    "generate_orders",
    "pm_compliance",
]


def test_the_package_re_exports_exactly_todays_names() -> None:
    assert sorted(maintenance.__all__) == NAMES_OF_2026_11_30
    for name in NAMES_OF_2026_11_30:
        assert getattr(maintenance, name) is getattr(hosplogi, name)


def test_each_module_does_one_job_under_600_lines() -> None:
    folder = Path(maintenance.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert set(sizes) == {"__init__.py", "plans.py", "occurrences.py", "compliance.py"}
    assert max(sizes.values()) < 600


def _plan(days: int, anchor: str = "fixed") -> MaintenancePlan:
    return MaintenancePlan(
        id=f"P{days}",
        title="t",
        trade="hvac",
        interval=timedelta(days=days),
        timezone="UTC",
        start=T0,
        anchor=anchor,  # type: ignore[arg-type]
    )


@given(st.integers(1, 40), st.integers(0, 200), st.sampled_from(["fixed", "floating"]))
def test_due_is_plan_items_of_each_plan_sorted(days: int, horizon: int, anchor: str) -> None:
    plans = [_plan(days, anchor), _plan(days + 3, anchor)]
    end = T0 + timedelta(days=horizon + 1)
    done = [Completion(plan_id=plans[0].id, done_at=T0 + timedelta(days=1))]
    mine = by_plan(as_completions(done))
    expected = [i for p in plans for i in plan_items(p, T0, end, mine.get(p.id, ()))]
    expected.sort(key=lambda i: (i.due_at, i.plan_id))
    assert due(plans, T0, end, done) == expected


@given(st.integers(1, 60), st.integers(0, 10_000))
def test_next_due_after_is_one_interval_past_a_due_time(days: int, k: int) -> None:
    plan = _plan(days)
    on_schedule = T0 + k * timedelta(days=days)
    assert next_due_after(plan, T0, on_schedule) == on_schedule + timedelta(days=days)
    assert next_due_after(plan, T0, on_schedule - timedelta(seconds=1)) == on_schedule


def test_a_yearly_rule_that_ends_has_no_next_due_time() -> None:
    plan = MaintenancePlan(
        id="Y", title="t", trade="hvac", rrule="FREQ=YEARLY;COUNT=1", timezone="UTC", start=T0
    )
    assert next_due_after(plan, T0, T0).year == 9999
