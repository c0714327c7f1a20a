"""Operational indicator values computed from work-order histories (the first of the two calls).

Besides the orders, :func:`measures` reads what else the caller has: an SLA policy, the staff,
the equipment register with its meters and readings (:mod:`hosplogi.assets`), labour rates and
the stock ledger (:mod:`hosplogi.costs`), the preventive-maintenance plans
(:mod:`hosplogi.maintenance`). The public name :func:`measures` is re-exported by
:mod:`hosplogi.kpi`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from hosplogi._checks import guarded
from hosplogi._types import brief, require_aware, require_finite, require_non_negative, to_money
from hosplogi.assets import (
    AssetRegister,
    Criticality,
    Meter,
    MeterKind,
    MeterReading,
    energy_use,
    reliability_report,
)
from hosplogi.costs import LabourRates, VendorCharge, cost_per_order
from hosplogi.crews import CERTIFICATE_RULES, SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.maintenance import MaintenancePlan, pm_compliance
from hosplogi.orders import Action, Event, Source, Status, WorkOrder
from hosplogi.sla import SlaPolicy  # kpi reads sla results (ARCHITECTURE.md)
from hosplogi.sla.batch import OrderColumns
from hosplogi.sla.columns import STOPPED, SlaArrays, sla_arrays
from hosplogi.stores import StockLedger

__all__ = ["measures"]

_PROACTIVE = frozenset(s for s in Source if s.is_proactive)
_HOUR = timedelta(hours=1)


def _pct(num: int, den: int) -> float | None:
    return None if den == 0 else 100.0 * num / den


def _amount(value: Decimal | int | str | None, name: str) -> float | None:
    if value is None:
        return None
    money = to_money(value, name=name)
    if money < 0:
        raise HosplogiError(f"{name} is {money}; give zero or more")
    return float(money)


def _count(value: float | int | None, name: str) -> float | None:
    if value is None:
        return None
    number = require_finite(value, name)
    if number < 0:
        raise HosplogiError(f"{name} is {brief(value)}; give zero or more")
    return number


@guarded
def measures(
    orders: Iterable[WorkOrder],
    *,
    start: datetime,
    end: datetime,
    policy: SlaPolicy | None = None,
    technicians: Iterable[Technician] = (),
    complaints: int | None = None,
    cost: Decimal | None = None,
    labour_cost: Decimal | None = None,
    training_hours: float | None = None,
    inspection_results: Iterable[bool] = (),
    repeat_window: timedelta = timedelta(days=30),
    satisfied_at: int = 4,
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
    register: AssetRegister | None = None,
    meters: Iterable[Meter] = (),
    readings: Iterable[MeterReading] = (),
    bed_days: float | None = None,
    unknown_assets: Literal["raise", "ignore"] = "raise",
    rates: LabourRates | None = None,
    ledger: StockLedger | None = None,
    vendor_charges: Iterable[VendorCharge] = (),
    plans: Iterable[MaintenancePlan] = (),
    pm_grace: Literal["plan", "smrp"] = "plan",
) -> dict[str, float]:
    """Compute the default scorecard's operational indicators for the period ``[start, end)``.

    An order belongs to the period when its ``reported_at`` is in ``[start, end)``; its history is
    read as it stood at `end` (events at or after `end` are ignored). Pass the orders reported
    before `start` too if repeat repairs should look back across the period boundary.

    Parameters
    ----------
    orders : iterable of WorkOrder
    start, end : datetime
        Timezone-aware, ``start < end``.
    policy : SlaPolicy, optional
        Needed for ``response_on_time`` and ``resolution_on_time`` (via
        :func:`hosplogi.sla.evaluate_many` at `end`); without it those two are absent.
    technicians : iterable of Technician
        The staff assessed: ``licensed_rate``, ``multi_skill_index`` and the per-head figures.
    complaints : int, optional
        Substantiated complaints in the period → ``complaints_per_1000`` (per 1,000 orders).
    cost : Decimal, optional
        Repair cost of the period (labour + material) → ``cost_per_order`` per completed order.
    labour_cost : Decimal, optional
        Labour cost of the period → ``labour_cost_per_head``.
    training_hours : float, optional
        Total training hours of the staff in the period → ``training_hours_per_head``.
    inspection_results : iterable of bool
        Pass/fail of each inspection in the period → ``inspection_pass_rate``.
    repeat_window : timedelta
        An order on an asset repaired less than this long before is a repeat repair (30 days).
    satisfied_at : int
        The lowest acceptance rating (1–5) that counts as satisfied.
    certificate_rules : mapping of str to str
        Skill → certificate kind that skill needs (持证上岗), as in
        :meth:`hosplogi.crews.Technician.may_work`.
    register : AssetRegister, optional
        The equipment register (设备台账): ``availability_a`` and ``mttr_hours`` from
        :func:`hosplogi.assets.reliability_report` of the orders, by criticality.
    meters, readings : iterables of Meter and MeterReading
        The meters and their readings: electricity for ``energy_per_bed_day``, and the meter
        rules of `plans`.
    bed_days : float, optional
        Occupied bed-days of the period (above zero) → ``energy_per_bed_day``; needs `register`.
    unknown_assets : {"raise", "ignore"}
        With a register, what to do about corrective orders naming an asset the register lacks:
        refuse them (naming the first few) or leave them out of the equipment indicators.
    rates : LabourRates, optional
        Labour rates: ``cost_per_order`` from :func:`hosplogi.costs.cost_per_order` (labour on
        site + materials from `ledger` + `vendor_charges`) instead of `cost`.
    ledger : StockLedger, optional
    vendor_charges : iterable of VendorCharge
        Materials and vendor charges for `rates`.
    plans : iterable of MaintenancePlan
        With plans, ``pm_compliance`` is :func:`hosplogi.maintenance.pm_compliance` of the plans'
        occurrences due in the period (an occurrence whose order was never raised counts as
        missed), read at `end`, with the orders as the history.
    pm_grace : {"plan", "smrp"}
        The grace of plan-based PM compliance: each plan's `tolerance`, or the SMRP rule (the due
        date + 1 day or + 20 % of the frequency, at most 28 days). ``"smrp"`` needs `plans`.

    Returns
    -------
    dict[str, float]
        Indicator code → value; rates in percent (0–100). An indicator whose denominator is empty
        or whose input was not given is absent (so :func:`score` names it as missing):

        - ``completion_rate``: orders completed (COMPLETED, VERIFIED or CLOSED at `end`) / orders
          not cancelled (001:385).
        - ``response_on_time``, ``resolution_on_time``: clocks stopped without breach / clocks
          decided (stopped or breached), over orders not cancelled; requires `policy`.
        - ``satisfaction``: acceptance ratings ≥ `satisfied_at` / ratings given.
        - ``first_pass_rate``: orders whose first acceptance decision was an acceptance / orders
          with a decision.
        - ``repeat_repair_rate``: orders (not preventive, not cancelled) on an asset with another
          such order reported within `repeat_window` before / orders with an asset.
        - ``pm_compliance``, ``rectification_on_time``: preventive / inspection-raised orders
          completed by their ``due_at`` (or by `end` when they have none) / those due by `end`
          or completed; a cancelled one counts as not done. With `plans`, PM compliance is
          plan-based instead (see `plans`, `pm_grace`).
        - ``proactive_share``: orders from rounds, inspections or preventive plans / all orders.
        - ``inspection_pass_rate``, ``complaints_per_1000``, ``cost_per_order``,
          ``labour_cost_per_head``, ``training_hours_per_head``: from the optional inputs.
        - ``licensed_rate``: technicians who may work (:meth:`~hosplogi.crews.Technician.may_work`)
          on the last day of the period in every licensed skill they have / technicians with a
          licensed skill.
        - ``multi_skill_index``: mean number of skills per technician (一专多能).
        - ``availability_a``: 100 × availability (operating ÷ (operating + downtime), EN 15341)
          of the register's criticality-A equipment in service; requires `register`.
        - ``mttr_hours``: downtime ÷ failures over all the register's equipment, in hours (SMRP
          3.5.2); requires `register` and a failure.
        - ``energy_per_bed_day``: electricity (kWh) of the register's meters ÷ `bed_days`;
          requires `register`, `bed_days` and an electricity meter.
        - ``cost_per_order`` with `rates`: the mean :func:`hosplogi.costs.order_cost` of the
          orders completed by `end`.

    Raises
    ------
    HosplogiError
        If `start` or `end` is naive or ``end <= start``, money is given as float or negative, a
        count is negative or not finite, `satisfied_at` is not 1–5, both `cost` and `rates` are
        given, `ledger` or `vendor_charges` come without `rates`, `bed_days` comes without
        `register` or is not above zero, ``pm_grace="smrp"`` comes without `plans`, or (with
        ``unknown_assets="raise"``) a corrective order names an asset the register lacks; and
        whatever the engines called refuse (a reading out of order, a person without a rate …).

    Notes
    -----
    One pass over each order's events, no model is built, O(N log N) for the repeat-repair sort;
    about a million orders in a few seconds (see ``benchmarks/bench_kpi.py``). A register adds
    one more pass (:func:`~hosplogi.assets.reliability_report`), meters O(readings), `rates` one
    :func:`~hosplogi.costs.order_cost` per completed order, `plans` the plans' occurrences in
    the period (bounded as in :func:`~hosplogi.maintenance.due`).

    Examples
    --------
    >>> from datetime import timezone
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> done = (WorkOrder.report(id="WO-1", title="t", trade="plumbing", priority="routine",
    ...                          reported_at=t, location="L1")
    ...         .dispatch(("T01",), at=t).start(at=t).complete(at=t + timedelta(hours=1)))
    >>> waiting = (WorkOrder.report(id="WO-2", title="t", trade="plumbing", priority="routine",
    ...                             reported_at=t, location="L1", source="rounds")
    ...            .hold("awaiting_material", at=t))
    >>> m = measures([done, waiting], start=t, end=t + timedelta(days=1))
    >>> m["completion_rate"], m["proactive_share"]
    (50.0, 50.0)
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise HosplogiError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    require_non_negative(repeat_window, "repeat_window")
    if isinstance(satisfied_at, bool) or satisfied_at not in (1, 2, 3, 4, 5):
        raise HosplogiError(f"satisfied_at must be a rating from 1 to 5, got {satisfied_at!r}")
    beds = _check_sources(register, bed_days, unknown_assets, cost, rates, ledger, pm_grace)
    charges = list(vendor_charges)
    if charges and rates is None:
        raise HosplogiError(
            "vendor_charges are costed only with rates; give rates=LabourRates(...)"
        )
    plan_list = list(plans)
    if pm_grace == "smrp" and not plan_list:
        raise HosplogiError(
            "pm_grace='smrp' needs plans: the SMRP grace depends on each plan's frequency"
        )
    staff = list(technicians)
    keep = register is not None or rates is not None  # reliability and costs read them again
    order_list: Sequence[WorkOrder] = list(orders) if keep else ()
    pm_orders: list[WorkOrder] = []

    complete, reject, verify = Action.COMPLETE, Action.REJECT, Action.VERIFY
    preventive, inspection, cancelled_status = (
        Source.PREVENTIVE,
        Source.INSPECTION,
        Status.CANCELLED,
    )
    n = cancelled = done = proactive = 0
    ratings = satisfied = decided = first_pass = 0
    pm_due = pm_ok = rect_due = rect_ok = 0
    history: dict[str, list[datetime]] = {}  # asset → report instants (no tuple per order)
    in_sla: list[WorkOrder] = []
    in_sla_logs: list[tuple[Event, ...]] = []
    want_sla = policy is not None

    for o in order_list if keep else orders:
        rep = o.reported_at
        if rep >= end:
            continue
        events = o.events
        if events[-1].at < end:
            status = o.status
        else:
            events = tuple(e for e in events if e.at < end)
            status = events[-1].status
        is_cancelled = status is cancelled_status
        source = o.source
        asset = o.asset_id
        if asset is not None and source is not preventive and not is_cancelled:
            history.setdefault(asset, []).append(rep)
        if plan_list and source is preventive:
            pm_orders.append(_as_of(o, events, status))
        if rep < start:
            continue
        n += 1
        if source in _PROACTIVE:
            proactive += 1
        if is_cancelled:
            cancelled += 1
        elif status.is_done:
            done += 1
        if want_sla and not is_cancelled:
            in_sla.append(o)
            in_sla_logs.append(events)
        done_at: datetime | None = None
        first: Action | None = None
        for e in events:
            a = e.action
            if a is complete:
                done_at = e.at
            elif a is verify or a is reject:
                if first is None:
                    first = a
                if e.rating is not None:
                    ratings += 1
                    if e.rating >= satisfied_at:
                        satisfied += 1
                if a is reject:
                    done_at = None
        if first is not None:
            decided += 1
            if first is verify:
                first_pass += 1
        if source is preventive or source is inspection:
            due = o.due_at or end
            ok = done_at is not None and not is_cancelled and done_at <= due
            counted = ok or is_cancelled or done_at is not None or due <= end
            if source is preventive:
                pm_due += counted
                pm_ok += ok
            else:
                rect_due += counted
                rect_ok += ok

    result: dict[str, float | None] = {
        "completion_rate": _pct(done, n - cancelled),
        "satisfaction": _pct(satisfied, ratings),
        "first_pass_rate": _pct(first_pass, decided),
        "pm_compliance": _pct(pm_ok, pm_due),
        "rectification_on_time": _pct(rect_ok, rect_due),
        "proactive_share": _pct(proactive, n),
    }

    with_asset = repeats = 0
    for visits in history.values():
        visits.sort()
        previous: datetime | None = None
        for at in visits:
            if at >= start:
                with_asset += 1
                if previous is not None and at - previous < repeat_window:
                    repeats += 1
            previous = at
    result["repeat_repair_rate"] = _pct(repeats, with_asset)

    if policy is not None:
        # The column engine of hosplogi.sla, on the logs as seen before `end` (no order copied).
        cols = OrderColumns(in_sla, logs=in_sla_logs)
        result.update(on_time(sla_arrays(cols.events, policy, end)))

    passed = total = 0
    for ok_ in inspection_results:
        if not isinstance(ok_, bool):
            raise HosplogiError(f"inspection_results must be booleans, got {ok_!r}")
        total += 1
        passed += ok_
    result["inspection_pass_rate"] = _pct(passed, total)

    n_complaints = _count(complaints, "complaints")
    if n_complaints is not None and n:
        result["complaints_per_1000"] = 1000.0 * n_complaints / n
    money = _amount(cost, "cost")
    if money is not None and done:
        result["cost_per_order"] = money / done
    if rates is not None:
        result["cost_per_order"] = cost_per_order(
            order_list, technicians=staff, rates=rates, start=start, end=end, ledger=ledger,
            vendor_charges=charges,
        )  # fmt: skip
    meter_list, reading_list = list(meters), list(readings)
    if plan_list:
        pm = pm_compliance(
            plan_list, start, end, pm_orders, now=end, grace=pm_grace, readings=reading_list,
            meters=meter_list,
        )  # fmt: skip
        result["pm_compliance"] = pm.rate if pm.due else None
    if register is not None:
        result.update(_equipment(register, order_list, start, end, repeat_window, unknown_assets))
        if beds is not None:
            result["energy_per_bed_day"] = _electricity(
                register, meter_list, reading_list, start, end, beds
            )

    heads = len(staff)
    labour = _amount(labour_cost, "labour_cost")
    if labour is not None and heads:
        result["labour_cost_per_head"] = labour / heads
    hours = _count(training_hours, "training_hours")
    if hours is not None and heads:
        result["training_hours_per_head"] = hours / heads
    if heads:
        result["multi_skill_index"] = sum(len(t.skills) for t in staff) / heads
        day = (end - timedelta(microseconds=1)).date()
        needing = licensed = 0
        for t in staff:
            licensed_skills = [s for s in t.skills if s in certificate_rules]
            if licensed_skills:
                needing += 1
                licensed += all(
                    t.may_work(SkillRequirement(skill=s), day, certificate_rules)
                    for s in licensed_skills
                )
        result["licensed_rate"] = _pct(licensed, needing)
    return {k: v for k, v in result.items() if v is not None}


def on_time(clocks: SlaArrays) -> dict[str, float]:
    """``response_on_time`` and ``resolution_on_time`` of the orders `clocks` holds: the one rule.

    Clocks stopped without breach / clocks decided (stopped or breached), over the orders not
    cancelled; a code is absent when no clock of its kind is decided. :func:`measures` computes
    the clocks of its orders at `end` and calls this; a caller that already has the clocks of
    exactly the orders :func:`measures` would count (reported in ``[start, end)``, every event
    before `end`) calls it on those instead of computing them a second time — the simulation,
    whose compliance reports need the same clocks. Public in this module only, not re-exported:
    it is part of :func:`measures`, not an indicator API of its own.

    Examples
    --------
    >>> from datetime import timezone
    >>> from hosplogi import Priority, SlaTarget
    >>> from hosplogi.sla.batch import OrderColumns
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> policy = SlaPolicy(targets={p: SlaTarget(respond=timedelta(minutes=30),
    ...     resolve=timedelta(hours=4)) for p in Priority})
    >>> new = WorkOrder.report(id="WO-1", title="t", trade="hvac", priority="routine",
    ...                        reported_at=t, location="L1")
    >>> started = new.dispatch(("T01",), at=t).start(at=t + timedelta(hours=1))
    >>> cols = OrderColumns([started, new.cancel(reason="duplicate", at=t)])
    >>> on_time(sla_arrays(cols.events, policy, t + timedelta(hours=2)))
    {'response_on_time': 0.0}
    """
    counted = ~clocks.cancelled
    rates: dict[str, float] = {}
    for code, clock in (
        ("response_on_time", clocks.response),
        ("resolution_on_time", clocks.resolution),
    ):
        breached = clock.breached & counted
        decided = breached | ((clock.state == STOPPED) & counted)
        rate = _pct(int((decided & ~breached).sum()), int(decided.sum()))
        if rate is not None:
            rates[code] = rate
    return rates


def _as_of(order: WorkOrder, events: tuple[Event, ...], status: Status) -> WorkOrder:
    """The order as it stood when its log ended with `events` (no re-validation)."""
    if events is order.events:
        return order
    return order.model_copy(update={"events": events, "status": status})


def _check_sources(
    register: AssetRegister | None,
    bed_days: float | None,
    unknown_assets: str,
    cost: Decimal | None,
    rates: LabourRates | None,
    ledger: StockLedger | None,
    pm_grace: str,
) -> float | None:
    """Check the optional inputs fit together; return the bed-days as a float (or None)."""
    if unknown_assets not in ("raise", "ignore"):
        raise HosplogiError(f"unknown_assets must be 'raise' or 'ignore', got {unknown_assets!r}")
    if pm_grace not in ("plan", "smrp"):
        raise HosplogiError(f"pm_grace must be 'plan' or 'smrp', got {pm_grace!r}")
    if cost is not None and rates is not None:
        raise HosplogiError(
            "give cost (the period's total) or rates (each order costed), not both: both fill "
            "cost_per_order"
        )
    if ledger is not None and rates is None:
        raise HosplogiError("a ledger is costed only with rates; give rates=LabourRates(...)")
    if bed_days is None:
        return None
    if register is None:
        raise HosplogiError(
            "bed_days needs register (and the electricity meters and readings) for "
            "energy_per_bed_day"
        )
    beds = _count(bed_days, "bed_days")
    if not beds:
        raise HosplogiError(f"bed_days is {brief(bed_days)}; give a number above zero")
    return beds


def _equipment(
    register: AssetRegister,
    orders: Sequence[WorkOrder],
    start: datetime,
    end: datetime,
    repeat_window: timedelta,
    unknown_assets: str,
) -> dict[str, float]:
    """``availability_a`` and ``mttr_hours`` from the reliability of the register's equipment."""
    report = reliability_report(
        register, orders, start=start, end=end, by="criticality", repeat_window=repeat_window
    )
    if report.unknown_orders and unknown_assets == "raise":
        shown = ", ".join(report.unknown_assets[:5])
        more = len(report.unknown_assets) - 5
        raise HosplogiError(
            f"{len(report.unknown_orders)} corrective order(s) (first {report.unknown_orders[0]}) "
            f"name asset(s) not in the register: {shown}{f' and {more} more' if more > 0 else ''}"
            "; add them to the register, or pass unknown_assets='ignore' to leave those orders "
            "out of availability_a and mttr_hours"
        )
    out: dict[str, float] = {}
    for row in report.rows:
        if row.key == Criticality.A.value:
            out["availability_a"] = 100.0 * row.availability
    failures = sum(row.failures for row in report.rows)
    if failures:
        downtime = sum((row.downtime for row in report.rows), timedelta(0))
        out["mttr_hours"] = downtime / _HOUR / failures
    return out


def _electricity(
    register: AssetRegister,
    meters: Sequence[Meter],
    readings: Sequence[MeterReading],
    start: datetime,
    end: datetime,
    bed_days: float,
) -> float | None:
    """Electricity (kWh) of the register's meters in ``[start, end)`` per bed-day."""
    kinds = energy_use(register, meters, readings, start=start, end=end, by="kind")
    power = [e for e in kinds if e.kind is MeterKind.ELECTRICITY_KWH]
    if not power:
        return None
    if power[0].unit != "kWh":
        raise HosplogiError(
            f"electricity meters count in {power[0].unit!r}; energy_per_bed_day is in kWh, so "
            "give the meters unit='kWh'"
        )
    return power[0].quantity / bed_days
