"""Orders waiting for material (待料, 001:385), served from stock as it arrives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from hosplogi._checks import guarded
from hosplogi._types import brief, require_aware
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, HoldReason, Status, WorkOrder
from hosplogi.stores.ledger import StockLedger
from hosplogi.stores.queries import stock
from hosplogi.stores.units import micro_units, parse_quantity

__all__ = ["waiting_for_stock"]


def _material_hold_start(order: WorkOrder, at: datetime) -> datetime | None:
    """When the order's hold for material began, if it is on such a hold at `at`."""
    status, held = Status.REPORTED, None
    for e in order.events:
        if e.at > at:
            break
        status = e.status
        if e.action is Action.HOLD:
            held = e.at if e.hold_reason is HoldReason.AWAITING_MATERIAL else None
    return held if status is Status.ON_HOLD else None


@guarded
def waiting_for_stock(
    orders: Iterable[WorkOrder],
    ledger: StockLedger,
    at: datetime,
    *,
    needs: Mapping[str, Mapping[str, Decimal]],
) -> list[str]:
    """Orders on hold for material at `at` whose parts are now all in stock (001:385).

    Parameters
    ----------
    orders : iterable of WorkOrder
        Read as they stood at `at` (events after `at` are ignored).
    ledger : StockLedger
        Stock over all stores at `at` is what is available.
    at : datetime
    needs : mapping of order id to (sku → quantity)
        The parts each order waits for; every order on hold for material must have an entry.

    Returns
    -------
    list[str]
        Order ids in the order their holds began (ties by id). Earlier holds take the stock
        first; an order that cannot have all its parts takes none, and later orders may.

    Raises
    ------
    HosplogiError
        An order on hold for material without an entry in `needs`, an unknown sku, or a
        quantity that is not more than 0.

    Examples
    --------
    >>> from hosplogi.stores import Item, Movement
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> held = (WorkOrder.report(id="WO-1", title="t", trade="plumbing", priority="urgent",
    ...                          reported_at=t, location="L1")
    ...         .hold("awaiting_material", at=t))
    >>> ledger = StockLedger([Item(sku="V")], [Movement(id="R1", kind="receive", sku="V",
    ...     store="main", quantity=Decimal(1), at=t + timedelta(hours=2), unit_cost=Decimal(40))])
    >>> waiting_for_stock([held], ledger, t + timedelta(hours=1), needs={"WO-1": {"V": 1}})
    []
    >>> waiting_for_stock([held], ledger, t + timedelta(hours=2), needs={"WO-1": {"V": 1}})
    ['WO-1']
    """
    require_aware(at, "at")
    held = []
    for o in orders:
        began = _material_hold_start(o, at)
        if began is None:
            continue
        wanted = needs.get(o.id)
        if wanted is None:
            raise HosplogiError(
                f"order {o.id} is on hold for material at {at.isoformat()} but needs has no "
                f"entry for it; give needs[{o.id!r}] = {{sku: quantity}}"
            )
        parts = {}
        for sku, qty in wanted.items():
            ledger.item(sku)
            amount = micro_units(parse_quantity(qty, f"needs[{o.id!r}][{sku!r}]"))
            if not amount:
                raise HosplogiError(
                    f"needs[{o.id!r}][{sku!r}] must be more than 0, got {brief(qty)}"
                )
            parts[sku] = amount
        held.append((began, o.id, parts))
    available: dict[str, int] = {}
    for line in stock(ledger, at):
        available[line.sku] = available.get(line.sku, 0) + micro_units(line.quantity)
    served = []
    for _, oid, parts in sorted(held, key=lambda h: (h[0], h[1])):
        if all(available.get(sku, 0) >= q for sku, q in parts.items()):
            for sku, q in parts.items():
                available[sku] -= q
            served.append(oid)
    return served
