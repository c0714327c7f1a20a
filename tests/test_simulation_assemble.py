"""The result assembly reads a run's events once: its compliance reports and its scorecard's
on-time rates come from the same clocks, and equal what the public functions give on the orders.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from hosplogi.kpi import default_scorecard, measures, score
from hosplogi.kpi.measures import on_time
from hosplogi.orders import WorkOrder
from hosplogi.simulation import Hospital, Scenario, engine
from hosplogi.simulation.results import _measures, assemble
from hosplogi.sla import compliance_reports
from hosplogi.sla.batch import OrderColumns
from hosplogi.sla.columns import sla_arrays

_LABOUR = Decimal("123456.78")


@pytest.fixture(scope="module")
def hospital_state() -> tuple[Scenario, engine.RunState]:
    scenario = Scenario(hospital=Hospital.synthetic(beds=150, seed=2)).with_rounds()
    return scenario, engine.run(scenario, days=6, seed=3)


def _public_measures(
    scenario: Scenario, orders: list[WorkOrder], start: datetime, end: datetime, days: float
) -> dict[str, float]:
    """kpi.measures as the assembly used to call it: the SLA clocks computed by measures."""
    return measures(
        orders,
        start=start,
        end=end,
        policy=scenario.sla_policy,
        technicians=scenario.hospital.technicians,
        labour_cost=(_LABOUR * 365 / Decimal(str(days))).quantize(Decimal("0.01")),
    )


def test_a_runs_measures_reuse_the_clocks_and_equal_kpi_measures_exactly(
    hospital_state: tuple[Scenario, engine.RunState],
) -> None:
    scenario, state = hospital_state
    cols = OrderColumns(state.orders)
    clocks = sla_arrays(cols.events, scenario.sla_policy, state.end)
    got = _measures(scenario, cols, clocks, state.start, state.end, _LABOUR, 6)
    expected = _public_measures(scenario, list(state.orders), state.start, state.end, 6)
    assert got == expected
    assert {"response_on_time", "resolution_on_time"} <= set(got)
    assert got["response_on_time"] == on_time(clocks)["response_on_time"]


def test_the_assembled_run_equals_the_public_functions_on_its_orders(
    hospital_state: tuple[Scenario, engine.RunState],
) -> None:
    scenario, state = hospital_state
    run = assemble(scenario, state, days=6, seed=3, warmup_days=0)
    assert dict(run.sla) == compliance_reports(state.orders, scenario.sla_policy, state.end)
    measured = measures(
        state.orders,
        start=state.start,
        end=state.end,
        policy=scenario.sla_policy,
        technicians=scenario.hospital.technicians,
        labour_cost=(run.labour_cost * 365 / Decimal(6)).quantize(Decimal("0.01")),
    )
    assert run.scorecard == score(
        default_scorecard(), {**scenario.assumed_kpi, **measured}, strict=False
    )


T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def _order(i: int, reported: datetime, start_after: timedelta | None) -> WorkOrder:
    o = WorkOrder.report(
        id=f"WO-{i}", title="t", trade="plumbing", priority="routine", reported_at=reported,
        location="L1",
    )  # fmt: skip
    if start_after is None:
        return o
    return o.dispatch(("T01",), at=reported).start(at=reported + start_after)


END = T0 + timedelta(days=1, hours=1)


@pytest.mark.parametrize(
    ("outside", "reuse_differs"),
    [
        # breached response, but reported before the period: not counted
        pytest.param(_order(9, T0 - timedelta(days=1), timedelta(days=1, hours=3)), True),
        # completed at the end: measures sees it running, the clocks at `end` stopped
        pytest.param(
            _order(9, END - timedelta(hours=1), timedelta(minutes=5)).complete(at=END), True
        ),
        # started after the end: measures and the clocks at `end` both ignore it
        pytest.param(_order(9, T0 + timedelta(hours=1), timedelta(days=3)), False),
    ],
    ids=["reported-before-start", "event-at-end", "event-after-end"],
)
def test_orders_reaching_outside_the_period_fall_back_to_kpi_measures(
    outside: WorkOrder, reuse_differs: bool
) -> None:
    # Orders a run does not make: reported before the period, or with an event at or after its
    # end. measures leaves out (or cuts) what lies outside; clocks at `end` may not.
    scenario = Scenario(hospital=Hospital.synthetic(beds=40, seed=1))
    orders = [
        _order(1, T0, timedelta(minutes=5)),
        _order(2, T0 + timedelta(minutes=30), timedelta(minutes=10)),
        outside,
    ]
    cols = OrderColumns(orders)
    clocks = sla_arrays(cols.events, scenario.sla_policy, END)
    got = _measures(scenario, cols, clocks, T0, END, _LABOUR, 1)
    expected = _public_measures(scenario, orders, T0, END, 1)
    assert got == expected
    reused = {**expected, **on_time(clocks)}
    assert (reused != expected) is reuse_differs


def test_a_run_without_orders_has_no_on_time_rates() -> None:
    scenario = Scenario(hospital=Hospital.synthetic(beds=40, seed=1))
    cols = OrderColumns([])
    end = T0 + timedelta(days=1)
    clocks = sla_arrays(cols.events, scenario.sla_policy, end)
    got = _measures(scenario, cols, clocks, T0, end, _LABOUR, 1)
    assert got == _public_measures(scenario, [], T0, end, 1)
    assert "response_on_time" not in got
