"""Shared types: money, instants, durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz
from hypothesis import given
from hypothesis import strategies as st

from hosplogi import HosplogiError, WorkOrder, _types
from hosplogi._types import to_money


def test_money_is_quantised_half_up_to_the_cent() -> None:
    assert to_money(Decimal("2.675")) == Decimal("2.68")
    assert to_money("-2.675") == Decimal("-2.68")
    assert to_money(7) == Decimal("7.00")


@pytest.mark.parametrize("bad", [0.1, True, "ten", Decimal("NaN"), Decimal("Infinity"), None])
def test_money_refuses_floats_and_non_numbers(bad: object) -> None:
    with pytest.raises(HosplogiError, match="amount"):
        to_money(bad)


def test_float_money_error_says_how_to_write_it_exactly() -> None:
    with pytest.raises(HosplogiError, match=r"Decimal\('0.1'\)"):
        to_money(0.1)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**9, min_value=-(10**9)
    )
)
def test_money_is_within_half_a_cent_of_the_input(value: Decimal) -> None:
    assert abs(to_money(value) - value) <= Decimal("0.005")


def test_require_non_negative_refuses_negative_and_non_timedeltas() -> None:
    from hosplogi._types import require_non_negative

    with pytest.raises(HosplogiError, match="zero or more"):
        require_non_negative(timedelta(seconds=-1), "duration")
    with pytest.raises(HosplogiError, match="timedelta"):
        require_non_negative(5, "duration")  # type: ignore[arg-type]


def test_require_aware_refuses_non_datetimes() -> None:
    from hosplogi._types import require_aware

    with pytest.raises(HosplogiError, match="timezone-aware datetime"):
        require_aware("2026-01-01", "now")  # type: ignore[arg-type]
    assert require_aware(datetime(2026, 1, 1, tzinfo=UTC), "now").year == 2026


def _order(i: int) -> WorkOrder:
    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return WorkOrder.report(
        id=f"WO-{i}", title="t", trade="hvac", priority="urgent", reported_at=t0, location="L"
    ).dispatch(["T01"], at=t0 + timedelta(minutes=i))


def test_models_with_the_same_given_fields_share_one_fields_set() -> None:
    a, b = _order(1), _order(2)
    assert a.model_fields_set is b.model_fields_set
    assert a.events[1].model_fields_set is b.events[1].model_fields_set
    la, lb = (WorkOrder.model_validate_json(o.model_dump_json()) for o in (a, b))
    assert la.events[1].model_fields_set is lb.events[1].model_fields_set
    assert la == a


def test_model_copy_with_update_leaves_the_shared_set_alone() -> None:
    a, b = _order(1), _order(2)
    before = set(a.model_fields_set)
    c = a.model_copy(update={"department": "ICU"})
    assert c.department == "ICU"
    assert c.model_fields_set == before | {"department"}
    assert a.model_fields_set == before
    assert b.model_fields_set == before
    assert c.model_dump(exclude_unset=True)["department"] == "ICU"


def test_the_shared_table_is_bounded() -> None:
    from hosplogi import _types

    saved = dict(_types._FIELDS_SETS)
    try:
        _types._FIELDS_SETS.update({frozenset({f"f{i}"}): {f"f{i}"} for i in range(5000)})
        first = _types.shared_fields_set(["brand", "new"])
        assert first == {"brand", "new"}
        assert _types.shared_fields_set(["brand", "new"]) is not first  # not remembered
    finally:
        _types._FIELDS_SETS.clear()
        _types._FIELDS_SETS.update(saved)


def test_instants_read_from_json_share_one_zone_per_offset() -> None:
    a, b = _order(1), _order(2)
    la, lb = (WorkOrder.model_validate_json(o.model_dump_json()) for o in (a, b))
    zones = {id(e.at.tzinfo) for o in (la, lb) for e in o.events}
    assert len(zones) == 1
    assert type(la.events[0].at.tzinfo) is timezone
    assert la == a


@pytest.mark.parametrize(
    ("zone", "offset"),
    [
        (ZoneInfo("Asia/Shanghai"), timedelta(hours=8)),
        (tz.tzoffset("BRT", -3 * 3600), timedelta(hours=-3)),
        (tz.gettz("Europe/London"), timedelta(hours=1)),
    ],
)
def test_other_zones_are_pinned_to_a_shared_fixed_offset(
    zone: tzinfo, offset: timedelta, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the shared offsets are kept while fewer than 1,024: start from none, whatever ran before
    # (hypothesis tests elsewhere draw many offsets; a full table made this fail by test order)
    monkeypatch.setattr(_types, "_ZONES", {})
    at = datetime(2026, 7, 1, 9, tzinfo=zone)
    o = WorkOrder.report(
        id="WO-Z", title="t", trade="hvac", priority="urgent", reported_at=at, location="L"
    )
    assert o.reported_at == at
    assert o.reported_at.utcoffset() == offset
    assert o.reported_at.tzinfo is _types.fixed_zone(offset)


def test_a_fixed_offset_zone_is_kept_as_given() -> None:
    cst = timezone(timedelta(hours=8), "CST")
    at = datetime(2026, 7, 1, 9, tzinfo=cst)
    o = WorkOrder.report(
        id="WO-Z", title="t", trade="hvac", priority="urgent", reported_at=at, location="L"
    )
    assert o.reported_at.tzinfo is cst
    assert o.reported_at.tzname() == "CST"
