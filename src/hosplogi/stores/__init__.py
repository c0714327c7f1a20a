"""Materials (物资): receive, issue, return, hand back, scrap, transfer, count.

The stock ledger is the record and stock is derived from it (:mod:`hosplogi.stores.ledger`);
the storekeeper's questions are functions over a ledger (:mod:`hosplogi.stores.queries`). The
rules come from the source texts: purchase → receive → issue → scrap (004:51); a durable part only
against the old one handed back (以旧换新, 001:241); a month-end stocktake so books and shelves
agree (001:243); stock warning levels (004:141); orders waiting for material (001:385).

Examples
--------
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> ledger = StockLedger([Item(sku="V-DN25", name="Gate valve DN25")])
>>> ledger = ledger.append(Movement(id="R1", kind="receive", sku="V-DN25", store="main",
...                                 quantity=Decimal(4), at=t, unit_cost=Decimal("38.50")))
>>> [(s.store, s.sku, s.quantity, s.value) for s in stock(ledger, t)]
[('main', 'V-DN25', Decimal('4'), Decimal('154.00'))]
"""

from __future__ import annotations

from hosplogi.stores.ledger import StockLedger
from hosplogi.stores.models import Item, Movement, MovementKind
from hosplogi.stores.queries import (
    Consumption,
    IssueLine,
    MissingHandback,
    ReorderLine,
    StockLine,
    consumption,
    issued,
    missing_handbacks,
    reorder,
    returned,
    stock,
    stocktake,
)
from hosplogi.stores.waiting import waiting_for_stock

__all__ = [
    "Consumption",
    "IssueLine",
    "Item",
    "MissingHandback",
    "Movement",
    "MovementKind",
    "ReorderLine",
    "StockLedger",
    "StockLine",
    "consumption",
    "issued",
    "missing_handbacks",
    "reorder",
    "returned",
    "stock",
    "stocktake",
    "waiting_for_stock",
]
