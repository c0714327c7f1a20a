"""The stock ledger's records: items (物资) and movements (入库、领用、退库、交旧、报废、调拨、
盘点)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from hosplogi._types import FrozenModel, Identifier, Instant
from hosplogi.stores.units import Quantity, UnitCost

__all__ = ["AT_AVERAGE", "TO_COST_OBJECT", "Item", "Movement", "MovementKind"]


class Item(FrozenModel):
    """A stock item (物资): a sku with its unit and its reorder rule (库存预警, 004:141).

    Parameters
    ----------
    sku : str
    name, unit, category : str
    durable : bool
        A durable part is issued only against the old one handed back (以旧换新, 001:241); see
        :func:`~hosplogi.stores.missing_handbacks`.
    reorder_point : Decimal
        Reorder when on hand + on order falls to this level or below (0: not stock-controlled).
    reorder_quantity : Decimal
        The lot ordered each time (0: the reorder point itself).
    lead_time : timedelta
        From order to receipt.

    Examples
    --------
    >>> Item(sku="V-DN25", name="Gate valve DN25", unit="each", category="plumbing",
    ...      reorder_point=Decimal(2), reorder_quantity=Decimal(10)).durable
    False
    """

    sku: Identifier
    name: str = ""
    unit: str = "each"
    category: str = ""
    durable: bool = False
    reorder_point: Quantity = Decimal(0)
    reorder_quantity: Quantity = Decimal(0)
    lead_time: timedelta = timedelta(0)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.lead_time < timedelta(0):
            raise ValueError(
                f"item {self.sku}: lead_time must be zero or more, got {self.lead_time}"
            )
        return self


class MovementKind(StrEnum):
    """What a movement does to stock (物资管理流程: 采购、入库、领用、报废, 004:51)."""

    RECEIVE = "receive"
    """入库: stock in at `unit_cost` (required)."""
    ISSUE = "issue"
    """领用: stock out to a work order or a department, at the average cost."""
    RETURN = "return"
    """退库: unused stock back from an order or department, at the cost it was issued at."""
    HANDBACK = "handback"
    """交旧: the old durable part back (以旧换新, 001:241); moves no stock and no value."""
    SCRAP = "scrap"
    """报废: stock written off, at the average cost."""
    TRANSFER = "transfer"
    """调拨: stock from `store` to `to_store`, at the average cost of `store`."""
    ADJUST = "adjust"
    """盘点: a stocktake difference; a gain, or a loss when `loss` is set (001:243)."""


TO_COST_OBJECT = frozenset({MovementKind.ISSUE, MovementKind.RETURN, MovementKind.HANDBACK})
AT_AVERAGE = frozenset({MovementKind.ISSUE, MovementKind.SCRAP, MovementKind.TRANSFER})


class Movement(FrozenModel):
    """One line of the stock ledger.

    Parameters
    ----------
    id : str
        Unique in the ledger.
    kind : MovementKind
    sku : str
    store : str
        Where the stock moves in or out (for TRANSFER: the store it leaves).
    quantity : Decimal
        More than zero; at most six decimal places.
    at : datetime
        Timezone-aware; a ledger's movements are in time order.
    by : str, optional
    unit_cost : Decimal, optional
        Required on RECEIVE; allowed on an ADJUST gain (else the average in force); refused
        elsewhere, since those movements are valued by the ledger.
    order_id, department : str, optional
        The cost object of an ISSUE, RETURN or HANDBACK (one of them is required): the order when
        given, else the department (direct use, e.g. bottled water, 001:107).
    to_store : str, optional
        The receiving store of a TRANSFER (required there, refused elsewhere).
    reference : str, optional
        A delivery note, requisition or stocktake sheet.
    loss : bool
        On ADJUST only: the count found less than the books (盘亏) rather than more (盘盈).

    Examples
    --------
    >>> Movement(id="M1", kind="receive", sku="V-DN25", store="main", quantity=Decimal(5),
    ...          at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), unit_cost=Decimal("38.50")).kind
    <MovementKind.RECEIVE: 'receive'>
    """

    id: Identifier
    kind: MovementKind
    sku: Identifier
    store: Identifier
    quantity: Quantity
    at: Instant
    by: Identifier | None = None
    unit_cost: UnitCost | None = None
    order_id: Identifier | None = None
    department: Identifier | None = None
    to_store: Identifier | None = None
    reference: str | None = None
    loss: bool = False

    @model_validator(mode="after")
    def _fits_kind(self) -> Self:
        kind, name = self.kind, f"movement {self.id} ({self.kind.value})"
        if self.quantity <= 0:
            raise ValueError(f"{name}: quantity must be more than 0, got {self.quantity}")
        if kind is MovementKind.RECEIVE and self.unit_cost is None:
            raise ValueError(f"{name}: a receipt needs a unit_cost (Decimal, e.g. '38.50')")
        if self.unit_cost is not None and not (
            kind is MovementKind.RECEIVE or (kind is MovementKind.ADJUST and not self.loss)
        ):
            raise ValueError(
                f"{name}: unit_cost is given on receipts and stocktake gains only; this movement "
                "is valued by the ledger"
            )
        if self.loss and kind is not MovementKind.ADJUST:
            raise ValueError(f"{name}: loss is set on ADJUST movements only")
        if (kind is MovementKind.TRANSFER) != (self.to_store is not None):
            raise ValueError(f"{name}: to_store is given on TRANSFER movements and only there")
        if self.to_store is not None and self.to_store == self.store:
            raise ValueError(f"{name}: to_store must differ from store {self.store!r}")
        if kind in TO_COST_OBJECT:
            if self.order_id is None and self.department is None:
                raise ValueError(f"{name}: give the order_id or the department it concerns")
        elif self.order_id is not None or self.department is not None:
            raise ValueError(
                f"{name}: order_id and department belong to ISSUE, RETURN and HANDBACK movements"
            )
        return self

    @property
    def cost_object(self) -> str | None:
        """What an ISSUE, RETURN or HANDBACK is charged to: ``"order:<id>"`` or
        ``"department:<name>"``; None for other kinds."""
        if self.order_id is not None:
            return f"order:{self.order_id}"
        if self.department is not None:
            return f"department:{self.department}"
        return None
