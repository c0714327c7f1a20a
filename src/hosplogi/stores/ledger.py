"""The stock ledger (物资台账): items, movements, and the replay that values them.

The ledger is the record and stock is derived from it, as a work order's status is derived from its
event log. Every movement is checked against the stock before it when the ledger is built (also
from JSON); a ledger that breaks a rule is refused whole, and :meth:`StockLedger.append` returns a
new ledger, so a refused movement changes nothing.

Valuation is the moving weighted average (移动加权平均) per store and sku, in integer cents: a
receipt adds its value (quantity × unit cost, rounded half up to the cent); anything leaving a
store takes the share ``value × quantity / on hand`` of the store's value, rounded half up to
the cent, and the last unit out takes exactly what is left, so no cent is created or lost.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cached_property
from typing import Any, Self

from pydantic import model_validator

from hosplogi._types import MONEY_LIMIT, FrozenModel, Identifier, by_position, require_unique
from hosplogi.errors import HosplogiError
from hosplogi.stores.models import AT_AVERAGE, Item, Movement, MovementKind
from hosplogi.stores.units import (
    CENT_LIMIT,
    EPOCH,
    MICRO,
    QUANTITY_LIMIT,
    US,
    as_money,
    as_quantity,
    micro_units,
    share,
)

__all__ = ["KeyHistory", "Replay", "StockLedger"]

_LINE_LIMIT = int(QUANTITY_LIMIT) * MICRO


def _name(m: Movement) -> str:
    """How error messages name a movement."""
    return (
        f"movement {m.id} ({m.kind.value} {m.quantity} × {m.sku} at {m.store}, {m.at.isoformat()})"
    )


def _grow(m: Movement, key: KeyHistory, position: int, q: int, value: int) -> None:
    """Record `q` units worth `value` cents coming into `key`, within the stated bounds."""
    have, worth = key.on_hand
    have, worth = have + q, worth + value
    if have >= _LINE_LIMIT or worth >= CENT_LIMIT:
        raise HosplogiError(
            f"{_name(m)}: the stock line would reach {as_quantity(have)} units worth "
            f"{as_money(worth)}; a line holds below {QUANTITY_LIMIT:,.0f} units and "
            f"{MONEY_LIMIT:,.0f} in value"
        )
    key.record(position, have, worth)


class KeyHistory:
    """The balances of one (store, sku) after each movement that changed it (append-only)."""

    __slots__ = ("index", "last_qty", "last_value", "qty", "value")

    def __init__(self) -> None:
        self.index = array("q")  # movement positions
        self.qty = array("q")  # micro-units after the movement
        self.value = array("q")  # cents after the movement
        self.last_qty = 0  # the last non-empty balance: the average in force when empty
        self.last_value = 0

    def copy(self) -> KeyHistory:
        new = KeyHistory()
        new.index, new.qty, new.value = self.index[:], self.qty[:], self.value[:]
        new.last_qty, new.last_value = self.last_qty, self.last_value
        return new

    @property
    def on_hand(self) -> tuple[int, int]:
        """(micro-units, cents) now."""
        return (self.qty[-1], self.value[-1]) if self.index else (0, 0)

    def record(self, at: int, qty: int, value: int) -> None:
        self.index.append(at)
        self.qty.append(qty)
        self.value.append(value)
        if qty:
            self.last_qty, self.last_value = qty, value


class Replay:
    """The state a ledger's movements lead to, built once in linear time.

    Attributes (read-only for queries): `times` (µs since the epoch per movement), `values`
    (cents each movement moved), `positions` (movement id → position), `keys` ((store, sku) →
    :class:`KeyHistory`), `pools` ((cost object, sku) → [micro-units, cents] issued and not
    returned), `due` ((cost object, sku) → micro-units of old durable parts still due),
    `by_order` and `by_department` (positions of the ISSUE, RETURN and HANDBACK movements of
    each), `stores` (known stores).
    """

    def __init__(self, items: Iterable[Item], stores: Iterable[str] | None) -> None:
        self.items = {i.sku: i for i in items}
        self.declared = None if stores is None else frozenset(stores)
        self.stores: set[str] = set(self.declared or ())
        self.positions: dict[str, int] = {}
        self.times = array("q")
        self.values = array("q")
        self.keys: dict[tuple[str, str], KeyHistory] = {}
        self.pools: dict[tuple[str, str], list[int]] = {}
        self.due: dict[tuple[str, str], int] = {}
        self.by_order: dict[str, list[int]] = {}
        self.by_department: dict[str, list[int]] = {}
        self.last: Movement | None = None

    def copy(self) -> Replay:
        new = Replay.__new__(Replay)
        new.items, new.declared, new.stores = self.items, self.declared, set(self.stores)
        new.positions, new.times = dict(self.positions), self.times[:]
        new.values = self.values[:]
        new.keys = {k: h.copy() for k, h in self.keys.items()}
        new.pools = {k: list(p) for k, p in self.pools.items()}
        new.due = dict(self.due)
        new.by_order = {k: list(v) for k, v in self.by_order.items()}
        new.by_department = {k: list(v) for k, v in self.by_department.items()}
        new.last = self.last
        return new

    def _store(self, store: str, m: Movement, creates: bool) -> None:
        if store in self.stores:
            return
        if self.declared is None and creates:
            self.stores.add(store)
            return
        known = ", ".join(sorted(self.stores)[:8]) or "none yet"
        how = (
            "declared in stores="
            if self.declared is not None
            else "opened by a RECEIVE or TRANSFER into it"
        )
        raise HosplogiError(f"{_name(m)}: unknown store {store!r}; stores are {how} ({known})")

    def _key(self, store: str, sku: str) -> KeyHistory:
        history = self.keys.get((store, sku))
        if history is None:
            history = self.keys[store, sku] = KeyHistory()
        return history

    def apply(self, m: Movement) -> None:
        """Check `m` against the state and record it, or raise HosplogiError naming it."""
        if m.id in self.positions:
            raise HosplogiError(f"{_name(m)}: duplicate movement id {m.id!r}; ids must be unique")
        item = self.items.get(m.sku)
        if item is None:
            known = ", ".join(sorted(self.items)[:8]) or "none"
            raise HosplogiError(f"{_name(m)}: unknown sku {m.sku!r}; known items: {known}")
        kind = m.kind
        self._store(m.store, m, creates=kind is MovementKind.RECEIVE)
        if m.to_store is not None:
            self._store(m.to_store, m, creates=True)
        if self.last is not None and m.at < self.last.at:
            raise HosplogiError(
                f"{_name(m)}: out of time order; movement {self.last.id} before it is at "
                f"{self.last.at.isoformat()}; movements must be in time order"
            )
        position = len(self.times)
        q = micro_units(m.quantity)
        key = self._key(m.store, m.sku)
        have, worth = key.on_hand
        value = 0
        if kind is MovementKind.RECEIVE or (kind is MovementKind.ADJUST and not m.loss):
            value = self._value_in(m, key, q)
            _grow(m, key, position, q, value)
        elif kind in AT_AVERAGE or kind is MovementKind.ADJUST:
            if q > have:
                raise HosplogiError(
                    f"{_name(m)}: stock below zero; on hand at {m.store} is {as_quantity(have)}"
                )
            value = share(worth, q, have)
            key.record(position, have - q, worth - value)
            if kind is MovementKind.TRANSFER:
                assert m.to_store is not None  # checked by Movement
                _grow(m, self._key(m.to_store, m.sku), position, q, value)
            elif kind is MovementKind.ISSUE:
                self._issue(m, item, q, value)
        else:
            value = self._back(m, item, key, q)
        self.positions[m.id] = position
        self.times.append((m.at - EPOCH) // US)
        self.values.append(value)
        self.last = m

    def _value_in(self, m: Movement, key: KeyHistory, q: int) -> int:
        if m.unit_cost is not None:
            n, d = m.unit_cost.as_integer_ratio()
            value = int((2 * q * n * 100 + MICRO * d) // (2 * MICRO * d))
            if value >= CENT_LIMIT:
                raise HosplogiError(
                    f"{_name(m)}: value {as_money(value)} is out of range; amounts lie below "
                    f"{MONEY_LIMIT:,.0f}"
                )
            return value
        if not key.last_qty:
            raise HosplogiError(
                f"{_name(m)}: a stocktake gain of an item never valued at {m.store} needs a "
                "unit_cost"
            )
        return share(key.last_value, q, key.last_qty)

    def _issue(self, m: Movement, item: Item, q: int, value: int) -> None:
        target = m.cost_object
        assert target is not None  # checked by Movement
        pool = self.pools.setdefault((target, m.sku), [0, 0])
        pool[0] += q
        pool[1] += value
        if item.durable:
            self.due[target, m.sku] = self.due.get((target, m.sku), 0) + q
        self._index(m)

    def _back(self, m: Movement, item: Item, key: KeyHistory, q: int) -> int:
        """A RETURN (valued at its issue cost) or a HANDBACK (no stock, no value)."""
        target = m.cost_object
        assert target is not None  # checked by Movement
        whom = f"order {m.order_id}" if m.order_id is not None else f"department {m.department}"
        if m.kind is MovementKind.HANDBACK:
            if not item.durable:
                raise HosplogiError(
                    f"{_name(m)}: only durable items (Item.durable) are handed back; {m.sku} is not"
                )
            due = self.due.get((target, m.sku), 0)
            if q > due:
                raise HosplogiError(
                    f"{_name(m)}: hands back more than the {as_quantity(due)} new {m.sku} issued "
                    f"to {whom} and not yet matched by a return or a handback"
                )
            self.due[target, m.sku] = due - q
            self._index(m)
            return 0
        pool = self.pools.get((target, m.sku), [0, 0])
        if q > pool[0]:
            raise HosplogiError(
                f"{_name(m)}: returns more than was issued; {whom} holds {as_quantity(pool[0])} "
                f"of {m.sku} issued and not yet returned"
            )
        value = share(pool[1], q, pool[0])
        pool[0] -= q
        pool[1] -= value
        if item.durable:
            self.due[target, m.sku] = max(0, self.due.get((target, m.sku), 0) - q)
        _grow(m, key, len(self.times), q, value)
        self._index(m)
        return value

    def _index(self, m: Movement) -> None:
        position = len(self.times)
        if m.order_id is not None:
            self.by_order.setdefault(m.order_id, []).append(position)
        if m.department is not None:
            self.by_department.setdefault(m.department, []).append(position)


class StockLedger(FrozenModel):
    """The record of every stock movement, checked whole; stock and value derive from it.

    Parameters
    ----------
    items : tuple[Item, ...]
        The stock items; skus unique.
    movements : tuple[Movement, ...]
        In time order (equal times keep their given order).
    stores : tuple[str, ...], optional
        The stores (库房). When given, every movement's store and to_store must be one of them.
        When None (the default), a store opens with its first RECEIVE or the first TRANSFER into
        it, and any other movement at a store not yet open is refused as an unknown store.

    `items` and `movements` may be passed by position: ``StockLedger(items, movements)``.

    Raises
    ------
    pydantic.ValidationError
        Naming the first movement that takes stock below zero, names an unknown sku or store,
        repeats an id, returns more than was issued to its order or department, hands back more
        durable parts than were issued, or is earlier than the movement before it; or a malformed
        movement (a receipt without a unit cost, a float quantity or cost, ...).

    Notes
    -----
    Building a ledger replays it once: O(n) time for n movements, and about 40 bytes of derived
    state per movement beside the movements themselves. :meth:`append` checks only the new
    movement against the state and copies the state (O(n) copying, as the movements tuple needs).

    Examples
    --------
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> valve = Item(sku="V-DN25", name="Gate valve DN25", category="plumbing")
    >>> ledger = StockLedger([valve], [
    ...     Movement(id="M1", kind="receive", sku="V-DN25", store="main", quantity=Decimal(3),
    ...              at=t, unit_cost=Decimal("38.50"))])
    >>> ledger = ledger.append(Movement(id="M2", kind="issue", sku="V-DN25", store="main",
    ...     quantity=Decimal(1), at=t + timedelta(hours=5), order_id="WO-0303"))
    >>> ledger.on_hand("main", "V-DN25")
    (Decimal('2'), Decimal('77.00'))
    >>> ledger.append(Movement(id="M3", kind="issue", sku="V-DN25", store="main",
    ...     quantity=Decimal(5), at=t + timedelta(hours=6), order_id="WO-0304"))
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: movement M3 (issue 5 × V-DN25 at main, \
2026-03-02T15:00:00+00:00): stock below zero; on hand at main is 2
    """

    items: tuple[Item, ...] = ()
    movements: tuple[Movement, ...] = ()
    stores: tuple[Identifier, ...] | None = None

    def __init__(self, /, *args: Any, **data: Any) -> None:
        data = by_position("StockLedger", ("items", "movements", "stores"), args, data)
        for name in ("items", "movements", "stores"):
            if isinstance(data.get(name), Iterable) and not isinstance(
                data[name], str | bytes | Mapping | tuple | list
            ):
                data[name] = tuple(data[name])
        super().__init__(**data)

    @model_validator(mode="after")
    def _replay_all(self) -> Self:
        require_unique((i.sku for i in self.items), "item skus")
        if self.stores is not None:
            require_unique(self.stores, "stores")
        _ = self.state  # replays and keeps the state, or raises naming the movement
        return self

    @cached_property
    def state(self) -> Replay:
        """The derived state (read-only): balances, values and indexes; see :class:`Replay`."""
        replay = Replay(self.items, self.stores)
        for m in self.movements:
            replay.apply(m)
        return replay

    def append(self, movement: Movement | Mapping[str, Any]) -> StockLedger:
        """Return a new ledger with `movement` recorded; this ledger is unchanged.

        Raises
        ------
        HosplogiError
            Naming the movement, when it breaks a rule of the ledger (see :class:`StockLedger`).
        pydantic.ValidationError
            If `movement` is a mapping that is not a valid :class:`Movement`.
        """
        return self.extend((movement,))

    def extend(self, movements: Iterable[Movement | Mapping[str, Any]]) -> StockLedger:
        """Return a new ledger with `movements` recorded in order; all or nothing.

        Examples
        --------
        >>> StockLedger([Item(sku="S1")]).extend([]).movements
        ()
        """
        added = tuple(
            m if isinstance(m, Movement) else Movement.model_validate(m) for m in movements
        )
        replay = self.state.copy()
        for m in added:
            replay.apply(m)
        new = type(self).model_construct(
            items=self.items, movements=(*self.movements, *added), stores=self.stores
        )
        new.__dict__["state"] = replay
        return new

    def item(self, sku: str) -> Item:
        """The item `sku`, or a HosplogiError naming the known ones."""
        found = self.state.items.get(sku)
        if found is None:
            known = ", ".join(sorted(self.state.items)[:8]) or "none"
            raise HosplogiError(f"unknown sku {sku!r}; known items: {known}")
        return found

    def on_hand(self, store: str, sku: str) -> tuple[Decimal, Decimal]:
        """(quantity, value) of `sku` at `store` after the last movement.

        Examples
        --------
        >>> StockLedger([Item(sku="S1")]).on_hand("main", "S1")
        (Decimal('0'), Decimal('0.00'))
        """
        history = self.state.keys.get((store, sku))
        qty, cents = history.on_hand if history is not None else (0, 0)
        return as_quantity(qty), as_money(cents)

    def value_of(self, movement_id: str) -> Decimal:
        """The value `movement_id` moved, to the cent (a HANDBACK moves none).

        Examples
        --------
        >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> StockLedger([Item(sku="S1")], [Movement(id="R1", kind="receive", sku="S1",
        ...     store="main", quantity=Decimal(3), at=t, unit_cost=Decimal("0.125"))]
        ... ).value_of("R1")
        Decimal('0.38')
        """
        position = self.state.positions.get(movement_id)
        if position is None:
            raise HosplogiError(f"no movement {movement_id!r} in this ledger")
        return as_money(self.state.values[position])
