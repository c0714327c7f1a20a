"""Hardening of hosplogi.calendars and hosplogi.sla (issue 13): one regression test per class.

Each class of failure found by the issue's attack gets a test named after it: models mutable in
place, hash() failing, datetime-range errors that were raw or slow, a zero-target clock dividing
by zero, NaN/infinity in models, stale holiday data, a missing next-year notice, and bad
arguments surfacing as TypeError/AttributeError. A hypothesis test feeds malformed JSON to every
calendar and SLA model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from hosplogi import (
    BusinessCalendar,
    ChinaNotice,
    Clock,
    ComplianceReport,
    ComplianceRow,
    HosplogiError,
    Priority,
    SlaColumns,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
    WorkOrder,
    compliance,
    evaluate,
    evaluate_many,
)
from hosplogi.calendars._timeline import MAX_SPAN_YEARS
from strategies import work_orders

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)
WEEKDAY_9_17 = {d: [(time(9), time(17))] for d in range(5)}
WALL = SlaPolicy(
    targets={p: SlaTarget(respond=30 * timedelta(minutes=1), resolve=4 * H) for p in Priority}
)
CHINA = BusinessCalendar.china()
BUSINESS = SlaPolicy(
    targets={p: SlaTarget(respond=2 * H, resolve=16 * H, business_hours=True) for p in Priority},
    calendar=CHINA,
)


def _order(at: datetime = T0, priority: str = "urgent") -> WorkOrder:
    return WorkOrder.report(
        id="WO-1", title="t", trade="plumbing", priority=priority, reported_at=at, location="L"
    )


def _built_years(cal: BusinessCalendar) -> int:
    arrays = cal.timeline.arrays
    return 0 if arrays is None else arrays.hi_year - arrays.lo_year + 1


# -- immutable all the way down, hashable --------------------------------------------------------


def test_calendar_hours_cannot_be_changed_in_place() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    assert cal.is_open(T0)
    with pytest.raises(TypeError, match="read-only"):
        cal.hours[0] = ()  # type: ignore[index]
    assert cal.hours[0] == ((time(9), time(17)),)
    assert cal.is_open(T0)  # the arrays cannot go stale: nothing they came from can change
    assert isinstance(cal.holidays, frozenset)
    assert isinstance(cal.workdays, frozenset)


def test_policy_targets_cannot_be_changed_in_place() -> None:
    with pytest.raises(TypeError, match="read-only"):
        WALL.targets[Priority.URGENT] = SlaTarget(respond=H, resolve=H)  # type: ignore[index]
    with pytest.raises(TypeError, match="read-only"):
        WALL.goals[Priority.URGENT] = WALL.goals[Priority.ROUTINE]  # type: ignore[index]
    assert isinstance(WALL.pausing, frozenset)
    assert isinstance(WALL.warn_at, tuple)


def test_calendar_and_policy_are_hashable() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17, holidays={date(2026, 5, 1)})
    twin = BusinessCalendar.model_validate_json(cal.model_dump_json())
    cal.is_open(T0)  # a built cache does not enter the hash
    assert hash(cal) == hash(twin)
    assert hash(BUSINESS) == hash(SlaPolicy.model_validate_json(BUSINESS.model_dump_json()))
    assert len({WALL, WALL.model_copy(), BUSINESS}) == 2


def test_model_copy_with_an_update_is_validated_and_never_shares_stale_arrays() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    monday_8 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert not cal.is_open(monday_8)
    earlier = cal.model_copy(update={"hours": {0: [(time(6), time(17))]}})
    assert earlier.is_open(monday_8)
    assert hash(earlier)  # the update became a read-only mapping of tuples
    with pytest.raises(TypeError, match="read-only"):
        earlier.hours[1] = ()  # type: ignore[index]
    with pytest.raises(ValidationError, match="inverted"):
        cal.model_copy(update={"hours": {0: [(time(17), time(6))]}})
    with pytest.raises(ValidationError, match="no target for priorities"):
        WALL.model_copy(update={"targets": {}})


# -- datetime range: refused fast, stating the range ---------------------------------------------


def test_adding_10000_years_to_a_24_7_calendar_states_the_supported_range() -> None:
    years = timedelta(days=3_652_500)
    with pytest.raises(HosplogiError, match="years 1–9999"):
        BusinessCalendar.always().add(T0, years)
    with_holiday = BusinessCalendar(
        "Asia/Shanghai", dict.fromkeys(range(7), ((time(0), time(0)),)), holidays={date(2026, 5, 1)}
    )
    with pytest.raises(HosplogiError, match="years 2–9998, at most 200 consecutive"):
        with_holiday.add(T0, years)
    assert _built_years(with_holiday) == 0  # refused up front, before building any year


def test_a_5000_year_interval_is_refused_before_building_years() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    with pytest.raises(HosplogiError, match="at most 200 consecutive years"):
        cal.between(T0, T0 + timedelta(days=5000 * 365))
    assert _built_years(cal) <= 3
    with pytest.raises(HosplogiError, match="at most 200 consecutive years"):
        BusinessCalendar("UTC", WEEKDAY_9_17).between(T0 + timedelta(days=5000 * 365), T0)


def test_open_time_past_the_span_is_refused_after_at_most_200_years() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    with pytest.raises(HosplogiError, match="runs past the year"):
        cal.add(T0, timedelta(days=199 * 365))  # 199 years of wall time: 800 years of 9–17
    assert _built_years(cal) <= MAX_SPAN_YEARS


def test_calendar_years_span_at_most_200() -> None:
    with pytest.raises(ValidationError, match="at most 200 years"):
        BusinessCalendar("UTC", WEEKDAY_9_17, years=(1800, 2026))


@pytest.mark.parametrize(
    "call",
    [
        lambda: BusinessCalendar("UTC", WEEKDAY_9_17).is_open(
            datetime.min.replace(tzinfo=timezone(timedelta(hours=14)))
        ),
        lambda: BusinessCalendar("UTC", WEEKDAY_9_17).next_open(datetime.max.replace(tzinfo=UTC)),
        lambda: BusinessCalendar.always().add(datetime.max.replace(tzinfo=UTC), timedelta(days=1)),
        lambda: BusinessCalendar("UTC", WEEKDAY_9_17).add(T0, timedelta.max),
    ],
    ids=["year-0", "next-open-max", "always-past-max", "duration-max"],
)
def test_instants_near_the_datetime_limits_give_library_errors(
    call: Callable[[], object],
) -> None:
    with pytest.raises(HosplogiError, match="99"):  # the message states the range
        call()


def test_the_last_supported_year_still_answers() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    friday = datetime(9998, 12, 31, 10, tzinfo=UTC)
    assert cal.is_open(friday)
    assert cal.between(friday, friday + H) == H


def test_a_999999999_day_target_gives_a_library_error() -> None:
    big = timedelta(days=999_999_999)
    wall = SlaPolicy(targets={p: SlaTarget(respond=big, resolve=big) for p in Priority})
    business = SlaPolicy(
        targets={p: SlaTarget(respond=big, resolve=big, business_hours=True) for p in Priority},
        calendar=CHINA,
    )
    for policy in (wall, business):
        with pytest.raises(HosplogiError, match="9999"):
            evaluate(_order(), policy, T0 + H)
        with pytest.raises(HosplogiError, match="9999"):
            evaluate_many([_order()], policy, T0 + H, columns=True)
    assert wall.goals[Priority.URGENT][0].warn_elapsed[-1] <= big


def test_a_due_time_after_9999_gives_a_library_error() -> None:
    late = datetime(9999, 12, 31, 12, tzinfo=UTC)
    day = SlaPolicy(targets={p: SlaTarget(respond=timedelta(days=1), resolve=H) for p in Priority})
    with pytest.raises(HosplogiError, match="after the year 9999"):
        evaluate(_order(late), day, late)


# -- a zero-target clock, NaN and infinity -------------------------------------------------------


def test_zero_target_clock_is_refused_so_percent_never_divides_by_zero() -> None:
    with pytest.raises(ValidationError, match="target must be positive"):
        Clock(state="running", target=timedelta(0), elapsed=timedelta(0))
    with pytest.raises(ValidationError, match="target must be positive"):
        Clock.model_validate_json('{"state": "running", "target": "PT0S", "elapsed": "PT0S"}')
    with pytest.raises(ValidationError, match="zero or more"):
        Clock(state="running", target=H, elapsed=-H)
    clock = Clock(state="running", target=timedelta(microseconds=1), elapsed=timedelta(days=9))
    assert math.isfinite(clock.percent)
    assert Clock.model_validate_json(clock.model_dump_json()) == clock


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_in_sla_models(bad: float) -> None:
    with pytest.raises(ValidationError, match="finite"):
        SlaPolicy(targets=WALL.targets, warn_at=(bad,))
    with pytest.raises(ValidationError, match="finite"):
        Clock(state="running", target=H, elapsed=H, warned=(bad,))
    with pytest.raises(ValidationError, match="finite"):
        ComplianceRow(
            key=None, count=1, cancelled=0, met=1, breached=0, open=0, met_rate=bad,
            mean_elapsed=None, p90_elapsed=None,
        )  # fmt: skip
    cols = evaluate_many([_order()], WALL, T0 + H, columns=True).model_dump()
    cols["response_warned"] = ((bad,),)
    with pytest.raises(ValidationError, match="finite"):
        SlaColumns.model_validate(cols)


def test_warn_levels_are_bounded_in_number() -> None:
    with pytest.raises(ValidationError, match="at most 16"):
        SlaPolicy(targets=WALL.targets, warn_at=tuple(i / 100 for i in range(1, 40)))


LENIENT = SlaPolicy(targets=BUSINESS.targets, calendar=BusinessCalendar.china(2020, strict=False))


@given(work_orders(), st.sampled_from((WALL, LENIENT)), st.timedeltas(H, timedelta(days=20)))
def test_results_read_back_from_their_own_json(
    order: WorkOrder, policy: SlaPolicy, later: timedelta
) -> None:
    now = order.events[-1].at + later
    status = evaluate(order, policy, now)
    assert SlaStatus.model_validate_json(status.model_dump_json()) == status
    cols = evaluate_many([order, order], policy, now, columns=True)
    assert SlaColumns.model_validate_json(cols.model_dump_json()) == cols
    report = compliance([order], policy, now, by="trade")
    assert ComplianceReport.model_validate_json(report.model_dump_json()) == report


# -- calendar data: the holidays floor and notices given as data ---------------------------------


def test_holidays_release_has_the_revised_2019_labour_day() -> None:
    """holidays < 0.92 kept the first 2019 notice (1 May only); the revision gave 1–4 May."""
    cal = BusinessCalendar.china(2019)
    assert {date(2019, 5, d) for d in (1, 2, 3)} <= cal.holidays  # 4 May is a Saturday
    assert {date(2019, 4, 28), date(2019, 5, 5)} <= cal.workdays


def test_a_notice_given_as_data_adds_a_year_the_package_does_not_know() -> None:
    last = CHINA.years[1] if CHINA.years else 2026
    year = last + 1
    notice = ChinaNotice(
        year=year, holidays={date(year, 1, 1)}, workdays={date(year, 1, 2)}, source="test"
    )
    with pytest.raises(HosplogiError, match="ChinaNotice"):
        BusinessCalendar.china(year)
    cal = BusinessCalendar.china(notices=[notice])
    assert cal.years == (CHINA.years[0] if CHINA.years else 2001, year)
    assert not cal.is_working_day(date(year, 1, 1))
    assert cal.is_working_day(date(year, 1, 2))  # a make-up day works whatever its weekday
    # an order reported in the last days of the last official year now gets its due time
    reported = datetime(last, 12, 31, 17, tzinfo=SH)
    policy = SlaPolicy(targets=BUSINESS.targets, calendar=cal)
    with pytest.raises(HosplogiError, match="ChinaNotice"):
        evaluate(_order(reported, "routine"), BUSINESS, reported + H)
    status = evaluate(_order(reported, "routine"), policy, reported + H)
    assert status.resolution.due_at is not None
    assert status.resolution.due_at.year == year


def test_a_notice_replaces_the_package_dates_of_its_year_and_reads_from_json() -> None:
    notice = ChinaNotice(year=2025, holidays={date(2025, 1, 1)})
    again = ChinaNotice.model_validate_json(notice.model_dump_json())
    assert again == notice
    cal = BusinessCalendar.china(2025, notices=[json.loads(notice.model_dump_json())])
    assert cal.holidays == {date(2025, 1, 1)}
    assert cal.workdays == frozenset()


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"year": 2027, "holidays": [date(2026, 12, 31)]}, "other years"),
        ({"year": 2027, "holidays": []}, "no holidays"),
        ({"year": 2027, "holidays": [date(2027, 1, 1)], "workdays": [date(2027, 1, 1)]}, "both"),
        ({"year": 99999, "holidays": [date(2027, 1, 1)]}, "year must lie"),
        ({"year": 2027, "holidays": [date(2027, 1, 1)], "extra": 1}, "Extra inputs"),
    ],
)
def test_bad_notices_are_refused_naming_the_problem(fields: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        ChinaNotice(**fields)


def test_two_notices_for_one_year_are_refused() -> None:
    notice = ChinaNotice(year=2027, holidays={date(2027, 1, 1)})
    with pytest.raises(HosplogiError, match="2027"):
        BusinessCalendar.china(notices=[notice, notice])


# -- bad arguments: library errors, never TypeError / AttributeError ----------------------------

CAL = BusinessCalendar("UTC", WEEKDAY_9_17)
NAIVE = datetime(2026, 3, 2, 9)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.add(None, H),
        lambda: CAL.add(NAIVE, H),
        lambda: CAL.add(T0, None),
        lambda: CAL.add(T0, 5),
        lambda: CAL.add(T0, -H),
        lambda: CAL.between(T0, None),
        lambda: CAL.between("2026-03-02", T0),
        lambda: CAL.is_open(NAIVE),
        lambda: CAL.next_open(1.5),
        lambda: CAL.is_working_day(None),
        lambda: CAL.is_working_day(T0),
        lambda: CAL.is_working_day("2026-03-02"),
        lambda: BusinessCalendar.china("2025"),
        lambda: BusinessCalendar.china(2025.0),
        lambda: BusinessCalendar.china([None]),
        lambda: BusinessCalendar.china(True),
        lambda: BusinessCalendar.china(10**30),
        lambda: BusinessCalendar.china(range(1, 10**12)),
        lambda: BusinessCalendar.china(2025, hours=None),
        lambda: BusinessCalendar.china(2025, timezone=None),
        lambda: BusinessCalendar.china(2025, notices=None),
        lambda: BusinessCalendar.china(2025, notices=[None]),
        lambda: BusinessCalendar.always(None),
        lambda: BusinessCalendar("UTC", None),
        lambda: BusinessCalendar("UTC", {math.inf: []}),
        lambda: BusinessCalendar("UTC", {10**400: []}),
        lambda: BusinessCalendar(None, {}),
        lambda: BusinessCalendar("x" * 10_000, {}),
        lambda: BusinessCalendar("UTC", {}, None),
    ],
)
def test_bad_arguments_to_calendar_functions_give_library_errors(
    call: Callable[[], object],
) -> None:
    with pytest.raises((HosplogiError, ValidationError)):
        call()


COLUMNS = evaluate_many([_order()], WALL, T0 + H, columns=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda: evaluate(None, WALL, T0),
        lambda: evaluate(_order(), None, T0),
        lambda: evaluate(_order(), WALL, None),
        lambda: evaluate(_order(), WALL, NAIVE),
        lambda: evaluate(_order(), WALL, T0 - H),
        lambda: evaluate_many(None, WALL, T0),
        lambda: evaluate_many("WO-1", WALL, T0),
        lambda: evaluate_many(_order(), WALL, T0),
        lambda: evaluate_many([None], WALL, T0),
        lambda: evaluate_many([{"id": "WO-1"}], WALL, T0, columns=True),
        lambda: evaluate_many([_order()], {"targets": {}}, T0),
        lambda: compliance(None, WALL, T0),
        lambda: compliance([_order()], WALL, T0, by=None),
        lambda: compliance([_order()], WALL, T0, by="__class__"),
        lambda: compliance([_order()], WALL, T0, clock=None),
        lambda: compliance([1], WALL, T0),
        lambda: COLUMNS.status("0"),
        lambda: COLUMNS.status(5),
        lambda: COLUMNS.breached(None),
        lambda: SlaPolicy(targets=None),
        lambda: SlaTarget(respond=None, resolve=H),
    ],
)
def test_bad_arguments_to_sla_functions_give_library_errors(call: Callable[[], object]) -> None:
    with pytest.raises((HosplogiError, ValidationError)):
        call()


# -- malformed JSON to every calendar and SLA model ----------------------------------------------

MODELS: tuple[tuple[type[BaseModel], BaseModel], ...] = (
    (BusinessCalendar, BusinessCalendar.china(2025)),
    (ChinaNotice, ChinaNotice(year=2027, holidays={date(2027, 1, 1)})),
    (SlaTarget, SlaTarget(respond=H, resolve=4 * H, business_hours=True)),
    (SlaPolicy, BUSINESS),
    (Clock, evaluate(_order(), WALL, T0 + H).response),
    (SlaStatus, evaluate(_order(), WALL, T0 + H)),
    (SlaColumns, COLUMNS),
    (ComplianceRow, compliance([_order()], WALL, T0 + H).total),
    (ComplianceReport, compliance([_order()], WALL, T0 + H)),
)

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "",
            "x" * 5000,
            "2026-03-02T09:00:00",
            "9999-12-31T23:59:59+14:00",
            "P999999999D",
            "0001-01-01",
            "25:00",
            "Asia/Shanghai",
            "urgent",
            "running",
            "PT0S",
            "-PT1S",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):
            out += _paths(item, (*prefix, i))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replace(value[head], tuple(rest), new)
    return copy


@given(st.data())
@pytest.mark.parametrize(("model", "sample"), MODELS, ids=[m.__name__ for m, _ in MODELS])
def test_malformed_json_gives_only_validation_errors(
    model: type[BaseModel], sample: BaseModel, data: st.DataObject
) -> None:
    valid = json.loads(sample.model_dump_json())
    path = data.draw(st.sampled_from(_paths(valid)))
    how = data.draw(st.sampled_from(("replace", "drop", "extra")))
    if how == "replace":
        doc = _replace(valid, path, data.draw(junk))
    elif how == "drop" and path and isinstance(valid, dict):
        doc = {k: v for k, v in valid.items() if k != path[0]}
    else:
        doc = {**valid, data.draw(st.text(min_size=1, max_size=8)): data.draw(junk)}
    text = json.dumps(doc, allow_nan=True)  # NaN and Infinity as JSON text too
    try:
        parsed = model.model_validate_json(text)
    except (ValidationError, HosplogiError):
        return
    assert model.model_validate_json(parsed.model_dump_json()) == parsed
