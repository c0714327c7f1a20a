"""The demo's dispatch-day section, and problem_from_orders for orders reported after ``now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hosplogi import Priority, SlaPolicy, SlaTarget, Technician, WorkOrder
from hosplogi.cli._tour_dispatch import DEMO_WALKS, dispatch_day_section
from hosplogi.cli.demo import demo_day, demo_technicians, end_of_day
from hosplogi.scheduling import problem_from_orders


def test_the_dispatch_day_section_plans_walks_and_replans_the_emergency() -> None:
    lines = dispatch_day_section(demo_day(), demo_technicians(), end_of_day())
    text = "\n".join(lines)
    assert lines[0].startswith("Tomorrow's plan with walks between locations")
    assert text.count("violations: 0") == 1
    assert "violations 0" in text
    assert "10:40 emergency WO-0411" in text
    changed = text.split("changed  before")[1]
    assert "WO-0411  -          10:40 P01" in changed  # the emergency at once, by the plumber
    assert "WO-0409  11:00 P01  11:52 P01" in changed  # his boiler test after it and the walk
    assert "11 of 12 planned jobs unchanged" in text
    assert lines == dispatch_day_section(demo_day(), demo_technicians(), end_of_day())


def test_demo_walks_are_symmetric_and_zero_nowhere() -> None:
    for a, row in DEMO_WALKS.items():
        assert a not in row
        for b, minutes in row.items():
            assert DEMO_WALKS[b][a] == minutes
            assert 4 <= minutes <= 15


def test_an_order_reported_after_now_gets_its_sla_due_time_from_its_report() -> None:
    # regression: with a policy, an order reported after `now` made sla.evaluate refuse `now`
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    order = WorkOrder.report(
        id="WO-9", title="Leak", trade="plumbing", priority=Priority.URGENT,
        reported_at=t0 + timedelta(minutes=40), location="Ward 7",
    )  # fmt: skip
    policy = SlaPolicy(
        targets={p: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=4))
                 for p in Priority}
    )  # fmt: skip
    p = problem_from_orders([order], [Technician(id="P1", skills={"plumbing": 1})], now=t0,
                            policy=policy)  # fmt: skip
    assert (p.tasks[0].release, p.tasks[0].due) == (40, 280)
