"""The storekeeper's questions, answered from a :class:`~hosplogi.stores.StockLedger`.

Every query reads the ledger as it stood at a moment: the movements at or before `at` (or in
``[start, end)``), found by bisection on the ledger's time column, so ``stock(ledger, at)`` costs
O(k log n) for k stock lines and n movements, not a replay.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from hosplogi._checks import checked, guarded
from hosplogi._types import (
    FrozenDict,
    FrozenModel,
    Identifier,
    Instant,
    Money,
    brief,
    require_aware,
    shift,
)
from hosplogi.errors import HosplogiError
from hosplogi.stores.ledger import KeyHistory, StockLedger
from hosplogi.stores.models import Movement, MovementKind
from hosplogi.stores.units import (
    EPOCH,
    US,
    Quantity,
    as_decimal,
    as_money,
    as_quantity,
    micro_units,
    parse_quantity,
    share,
)

__all__ = [
    "Consumption",
    "IssueLine",
    "MissingHandback",
    "ReorderLine",
    "StockLine",
    "consumption",
    "issued",
    "missing_handbacks",
    "reorder",
    "returned",
    "stock",
    "stocktake",
]


class StockLine(FrozenModel):
    """What one store holds of one sku: quantity, value, and the average cost (4 places)."""

    store: Identifier
    sku: Identifier
    quantity: Quantity
    value: Money
    average_cost: Decimal | None
    """value ÷ quantity to four decimal places, half up; None when nothing is on hand."""


class IssueLine(FrozenModel):
    """One ISSUE (or RETURN) and the cost it moved: the average in force when it was issued
    (for a RETURN, the cost at which it had been issued)."""

    movement_id: Identifier
    sku: Identifier
    quantity: Quantity
    cost: Money
    order_id: Identifier | None
    department: Identifier | None
    at: Instant
    store: Identifier


class ReorderLine(FrozenModel):
    """An item at or below its reorder point over all stores, counting what is on order."""

    sku: Identifier
    on_hand: Quantity
    on_order: Quantity
    reorder_point: Quantity
    suggested: Quantity
    """Lots of ``reorder_quantity`` (the reorder point when 0): the fewest that lift on hand +
    on order above the reorder point."""
    arrives_by: Instant
    """When a lot ordered at `at` arrives: `at` + the item's lead time."""


class MissingHandback(FrozenModel):
    """A durable part issued for which no old part has been handed back yet (以旧换新, 001:241)."""

    movement_id: Identifier
    order_id: Identifier | None
    sku: Identifier
    quantity: Quantity
    department: Identifier | None = None


class Consumption(FrozenModel):
    """Net cost of materials (issues − returns), per order and per department used directly.

    An ISSUE or RETURN naming an order counts for that order (``orders``); one naming only a
    department is that department's direct use (``departments``), e.g. bottled water (001:107).
    """

    orders: FrozenDict[Identifier, Money]
    departments: FrozenDict[Identifier, Money]


def _us(at: datetime, name: str) -> int:
    require_aware(at, name)
    return (at - EPOCH) // US


def _cut(ledger: StockLedger, at: datetime, name: str = "at") -> int:
    """How many movements are at or before `at`."""
    return bisect_right(ledger.state.times, _us(at, name))


def _balance(history: KeyHistory, cut: int) -> tuple[int, int]:
    j = bisect_left(history.index, cut) - 1
    return (history.qty[j], history.value[j]) if j >= 0 else (0, 0)


def _average(qty: int, cents: int) -> Decimal | None:
    if not qty:
        return None
    return as_decimal(share(cents * 10**8, 1, qty), 4)


@checked
def stock(
    ledger: StockLedger, at: datetime, *, store: str | None = None, include_empty: bool = False
) -> list[StockLine]:
    """What each store holds of each sku at `at` (movements at or before `at`).

    Parameters
    ----------
    ledger : StockLedger
    at : datetime
        Timezone-aware.
    store : str, optional
        Only this store.
    include_empty : bool
        Also list (store, sku) pairs that have had stock but hold none at `at`.

    Returns
    -------
    list[StockLine]
        Sorted by store, then sku.

    Notes
    -----
    O(k log n) for k (store, sku) pairs and n movements: a bisection per pair in the balances
    the ledger kept when it was built (``benchmarks/bench_stores.py`` compares it with a replay).

    Examples
    --------
    >>> from hosplogi.stores import Item
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ledger = StockLedger([Item(sku="V-DN25")], [
    ...     Movement(id="R1", kind="receive", sku="V-DN25", store="main", quantity=Decimal(2),
    ...              at=t, unit_cost=Decimal("40.00")),
    ...     Movement(id="R2", kind="receive", sku="V-DN25", store="main", quantity=Decimal(1),
    ...              at=t + timedelta(days=1), unit_cost=Decimal("43.00"))])
    >>> [(s.quantity, s.value, s.average_cost) for s in stock(ledger, t + timedelta(days=1))]
    [(Decimal('3'), Decimal('123.00'), Decimal('41.0000'))]
    """
    cut = _cut(ledger, at)
    lines = []
    for (where, sku), history in sorted(ledger.state.keys.items()):
        if store is not None and where != store:
            continue
        qty, cents = _balance(history, cut)
        if qty or cents or (include_empty and history.index and history.index[0] < cut):
            lines.append(
                StockLine(
                    store=where,
                    sku=sku,
                    quantity=as_quantity(qty),
                    value=as_money(cents),
                    average_cost=_average(qty, cents),
                )
            )
    return lines


def _lines(
    ledger: StockLedger,
    kind: MovementKind,
    order_id: str | None,
    department: str | None,
    start: datetime | None,
    end: datetime | None,
) -> list[IssueLine]:
    state = ledger.state
    lo = 0 if start is None else bisect_left(state.times, _us(start, "start"))
    hi = len(state.times) if end is None else bisect_left(state.times, _us(end, "end"))
    if order_id is not None:
        positions: Iterable[int] = state.by_order.get(order_id, ())
    elif department is not None:
        positions = state.by_department.get(department, ())
    else:
        positions = range(lo, hi)
    out = []
    for i in positions:
        if not lo <= i < hi:
            continue
        m = ledger.movements[i]
        if m.kind is not kind or (department is not None and m.department != department):
            continue
        out.append(
            IssueLine(
                movement_id=m.id,
                sku=m.sku,
                quantity=m.quantity,
                cost=as_money(state.values[i]),
                order_id=m.order_id,
                department=m.department,
                at=m.at,
                store=m.store,
            )
        )
    return out


@checked
def issued(
    ledger: StockLedger,
    *,
    order_id: str | None = None,
    department: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[IssueLine]:
    """The ISSUE movements (领用) in ``[start, end)``, to an order and/or a department.

    Each line's cost is the average in force at that moment times the quantity, to the cent.
    With `order_id` or `department` the ledger's index is used: O(issues of that order).

    Examples
    --------
    >>> from hosplogi.stores import Item
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ledger = StockLedger([Item(sku="S1")], [
    ...     Movement(id="R1", kind="receive", sku="S1", store="main", quantity=Decimal(3), at=t,
    ...              unit_cost=Decimal("10.00")),
    ...     Movement(id="I1", kind="issue", sku="S1", store="main", quantity=Decimal(2), at=t,
    ...              order_id="WO-1", department="ICU")])
    >>> [(x.movement_id, x.cost) for x in issued(ledger, department="ICU")]
    [('I1', Decimal('20.00'))]
    """
    return _lines(ledger, MovementKind.ISSUE, order_id, department, start, end)


@checked
def returned(
    ledger: StockLedger,
    *,
    order_id: str | None = None,
    department: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[IssueLine]:
    """The RETURN movements (退库) in ``[start, end)``, each valued at the cost it was issued at.

    Examples
    --------
    >>> from hosplogi.stores import Item
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ledger = StockLedger([Item(sku="S1")], [
    ...     Movement(id="R1", kind="receive", sku="S1", store="main", quantity=Decimal(3), at=t,
    ...              unit_cost=Decimal("10.00")),
    ...     Movement(id="I1", kind="issue", sku="S1", store="main", quantity=Decimal(2), at=t,
    ...              order_id="WO-1"),
    ...     Movement(id="R2", kind="receive", sku="S1", store="main", quantity=Decimal(1), at=t,
    ...              unit_cost=Decimal("16.00")),
    ...     Movement(id="B1", kind="return", sku="S1", store="main", quantity=Decimal(1), at=t,
    ...              order_id="WO-1")])
    >>> [(x.movement_id, x.cost) for x in returned(ledger, order_id="WO-1")]
    [('B1', Decimal('10.00'))]
    """
    return _lines(ledger, MovementKind.RETURN, order_id, department, start, end)


@checked
def consumption(
    ledger: StockLedger, *, start: datetime | None = None, end: datetime | None = None
) -> Consumption:
    """Net materials cost (issues − returns) in ``[start, end)`` per order and per department.

    One pass over the movements in the window: O(n).

    Examples
    --------
    >>> from hosplogi.stores import Item
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ledger = StockLedger([Item(sku="W")], [
    ...     Movement(id="R1", kind="receive", sku="W", store="main", quantity=Decimal(10), at=t,
    ...              unit_cost=Decimal("5.50")),
    ...     Movement(id="I1", kind="issue", sku="W", store="main", quantity=Decimal(4), at=t,
    ...              department="Ward 5")])
    >>> consumption(ledger).departments
    {'Ward 5': Decimal('22.00')}
    """
    state = ledger.state
    lo = 0 if start is None else bisect_left(state.times, _us(start, "start"))
    hi = len(state.times) if end is None else bisect_left(state.times, _us(end, "end"))
    orders: dict[str, int] = {}
    departments: dict[str, int] = {}
    issue, back = MovementKind.ISSUE, MovementKind.RETURN
    movements, values = ledger.movements, state.values
    for i in range(lo, hi):
        m = movements[i]
        kind = m.kind
        if kind is not issue and kind is not back:
            continue
        signed = values[i] if kind is issue else -values[i]
        if m.order_id is not None:
            orders[m.order_id] = orders.get(m.order_id, 0) + signed
        else:
            assert m.department is not None  # checked by Movement
            departments[m.department] = departments.get(m.department, 0) + signed
    return Consumption(
        orders=FrozenDict({k: as_money(v) for k, v in orders.items()}),
        departments=FrozenDict({k: as_money(v) for k, v in departments.items()}),
    )


def _totals(ledger: StockLedger, cut: int) -> dict[str, int]:
    """Micro-units on hand per sku over all stores, after the first `cut` movements."""
    totals: dict[str, int] = {}
    for (_, sku), history in ledger.state.keys.items():
        totals[sku] = totals.get(sku, 0) + _balance(history, cut)[0]
    return totals


@checked
def reorder(
    ledger: StockLedger, at: datetime, *, on_order: Mapping[str, Decimal] | None = None
) -> list[ReorderLine]:
    """Items at or below their reorder point at `at`, over all stores (库存预警, 004:141).

    Parameters
    ----------
    ledger : StockLedger
    at : datetime
    on_order : mapping of sku to Decimal, optional
        Quantities ordered and not yet received, as the purchasing system knows them (the ledger
        records stock, not purchase orders). They count toward the stock position.

    Returns
    -------
    list[ReorderLine]
        For each item with a reorder point above 0 whose position (on hand + on order) is at or
        below it, sorted by sku. `suggested` is the fewest lots of ``reorder_quantity`` (the
        reorder point itself when that is 0) that lift the position above the reorder point.

    Examples
    --------
    >>> from hosplogi.stores import Item
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> valve = Item(sku="V-DN25", reorder_point=Decimal(2), reorder_quantity=Decimal(5),
    ...              lead_time=timedelta(days=3))
    >>> ledger = StockLedger([valve], [Movement(id="R1", kind="receive", sku="V-DN25",
    ...     store="main", quantity=Decimal(1), at=t, unit_cost=Decimal("40"))])
    >>> [(x.on_hand, x.suggested) for x in reorder(ledger, t)]
    [(Decimal('1'), Decimal('5'))]
    >>> reorder(ledger, t, on_order={"V-DN25": Decimal(5)})
    []
    """
    ordered = {sku: micro_units(parse_quantity(q, f"on_order[{sku!r}]")) for sku, q in
               (on_order or {}).items()}  # fmt: skip
    for sku in ordered:
        ledger.item(sku)
    totals = _totals(ledger, _cut(ledger, at))
    lines = []
    for sku, item in sorted(ledger.state.items.items()):
        point = micro_units(item.reorder_point)
        if not point:
            continue
        have, coming = totals.get(sku, 0), ordered.get(sku, 0)
        position = have + coming
        if position > point:
            continue
        lot = micro_units(item.reorder_quantity) or point
        lots = (point - position) // lot + 1
        lines.append(
            ReorderLine(
                sku=sku,
                on_hand=as_quantity(have),
                on_order=as_quantity(coming),
                reorder_point=item.reorder_point,
                suggested=as_quantity(lots * lot),
                arrives_by=shift(at, item.lead_time, name="at"),
            )
        )
    return lines


@guarded
def stocktake(
    ledger: StockLedger,
    counts: Mapping[tuple[str, str], Decimal],
    at: datetime,
    *,
    by: str | None = None,
    reference: str | None = None,
) -> tuple[Movement, ...]:
    """The ADJUST movements that make the books match a count (盘点, month end: 001:243).

    Parameters
    ----------
    ledger : StockLedger
    counts : mapping of (store, sku) to Decimal
        What was counted on the shelves; pairs not counted are left alone.
    at : datetime
        The moment of the count; the movements are dated `at` and have ids
        ``"stocktake:<at>:<store>:<sku>"``.
    by, reference : str, optional
        Recorded on every movement (the counter, the count sheet).

    Returns
    -------
    tuple[Movement, ...]
        One per counted pair that differs from the books at `at`, sorted by (store, sku): a
        gain valued at the average cost in force, or a loss (``loss=True``) taking the
        average. Append them with :meth:`StockLedger.extend`.

    Raises
    ------
    HosplogiError
        An unknown sku or store, a negative count, or a gain of an item that was never valued
        at that store (receive it instead).

    Examples
    --------
    >>> from hosplogi.stores import Item
    >>> t = datetime(2026, 3, 31, 18, tzinfo=timezone.utc)
    >>> ledger = StockLedger([Item(sku="S1")], [Movement(id="R1", kind="receive", sku="S1",
    ...     store="main", quantity=Decimal(10), at=t, unit_cost=Decimal("2.00"))])
    >>> moves = stocktake(ledger, {("main", "S1"): Decimal(8)}, t)
    >>> [(m.kind.value, m.quantity, m.loss) for m in moves]
    [('adjust', Decimal('2'), True)]
    >>> ledger.extend(moves).on_hand("main", "S1")
    (Decimal('8'), Decimal('16.00'))
    """
    cut = _cut(ledger, at)
    state = ledger.state
    out = []
    for pair in counts:
        if not (
            isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        ):
            raise HosplogiError(f"stocktake counts are keyed by (store, sku), got {brief(pair)}")
    for (store, sku), counted in sorted(counts.items()):
        ledger.item(sku)
        if store not in state.stores:
            raise HosplogiError(
                f"stocktake: unknown store {store!r}; stores are {', '.join(sorted(state.stores))}"
            )
        found = micro_units(parse_quantity(counted, f"count of {sku} at {store}"))
        history = state.keys.get((store, sku))
        books = _balance(history, cut)[0] if history is not None else 0
        if found == books:
            continue
        if found > books and (history is None or not history.last_qty):
            raise HosplogiError(
                f"stocktake: {as_quantity(found)} {sku} counted at {store} but the item was "
                "never valued there; record a RECEIVE with its unit cost instead"
            )
        out.append(
            Movement(
                id=f"stocktake:{at.isoformat()}:{store}:{sku}",
                kind=MovementKind.ADJUST,
                sku=sku,
                store=store,
                quantity=as_quantity(abs(found - books)),
                at=at,
                by=by,
                reference=reference,
                loss=found < books,
            )
        )
    return tuple(out)


@checked
def missing_handbacks(ledger: StockLedger, at: datetime) -> list[MissingHandback]:
    """Durable parts issued by `at` whose old part has not been handed back (以旧换新, 001:241).

    Handbacks and returns of a cost object (an order, or a department used directly) settle its
    issues of the same sku oldest first; what is left of each issue is listed. O(n).

    Examples
    --------
    >>> from hosplogi.stores import Item
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ledger = StockLedger([Item(sku="LAMP", durable=True)], [
    ...     Movement(id="R1", kind="receive", sku="LAMP", store="main", quantity=Decimal(5), at=t,
    ...              unit_cost=Decimal("30")),
    ...     Movement(id="I1", kind="issue", sku="LAMP", store="main", quantity=Decimal(2), at=t,
    ...              order_id="WO-7"),
    ...     Movement(id="H1", kind="handback", sku="LAMP", store="main", quantity=Decimal(1),
    ...              at=t, order_id="WO-7")])
    >>> [(x.movement_id, x.quantity) for x in missing_handbacks(ledger, t)]
    [('I1', Decimal('1'))]
    """
    cut = _cut(ledger, at)
    items = ledger.state.items
    issues: dict[tuple[str, str], list[tuple[Movement, int]]] = {}
    settled: dict[tuple[str, str], int] = {}
    for m in ledger.movements[:cut]:
        if m.cost_object is None or not items[m.sku].durable:
            continue
        pair = (m.cost_object, m.sku)
        if m.kind is MovementKind.ISSUE:
            issues.setdefault(pair, []).append((m, micro_units(m.quantity)))
        else:
            settled[pair] = settled.get(pair, 0) + micro_units(m.quantity)
    out = []
    for pair, lines in issues.items():
        left = settled.get(pair, 0)
        for m, qty in lines:
            taken = min(qty, left)
            left -= taken
            if qty > taken:
                out.append(
                    MissingHandback(
                        movement_id=m.id,
                        order_id=m.order_id,
                        sku=m.sku,
                        quantity=as_quantity(qty - taken),
                        department=m.department,
                    )
                )
    return out
