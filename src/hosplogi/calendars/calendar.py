"""Business calendars: opening hours, holidays and make-up working days (调休).

A :class:`BusinessCalendar` is configuration, so it is a frozen, JSON-serialisable model: a time
zone, opening intervals per weekday (several a day — a lunch break is normal in Chinese
hospitals), closed dates and extra working dates. Its arithmetic — :meth:`~BusinessCalendar.add`,
:meth:`~BusinessCalendar.between`, :meth:`~BusinessCalendar.is_open`,
:meth:`~BusinessCalendar.next_open` — works by interval lookup: the opening intervals are
converted once to integer microseconds since the Unix epoch together with the cumulative open
time before each interval, and every query is a binary search (``bisect``) over them. Nothing ever
steps through minutes or days at query time.

Conventions
-----------
- Intervals are half-open, ``[open, close)``, in local wall-clock time of the calendar's zone.
  A closing time of ``time(0)`` means midnight at the *end* of the day (24:00), so
  ``(time(0), time(0))`` is a whole day.
- Local times are turned into instants with :mod:`zoneinfo`, so a day across a daylight-saving
  change is 23 or 25 hours long and opening hours stay at their wall-clock times. An opening
  interval that falls into the gap of a spring-forward change shrinks accordingly.
- A calendar built with ``years=(first, last)`` *covers* those years: holidays and make-up days are
  known for them. Asking it about an instant outside them raises :class:`HosplogiError` unless it
  was built with ``strict=False``, in which case such years are plain weeks of the weekday hours.

Examples
--------
>>> from datetime import UTC, datetime, time, timedelta
>>> day = [(time(8), time(12)), (time(13), time(17))]
>>> cal = BusinessCalendar("UTC", {d: day for d in range(5)})
>>> monday_11 = datetime(2026, 3, 2, 11, tzinfo=UTC)
>>> cal.add(monday_11, timedelta(hours=2))
datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.timezone.utc)
>>> cal.between(monday_11, datetime(2026, 3, 3, 9, tzinfo=UTC))
datetime.timedelta(seconds=21600)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta  # noqa: F401 (UTC: the doctests)
from functools import cached_property
from itertools import pairwise
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator, model_validator

from hosplogi._types import FrozenDict, FrozenModel, brief, by_position, require_day
from hosplogi.calendars._timeline import (
    MAX_SPAN_YEARS,
    MAX_YEAR,
    MIDNIGHT,
    MIN_YEAR,
    RANGE,
    US,
    CalendarTimeline,
    Interval,
    IntervalArrays,
    from_us,
    to_us,
)
from hosplogi.calendars.china import ChinaNotice, china_dates, china_official_years
from hosplogi.errors import HosplogiError

__all__ = [
    "BusinessCalendar",
    "CalendarTimeline",
    "ChinaNotice",
    "IntervalArrays",
    "china_official_years",
]


_SPAN_US = MAX_SPAN_YEARS * 366 * 86_400_000_000


def _seconds(t: time, *, closing: bool) -> int:
    """Seconds after midnight, with a closing ``time(0)`` counted as 24:00."""
    s = t.hour * 3600 + t.minute * 60 + t.second
    return 86400 if closing and s == 0 and t.microsecond == 0 else s


def _check_intervals(day: int, intervals: Iterable[Any]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    for item in intervals:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise ValueError(
                f"opening hours of weekday {day} must be (open, close) pairs of datetime.time, "
                f"got {item!r}"
            ) from None
        for t in (start, end):
            if not isinstance(t, time):
                raise ValueError(f"weekday {day}: {t!r} is not a datetime.time")
            if t.tzinfo is not None:
                raise ValueError(
                    f"weekday {day}: opening time {t.isoformat()} carries a tzinfo; give local "
                    "wall-clock times, the calendar's `timezone` places them"
                )
        a = _seconds(start, closing=False) * 1_000_000 + start.microsecond
        b = _seconds(end, closing=True) * 1_000_000 + (end.microsecond if end != MIDNIGHT else 0)
        if b <= a:
            raise ValueError(
                f"weekday {day}: interval {start.isoformat()}–{end.isoformat()} is inverted or "
                "empty; the close must be later than the open (time(0) as close means 24:00)"
            )
        out.append((start, end))
    out.sort(key=lambda iv: (_seconds(iv[0], closing=False), iv[0].microsecond))
    for (s1, e1), (s2, e2) in pairwise(out):
        end1 = _seconds(e1, closing=True) * 1_000_000 + (e1.microsecond if e1 != MIDNIGHT else 0)
        start2 = _seconds(s2, closing=False) * 1_000_000 + s2.microsecond
        if start2 < end1:
            raise ValueError(
                f"weekday {day}: intervals {s1.isoformat()}–{e1.isoformat()} and "
                f"{s2.isoformat()}–{e2.isoformat()} overlap; give disjoint intervals"
            )
    return tuple(out)


class BusinessCalendar(FrozenModel):
    """Opening hours per weekday, closed holidays and extra working dates, in one time zone.

    Parameters
    ----------
    timezone : str
        An IANA zone name such as ``"Asia/Shanghai"`` (see :mod:`zoneinfo`).
    hours : Mapping[int, Sequence[tuple[time, time]]]
        Weekday (0 = Monday … 6 = Sunday) → opening intervals ``(open, close)`` in local time,
        several per day allowed; a close of ``time(0)`` means 24:00. Intervals must be disjoint and
        not inverted. Weekdays left out are closed.
    holidays : frozenset[date]
        Closed dates.
    workdays : frozenset[date]
        Extra working dates (make-up days, 调休) that use the hours of a regular Monday.
    years : tuple[int, int], optional
        The first and last year (inclusive) whose holidays and make-up days the calendar knows.
        ``None`` (the default) means the calendar is complete for every year.
    strict : bool
        With `years` set: whether an instant outside them raises (``True``, the default) or is
        treated as a plain week of the weekday hours (``False``).

    Notes
    -----
    `timezone` and `hours` may be passed by position. The interval arrays behind the arithmetic
    (:attr:`timeline`) are a cache, built on first use and excluded from serialisation and
    equality. Every query
    is O(log n) in the number of opening intervals.

    Examples
    --------
    >>> day = [(time(8), time(12)), (time(13, 30), time(17, 30))]
    >>> cal = BusinessCalendar("Asia/Shanghai", {0: day})
    >>> cal.is_open(datetime(2026, 3, 2, 4, 0, tzinfo=UTC))  # 12:00 in Shanghai
    False
    >>> BusinessCalendar.model_validate_json(cal.model_dump_json()) == cal
    True
    """

    timezone: str
    hours: FrozenDict[int, tuple[Interval, ...]]
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: tuple[int, int] | None = None
    strict: bool = True

    def __init__(self, /, *args: Any, **data: Any) -> None:
        data = by_position(
            "BusinessCalendar", ("timezone", "hours", "holidays", "workdays"), args, data
        )
        super().__init__(**data)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            raise ValueError(
                f"unknown time zone {brief(value)}; give an IANA name such as 'Asia/Shanghai' "
                "or 'UTC'"
            ) from None
        return value

    @field_validator("hours", mode="before")
    @classmethod
    def _normalise_hours(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValueError(
                f"hours must map weekday numbers 0–6 to lists of (open, close) times, got {value!r}"
            )
        out: dict[Any, Any] = {}
        for key, intervals in value.items():
            try:
                day = int(key)
            except (TypeError, ValueError, OverflowError):
                raise ValueError(
                    f"weekday {key!r} is not a number 0 (Monday) to 6 (Sunday)"
                ) from None
            if not 0 <= day <= 6 or (isinstance(key, float) and key != day):
                raise ValueError(f"weekday {key!r} is not a number 0 (Monday) to 6 (Sunday)")
            if day in out:
                raise ValueError(f"weekday {day} is given twice")
            if isinstance(intervals, (str, bytes)) or not isinstance(intervals, Iterable):
                raise ValueError(f"weekday {day}: expected a list of (open, close) pairs")
            parsed = [
                tuple(time.fromisoformat(t) if isinstance(t, str) else t for t in iv)
                if isinstance(iv, (list, tuple))
                else iv
                for iv in intervals
            ]
            checked = _check_intervals(day, parsed)
            if checked:
                out[day] = checked
        return FrozenDict(sorted(out.items()))

    @field_validator("years")
    @classmethod
    def _year_range(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None:
            first, last = value
            if not MIN_YEAR <= first <= last <= MAX_YEAR or last - first >= MAX_SPAN_YEARS:
                raise ValueError(
                    f"years must be (first, last) with {MIN_YEAR} ≤ first ≤ last ≤ {MAX_YEAR} "
                    f"and at most {MAX_SPAN_YEARS} years, got {brief(value)}"
                )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> BusinessCalendar:
        both = self.holidays & self.workdays
        if both:
            raise ValueError(
                "dates cannot be both holidays and make-up workdays: "
                + ", ".join(sorted(d.isoformat() for d in both))
            )
        if self.workdays and not self.hours.get(0):
            raise ValueError(
                "make-up workdays use Monday's hours, but Monday (0) has none; give Monday hours "
                "or drop the workdays"
            )
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with `update`, a new calendar validated like any other (and its own arrays).

        Examples
        --------
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> cal.model_copy(update={"hours": {1: [("08:00", "12:00")]}}).hours
        {1: ((datetime.time(8, 0), datetime.time(12, 0)),)}
        """
        if not update:
            return super().model_copy(deep=deep)
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return self.model_validate({**fields, **update})

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def always(cls, timezone: str = "UTC") -> BusinessCalendar:
        """A calendar open around the clock, every day (for 24/7 services such as emergencies).

        Examples
        --------
        >>> cal = BusinessCalendar.always()
        >>> t = datetime(2026, 3, 1, 23, tzinfo=UTC)
        >>> cal.add(t, timedelta(hours=3)), cal.is_open(t)
        (datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.timezone.utc), True)
        """
        return cls(timezone, dict.fromkeys(range(7), ((MIDNIGHT, MIDNIGHT),)))

    @classmethod
    def china(
        cls,
        years: int | Iterable[int] | None = None,
        *,
        timezone: str = "Asia/Shanghai",
        hours: Sequence[Interval] = ((time(8), time(12)), (time(13, 30), time(17, 30))),
        strict: bool = True,
        notices: Iterable[ChinaNotice] = (),
    ) -> BusinessCalendar:
        """Monday–Friday with China's statutory holidays and make-up working days (调休).

        The dates come from the `holidays` package (``holidays.China``: the holidays of the State
        Council's yearly notices and their ``weekend_workdays``). Only the years for which the
        package transcribes an official notice are accepted (:func:`china_official_years`);
        later years are estimates there, so asking for them is an error rather than a guess —
        unless you give the year's notice yourself, as data (`notices`).

        Parameters
        ----------
        years : int or iterable of int, optional
            The years to cover (their range from first to last). Default: every official year.
        timezone : str
            Default ``"Asia/Shanghai"``.
        hours : sequence of (time, time)
            The opening intervals of each working day; default 08:00–12:00 and 13:30–17:30.
        strict : bool
            See :class:`BusinessCalendar`.
        notices : iterable of ChinaNotice
            Official notices given as data (e.g. next year's, published in November or
            December, before the `holidays` package has it); each replaces the package's dates
            for its year and makes the year available.

        Returns
        -------
        BusinessCalendar

        Raises
        ------
        HosplogiError
            If a year asked for has no official notice in the holiday source or in `notices`,
            the years span more than 200, or an argument has the wrong type.

        Examples
        --------
        >>> from zoneinfo import ZoneInfo
        >>> cal = BusinessCalendar.china(2025)
        >>> sh = ZoneInfo("Asia/Shanghai")
        >>> cal.is_open(datetime(2025, 10, 8, 9, tzinfo=sh))     # National Day holiday
        False
        >>> cal.is_open(datetime(2025, 10, 11, 9, tzinfo=sh))    # Saturday make-up day
        True
        >>> cal.add(datetime(2025, 9, 30, 17, tzinfo=sh), timedelta(hours=1))
        datetime.datetime(2025, 10, 9, 8, 30, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))

        A year the package does not know yet, from its notice (here only New Year's Day, for
        illustration: copy every date of the real notice):

        >>> notice = ChinaNotice(year=2099, holidays={date(2099, 1, 1)})
        >>> BusinessCalendar.china(2099, notices=[notice]).is_working_day(date(2099, 1, 1))
        False
        """
        if isinstance(hours, (str, bytes)) or not isinstance(hours, Iterable):
            raise HosplogiError(
                f"hours must be a sequence of (open, close) times, got {brief(hours)}"
            )
        (first, last), closed, extra = china_dates(years, notices)
        week = dict.fromkeys(range(5), tuple(hours))
        return cls(
            timezone, week, holidays=closed, workdays=extra, years=(first, last), strict=strict
        )

    # -- the interval arrays -----------------------------------------------------------------

    @cached_property
    def timeline(self) -> CalendarTimeline:
        """The interval arrays behind the arithmetic, built on first use and kept.

        Not a field: excluded from serialisation, equality and hashing. Engines that look up
        many instants at once (:mod:`hosplogi.sla`) read it; treat it as read-only.

        Examples
        --------
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> cal.timeline is cal.timeline, cal.timeline.all_open
        (True, False)
        """
        return CalendarTimeline(
            self.timezone, self.hours, self.holidays, self.workdays, self.years, self.strict
        )

    # -- queries ------------------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Return the instant at which `duration` of open time has passed after `start`.

        Parameters
        ----------
        start : datetime
            Timezone-aware; the result is in the same zone.
        duration : timedelta
            Zero or more.

        Returns
        -------
        datetime
            For a zero duration: `start` if the calendar is open then, else the next opening.
            Otherwise the earliest instant by which `duration` of open time has passed — a
            closing time when the duration ends exactly there (a deadline "at close of business").

        Raises
        ------
        HosplogiError
            If `start` is naive, `duration` negative, the calendar never open, or the answer
            outside the years a strict calendar covers or the supported range: instants in the
            years 2–9998, at most 200 consecutive years per calendar object (a `duration` of
            more than 200 years is refused at once, before any work).

        Notes
        -----
        Work is bounded: at most 200 years of opening intervals are ever built for one calendar
        (a few milliseconds per year), after which every query is a binary search.

        Examples
        --------
        >>> cal = BusinessCalendar("UTC", {d: [(time(9), time(17))] for d in range(5)})
        >>> friday = datetime(2026, 3, 6, 16, tzinfo=UTC)
        >>> cal.add(friday, timedelta(hours=2))
        datetime.datetime(2026, 3, 9, 10, 0, tzinfo=datetime.timezone.utc)
        >>> cal.add(friday, timedelta(hours=1))
        datetime.datetime(2026, 3, 6, 17, 0, tzinfo=datetime.timezone.utc)
        """
        us = to_us(start, "start")
        try:
            amount = duration // US
        except TypeError:
            raise HosplogiError(
                f"duration must be a datetime.timedelta, got {brief(duration)}"
            ) from None
        if amount < 0:
            raise HosplogiError(
                f"duration must be zero or more, got {duration}; BusinessCalendar.add does not "
                "count backwards"
            )
        tl = self.timeline
        if tl.all_open:  # elapsed time, not wall-clock arithmetic (DST days are 23 or 25 h)
            return from_us(us + amount, start.tzinfo)
        if amount > _SPAN_US:  # open time is at most wall time: no need to walk the years
            raise HosplogiError(
                f"cannot add {duration} of open time to {start.isoformat()}: {RANGE}"
            )
        if not tl.weekly_open:  # make-up workdays need Monday hours, so this is never open
            raise HosplogiError("the calendar is never open (no weekday hours and no workdays)")
        result = tl.add_us(us, amount, start)
        if amount == 0 and result == us:
            return start
        return from_us(result, start.tzinfo)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Return the open time in ``[start, end)``; negative if `end` is before `start`.

        Examples
        --------
        >>> cal = BusinessCalendar("UTC", {d: [(time(9), time(17))] for d in range(5)})
        >>> friday = datetime(2026, 3, 6, 16, tzinfo=UTC)
        >>> cal.between(friday, friday + timedelta(days=3))
        datetime.timedelta(seconds=28800)
        >>> cal.between(friday + timedelta(days=3), friday)
        datetime.timedelta(days=-1, seconds=57600)
        """
        a = to_us(start, "start")
        b = to_us(end, "end")
        tl = self.timeline
        if tl.all_open:
            return timedelta(microseconds=b - a)
        # positions agree across builds, so each end may be read from the arrays covering it
        return timedelta(microseconds=tl.cover(b, end).opentime(b) - tl.cover(a, start).opentime(a))

    def is_open(self, at: datetime) -> bool:
        """Whether the calendar is open at the instant `at`.

        Examples
        --------
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> cal.is_open(datetime(2026, 3, 2, 17, tzinfo=UTC))  # closes at 17:00
        False
        """
        us = to_us(at, "at")
        tl = self.timeline
        if tl.all_open:
            return True
        return tl.cover(us, at).is_open(us)

    def next_open(self, at: datetime) -> datetime:
        """Return `at` if the calendar is open then, else the next opening (in `at`'s zone).

        Examples
        --------
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> cal.next_open(datetime(2026, 3, 3, 8, tzinfo=UTC))  # Tuesday → next Monday
        datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.timezone.utc)
        """
        return self.add(at, timedelta(0))

    def is_working_day(self, day: date) -> bool:
        """Whether `day` has opening hours (holidays closed, make-up days open).

        Examples
        --------
        >>> BusinessCalendar.china(2026).is_working_day(date(2026, 2, 14))  # Saturday 调休
        True
        """
        require_day(day)
        if (
            self.years is not None
            and self.strict
            and not self.years[0] <= day.year <= self.years[1]
        ):
            raise HosplogiError(
                f"{day.isoformat()} is outside the years this calendar covers "
                f"({self.years[0]}–{self.years[1]}); build it with those years or strict=False"
            )
        if day in self.holidays:
            return False
        if day in self.workdays:
            return bool(self.hours.get(0))
        return bool(self.hours.get(day.weekday()))
