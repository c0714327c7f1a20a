"""Tests of hosplogi.calendars: opening hours, China's 调休, DST, interval arithmetic."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import BusinessCalendar, HosplogiError
from hosplogi.calendars import china_official_years

SH = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAY_9_17 = {d: [(time(9), time(17))] for d in range(5)}
LUNCH = {d: [(time(8), time(12)), (time(13, 30), time(17, 30))] for d in range(5)}
CHINA = BusinessCalendar.china()


# -- construction -------------------------------------------------------------------------------


def test_timezone_and_hours_can_be_given_by_position() -> None:
    cal = BusinessCalendar("UTC", {0: [(time(8), time(16))]})
    assert cal.timezone == "UTC"
    assert cal.hours == {0: ((time(8), time(16)),)}


def test_intervals_are_sorted_and_empty_weekdays_dropped() -> None:
    cal = BusinessCalendar("UTC", {1: [(time(13), time(17)), (time(8), time(12))], 2: []})
    assert cal.hours == {1: ((time(8), time(12)), (time(13), time(17)))}


def test_calendar_json_round_trip_keeps_equality_and_drops_the_cache() -> None:
    cal = BusinessCalendar.china(2025)
    cal.add(datetime(2025, 3, 3, 9, tzinfo=SH), timedelta(hours=1))  # builds the cache
    text = cal.model_dump_json()
    assert "timeline" not in text
    assert BusinessCalendar.model_validate_json(text) == cal
    assert "hours" in BusinessCalendar.model_json_schema()["properties"]


def test_model_copy_rebuilds_the_interval_cache() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    monday = datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert cal.next_open(monday) == datetime(2026, 3, 2, 9, tzinfo=UTC)
    earlier = cal.model_copy(update={"hours": {0: ((time(6), time(17)),)}})
    assert earlier.is_open(monday)


@pytest.mark.parametrize(
    ("hours", "match"),
    [
        ({0: [(time(12), time(8))]}, "inverted or empty"),
        ({0: [(time(8), time(8))]}, "inverted or empty"),
        ({0: [(time(8), time(12)), (time(11), time(14))]}, "overlap"),
        ({7: [(time(8), time(12))]}, "weekday 7"),
        ({0: [(time(8), time(12, tzinfo=UTC))]}, "tzinfo"),
        ({0: ["08:00"]}, "pairs"),
    ],
)
def test_bad_opening_hours_are_rejected_naming_the_problem(hours: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        BusinessCalendar("UTC", hours)


def test_unknown_time_zone_is_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        BusinessCalendar("Mars/Olympus", WEEKDAY_9_17)


def test_a_date_cannot_be_both_holiday_and_workday() -> None:
    d = date(2026, 3, 7)
    with pytest.raises(ValidationError, match="2026-03-07"):
        BusinessCalendar("UTC", WEEKDAY_9_17, holidays={d}, workdays={d})


def test_workdays_need_monday_hours() -> None:
    with pytest.raises(ValidationError, match="Monday"):
        BusinessCalendar("UTC", {2: [(time(9), time(17))]}, workdays={date(2026, 3, 7)})


def test_too_many_positional_arguments_are_refused() -> None:
    with pytest.raises(HosplogiError, match="at most 4"):
        BusinessCalendar("UTC", WEEKDAY_9_17, frozenset(), frozenset(), (2025, 2026))  # type: ignore[call-arg]


# -- arithmetic ---------------------------------------------------------------------------------


def test_add_skips_the_lunch_break() -> None:
    cal = BusinessCalendar("Asia/Shanghai", LUNCH)
    start = datetime(2026, 3, 2, 11, tzinfo=SH)
    assert cal.add(start, timedelta(hours=2)) == datetime(2026, 3, 2, 14, 30, tzinfo=SH)


def test_add_ending_at_closing_time_returns_the_closing_time() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    friday = datetime(2026, 3, 6, 16, tzinfo=UTC)
    assert cal.add(friday, timedelta(hours=1)) == datetime(2026, 3, 6, 17, tzinfo=UTC)
    assert cal.add(friday, timedelta(hours=1, seconds=1)) == datetime(
        2026, 3, 9, 9, 0, 1, tzinfo=UTC
    )


def test_add_zero_is_start_when_open_else_next_opening() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    open_at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert cal.add(open_at, timedelta(0)) is open_at
    saturday = datetime(2026, 3, 7, 10, tzinfo=UTC)
    assert cal.add(saturday, timedelta(0)) == datetime(2026, 3, 9, 9, tzinfo=UTC)


def test_add_returns_the_zone_of_start() -> None:
    cal = BusinessCalendar("Asia/Shanghai", LUNCH)
    start = datetime(2026, 3, 2, 1, tzinfo=UTC)  # 09:00 in Shanghai
    result = cal.add(start, timedelta(hours=3, minutes=30))
    assert result.tzinfo is UTC
    assert result == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai, after lunch


def test_between_is_negative_when_end_is_before_start() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    a = datetime(2026, 3, 2, 9, tzinfo=UTC)
    b = datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert cal.between(a, b) == timedelta(hours=8)
    assert cal.between(b, a) == -timedelta(hours=8)


def test_is_open_uses_half_open_intervals() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    assert cal.is_open(datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert not cal.is_open(datetime(2026, 3, 2, 17, tzinfo=UTC))
    assert not cal.is_open(datetime(2026, 3, 7, 12, tzinfo=UTC))


def test_always_is_open_24_7_and_adds_wall_clock_time() -> None:
    cal = BusinessCalendar.always("Europe/London")
    start = datetime(2026, 3, 28, 12, tzinfo=LONDON)
    # 12:00 GMT on Saturday + 36 elapsed hours = Monday 00:00 UTC = 01:00 BST
    assert cal.add(start, timedelta(hours=36)) == datetime(2026, 3, 30, 1, tzinfo=LONDON)
    assert cal.between(start, start + timedelta(days=3)) == timedelta(hours=71)


def test_naive_datetimes_are_rejected() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    naive = datetime(2026, 3, 2, 9)
    with pytest.raises(HosplogiError, match="naive"):
        cal.add(naive, timedelta(hours=1))
    with pytest.raises(HosplogiError, match="naive"):
        cal.between(datetime(2026, 3, 2, 9, tzinfo=UTC), naive)
    with pytest.raises(HosplogiError, match="naive"):
        cal.is_open(naive)


def test_negative_duration_is_refused() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    with pytest.raises(HosplogiError, match="zero or more"):
        cal.add(datetime(2026, 3, 2, 9, tzinfo=UTC), timedelta(minutes=-1))


def test_a_calendar_that_is_never_open_raises_instead_of_looping() -> None:
    cal = BusinessCalendar("UTC", {})
    with pytest.raises(HosplogiError, match="never open"):
        cal.add(datetime(2026, 3, 2, 9, tzinfo=UTC), timedelta(hours=1))
    with pytest.raises(HosplogiError, match="never open"):
        cal.next_open(datetime(2026, 3, 2, 9, tzinfo=UTC))


def test_workdays_only_calendar_raises_after_its_last_workday() -> None:
    cal = BusinessCalendar("UTC", {0: []}, workdays=set())
    assert not cal.hours
    only_saturday = BusinessCalendar(
        "UTC",
        {0: [(time(9), time(17))]},
        holidays={date(2026, 3, 2)},
        workdays={date(2026, 3, 7)},
    )
    start = datetime(2026, 3, 2, 0, tzinfo=UTC)
    assert only_saturday.add(start, timedelta(hours=1)) == datetime(2026, 3, 7, 10, tzinfo=UTC)


def test_holidays_far_apart_in_an_unbounded_calendar() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17, holidays={date(2026, 3, 2), date(2031, 3, 3)})
    assert not cal.is_open(datetime(2031, 3, 3, 10, tzinfo=UTC))
    assert cal.next_open(datetime(2026, 3, 2, 10, tzinfo=UTC)) == datetime(
        2026, 3, 3, 9, tzinfo=UTC
    )
    start = datetime(2026, 3, 2, 10, tzinfo=UTC)
    year = timedelta(hours=8 * 261 * 6)  # about six years of open time
    end = cal.add(start, year)
    assert cal.between(start, end) == year


def test_add_far_beyond_the_built_years_extends_the_cache() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    twenty_years = timedelta(hours=8 * 5 * 52 * 20)
    end = cal.add(start, twenty_years)
    assert end == datetime(2046, 2, 2, 17, tzinfo=UTC)  # 1,040 weeks later, Friday close
    assert cal.between(start, end) == twenty_years


def test_instants_beyond_the_computable_years_are_refused() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    with pytest.raises(HosplogiError, match="outside the years 2–9998"):
        cal.is_open(datetime(9999, 6, 1, tzinfo=UTC))


def test_a_skipped_wall_time_is_refused() -> None:
    cal = BusinessCalendar("Europe/London", WEEKDAY_9_17)
    with pytest.raises(HosplogiError, match="does not exist"):
        cal.is_open(datetime(2026, 3, 29, 1, 30, tzinfo=LONDON))


def test_a_date_is_not_a_datetime() -> None:
    cal = BusinessCalendar("UTC", WEEKDAY_9_17)
    with pytest.raises(HosplogiError, match="timezone-aware datetime"):
        cal.between(date(2026, 3, 2), datetime(2026, 3, 3, tzinfo=UTC))  # type: ignore[arg-type]


def test_an_argument_given_twice_is_refused() -> None:
    with pytest.raises(HosplogiError, match="both by position and by name"):
        BusinessCalendar("UTC", WEEKDAY_9_17, timezone="UTC")


@pytest.mark.parametrize(
    ("hours", "match"),
    [
        ({0: [(time(8), 12)]}, "not a datetime.time"),
        ({0: [(time(8), time(9))], "0": [(time(10), time(11))]}, "given twice"),
        ({"Monday": [(time(8), time(9))]}, "not a number"),
        ({0: "08:00-12:00"}, "list of"),
        ([(time(8), time(9))], "must map weekday"),
    ],
)
def test_more_malformed_hours_are_rejected(hours: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        BusinessCalendar("UTC", hours)


def test_hours_read_back_from_json_strings() -> None:
    cal = BusinessCalendar.model_validate({"timezone": "UTC", "hours": {"0": [["08:00", "12:00"]]}})
    assert cal.hours == {0: ((time(8), time(12)),)}


def test_china_accepts_a_range_of_years() -> None:
    cal = BusinessCalendar.china(range(2024, 2026))
    assert cal.years == (2024, 2025)
    with pytest.raises(HosplogiError, match="at least one year"):
        BusinessCalendar.china([])


# -- China -------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2025, 10, d) for d in range(1, 9)])
def test_china_2025_national_day_holiday_is_closed(day: date) -> None:
    # 国务院办公厅关于2025年部分节假日安排的通知: 10月1日至8日放假调休
    assert not CHINA.is_working_day(day)
    assert not CHINA.is_open(datetime.combine(day, time(9), SH))


@pytest.mark.parametrize("day", [date(2025, 9, 28), date(2025, 10, 11)])
def test_china_2025_national_day_make_up_weekend_days_are_open(day: date) -> None:
    # 9月28日（周日）、10月11日（周六）上班
    assert day.weekday() >= 5
    assert CHINA.is_working_day(day)
    assert CHINA.is_open(datetime.combine(day, time(9), SH))


@pytest.mark.parametrize("day", [date(2026, 2, d) for d in range(15, 24)])
def test_china_2026_spring_festival_is_closed(day: date) -> None:
    # 国务院办公厅关于2026年部分节假日安排的通知: 2月15日至23日放假调休，共9天
    assert not CHINA.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 2, 14), date(2026, 2, 28)])
def test_china_2026_spring_festival_make_up_saturdays_are_open(day: date) -> None:
    # 2月14日（周六）、2月28日（周六）上班
    assert day.weekday() == 5
    assert CHINA.is_working_day(day)


def test_make_up_saturday_is_open() -> None:
    start = datetime(2026, 2, 13, 17, tzinfo=SH)  # Friday before the Spring Festival
    assert CHINA.add(start, timedelta(hours=2)) == datetime(2026, 2, 14, 9, 30, tzinfo=SH)


def test_a_request_before_national_day_is_answered_after_it() -> None:
    start = datetime(2025, 9, 30, 17, tzinfo=SH)
    assert CHINA.add(start, timedelta(hours=1)) == datetime(2025, 10, 9, 8, 30, tzinfo=SH)
    assert CHINA.between(start, datetime(2025, 10, 9, 8, 30, tzinfo=SH)) == timedelta(hours=1)


def test_china_covers_the_official_years_only() -> None:
    years = china_official_years()
    assert CHINA.years == (years[0], years[-1])
    assert years[0] == 2001
    assert years[-1] >= 2026


def test_china_refuses_years_without_an_official_notice() -> None:
    with pytest.raises(HosplogiError, match="no official holiday notice for \\[2099\\]"):
        BusinessCalendar.china(2099)


def test_strict_calendar_refuses_instants_outside_its_years() -> None:
    cal = BusinessCalendar.china(2025)
    with pytest.raises(HosplogiError, match="falls in 2026, outside the years"):
        cal.is_open(datetime(2026, 3, 2, 9, tzinfo=SH))
    with pytest.raises(HosplogiError, match="runs past the end of 2025"):
        cal.add(datetime(2025, 12, 31, 17, tzinfo=SH), timedelta(hours=2))
    with pytest.raises(HosplogiError, match="outside the years"):
        cal.is_working_day(date(2024, 5, 1))


def test_non_strict_calendar_treats_other_years_as_plain_weeks() -> None:
    cal = BusinessCalendar.china(2025, strict=False)
    assert cal.is_open(datetime(2026, 2, 17, 9, tzinfo=SH))  # a holiday, but 2026 is not covered
    assert not cal.is_open(datetime(2026, 2, 14, 9, tzinfo=SH))  # a plain Saturday
    end = cal.add(datetime(2025, 12, 31, 17, tzinfo=SH), timedelta(hours=2))
    assert end == datetime(2026, 1, 1, 9, 30, tzinfo=SH)


# -- daylight saving ---------------------------------------------------------------------------


def test_london_spring_forward_day_has_23_hours() -> None:
    cal = BusinessCalendar.always("Europe/London")
    sat = datetime(2026, 3, 28, 0, tzinfo=LONDON)
    everyday = BusinessCalendar("Europe/London", {d: [(time(0), time(0))] for d in (5, 6)})
    assert everyday.between(sat, sat + timedelta(days=2)) == timedelta(hours=47)
    assert cal.between(sat, datetime(2026, 3, 30, 0, tzinfo=LONDON)) == timedelta(hours=47)


def test_opening_hours_keep_their_wall_clock_times_across_dst() -> None:
    cal = BusinessCalendar("Europe/London", {d: [(time(9), time(17))] for d in range(7)})
    saturday_16 = datetime(2026, 3, 28, 16, tzinfo=LONDON)  # GMT
    sunday_10 = datetime(2026, 3, 29, 10, tzinfo=LONDON)  # BST
    assert cal.add(saturday_16, timedelta(hours=2)) == sunday_10
    assert sunday_10.utcoffset() == timedelta(hours=1)


def test_new_york_fall_back_night_shift_lasts_one_hour_longer() -> None:
    night = {d: [(time(0), time(6))] for d in range(7)}
    cal = BusinessCalendar("America/New_York", night)
    sunday = datetime(2026, 11, 1, 0, tzinfo=NEW_YORK)  # clocks go back at 02:00
    assert cal.between(sunday, sunday.replace(hour=12)) == timedelta(hours=7)
    monday = datetime(2026, 11, 2, 0, tzinfo=NEW_YORK)
    assert cal.between(monday, monday.replace(hour=12)) == timedelta(hours=6)


# -- properties --------------------------------------------------------------------------------

ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Shanghai")


def _quarter(q: int) -> time:
    return time(0) if q == 96 else time(q // 4, q % 4 * 15)


@st.composite
def calendars(draw: st.DrawFn, *, zones: tuple[str, ...] = ZONES) -> BusinessCalendar:
    """Weekday hours of up to three intervals on a quarter-hour grid, holidays and workdays."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for day in range(7):
        k = draw(st.integers(0, 3))
        points = sorted(
            draw(st.lists(st.integers(0, 96), min_size=2 * k, max_size=2 * k, unique=True))
        )
        hours[day] = [(_quarter(points[2 * i]), _quarter(points[2 * i + 1])) for i in range(k)]
    if not hours[0]:
        hours[0] = [(time(9), time(17))]
    days = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
    closed = draw(st.frozensets(days, max_size=20))
    extra = draw(st.frozensets(days, max_size=10)) - closed
    return BusinessCalendar(draw(st.sampled_from(zones)), hours, holidays=closed, workdays=extra)


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 6, 30), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5))
cal_or_china = calendars() | st.just(CHINA)


@given(cal_or_china, instants, durations)
@example(CHINA, datetime(2026, 2, 13, 9, 30, tzinfo=UTC), timedelta(hours=2))
def test_between_inverts_add(cal: BusinessCalendar, a: datetime, d: timedelta) -> None:
    assert cal.between(a, cal.add(a, d)) == d


@given(cal_or_china, instants, instants, durations, durations)
def test_add_is_monotone_in_both_arguments(
    cal: BusinessCalendar, a: datetime, b: datetime, d1: timedelta, d2: timedelta
) -> None:
    a, b = sorted((a, b))
    d1, d2 = sorted((d1, d2))
    assert cal.add(a, d1) <= cal.add(b, d1)
    assert cal.add(a, d1) <= cal.add(a, d2)


@given(cal_or_china, instants, instants, instants)
def test_between_is_additive(cal: BusinessCalendar, a: datetime, b: datetime, c: datetime) -> None:
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)


@given(cal_or_china, instants)
def test_add_zero_is_start_or_next_opening(cal: BusinessCalendar, a: datetime) -> None:
    result = cal.add(a, timedelta(0))
    if cal.is_open(a):
        assert result == a
    else:
        assert result > a
        assert cal.is_open(result)
        assert cal.between(a, result) == timedelta(0)


@given(calendars(), instants, st.integers(0, 5000))
def test_between_agrees_with_minute_stepping(
    cal: BusinessCalendar, a: datetime, minutes: int
) -> None:
    """Oracle: count open minutes one by one with the day rules applied to local wall time."""
    a = a.replace(second=0, microsecond=0, minute=a.minute // 15 * 15)
    b = a + timedelta(minutes=minutes)
    tz = ZoneInfo(cal.timezone)
    count = 0
    t = a
    while t < b:
        wall = t.astimezone(tz)
        if wall.fold == 0 and wall.utcoffset() == wall.replace(fold=1).utcoffset():
            count += int(_open_by_rule(cal, wall))
        else:  # a repeated or skipped wall-clock hour: our instants follow zoneinfo's fold=0
            count += int(cal.is_open(t))
        t += timedelta(minutes=1)
    assert cal.between(a, b) == timedelta(minutes=count)


def _open_by_rule(cal: BusinessCalendar, wall: datetime) -> bool:
    day = wall.date()
    if day in cal.holidays:
        return False
    intervals = cal.hours.get(0 if day in cal.workdays else day.weekday(), ())
    now = wall.time().replace(tzinfo=None)
    return any(s <= now and (e == time(0) or now < e) for s, e in intervals)


@given(calendars())
def test_calendar_json_round_trip(cal: BusinessCalendar) -> None:
    assert BusinessCalendar.model_validate_json(cal.model_dump_json()) == cal


def test_positions_survive_a_build_that_adds_earlier_years() -> None:
    cal = BusinessCalendar("Asia/Shanghai", LUNCH)
    at = datetime(2030, 5, 6, 10, tzinfo=SH)
    first = cal.timeline.cover(
        (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1), at
    )
    us = first.starts[len(first.starts) // 2] + 1
    before = first.opentime(us)
    grown = cal.timeline.cover(-(10**15), at)  # back to 1938: every year in between built
    assert grown is not first
    assert grown.lo_year < first.lo_year
    assert grown.opentime(us) == before
    assert grown.cum[0] <= 0


def test_threads_sharing_a_calendar_get_the_answers_of_a_lone_one() -> None:
    """Builds that add years race with readers: each answer must still be exact."""
    starts = [datetime(year, 3, 2, 9, 30, tzinfo=SH) for year in range(1950, 2090, 7)]
    spans = [timedelta(hours=h) for h in (1, 30, 700, 5000)]

    def answers(cal: BusinessCalendar, picks: list[int]) -> list[tuple[datetime, timedelta]]:
        out = []
        for i in picks:
            start, span = starts[i % len(starts)], spans[i % len(spans)]
            end = cal.add(start, span)
            out.append((end, cal.between(start - span, end)))
        return out

    shared = BusinessCalendar("Asia/Shanghai", LUNCH)
    picks = [[(7 * k + 3 * t) % 101 for k in range(60)] for t in range(4)]
    expected = [answers(BusinessCalendar("Asia/Shanghai", LUNCH), p) for p in picks]
    barrier = threading.Barrier(len(picks))
    got: dict[int, list[tuple[datetime, timedelta]]] = {}

    def work(t: int) -> None:
        barrier.wait()
        got[t] = answers(shared, picks[t])

    threads = [threading.Thread(target=work, args=(t,)) for t in range(len(picks))]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, mid-build included
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert [got[t] for t in range(len(picks))] == expected
