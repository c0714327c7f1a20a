"""Bounded RRULE expansion (issue 13): near the window, at most MAX_OCCURRENCES, never a hang."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hosplogi.errors import HosplogiError
from hosplogi.recurrence import MAX_OCCURRENCES, between, expand, local, next_after, parse_rrule

RULES = (
    "FREQ=SECONDLY;INTERVAL=7;BYMINUTE=0,30",
    "FREQ=MINUTELY;INTERVAL=15",
    "FREQ=MINUTELY;INTERVAL=7;BYHOUR=9,10",
    "FREQ=HOURLY;INTERVAL=5",
    "FREQ=HOURLY;BYHOUR=8,20",
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3;BYHOUR=8,20",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=WEEKLY;BYDAY=MO,TH;WKST=SU",
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR",
    "FREQ=MONTHLY;BYMONTHDAY=31;BYSETPOS=1",
    "FREQ=YEARLY",
    "FREQ=YEARLY;INTERVAL=3;BYWEEKNO=1;BYDAY=MO",
    "FREQ=DAILY;UNTIL=20300101T000000Z",
)
ZONES = ("UTC", "Asia/Shanghai", "Europe/London", "America/New_York", "Australia/Lord_Howe")

starts = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=0))


@given(
    st.sampled_from(RULES),
    st.sampled_from(ZONES),
    starts,
    st.integers(0, 40 * 24 * 3600),
    st.integers(0, 3 * 24 * 3600),
)
@example("FREQ=MONTHLY", "UTC", datetime(2000, 1, 31, 9, tzinfo=UTC), 10**8 // 3, 3 * 24 * 3600)
@example("FREQ=YEARLY", "UTC", datetime(2000, 2, 29, 9, tzinfo=UTC), 10**8, 3 * 24 * 3600)
def test_expand_equals_the_expansion_from_dtstart(
    rule: str, tz: str, dtstart: datetime, offset: int, width: int
) -> None:
    # Oracle: dateutil walking from DTSTART. The window lies up to ~3 years after DTSTART (the
    # examples: 3 and 3.2 years, month ends and a leap day that shifting by periods must keep).
    start = dtstart + timedelta(seconds=offset * 2.4 if offset > 10**6 else offset)
    start = start.replace(microsecond=0)
    end = start + timedelta(seconds=width)
    if rule.startswith("FREQ=SECONDLY"):
        end = start + timedelta(seconds=width % 20_000)
    reference = between(parse_rrule(rule, dtstart, tz), start, end, tz, limit=10**9)
    assert expand(rule, dtstart, tz, start, end) == reference


@given(st.sampled_from(RULES), st.sampled_from(ZONES), starts, st.integers(0, 10**8))
def test_next_after_is_the_first_occurrence_after(
    rule: str, tz: str, dtstart: datetime, offset: int
) -> None:
    at = dtstart + timedelta(seconds=offset)
    reference = parse_rrule(rule, dtstart, tz).after(at, inc=False)
    expected = None if reference is None else local(reference, tz)
    if rule.startswith(("FREQ=SECONDLY", "FREQ=MINUTELY")):
        return  # dense rules: checked against expand below instead of a long walk
    assert next_after(rule, dtstart, tz, at) == expected


def test_a_minutely_rule_started_years_ago_expands_from_near_the_window() -> None:
    # Regression (issue 13, "a minutely plan that started years ago costs seconds per year of
    # history even for a one-hour window"): with a limit of 500 occurrences a walk from DTSTART
    # (5 million) would be refused; the expansion starts near the window instead.
    years_ago = datetime(2016, 1, 1, tzinfo=UTC)
    hour = datetime(2026, 3, 2, 9, tzinfo=UTC)
    got = expand("FREQ=MINUTELY", years_ago, "UTC", hour, hour + timedelta(hours=1), limit=500)
    assert len(got) == 60
    assert got[0] == hour


def test_secondly_rule_with_a_billion_count_is_refused_naming_the_limit() -> None:
    # Regression (issue 13, "FREQ=SECONDLY;COUNT=1000000000 runs until memory ends").
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rule = "FREQ=SECONDLY;COUNT=1000000000"
    with pytest.raises(HosplogiError, match="more than 100,000 occurrences"):
        expand(rule, t0, "UTC", t0, t0 + timedelta(days=365))
    with pytest.raises(HosplogiError, match="MAX_OCCURRENCES"):
        expand(rule, t0, "UTC", t0 + timedelta(days=30), t0 + timedelta(days=30, seconds=1))
    assert len(expand(rule, t0, "UTC", t0, t0 + timedelta(hours=1))) == 3600
    assert MAX_OCCURRENCES == 100_000


def test_a_rule_that_never_occurs_is_refused_when_parsed() -> None:
    # Regression: an impossible rule used to search to the year 9999 (about 10 s) on every call.
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    for rule in ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=SECONDLY;BYMONTH=4;BYMONTHDAY=31"):
        with pytest.raises(HosplogiError, match="never occurs"):
            parse_rrule(rule, t0, "UTC")


def test_leap_day_rules_are_possible() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    got = expand("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", t0, "UTC", t0, t0.replace(year=2033))
    assert [t.year for t in got] == [2028, 2032]


def test_datetime_limits_give_a_library_error_or_a_result() -> None:
    # Regression (issue 13, "a plan starting in year 1 at +14:00").
    year_one = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    with pytest.raises(HosplogiError, match="supported range of years 1 to 9999"):
        parse_rrule("FREQ=DAILY", year_one, "America/New_York")
    late = datetime(9999, 12, 30, tzinfo=UTC)
    got = expand("FREQ=HOURLY", late, "Asia/Shanghai", late, datetime.max.replace(tzinfo=UTC))
    assert len(got) == 40  # hourly up to 9999-12-31 23:00 in Shanghai, 15:00 UTC
    assert next_after("FREQ=YEARLY", late, "UTC", late) is None
