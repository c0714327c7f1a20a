"""Operational indicator values computed from work-order histories (the first of the two calls).

The public name :func:`measures` is re-exported by :mod:`hosplogi.kpi`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from hosplogi._types import brief, require_aware, require_finite, require_non_negative, to_money
from hosplogi.crews import CERTIFICATE_RULES, SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, Event, Source, Status, WorkOrder
from hosplogi.sla import SlaPolicy  # kpi reads sla results (ARCHITECTURE.md)
from hosplogi.sla.batch import OrderColumns
from hosplogi.sla.columns import STOPPED, sla_arrays

__all__ = ["measures"]

_PROACTIVE = frozenset(s for s in Source if s.is_proactive)


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
          or completed; a cancelled one counts as not done.
        - ``proactive_share``: orders from rounds, inspections or preventive plans / all orders.
        - ``inspection_pass_rate``, ``complaints_per_1000``, ``cost_per_order``,
          ``labour_cost_per_head``, ``training_hours_per_head``: from the optional inputs.
        - ``licensed_rate``: technicians who may work (:meth:`~hosplogi.crews.Technician.may_work`)
          on the last day of the period in every licensed skill they have / technicians with a
          licensed skill.
        - ``multi_skill_index``: mean number of skills per technician (一专多能).

    Raises
    ------
    HosplogiError
        If `start` or `end` is naive or ``end <= start``, money is given as float or negative, a
        count is negative or not finite, or `satisfied_at` is not 1–5.

    Notes
    -----
    One pass over each order's events, no model is built, O(N log N) for the repeat-repair sort;
    about a million orders in a few seconds (see ``benchmarks/bench_kpi.py``).

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

    complete, reject, verify = Action.COMPLETE, Action.REJECT, Action.VERIFY
    preventive, inspection, cancelled_status = (
        Source.PREVENTIVE,
        Source.INSPECTION,
        Status.CANCELLED,
    )
    n = cancelled = done = proactive = 0
    ratings = satisfied = decided = first_pass = 0
    pm_due = pm_ok = rect_due = rect_ok = 0
    history: dict[str, list[tuple[datetime, bool]]] = {}
    in_sla: list[WorkOrder] = []
    in_sla_logs: list[tuple[Event, ...]] = []
    want_sla = policy is not None

    for o in orders:
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
            history.setdefault(asset, []).append((rep, rep >= start))
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
        for at, inside in visits:
            if inside:
                with_asset += 1
                if previous is not None and at - previous < repeat_window:
                    repeats += 1
            previous = at
    result["repeat_repair_rate"] = _pct(repeats, with_asset)

    if policy is not None:
        # The column engine of hosplogi.sla, on the logs as seen before `end` (no order copied).
        cols = OrderColumns(in_sla, logs=in_sla_logs)
        clocks = sla_arrays(cols.events, policy, end)
        for code, clock in (
            ("response_on_time", clocks.response),
            ("resolution_on_time", clocks.resolution),
        ):
            breached = clock.breached
            decided = breached | (clock.state == STOPPED)
            result[code] = _pct(int((decided & ~breached).sum()), int(decided.sum()))

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

    staff = list(technicians)
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
