"""What one work order cost: labour on site, materials issued, vendor charges (成本核算).

Maximo, ServiceNow EAM, ERPNext and Odoo cost a work order the same way: labour plus parts plus
contractors. Labour is read from the order's event log — every span the order was IN_PROGRESS,
times the people dispatched to it then; holds and waits for dispatch are not labour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from hosplogi._checks import checked
from hosplogi._types import FrozenModel, Identifier, Money, require_aware, shift
from hosplogi.costs.rates import (
    LabourRates,
    PriceList,
    VendorCharge,
    cents,
    charge_cents,
    labour_cents,
)
from hosplogi.crews import Technician
from hosplogi.errors import HosplogiError
from hosplogi.orders import Status, WorkOrder
from hosplogi.stores import StockLedger, issued, returned
from hosplogi.stores.units import as_money, as_quantity, micro_units

__all__ = [
    "CostKind",
    "CostLine",
    "OrderCost",
    "cancelled",
    "cost_per_order",
    "order_cost",
    "person_us",
    "time_on_site",
    "vendor_cents_by_order",
]

_US = timedelta(microseconds=1)
_IN_PROGRESS = Status.IN_PROGRESS


class CostKind(StrEnum):
    """The three parts of an order's cost."""

    LABOUR = "labour"
    MATERIALS = "materials"
    VENDOR = "vendor"


class CostLine(FrozenModel):
    """One line of an order's cost: a person's time, a sku's net issue, a vendor's bill."""

    kind: CostKind
    amount: Money
    detail: str


class OrderCost(FrozenModel):
    """The cost of one work order, to the cent; its lines sum exactly to its parts.

    `charge` is what the internal price list charges for it (None without a price list).
    """

    order_id: Identifier
    department: str | None = None
    labour: Money
    materials: Money
    vendor: Money
    total: Money
    charge: Money | None = None
    lines: tuple[CostLine, ...] = ()

    @model_validator(mode="after")
    def _sums(self) -> Self:
        for kind in CostKind:
            part = sum(cents(x.amount) for x in self.lines if x.kind is kind)
            if part != cents(getattr(self, kind.value)):
                raise ValueError(
                    f"order {self.order_id}: {kind.value} {getattr(self, kind.value)} differs from "
                    f"the sum of its lines {as_money(part)}"
                )
        parts = cents(self.labour) + cents(self.materials) + cents(self.vendor)
        if cents(self.total) != parts:
            raise ValueError(
                f"order {self.order_id}: total {self.total} differs from labour + materials + "
                f"vendor {as_money(parts)}"
            )
        return self


def person_us(order: WorkOrder, at: datetime | None = None) -> dict[str, int]:
    """Microseconds on site per technician: each IN_PROGRESS span × the people dispatched then.

    With `at`, events after `at` are ignored and a span still running at `at` counts up to it;
    without, a span still running counts up to the order's last event. One pass over the events.

    Examples
    --------
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = (WorkOrder.report(id="WO-1", title="t", trade="hvac", priority="routine",
    ...                       reported_at=t, location="L1")
    ...      .dispatch(("H01", "E01"), at=t).start(at=t).complete(at=t + timedelta(minutes=30)))
    >>> person_us(o)
    {'H01': 1800000000, 'E01': 1800000000}
    """
    out: dict[str, int] = {}
    since: datetime | None = None
    team: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    for e in order.events:
        if at is not None and e.at > at:
            break
        if since is not None and e.status is not _IN_PROGRESS:
            span = (e.at - since) // _US
            for tid in team:
                out[tid] = out.get(tid, 0) + span
            since = None
        if e.assignees:
            assignees = e.assignees
        if since is None and e.status is _IN_PROGRESS:
            since, team = e.at, assignees
    if since is not None and at is not None:
        span = (at - since) // _US
        for tid in team:
            out[tid] = out.get(tid, 0) + span
    return out


@checked
def time_on_site(order: WorkOrder, *, at: datetime | None = None) -> dict[str, timedelta]:
    """Time each technician spent on site on `order` (IN_PROGRESS spans, holds excluded).

    Examples
    --------
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = (WorkOrder.report(id="WO-1", title="t", trade="plumbing", priority="urgent",
    ...                       reported_at=t, location="L1")
    ...      .dispatch(("P01",), at=t).start(at=t)
    ...      .hold("awaiting_material", at=t + timedelta(minutes=20))
    ...      .resume(at=t + timedelta(hours=5)).complete(at=t + timedelta(hours=5, minutes=40)))
    >>> time_on_site(o)
    {'P01': datetime.timedelta(seconds=3600)}
    """
    if at is not None:
        require_aware(at, "at")
    return {tid: us * _US for tid, us in person_us(order, at).items()}


def cancelled(order: WorkOrder, at: datetime | None = None) -> bool:
    """Whether `order` stands cancelled at `at` (CANCELLED is final: always the last event)."""
    return order.status is Status.CANCELLED and (at is None or order.events[-1].at <= at)


def _hours(us: int) -> str:
    return f"{us / 3_600_000_000:.2f} h"


@checked
def order_cost(
    order: WorkOrder,
    *,
    technicians: Iterable[Technician],
    rates: LabourRates,
    ledger: StockLedger | None = None,
    vendor_charges: Iterable[VendorCharge] = (),
    at: datetime | None = None,
    price_list: PriceList | None = None,
) -> OrderCost:
    """The cost of `order`: labour on site, materials issued net of returns, vendor charges.

    Parameters
    ----------
    order : WorkOrder
    technicians : iterable of Technician
        Their employment picks the rate; an id with an override in `rates` needs no record.
    rates : LabourRates
    ledger : StockLedger, optional
        Issues to the order minus returns from it, at their ledger cost (the average in force
        when issued; a return at the cost it was issued at).
    vendor_charges : iterable of VendorCharge
        Those with this order's id count.
    at : datetime, optional
        Cost as known at `at`: later events, movements and dated charges are ignored and a span
        on site still running at `at` counts up to it. Without, everything recorded counts.
    price_list : PriceList, optional
        Fills `charge`.

    Returns
    -------
    OrderCost
        Labour lines per technician (sorted by id), material lines per sku, vendor lines in the
        order given; each line rounded half up to the cent, the parts their exact sums.

    Raises
    ------
    HosplogiError
        A person on site with neither a technician record with an employment nor an override
        rate; a naive `at`; no price-list entry for the order.

    Examples
    --------
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = (WorkOrder.report(id="WO-1", title="t", trade="plumbing", priority="urgent",
    ...                       reported_at=t, location="L1", department="Ward 5")
    ...      .dispatch(("P01",), at=t).start(at=t).complete(at=t + timedelta(minutes=90)))
    >>> cost = order_cost(o, technicians=[Technician(id="P01", employment="permanent")],
    ...                   rates=LabourRates.seed_defaults(),
    ...                   vendor_charges=[VendorCharge(vendor="V1", amount=Decimal("120"),
    ...                                                order_id="WO-1")])
    >>> cost.labour, cost.vendor, cost.total
    (Decimal('44.25'), Decimal('120.00'), Decimal('164.25'))
    """
    if at is not None:
        require_aware(at, "at")
    staff = {t.id: t for t in technicians}
    lines = []
    on_site = person_us(order, at)
    for tid in sorted(on_site):
        who = staff.get(tid)
        rate = rates.rate_of(who if who is not None else tid)
        how = who.employment.value if who is not None and who.employment else "override"
        lines.append(
            CostLine(
                kind=CostKind.LABOUR,
                amount=as_money(labour_cents(on_site[tid], cents(rate))),
                detail=f"{tid} ({how}) {_hours(on_site[tid])} × {rate}/h",
            )
        )
    if ledger is not None:
        end = None if at is None else shift(at, _US, name="at")
        out = issued(ledger, order_id=order.id, end=end)
        back = returned(ledger, order_id=order.id, end=end)
        for sku in sorted({x.sku for x in out}):
            gone = [x for x in out if x.sku == sku]
            came = [x for x in back if x.sku == sku]
            amount = sum(cents(x.cost) for x in gone) - sum(cents(x.cost) for x in came)
            n_out = as_quantity(sum(micro_units(x.quantity) for x in gone))
            n_back = as_quantity(sum(micro_units(x.quantity) for x in came))
            lines.append(
                CostLine(
                    kind=CostKind.MATERIALS,
                    amount=as_money(amount),
                    detail=f"{sku}: {n_out} issued, {n_back} returned",
                )
            )
    for charge in vendor_charges:
        if charge.order_id == order.id and (at is None or charge.at is None or charge.at <= at):
            ref = f" {charge.reference}" if charge.reference else ""
            lines.append(
                CostLine(kind=CostKind.VENDOR, amount=charge.amount, detail=f"{charge.vendor}{ref}")
            )
    parts = {kind: sum((cents(x.amount) for x in lines if x.kind is kind), 0) for kind in CostKind}
    price = None
    if price_list is not None:
        entry = price_list.entry_for(order.trade, order.priority)
        price = as_money(
            charge_cents(
                entry,
                sum(on_site.values()),
                parts[CostKind.MATERIALS],
                parts[CostKind.VENDOR],
                fee=not cancelled(order, at),
            )
        )
    return OrderCost(
        order_id=order.id,
        department=order.department,
        labour=as_money(parts[CostKind.LABOUR]),
        materials=as_money(parts[CostKind.MATERIALS]),
        vendor=as_money(parts[CostKind.VENDOR]),
        total=as_money(sum(parts.values())),
        charge=price,
        lines=tuple(lines),
    )


@checked
def cost_per_order(
    orders: Iterable[WorkOrder],
    *,
    technicians: Iterable[Technician],
    rates: LabourRates,
    start: datetime,
    end: datetime,
    ledger: StockLedger | None = None,
    vendor_charges: Iterable[VendorCharge] = (),
) -> float | None:
    """Mean cost of the orders reported in ``[start, end)`` and done by `end`, for
    ``kpi.measures``' ``cost_per_order`` indicator.

    Counts as :func:`hosplogi.kpi.measures` does: an order belongs to the period by its
    ``reported_at``, is read as it stood just before `end`, and is done when its status then is
    COMPLETED, VERIFIED or CLOSED. Each done order's :func:`order_cost` at that moment is
    averaged; None when no order is done.

    Examples
    --------
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = (WorkOrder.report(id="WO-1", title="t", trade="plumbing", priority="urgent",
    ...                       reported_at=t, location="L1")
    ...      .dispatch(("P01",), at=t).start(at=t).complete(at=t + timedelta(hours=2)))
    >>> cost_per_order([o], technicians=[Technician(id="P01", employment="contract")],
    ...                rates=LabourRates.seed_defaults(), start=t, end=t + timedelta(days=1))
    59.0
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise HosplogiError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    before = end - _US
    staff = list(technicians)
    charges = list(vendor_charges)
    total = done = 0
    for o in orders:
        if not start <= o.reported_at < end:
            continue
        status = next((e.status for e in reversed(o.events) if e.at <= before), o.status)
        if not status.is_done:
            continue
        done += 1
        total += cents(
            order_cost(
                o, technicians=staff, rates=rates, ledger=ledger, vendor_charges=charges, at=before
            ).total
        )
    return total / 100 / done if done else None


def vendor_cents_by_order(charges: Iterable[VendorCharge]) -> Mapping[str, int]:
    """Cents of vendor charges per order id (charges without an order are left out)."""
    out: dict[str, int] = {}
    for c in charges:
        if c.order_id is not None:
            out[c.order_id] = out.get(c.order_id, 0) + cents(c.amount)
    return out
