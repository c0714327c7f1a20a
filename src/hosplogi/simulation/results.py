"""The results of a run: the order histories and every figure computed from them.

The engine (:mod:`~hosplogi.simulation.engine`) leaves a typed :class:`RunState`; :func:`assemble`
reads the figures out of it with the library's own engines — SLA compliance from
:func:`hosplogi.sla.compliance`, the scorecard from :func:`hosplogi.kpi.measures` and
:func:`hosplogi.kpi.score`, outsourced trades settled with :func:`hosplogi.contracts.settle`.
"""

from __future__ import annotations

import importlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Annotated, Any

from pydantic import Field

from hosplogi._checks import guarded
from hosplogi._types import Finite, FrozenDict, FrozenModel, Instant, Money, NonNegativeInt, brief
from hosplogi.contracts import (
    Contract,
    DeductionKind,
    DeductionRule,
    ServiceItem,
    Settlement,
    settle,
)
from hosplogi.crews import Employment
from hosplogi.errors import HosplogiError
from hosplogi.kpi import ScorecardResult, default_scorecard, measures, score
from hosplogi.kpi.measures import on_time
from hosplogi.orders import Action, Status, WorkOrder
from hosplogi.simulation.bounds import MAX_DAYS, MAX_SEED, MIN_SEED
from hosplogi.simulation.engine import RunState
from hosplogi.simulation.parts import IN_HOUSE_COST, Outsourcing, main_trade
from hosplogi.simulation.scenario import Hospital, Scenario
from hosplogi.simulation.stats import mean_confidence_interval
from hosplogi.sla import ComplianceReport
from hosplogi.sla.batch import OrderColumns
from hosplogi.sla.columns import SlaArrays, sla_arrays, to_us
from hosplogi.sla.compliance import reports_of_clocks

__all__ = [
    "ORDER_COLUMNS",
    "Replication",
    "RunSummary",
    "SimulationResult",
    "assemble",
    "data_frame",
    "outsourcing_contract",
    "summarise",
    "sweep_frame",
]


_Minutes = Annotated[float, Field(ge=0, le=MAX_DAYS * 1440, allow_inf_nan=False)]
"""Minutes within the longest run."""


class RunSummary(FrozenModel):
    """The headline figures of one run, without the orders: cheap to send between processes.

    Examples
    --------
    >>> from hosplogi.simulation import simulate
    >>> s = simulate(Scenario.mmc(2, 3, 1), days=1, seed=1).summary
    >>> s.completed + s.cancelled + s.open == s.arrivals
    True
    """

    scenario: str
    seed: int = Field(ge=MIN_SEED, le=MAX_SEED, strict=True)
    days: Finite = Field(gt=0, le=MAX_DAYS)
    arrivals: NonNegativeInt
    completed: NonNegativeInt
    cancelled: NonNegativeInt
    open: NonNegativeInt
    mean_wait_minutes: _Minutes
    """Report → first start on site, over orders that started."""
    mean_time_in_system_minutes: _Minutes
    mean_in_system: Finite = Field(ge=0)
    """Time-average number of orders reported and not yet completed (L of Little's law)."""
    arrival_rate_per_minute: Finite = Field(ge=0)
    utilisation: Finite = Field(ge=0)
    """Busy time / on-shift time over all technicians."""
    response_met_rate: Finite | None = None
    resolution_met_rate: Finite | None = None
    response_met_by_priority: FrozenDict[str, Finite | None] = Field(default_factory=FrozenDict)
    scorecard_total: Finite | None = None
    labour_cost: Money = Decimal("0.00")

    def to_record(self) -> dict[str, Any]:
        """A flat dict for a DataFrame row (per-priority rates as ``response_met_rate_<p>``).

        Examples
        --------
        >>> from hosplogi.simulation import simulate
        >>> row = simulate(Scenario.mmc(2, 3, 1), days=1, seed=2).summary.to_record()
        >>> row["scenario"], "response_met_rate_routine" in row
        ('M/M/1 λ=2/h μ=3/h', True)
        """
        row = self.model_dump(mode="json", exclude={"response_met_by_priority"})
        for priority, rate in self.response_met_by_priority.items():
            row[f"response_met_rate_{priority}"] = rate
        return row


class SimulationResult(FrozenModel):
    """Everything one run produced: the order histories and the figures computed from them.

    Examples
    --------
    >>> from hosplogi.simulation import simulate
    >>> run = simulate(Scenario(hospital=Hospital.synthetic(beds=40, seed=1)), days=1, seed=1)
    >>> run.sla["response"].total.count == run.summary.arrivals
    True
    """

    summary: RunSummary
    orders: tuple[WorkOrder, ...]
    utilisation: FrozenDict[str, Finite]
    """Technician id → busy time / on-shift time."""
    utilisation_by_trade: FrozenDict[str, Finite]
    sla: FrozenDict[str, ComplianceReport]
    """``"response"``, ``"resolution"`` → :func:`hosplogi.sla.compliance` by priority at the end."""
    scorecard: ScorecardResult | None
    """:func:`hosplogi.kpi.score` of the default scorecard on :func:`hosplogi.kpi.measures` of the
    run (plus the scenario's `assumed_kpi` for what a run does not model); None when some
    indicator has no measure (listed in `unmeasured`)."""
    unmeasured: tuple[str, ...] = ()
    settlements: tuple[Settlement, ...] = ()
    """Monthly :func:`hosplogi.contracts.settle` results of the outsourced trades."""
    labour_cost: Money
    end: Instant

    @property
    def arrivals(self) -> int:
        """Orders reported during the run."""
        return self.summary.arrivals

    @property
    def mean_wait(self) -> timedelta:
        """Mean time from report to first start on site, over the orders that started."""
        return timedelta(minutes=self.summary.mean_wait_minutes)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per order (id, trade, priority, status, times in minutes), for a DataFrame.

        Examples
        --------
        >>> from hosplogi.simulation import simulate
        >>> run = simulate(Scenario.mmc(2, 3, 1), days=1, seed=2)
        >>> sorted(run.to_records()[0])[:4]
        ['assignees', 'completed_minutes', 'id', 'priority']
        """
        rows = []
        for o in self.orders:
            start = o.first_at(Action.START)
            done = o.first_at(Action.COMPLETE)
            rows.append(
                {
                    "id": o.id,
                    "trade": o.trade,
                    "priority": o.priority.value,
                    "source": o.source.value,
                    "status": o.status.value,
                    "reported_at": o.reported_at.isoformat(),
                    "wait_minutes": _minutes(o.reported_at, start),
                    "completed_minutes": _minutes(o.reported_at, done),
                    "assignees": "+".join(o.assignees),
                }
            )
        return rows

    def to_frame(self) -> Any:
        """The rows of :meth:`to_records` as a ``pandas.DataFrame``, one row per order.

        The columns are those of :meth:`to_records`, in its order (an empty run has them too);
        a time that did not happen (an order never started or completed) is NaN. pandas is an
        optional dependency, imported only here.

        Raises
        ------
        ImportError
            If pandas is not installed (``pip install pandas``).

        Examples
        --------
        >>> from hosplogi.simulation import simulate
        >>> frame = simulate(Scenario.mmc(2, 3, 1), days=1, seed=2).to_frame()
        >>> list(frame.columns[:3]), len(frame) > 0
        (['id', 'trade', 'priority'], True)
        """
        return data_frame(self.to_records(), ORDER_COLUMNS)


ORDER_COLUMNS = (
    "id",
    "trade",
    "priority",
    "source",
    "status",
    "reported_at",
    "wait_minutes",
    "completed_minutes",
    "assignees",
)
"""The columns of :meth:`SimulationResult.to_records`, in order."""


def data_frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> Any:
    """`rows` as a ``pandas.DataFrame`` with `columns`; pandas is imported here, when asked for.

    Raises
    ------
    ImportError
        If pandas is not installed, naming ``pip install pandas``.

    Examples
    --------
    >>> data_frame([{"a": 1, "b": None}], ["a", "b"]).shape
    (1, 2)
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            "a DataFrame needs pandas, an optional dependency of hosplogi: pip install pandas"
        ) from None
    return pandas.DataFrame.from_records(rows, columns=list(columns))


def _minutes(a: datetime, b: datetime | None) -> float | None:
    return None if b is None else (b - a).total_seconds() / 60


class Replication(FrozenModel):
    """Independent replications of one scenario with means and 95% confidence intervals.

    Examples
    --------
    >>> from hosplogi.simulation import replicate
    >>> rep = replicate(Scenario.mmc(2, 3, 1), 2, days=1, seed=1)
    >>> len(rep.to_records())
    2
    """

    scenario: str
    runs: tuple[RunSummary, ...]
    mean: FrozenDict[str, Finite]
    low: FrozenDict[str, Finite]
    high: FrozenDict[str, Finite]

    def to_records(self) -> list[dict[str, Any]]:
        """One row per run."""
        return [r.to_record() for r in self.runs]

    def to_frame(self) -> Any:
        """The rows of :meth:`to_records` as a ``pandas.DataFrame``, one row per run.

        Raises
        ------
        ImportError
            If pandas is not installed (``pip install pandas``).

        Examples
        --------
        >>> from hosplogi.simulation import replicate
        >>> frame = replicate(Scenario.mmc(2, 3, 1), 2, days=1, seed=1).to_frame()
        >>> list(frame["seed"])
        [1, 2]
        """
        return sweep_frame(self.runs)


@guarded
def sweep_frame(runs: Iterable[RunSummary]) -> Any:
    """Run summaries — what :func:`~hosplogi.simulation.sweep` returns — as a ``pandas.DataFrame``.

    One row per summary, the columns of :meth:`RunSummary.to_record` (the per-priority response
    rates of every row, in order of first appearance; NaN where a run had no such orders).

    Raises
    ------
    ImportError
        If pandas is not installed (``pip install pandas``).
    HosplogiError
        If `runs` is not an iterable of RunSummary.

    Examples
    --------
    >>> from hosplogi.simulation import sweep
    >>> runs = sweep([Scenario.mmc(2, 3, 1), Scenario.mmc(2, 3, 2)], days=1, seed=1)
    >>> sweep_frame(runs)[["scenario", "arrivals"]].shape
    (2, 2)
    """
    try:
        items = list(runs)
    except TypeError:
        raise HosplogiError(f"runs must be an iterable of RunSummary, got {brief(runs)}") from None
    for item in items:
        if not isinstance(item, RunSummary):
            raise HosplogiError(f"runs must hold RunSummary values, got {brief(item)}")
    rows = [r.to_record() for r in items]
    columns = list(RunSummary.model_fields)
    columns.remove("response_met_by_priority")
    for row in rows:
        columns.extend(name for name in row if name not in columns)
    return data_frame(rows, columns)


_NUMERIC = (
    "mean_wait_minutes",
    "mean_time_in_system_minutes",
    "mean_in_system",
    "utilisation",
    "response_met_rate",
    "resolution_met_rate",
    "scorecard_total",
)


def assemble(
    scenario: Scenario, state: RunState, *, days: float, seed: int, warmup_days: float
) -> SimulationResult:
    """Turn the engine's run state into a SimulationResult; every figure from the order histories.

    Examples
    --------
    >>> from hosplogi.simulation import Scenario, engine
    >>> scenario = Scenario.mmc(2, 3, 1)
    >>> state = engine.run(scenario, days=1, seed=1)
    >>> assemble(scenario, state, days=1, seed=1, warmup_days=0).arrivals == len(state.orders)
    True
    """
    horizon = state.horizon
    orders = state.orders
    end = state.end
    warm = warmup_days * 1440
    waits = [
        first - reported
        for reported, first in zip(state.reported, state.first_start, strict=True)
        if first is not None and reported >= warm
    ]
    in_system = state.minutes_in_system
    utilisation, by_trade = _utilisation(scenario.hospital, state)
    settlements = _settlements(scenario, orders, days)
    labour = _labour_cost(scenario, days, settlements)
    # The orders' events are read and their clocks computed once, for the compliance reports
    # and the scorecard's on-time rates both.
    cols = OrderColumns(orders)
    clocks = sla_arrays(cols.events, scenario.sla_policy, end)
    sla = reports_of_clocks(cols, clocks, end, by="priority")
    measured = _measures(scenario, cols, clocks, state.start, end, labour, days)
    card, unmeasured = _scorecard(scenario, measured)
    statuses = Counter(map(attrgetter("status"), orders))
    summary = RunSummary(
        scenario=scenario.name,
        seed=seed,
        days=days,
        arrivals=len(orders),
        completed=sum(n for status, n in statuses.items() if status.is_done),
        cancelled=statuses[Status.CANCELLED],
        open=sum(
            n
            for status, n in statuses.items()
            if not status.is_done and status is not Status.CANCELLED
        ),
        mean_wait_minutes=sum(waits) / len(waits) if waits else 0.0,
        mean_time_in_system_minutes=sum(in_system) / len(in_system) if in_system else 0.0,
        mean_in_system=state.area / horizon,
        arrival_rate_per_minute=len(orders) / horizon,
        utilisation=_overall_utilisation(state),
        response_met_rate=sla["response"].total.met_rate,
        resolution_met_rate=sla["resolution"].total.met_rate,
        response_met_by_priority={
            row.key: row.met_rate for row in sla["response"].rows if row.key is not None
        },
        scorecard_total=card.total if card else None,
        labour_cost=labour,
    )
    result = SimulationResult(
        summary=summary,
        orders=(),
        utilisation=utilisation,
        utilisation_by_trade=by_trade,
        sla=sla,
        scorecard=card,
        unmeasured=unmeasured,
        settlements=settlements,
        labour_cost=labour,
        end=end,
    )
    # The engine's orders are checked (tests/test_simulation_fastpath.py); validating them again
    # here would replay every log (pydantic re-runs a model's after-validators on instances, and
    # FrozenModel.model_copy(update=...) validates), 3% of a year's run. So they are set on the
    # checked result as they are, with pydantic's constructor for values already valid.
    values = {**result.__dict__, "orders": orders}
    return SimulationResult.model_construct(result.model_fields_set, **values)


def summarise(scenario: str, summaries: tuple[RunSummary, ...]) -> Replication:
    """Means and 95% confidence intervals of the numeric figures of independent runs.

    Examples
    --------
    >>> from hosplogi.simulation import Scenario, simulate
    >>> runs = tuple(simulate(Scenario.mmc(2, 3, 1), days=1, seed=s).summary for s in (1, 2))
    >>> rep = summarise("M/M/1", runs)
    >>> rep.low["utilisation"] <= rep.mean["utilisation"] <= rep.high["utilisation"]
    True
    """
    mean, low, high = {}, {}, {}
    for field in _NUMERIC:
        values = [v for s in summaries if (v := getattr(s, field)) is not None]
        if values:
            mean[field], low[field], high[field] = mean_confidence_interval(values)
    return Replication(scenario=scenario, runs=summaries, mean=mean, low=low, high=high)


def _scorecard(
    scenario: Scenario, measured: dict[str, float]
) -> tuple[ScorecardResult | None, tuple[str, ...]]:
    """The default scorecard on the run's own measures, or None and the indicators no measure
    exists for (an M/M/c run has no acceptance, assets or licences)."""
    card = default_scorecard()
    values = {**scenario.assumed_kpi, **measured}
    unmeasured = tuple(i.code for i in card.indicators if i.code not in values)
    if unmeasured:
        return None, unmeasured
    return score(card, values, strict=False), ()


def _measures(
    scenario: Scenario,
    cols: OrderColumns,
    clocks: SlaArrays,
    start: datetime,
    end: datetime,
    labour: Decimal,
    days: float,
) -> dict[str, float]:
    """:func:`hosplogi.kpi.measures` of the run's orders, with the labour cost annualised.

    The on-time rates come from `clocks` (those of the compliance reports) by
    :func:`hosplogi.kpi.measures.on_time`, the rule :func:`~hosplogi.kpi.measures` applies,
    when the run's orders are exactly those it would count: reported in ``[start, end)``, every
    event before `end` (the engine runs the events before its horizon; checked here on the
    columns, O(events) in numpy). Otherwise :func:`~hosplogi.kpi.measures` computes them itself.
    """
    annual_labour = (labour * Decimal(365) / Decimal(str(days))).quantize(Decimal("0.01"))
    events = cols.events
    reuse = not len(events.at_us) or (
        int(events.at_us.max()) < to_us(end)
        and int(events.at_us[events.offsets[:-1]].min()) >= to_us(start)
    )
    measured = measures(
        cols.orders,
        start=start,
        end=end,
        policy=None if reuse else scenario.sla_policy,
        technicians=scenario.hospital.technicians,
        labour_cost=annual_labour,
    )
    if reuse:
        measured.update(on_time(clocks))
    return measured


def _utilisation(hospital: Hospital, state: RunState) -> tuple[dict[str, float], dict[str, float]]:
    per: dict[str, float] = {}
    busy: dict[str, float] = {}
    shift: dict[str, float] = {}
    for t in hospital.technicians:
        on = state.on_shift_minutes[t.id]
        per[t.id] = state.busy_minutes[t.id] / on if on else 0.0
        trade = main_trade(t)
        busy[trade] = busy.get(trade, 0.0) + state.busy_minutes[t.id]
        shift[trade] = shift.get(trade, 0.0) + on
    return per, {k: busy[k] / shift[k] if shift[k] else 0.0 for k in sorted(busy)}


def _overall_utilisation(state: RunState) -> float:
    on = sum(state.on_shift_minutes[tid] for tid in state.busy_minutes)
    return sum(state.busy_minutes.values()) / on if on else 0.0


def outsourcing_contract(scenario: Scenario, deal: Outsourcing, days: float) -> Contract:
    """The outsourcing contract of `deal` for a run of `days` days: the monthly fee from the
    headcount, a deduction per breached resolution clock.

    Examples
    --------
    >>> from hosplogi.simulation import Hospital, Scenario
    >>> s = Scenario(hospital=Hospital.synthetic(beds=100, seed=1)).outsourced("lifts")
    >>> outsourcing_contract(s, s.outsourcing[0], days=40).end
    datetime.date(2026, 4, 10)
    """
    service = ServiceItem.LIFTS if deal.trade == "lifts" else ServiceItem.MAINTENANCE
    last_day = scenario.start + timedelta(days=math.ceil(days) - 1)
    return Contract(
        id=f"C-{deal.vendor}-{deal.trade}",
        name=f"{deal.trade} services by {deal.vendor}",
        vendor=deal.vendor,
        services=(service,),
        start=scenario.start,
        end=last_day,
        monthly_fee=(deal.annual_cost_per_head * deal.headcount / 12),
        staffing={deal.trade: deal.headcount},
        sla_policy=scenario.sla_policy,
        deductions=(DeductionRule(kind=DeductionKind.SLA_BREACH, amount=deal.sla_deduction),),
        timezone=scenario.hospital.timezone,
    )


def _settlements(
    scenario: Scenario, orders: Sequence[WorkOrder], days: float
) -> tuple[Settlement, ...]:
    """Each outsourced trade settled month by month with :func:`hosplogi.contracts.settle`."""
    settled = []
    for deal in scenario.outsourcing:
        contract = outsourcing_contract(scenario, deal, days)
        own = [o for o in orders if o.trade == deal.trade]
        year, month = contract.start.year, contract.start.month
        while (year, month) <= (contract.end.year, contract.end.month):
            settled.append(settle(contract, year, month, orders=own))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(settled)


def _labour_cost(scenario: Scenario, days: float, settlements: Sequence[Settlement]) -> Decimal:
    """In-house staff at their annual cost pro rata, plus what the outsourcing contracts pay."""
    years = Decimal(str(days)) / Decimal(365)
    costs = scenario.hospital.annual_cost
    vendors = {deal.vendor for deal in scenario.outsourcing}
    in_house = sum(
        (
            costs.get(t.employment or Employment.PERMANENT, IN_HOUSE_COST)
            for t in scenario.hospital.technicians
            if t.employer not in vendors
        ),
        Decimal(0),
    )
    paid = sum((s.payable for s in settlements), Decimal(0))
    return (in_house * years + paid).quantize(Decimal("0.01"))
