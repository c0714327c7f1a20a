"""hosplogi.stores: the stock ledger, its valuation and the storekeeper's questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import HosplogiError, WorkOrder
from hosplogi.orders import HoldReason
from hosplogi.stores import (
    Item,
    Movement,
    MovementKind,
    StockLedger,
    consumption,
    issued,
    missing_handbacks,
    reorder,
    returned,
    stock,
    stocktake,
    waiting_for_stock,
)

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
CENT = Decimal("0.01")
VALVE = Item(sku="V-DN25", name="Gate valve DN25", category="plumbing")
LAMP = Item(sku="LAMP", name="Operating lamp bulb", durable=True)
CABLE = Item(sku="CABLE", name="Cable 2.5 mm²", unit="m")
ITEMS = (VALVE, LAMP, CABLE)


def mv(mid: str, kind: str, sku: str, qty: str | int, minutes: int = 0, **kw: object) -> Movement:
    return Movement(
        id=mid,
        kind=kind,
        sku=sku,
        store=kw.pop("store", "main"),
        quantity=Decimal(qty),
        at=T0 + timedelta(minutes=minutes),
        **kw,
    )


def rx(mid: str, sku: str, qty: str | int, cost: str, minutes: int = 0, **kw: object) -> Movement:
    return mv(mid, "receive", sku, qty, minutes, unit_cost=Decimal(cost), **kw)


# -- valuation: moving weighted average ----------------------------------------------------------


def test_moving_average_after_two_receipts_values_an_issue() -> None:
    ledger = StockLedger(
        ITEMS,
        [
            rx("R1", "V-DN25", 10, "3.00"),
            rx("R2", "V-DN25", 5, "3.60", 1),
            mv("I1", "issue", "V-DN25", 4, 2, order_id="WO-1"),
        ],
    )
    [line] = stock(ledger, T0 + timedelta(minutes=2))
    assert (line.quantity, line.value, line.average_cost) == (
        Decimal(11),
        Decimal("35.20"),
        Decimal("3.2000"),
    )
    assert ledger.value_of("I1") == Decimal("12.80")


def test_the_last_unit_out_takes_exactly_what_is_left() -> None:
    ledger = StockLedger(ITEMS, [rx("R1", "V-DN25", 3, "3.3333")])  # 9.9999 → 10.00
    for i in range(3):
        ledger = ledger.append(mv(f"I{i}", "issue", "V-DN25", 1, 1, department="ICU"))
    values = [ledger.value_of(f"I{i}") for i in range(3)]
    assert values == [Decimal("3.33"), Decimal("3.34"), Decimal("3.33")]
    assert sum(values) == Decimal("10.00")
    assert ledger.on_hand("main", "V-DN25") == (Decimal(0), Decimal("0.00"))


def test_a_fractional_unit_cost_is_kept_to_four_places() -> None:
    ledger = StockLedger(ITEMS, [rx("R1", "CABLE", "1000", "0.1250")])
    assert ledger.on_hand("main", "CABLE") == (Decimal(1000), Decimal("125.00"))


def test_transfer_moves_stock_at_the_average_cost() -> None:
    ledger = StockLedger(
        ITEMS,
        [
            rx("R1", "V-DN25", 2, "40.00"),
            rx("R2", "V-DN25", 1, "43.00"),
            mv("T1", "transfer", "V-DN25", 1, 1, to_store="ward5"),
        ],
    )
    assert ledger.on_hand("ward5", "V-DN25") == (Decimal(1), Decimal("41.00"))
    assert ledger.on_hand("main", "V-DN25") == (Decimal(2), Decimal("82.00"))


def test_return_is_valued_at_its_issue_cost_not_the_new_average() -> None:
    ledger = StockLedger(
        ITEMS,
        [
            rx("R1", "V-DN25", 2, "40.00"),
            mv("I1", "issue", "V-DN25", 1, 1, order_id="WO-1"),
            rx("R2", "V-DN25", 1, "70.00", 2),
            mv("B1", "return", "V-DN25", 1, 3, order_id="WO-1"),
        ],
    )
    assert ledger.value_of("B1") == Decimal("40.00")
    assert ledger.on_hand("main", "V-DN25") == (Decimal(3), Decimal("150.00"))
    assert [x.cost for x in returned(ledger, order_id="WO-1")] == [Decimal("40.00")]


def test_handback_moves_no_stock_and_no_value() -> None:
    ledger = StockLedger(
        ITEMS,
        [
            rx("R1", "LAMP", 2, "30.00"),
            mv("I1", "issue", "LAMP", 1, 1, order_id="WO-1"),
            mv("H1", "handback", "LAMP", 1, 2, order_id="WO-1"),
        ],
    )
    assert ledger.value_of("H1") == Decimal("0.00")
    assert ledger.on_hand("main", "LAMP") == (Decimal(1), Decimal("30.00"))
    assert missing_handbacks(ledger, T0 + timedelta(minutes=2)) == []
    assert [x.movement_id for x in missing_handbacks(ledger, T0 + timedelta(minutes=1))] == ["I1"]


def test_scrap_and_stocktake_loss_take_the_average() -> None:
    ledger = StockLedger(
        ITEMS,
        [
            rx("R1", "V-DN25", 4, "10.00"),
            mv("S1", "scrap", "V-DN25", 1, 1),
            mv("A1", "adjust", "V-DN25", 1, 2, loss=True),
            mv("A2", "adjust", "V-DN25", 2, 3),
        ],
    )
    assert [ledger.value_of(i) for i in ("S1", "A1", "A2")] == [Decimal("10.00")] * 2 + [
        Decimal("20.00")
    ]
    assert ledger.on_hand("main", "V-DN25") == (Decimal(4), Decimal("40.00"))


# -- refusals, each naming the movement; a refused movement changes nothing ----------------------


@pytest.mark.parametrize(
    ("movement", "message"),
    [
        (lambda: mv("I9", "issue", "V-DN25", 5, 9, order_id="WO-1"), "I9.*stock below zero"),
        (lambda: mv("I9", "issue", "NOPE", 1, 9, order_id="WO-1"), "I9.*unknown sku 'NOPE'"),
        (lambda: mv("I9", "issue", "V-DN25", 1, 9, store="x", order_id="W"), "I9.*unknown store"),
        (lambda: rx("R1", "V-DN25", 1, "1", 9), "R1.*duplicate movement id"),
        (lambda: mv("B9", "return", "V-DN25", 2, 9, order_id="WO-1"), "B9.*returns more than"),
        (lambda: mv("B9", "return", "V-DN25", 1, 9, order_id="WO-2"), "B9.*returns more than"),
        (lambda: rx("R9", "V-DN25", 1, "1", -60), "R9.*out of time order"),
        (lambda: mv("H9", "handback", "V-DN25", 1, 9, order_id="WO-1"), "H9.*only durable"),
        (lambda: mv("T9", "transfer", "V-DN25", 9, 9, to_store="w"), "T9.*stock below zero"),
    ],
)
def test_a_refused_movement_names_itself_and_changes_nothing(
    movement: object, message: str
) -> None:
    ledger = StockLedger(
        ITEMS, [rx("R1", "V-DN25", 3, "40.00"), mv("I1", "issue", "V-DN25", 1, 1, order_id="WO-1")]
    )
    before = ledger.model_dump_json()
    made = movement()  # type: ignore[operator]
    with pytest.raises(HosplogiError, match=message):
        ledger.append(made)
    assert ledger.model_dump_json() == before
    assert len(ledger.movements) == 2
    with pytest.raises(ValidationError, match=message):
        StockLedger(ITEMS, [*ledger.movements, made])


def test_handing_back_more_than_was_issued_is_refused() -> None:
    ledger = StockLedger(
        ITEMS, [rx("R1", "LAMP", 3, "30"), mv("I1", "issue", "LAMP", 1, 1, department="OR")]
    )
    with pytest.raises(HosplogiError, match=r"H1.*hands back more than the 1 new LAMP"):
        ledger.append(mv("H1", "handback", "LAMP", 2, 2, department="OR"))


def test_a_receipt_without_a_unit_cost_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"R1.*a receipt needs a unit_cost"):
        mv("R1", "receive", "V-DN25", 1)


@pytest.mark.parametrize("field", ["unit_cost", "quantity"])
def test_float_money_and_float_quantities_are_refused(field: str) -> None:
    data = {"id": "R1", "kind": "receive", "sku": "S", "store": "main", "at": T0,
            "quantity": Decimal(1), "unit_cost": Decimal(1)}  # fmt: skip
    data[field] = 2.5
    with pytest.raises(ValidationError, match=r"not float 2\.5; write Decimal\('2\.5'\)"):
        Movement(**data)


def test_too_many_decimal_places_are_refused_not_rounded() -> None:
    with pytest.raises(ValidationError, match="more than 4 decimal places"):
        rx("R1", "CABLE", 1, "0.12345")
    with pytest.raises(ValidationError, match="more than 6 decimal places"):
        mv("I1", "scrap", "CABLE", "0.0000001")


def test_declared_stores_refuse_a_transfer_elsewhere() -> None:
    ledger = StockLedger(ITEMS, [rx("R1", "V-DN25", 2, "40")], stores=("main", "ward5"))
    ledger.append(mv("T1", "transfer", "V-DN25", 1, 1, to_store="ward5"))
    with pytest.raises(HosplogiError, match=r"T2.*unknown store 'ward6'; stores are declared"):
        ledger.append(mv("T2", "transfer", "V-DN25", 1, 1, to_store="ward6"))
    with pytest.raises(ValidationError, match=r"R2.*unknown store 'other'"):
        StockLedger(ITEMS, [rx("R2", "V-DN25", 2, "40", store="other")], stores=("main",))


def test_movement_fields_must_fit_the_kind() -> None:
    with pytest.raises(ValidationError, match="give the order_id or the department"):
        mv("I1", "issue", "V-DN25", 1)
    with pytest.raises(ValidationError, match="to_store is given on TRANSFER"):
        mv("T1", "transfer", "V-DN25", 1)
    with pytest.raises(ValidationError, match="unit_cost is given on receipts"):
        mv("I1", "issue", "V-DN25", 1, order_id="W", unit_cost=Decimal(1))
    with pytest.raises(ValidationError, match="quantity must be more than 0"):
        mv("S1", "scrap", "V-DN25", 0)


def test_a_stocktake_gain_of_an_item_never_valued_needs_a_cost() -> None:
    ledger = StockLedger(ITEMS, [rx("R1", "V-DN25", 1, "40")])
    with pytest.raises(HosplogiError, match=r"A1.*needs a unit_cost"):
        ledger.append(mv("A1", "adjust", "CABLE", 1, 1))
    gained = ledger.append(mv("A1", "adjust", "CABLE", 5, 1, unit_cost=Decimal("0.5")))
    assert gained.on_hand("main", "CABLE") == (Decimal(5), Decimal("2.50"))


def test_json_round_trip_gives_an_equal_ledger_with_the_same_state() -> None:
    ledger = StockLedger(
        ITEMS,
        [rx("R1", "V-DN25", 3, "40.00"), mv("I1", "issue", "V-DN25", 1, 1, order_id="WO-1")],
        stores=("main",),
    )
    again = StockLedger.model_validate_json(ledger.model_dump_json())
    assert again == ledger
    assert again.on_hand("main", "V-DN25") == (Decimal(2), Decimal("80.00"))


def test_the_callers_decimal_context_does_not_change_values() -> None:
    moves = [rx("R1", "V-DN25", 3, "33.3333"), mv("I1", "issue", "V-DN25", 1, 1, department="X")]
    expected = StockLedger(ITEMS, moves).value_of("I1")
    with localcontext() as ctx:
        ctx.prec = 3
        assert StockLedger(ITEMS, moves).value_of("I1") == expected == Decimal("33.33")


# -- queries --------------------------------------------------------------------------------------


def test_stock_at_a_moment_ignores_later_movements() -> None:
    ledger = StockLedger(ITEMS, [rx("R1", "V-DN25", 3, "40"), rx("R2", "V-DN25", 1, "44", 60)])
    assert [s.quantity for s in stock(ledger, T0 + timedelta(minutes=59))] == [Decimal(3)]
    assert stock(ledger, T0 - timedelta(seconds=1)) == []
    assert stock(ledger, T0 - timedelta(seconds=1), include_empty=True) == []


def test_issued_filters_by_order_department_and_time() -> None:
    ledger = StockLedger(
        ITEMS,
        [
            rx("R1", "V-DN25", 5, "10"),
            mv("I1", "issue", "V-DN25", 1, 1, order_id="WO-1", department="ICU"),
            mv("I2", "issue", "V-DN25", 1, 2, department="ICU"),
            mv("I3", "issue", "V-DN25", 1, 3, order_id="WO-2"),
        ],
    )
    assert [x.movement_id for x in issued(ledger)] == ["I1", "I2", "I3"]
    assert [x.movement_id for x in issued(ledger, department="ICU")] == ["I1", "I2"]
    assert [x.movement_id for x in issued(ledger, order_id="WO-2")] == ["I3"]
    end = T0 + timedelta(minutes=2)
    assert [x.movement_id for x in issued(ledger, department="ICU", end=end)] == ["I1"]
    used = consumption(ledger)
    assert used.orders == {"WO-1": Decimal("10.00"), "WO-2": Decimal("10.00")}
    assert used.departments == {"ICU": Decimal("10.00")}


def test_reorder_counts_on_hand_over_all_stores_and_on_order() -> None:
    valve = VALVE.model_copy(update={"reorder_point": Decimal(4), "reorder_quantity": Decimal(3)})
    ledger = StockLedger(
        (valve, LAMP, CABLE),
        [rx("R1", "V-DN25", 3, "40"), mv("T1", "transfer", "V-DN25", 1, 1, to_store="ward5")],
    )
    [line] = reorder(ledger, T0 + timedelta(minutes=1))
    assert (line.on_hand, line.on_order, line.suggested) == (Decimal(3), Decimal(0), Decimal(3))
    [line] = reorder(ledger, T0, on_order={"V-DN25": Decimal(1)})
    assert (line.on_hand, line.on_order, line.suggested) == (Decimal(3), Decimal(1), Decimal(3))
    assert reorder(ledger, T0, on_order={"V-DN25": Decimal(2)}) == []
    with pytest.raises(HosplogiError, match="unknown sku 'X'"):
        reorder(ledger, T0, on_order={"X": Decimal(1)})


def test_stocktake_makes_the_books_match_the_count() -> None:
    ledger = StockLedger(ITEMS, [rx("R1", "V-DN25", 10, "2.00"), rx("R2", "CABLE", 100, "0.5")])
    at = T0 + timedelta(days=29)
    counts = {("main", "V-DN25"): Decimal(8), ("main", "CABLE"): Decimal("101.5")}
    moves = stocktake(ledger, counts, at, by="S01")
    assert [(m.sku, m.quantity, m.loss) for m in moves] == [
        ("CABLE", Decimal("1.5"), False),
        ("V-DN25", Decimal(2), True),
    ]
    after = ledger.extend(moves)
    assert after.on_hand("main", "V-DN25") == (Decimal(8), Decimal("16.00"))
    assert after.on_hand("main", "CABLE") == (Decimal("101.5"), Decimal("50.75"))
    assert stocktake(after, counts, at) == ()
    with pytest.raises(HosplogiError, match="unknown store 'ward9'"):
        stocktake(ledger, {("ward9", "CABLE"): Decimal(1)}, at)
    with pytest.raises(HosplogiError, match="count of CABLE at main must be a finite number"):
        stocktake(ledger, {("main", "CABLE"): Decimal(-1)}, at)
    with pytest.raises(HosplogiError, match="never valued there"):
        stocktake(ledger, {("main", "LAMP"): Decimal(1)}, at)


def _held(oid: str, minutes: int, reason: HoldReason = HoldReason.AWAITING_MATERIAL) -> WorkOrder:
    at = T0 + timedelta(minutes=minutes)
    o = WorkOrder.report(id=oid, title="t", trade="plumbing", priority="urgent", reported_at=at,
                         location="L")  # fmt: skip
    return o.dispatch(("P01",), at=at).start(at=at).hold(reason, at=at)


def test_waiting_for_stock_serves_earlier_holds_first() -> None:
    orders = [_held("WO-2", 20), _held("WO-1", 10), _held("WO-3", 30), _held("WO-4", 5, "other")]
    ledger = StockLedger(ITEMS, [rx("R1", "V-DN25", 2, "40", 60), rx("R2", "LAMP", 1, "9", 60)])
    needs = {"WO-1": {"V-DN25": Decimal(1)}, "WO-2": {"V-DN25": Decimal(2)},
             "WO-3": {"V-DN25": Decimal(1), "LAMP": Decimal(1)}}  # fmt: skip
    at = T0 + timedelta(minutes=60)
    # WO-1 takes one valve; WO-2 needs two and takes none; WO-3 gets the last valve and the lamp
    assert waiting_for_stock(orders, ledger, at, needs=needs) == ["WO-1", "WO-3"]
    assert waiting_for_stock(orders, ledger, at - timedelta(seconds=1), needs=needs) == []


def test_waiting_for_stock_reads_orders_as_they_stood_at_the_moment() -> None:
    resumed = _held("WO-1", 10).resume(at=T0 + timedelta(minutes=90))
    ledger = StockLedger(ITEMS, [rx("R1", "V-DN25", 2, "40", 60)])
    needs = {"WO-1": {"V-DN25": 1}}
    assert waiting_for_stock([resumed], ledger, T0 + timedelta(minutes=60), needs=needs) == ["WO-1"]
    assert waiting_for_stock([resumed], ledger, T0 + timedelta(minutes=90), needs=needs) == []


def test_waiting_for_stock_needs_an_entry_for_every_order_on_hold_for_material() -> None:
    ledger = StockLedger(ITEMS)
    with pytest.raises(HosplogiError, match="order WO-1 is on hold for material"):
        waiting_for_stock([_held("WO-1", 0)], ledger, T0, needs={})
    with pytest.raises(HosplogiError, match="must be more than 0"):
        waiting_for_stock([_held("WO-1", 0)], ledger, T0, needs={"WO-1": {"V-DN25": 0}})


# -- properties: conservation, an independent oracle, prefixes and round trips --------------------

STORES = ("main", "ward5")
SKUS = ("V-DN25", "LAMP", "CABLE")
quantities = st.integers(1, 400).map(lambda n: Decimal(n).scaleb(-1))
unit_costs = st.integers(0, 2_000_000).map(lambda n: Decimal(n).scaleb(-4))


@st.composite
def ledgers(draw: st.DrawFn, *, max_moves: int = 30) -> StockLedger:
    """A ledger of valid movements, drawn against a running tally so none is refused."""
    on_hand: dict[tuple[str, str], Decimal] = {}
    valued: set[tuple[str, str]] = set()
    out: dict[tuple[str, str], Decimal] = {}  # (cost object, sku) → issued and not returned
    due: dict[tuple[str, str], Decimal] = {}
    moves: list[Movement] = []
    at = T0
    for i in range(draw(st.integers(1, max_moves))):
        at += draw(st.sampled_from((timedelta(0), timedelta(minutes=7), timedelta(days=1))))
        store, sku = draw(st.sampled_from(STORES)), draw(st.sampled_from(SKUS))
        have = on_hand.get((store, sku), Decimal(0))
        who = draw(st.sampled_from(({"order_id": "WO-1"}, {"order_id": "WO-2"},
                                    {"department": "ICU"})))  # fmt: skip
        target = (who.get("order_id") or "dept", sku)
        options = ["receive"]
        if have > 0:
            options += ["issue", "scrap", "transfer", "loss"]
        opened = any(k[0] == store for k in valued)  # a store opens with stock coming in
        if out.get(target, 0) > 0 and opened:
            options.append("return")
        if due.get(target, 0) > 0 and opened:
            options.append("handback")
        if (store, sku) in valued:
            options.append("gain")
        kind = draw(st.sampled_from(options))
        q = draw(quantities)
        base = {"id": f"M{i}", "sku": sku, "store": store, "at": at}
        if kind == "receive":
            m = Movement(kind="receive", quantity=q, unit_cost=draw(unit_costs), **base)
        elif kind == "gain":
            m = Movement(kind="adjust", quantity=q, **base)
        elif kind in ("issue", "scrap", "transfer", "loss"):
            q = min(q, have)
            extra: dict[str, object] = {}
            if kind == "issue":
                extra = who
                out[target] = out.get(target, Decimal(0)) + q
                if sku == "LAMP":
                    due[target] = due.get(target, Decimal(0)) + q
            elif kind == "transfer":
                extra = {"to_store": STORES[1 - STORES.index(store)]}
                to = (extra["to_store"], sku)
                on_hand[to] = on_hand.get(to, Decimal(0)) + q  # type: ignore[index]
                valued.add(to)  # type: ignore[arg-type]
            elif kind == "loss":
                extra = {"loss": True}
            m = Movement(kind="adjust" if kind == "loss" else kind, quantity=q, **base, **extra)
            have -= q
        elif kind == "return":
            q = min(q, out[target])
            out[target] -= q
            if sku == "LAMP":
                due[target] = max(Decimal(0), due[target] - q)
            m = Movement(kind="return", quantity=q, **base, **who)
        else:
            q = min(q, due[target])
            due[target] -= q
            m = Movement(kind="handback", quantity=q, **base, **who)
        coming_in = (MovementKind.RECEIVE, MovementKind.RETURN, MovementKind.ADJUST)
        if m.kind in coming_in and not m.loss:
            have += q
            valued.add((store, sku))
        on_hand[store, sku] = have
        moves.append(m)
    return StockLedger(ITEMS, moves)


SIGN = {
    MovementKind.RECEIVE: 1,
    MovementKind.ISSUE: -1,
    MovementKind.RETURN: 1,
    MovementKind.HANDBACK: 0,
    MovementKind.SCRAP: -1,
}


def _sign(m: Movement, store: str) -> int:
    if m.kind is MovementKind.TRANSFER:
        return -1 if m.store == store else 1
    if m.kind is MovementKind.ADJUST:
        return -1 if m.loss else 1
    return SIGN[m.kind]


@given(ledgers())
def test_receipts_minus_issues_plus_returns_minus_scrap_plus_adjustments_is_on_hand(
    ledger: StockLedger,
) -> None:
    end = ledger.movements[-1].at
    lines = {(s.store, s.sku): s for s in stock(ledger, end, include_empty=True)}
    for store in STORES:
        for sku in SKUS:
            qty, value = Decimal(0), Decimal(0)
            for m in ledger.movements:
                if m.sku == sku and store in (m.store, m.to_store):
                    sign = _sign(m, store)
                    qty += sign * m.quantity
                    value += sign * ledger.value_of(m.id)
            line = lines.get((store, sku))
            got = (line.quantity, line.value) if line else (0, 0)
            assert got == (qty, value)
            assert value >= 0
    total_value = sum(s.value for s in lines.values())
    money_in = sum(
        ledger.value_of(m.id)
        for m in ledger.movements
        if m.kind in (MovementKind.RECEIVE, MovementKind.RETURN)
        or (m.kind is MovementKind.ADJUST and not m.loss)
    )
    money_out = sum(
        ledger.value_of(m.id)
        for m in ledger.movements
        if m.kind in (MovementKind.ISSUE, MovementKind.SCRAP)
        or (m.kind is MovementKind.ADJUST and m.loss)
    )
    assert total_value == money_in - money_out  # transfers move value, never make or lose a cent


def _oracle(ledger: StockLedger) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """Moving weighted average in plain Decimal arithmetic, independent of the ledger's ints."""
    book: dict[tuple[str, str], list[Decimal]] = {}
    last: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    pools: dict[tuple[str | None, str], list[Decimal]] = {}

    def part(value: Decimal, q: Decimal, whole: Decimal) -> Decimal:
        return value if q == whole else (value * q / whole).quantize(CENT, ROUND_HALF_UP)

    with localcontext() as ctx:
        ctx.prec = 60
        for m in ledger.movements:
            key = (m.store, m.sku)
            qty, value = book.setdefault(key, [Decimal(0), Decimal(0)])
            q = m.quantity
            if m.kind is MovementKind.RECEIVE:
                assert m.unit_cost is not None
                moved = (q * m.unit_cost).quantize(CENT, ROUND_HALF_UP)
                book[key] = [qty + q, value + moved]
            elif m.kind is MovementKind.ADJUST and not m.loss:
                lq, lv = last[key]
                book[key] = [qty + q, value + part(lv, q, lq)]
            elif m.kind is MovementKind.RETURN:
                pool = pools[m.cost_object, m.sku]
                moved = part(pool[1], q, pool[0])
                pool[0] -= q
                pool[1] -= moved
                book[key] = [qty + q, value + moved]
            elif m.kind is not MovementKind.HANDBACK:
                moved = part(value, q, qty)
                book[key] = [qty - q, value - moved]
                if m.kind is MovementKind.ISSUE:
                    pool = pools.setdefault((m.cost_object, m.sku), [Decimal(0), Decimal(0)])
                    pool[0] += q
                    pool[1] += moved
                if m.kind is MovementKind.TRANSFER:
                    assert m.to_store is not None
                    to = book.setdefault((m.to_store, m.sku), [Decimal(0), Decimal(0)])
                    book[m.to_store, m.sku] = [to[0] + q, to[1] + moved]
                    last[m.to_store, m.sku] = tuple(book[m.to_store, m.sku])  # type: ignore[assignment]
            if book[key][0]:
                last[key] = tuple(book[key])  # type: ignore[assignment]
    return {k: (v[0], v[1]) for k, v in book.items() if v[0] or v[1]}


@given(ledgers())
def test_stock_equals_a_plain_decimal_replay(ledger: StockLedger) -> None:
    lines = stock(ledger, ledger.movements[-1].at)
    assert {(s.store, s.sku): (s.quantity, s.value) for s in lines} == _oracle(ledger)


@given(ledgers(), st.data())
def test_stock_at_a_moment_equals_the_ledger_of_the_movements_until_then(
    ledger: StockLedger, data: st.DataObject
) -> None:
    k = data.draw(st.integers(1, len(ledger.movements)))
    at = ledger.movements[k - 1].at
    prefix = StockLedger(ITEMS, [m for m in ledger.movements if m.at <= at])
    assert stock(ledger, at) == stock(prefix, at)


@given(ledgers())
def test_appending_one_by_one_equals_building_whole_and_json_round_trips(
    ledger: StockLedger,
) -> None:
    grown = StockLedger(ITEMS)
    for m in ledger.movements:
        grown = grown.append(m)
    assert grown == ledger
    end = ledger.movements[-1].at
    assert stock(grown, end) == stock(ledger, end)
    again = StockLedger.model_validate_json(ledger.model_dump_json())
    assert again == ledger
    assert stock(again, end) == stock(ledger, end)


def test_a_stock_line_past_the_stated_bounds_is_refused_not_overflowed() -> None:
    big = Decimal("999999999999")
    ledger = StockLedger(
        ITEMS, [rx("R1", "CABLE", big, "0"), rx("R2", "CABLE", big, "0", store="w")]
    )
    with pytest.raises(HosplogiError, match=r"T1.*a line holds below 1,000,000,000,000 units"):
        ledger.append(mv("T1", "transfer", "CABLE", big, 1, to_store="w"))
    with pytest.raises(HosplogiError, match=r"R3.*a line holds below"):
        ledger.append(rx("R3", "CABLE", 1, "0", 1))


def test_stocktake_counts_must_be_keyed_by_store_and_sku() -> None:
    ledger = StockLedger(ITEMS, [rx("R1", "CABLE", 1, "1")])
    with pytest.raises(HosplogiError, match=r"keyed by \(store, sku\), got 'CABLE'"):
        stocktake(ledger, {"CABLE": Decimal(1)}, T0)  # type: ignore[dict-item]
