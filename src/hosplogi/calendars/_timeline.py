"""The interval arrays behind a business calendar's arithmetic (private to ``calendars/``).

A calendar's opening intervals become, once per range of years, two sorted lists of epoch
microseconds (``starts``, ``ends``) and the cumulative open time before each interval (``cum``);
every query is then a binary search. :class:`CalendarTimeline` builds them lazily, around the
instants asked about, and is safe to share between threads. :mod:`hosplogi.calendars` re-exports
the two classes for engines that batch their lookups (:mod:`hosplogi.sla`); users get them from
:attr:`BusinessCalendar.timeline <hosplogi.calendars.BusinessCalendar.timeline>`.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hosplogi._types import require_aware
from hosplogi.errors import HosplogiError

__all__ = [
    "DAY",
    "EPOCH",
    "MAX_SPAN_YEARS",
    "MAX_YEAR",
    "MIDNIGHT",
    "MIN_YEAR",
    "RANGE",
    "US",
    "CalendarTimeline",
    "Interval",
    "IntervalArrays",
    "from_us",
    "to_us",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
DAY = timedelta(days=1)
MIDNIGHT = time(0)
MIN_YEAR = 2
MAX_YEAR = 9998
"""A calendar computes with the years 2–9998: a year of margin on both sides of datetime's range."""
MAX_SPAN_YEARS = 200
"""One calendar object builds its interval arrays over at most this many consecutive years.

Building costs a few milliseconds per year, so this bounds the work any query can cause (well
under a second on a quiet machine); open time between instants further apart is refused.
"""
RANGE = (
    f"a BusinessCalendar computes with instants in the years {MIN_YEAR}–{MAX_YEAR}, at most "
    f"{MAX_SPAN_YEARS} consecutive years per calendar object"
)
"""The supported range, as error messages state it."""

Interval = tuple[time, time]
"""One opening interval ``(open, close)`` in local time; ``close == time(0)`` means 24:00."""


def to_us(at: datetime, name: str) -> int:
    """Microseconds since the Unix epoch of an aware datetime (exact integer arithmetic).

    A fixed offset (what work orders store) is taken as is; any other tzinfo is checked by
    :func:`require_aware`, which refuses wall times skipped by a daylight-saving change.
    """
    try:
        us = (at - EPOCH) // US
    except TypeError:
        require_aware(at, name)
        raise  # pragma: no cover - require_aware raised for every failing input
    if (
        type(at.tzinfo) is not timezone
        and at.utcoffset() != at.replace(fold=1 - at.fold).utcoffset()
    ):
        require_aware(at, name)  # near a DST change: refuse a skipped wall time
    return us


def from_us(us: int, tz: tzinfo | None) -> datetime:
    """The instant `us` (epoch microseconds) in zone `tz`; whole seconds first, so it is exact.

    Raises
    ------
    HosplogiError
        If the instant lies outside the years 1–9999 that datetimes can hold, stating the range.
    """
    seconds, micro = divmod(us, 1_000_000)
    try:
        at = datetime.fromtimestamp(seconds, tz or UTC)
    except (OverflowError, ValueError, OSError):
        shown = f"{seconds // (365.2425 * 86400) + 1970:.0f}"
        raise HosplogiError(
            f"the instant asked for falls in about the year {shown}, outside the years 1–9999 "
            f"a datetime can hold; {RANGE}"
        ) from None
    return at.replace(microsecond=micro) if micro else at


_Durations = tuple[list[timedelta], list[timedelta], list[timedelta], list[timedelta]]


class IntervalArrays:
    """One build of a calendar's opening intervals, never changed once published.

    ``starts[i]``/``ends[i]`` bound interval *i* in epoch microseconds (sorted, disjoint,
    non-touching) over the years ``lo_year..hi_year`` (the instants ``lo_us..hi_us``); ``cum[i]``
    is the open-time *position* of interval *i*'s start, so ``cum`` has one more entry than
    ``starts``. Positions are the same in every build of one timeline (a build that adds earlier
    years starts below the old origin), so positions read from different builds can be
    subtracted. Treat every list as read-only.

    Examples
    --------
    >>> from hosplogi import BusinessCalendar
    >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
    >>> at = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)   # a Monday
    >>> arrays = cal.timeline.cover(to_us(at, "at"), at)
    >>> arrays.lo_year <= 2026 <= arrays.hi_year, arrays.is_open(to_us(at, "at"))
    (True, True)
    """

    __slots__ = ("_durations", "cum", "ends", "hi_us", "hi_year", "lo_us", "lo_year", "starts")

    def __init__(
        self,
        starts: list[int],
        ends: list[int],
        cum: list[int],
        years: tuple[int, int],
        span: tuple[int, int],
    ) -> None:
        self.starts, self.ends, self.cum = starts, ends, cum
        self.lo_year, self.hi_year = years
        self.lo_us, self.hi_us = span
        self._durations: _Durations | None = None

    def opentime(self, us: int) -> int:
        """The open-time position of the instant `us` (which the arrays must cover).

        Examples
        --------
        >>> from hosplogi import BusinessCalendar
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> nine, ten = (datetime(2026, 3, 2, h, tzinfo=timezone.utc) for h in (9, 10))
        >>> arrays = cal.timeline.cover(to_us(nine, "at"), nine)
        >>> (arrays.opentime(to_us(ten, "at")) - arrays.opentime(to_us(nine, "at"))) // 10**6
        3600
        """
        i = bisect_right(self.starts, us) - 1
        if i < 0:
            return self.cum[0]
        end = self.ends[i]
        return self.cum[i] + (us if us < end else end) - self.starts[i]

    def is_open(self, us: int) -> bool:
        """Whether the instant `us` (which the arrays must cover) lies in an opening interval.

        Examples
        --------
        >>> from hosplogi import BusinessCalendar
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> five = datetime(2026, 3, 2, 17, tzinfo=timezone.utc)
        >>> cal.timeline.cover(to_us(five, "at"), five).is_open(to_us(five, "at"))
        False
        """
        i = bisect_right(self.starts, us) - 1
        return i >= 0 and us < self.ends[i]

    def durations(self) -> _Durations:
        """The arrays as timedeltas since the epoch, made once per build.

        For the inlined open-time lookup of :mod:`hosplogi.sla`, which keeps every instant
        as the timedelta ``at − epoch``: exact like the integers, and a sixth of the cost of
        turning a datetime into integer microseconds. Returns ``starts`` and ``cum`` as they
        are, and ``ends`` and ``cum[j] − starts[j]`` shifted by one behind a sentinel, so
        that the position of `t` is ``base[j] + min(t, ends[j])`` with
        ``j = bisect_right(starts, t)``, before the first interval included. (Two threads may
        both make them; either result is the same.)

        Examples
        --------
        >>> from bisect import bisect_right
        >>> from hosplogi import BusinessCalendar
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> ten = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
        >>> arrays = cal.timeline.cover(to_us(ten, "at"), ten)
        >>> starts, cum, ends, base = arrays.durations()
        >>> t = ten - EPOCH
        >>> j = bisect_right(starts, t)
        >>> (base[j] + min(t, ends[j])) // US == arrays.opentime(to_us(ten, "at"))
        True
        """
        made = self._durations
        if made is None:
            us = US
            far = timedelta.min  # cum[0] <= 0, so cum[0] - far cannot overflow
            made = self._durations = (
                [us * a for a in self.starts],
                [us * c for c in self.cum],
                [far, *(us * b for b in self.ends)],
                [
                    us * self.cum[0] - far,
                    *(us * (c - a) for c, a in zip(self.cum, self.starts, strict=False)),
                ],
            )
        return made


class CalendarTimeline:
    """A calendar's opening intervals as :class:`IntervalArrays`, built lazily and cached.

    Made by :attr:`BusinessCalendar.timeline <hosplogi.calendars.BusinessCalendar.timeline>`
    from the calendar's (immutable) fields, never built directly. Years are built contiguously
    around the instants asked about. Readers take the published arrays (one attribute read) and
    never see a build in progress; builds are serialised by a lock and only ever add years, so a
    later build covers everything an earlier one did, with the same positions. Safe to share
    between threads.

    Attributes
    ----------
    all_open : bool
        Open around the clock every day with no holidays (arithmetic is plain elapsed time).
    weekly_open : bool
        Some weekday has opening hours (else the calendar is never open).

    Examples
    --------
    >>> from hosplogi import BusinessCalendar
    >>> BusinessCalendar.always().timeline.all_open
    True
    """

    __slots__ = (
        "_lock",
        "all_open",
        "arrays",
        "bounded",
        "cov",
        "holidays",
        "hours",
        "tz",
        "weekly_open",
        "workdays",
        "years",
    )

    def __init__(
        self,
        timezone: str,
        hours: Mapping[int, Sequence[Interval]],
        holidays: frozenset[date],
        workdays: frozenset[date],
        years: tuple[int, int] | None,
        strict: bool,
    ) -> None:
        self.tz = ZoneInfo(timezone)
        self.hours, self.holidays, self.workdays, self.years = hours, holidays, workdays, years
        self.bounded = years is not None and strict
        self.weekly_open = any(hours.values())
        self.all_open = (
            not holidays
            and years is None
            and all(hours.get(d) == ((MIDNIGHT, MIDNIGHT),) for d in range(7))
        )
        self.cov = (
            (self._year_start(years[0]), self._year_start(years[1] + 1))
            if years is not None
            else None
        )
        self.arrays: IntervalArrays | None = None
        self._lock = threading.Lock()

    # -- building ----------------------------------------------------------------------------

    def _year_start(self, year: int) -> int:
        return (datetime(year, 1, 1, tzinfo=self.tz) - EPOCH) // US

    def _year_of(self, us: int) -> int:
        return from_us(us, self.tz).year

    def _build(self, first: int, last: int, previous: IntervalArrays | None) -> IntervalArrays:
        """Build the arrays for the years ``first..last``, positions agreeing with `previous`."""
        tz = self.tz
        hours, holidays, workdays = self.hours, self.holidays, self.workdays
        monday = hours.get(0, ())
        raw: list[tuple[int, int]] = []
        day = date(first, 1, 1)
        end_day = date(last + 1, 1, 1)
        combine = datetime.combine
        while day < end_day:
            if day in holidays:
                todays: Sequence[Interval] = ()
            elif day in workdays:
                todays = monday
            else:
                todays = hours.get(day.weekday(), ())
            for open_t, close_t in todays:
                a = (combine(day, open_t, tz) - EPOCH) // US
                if close_t == MIDNIGHT:
                    b = (combine(day + DAY, MIDNIGHT, tz) - EPOCH) // US
                else:
                    b = (combine(day, close_t, tz) - EPOCH) // US
                if b > a:  # an interval inside a spring-forward gap can vanish
                    raw.append((a, b))
            day += DAY
        raw.sort()
        starts: list[int] = []
        ends: list[int] = []
        for a, b in raw:  # merge touching or (after a fall-back change) overlapping intervals
            if ends and a <= ends[-1]:
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        cum = [0]
        total = 0
        for a, b in zip(starts, ends, strict=True):
            total += b - a
            cum.append(total)
        built = IntervalArrays(
            starts, ends, cum, (first, last), (self._year_start(first), self._year_start(last + 1))
        )
        if previous is not None:  # keep the positions: the old origin stays where it was
            shift = previous.cum[0] - built.opentime(previous.lo_us)
            if shift:
                built.cum = [c + shift for c in cum]
        return built

    def _outside(self, us: int, at: datetime) -> HosplogiError:
        year = self._year_of(us)
        first, last = self.years or (0, 0)
        return HosplogiError(
            f"{at.isoformat()} falls in {year}, outside the years this calendar covers "
            f"({first}–{last}); build the calendar with years that include {year}, or with "
            "strict=False to treat uncovered years as plain weeks of its weekday hours"
        )

    def cover(self, us: int, at: datetime) -> IntervalArrays:
        """Arrays that cover the instant `us` (inclusive of the last boundary).

        `at` is the same instant as a datetime, for the error message.

        Raises
        ------
        HosplogiError
            If `us` lies outside the years a strict calendar covers, or outside the years
            2–9998 any calendar computes with.

        Examples
        --------
        >>> from hosplogi import BusinessCalendar
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]}, years=(2026, 2026))
        >>> at = datetime(2027, 3, 1, 10, tzinfo=timezone.utc)
        >>> cal.timeline.cover(to_us(at, "at"), at)
        Traceback (most recent call last):
        ...
        hosplogi.errors.HosplogiError: 2027-03-01T10:00:00+00:00 falls in 2027, outside ...
        """
        arrays = self.arrays
        if arrays is not None and arrays.lo_us <= us <= arrays.hi_us:
            return arrays
        if self.bounded:
            assert self.cov is not None
            if not self.cov[0] <= us <= self.cov[1]:
                raise self._outside(us, at)
        else:
            year = self._year_of(us)
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise HosplogiError(
                    f"{at.isoformat()} is outside the years {MIN_YEAR}–{MAX_YEAR} a calendar "
                    "can compute with"
                )
        with self._lock:
            arrays = self.arrays  # another thread may have built it meanwhile
            if arrays is not None and arrays.lo_us <= us <= arrays.hi_us:
                return arrays
            if self.bounded:
                assert self.years is not None
                first, last = self.years
            elif arrays is None:
                first, last = max(year - 1, MIN_YEAR), min(year + 1, MAX_YEAR)
            else:
                first = max(min(year - 1, arrays.lo_year), MIN_YEAR)
                last = min(max(year + 1, arrays.hi_year), MAX_YEAR)
                if last - first + 1 > MAX_SPAN_YEARS:  # refused before any year is built
                    raise HosplogiError(
                        f"{at.isoformat()} is too far from the years {arrays.lo_year}–"
                        f"{arrays.hi_year} this calendar has computed with; {RANGE}. Use "
                        "another BusinessCalendar (an equal copy will do) for far-away instants"
                    )
            arrays = self.arrays = self._build(first, last, arrays)
            return arrays

    def _extend_forward(
        self, seen: IntervalArrays, at: datetime, needed: int = 0
    ) -> IntervalArrays:
        """Arrays with more years after those of `seen`; raise when there is no more open time.

        `needed` is the open time (µs) still wanted past the end of `seen`: the build adds about
        as many years as the open time per year built so far says it takes, plus two.
        """
        if self.bounded:
            assert self.years is not None
            raise HosplogiError(
                f"the open time asked from {at.isoformat()} runs past the end of "
                f"{self.years[1]}, the last year this calendar covers; build the calendar "
                "with more years (for China, a year the holidays package does not know yet "
                "comes from its notice: BusinessCalendar.china(notices=[ChinaNotice(...)])), "
                "or with strict=False"
            )
        with self._lock:
            arrays = self.arrays
            assert arrays is not None
            if arrays.hi_year > seen.hi_year:  # another thread went further meanwhile
                return arrays
            built = arrays.hi_year - arrays.lo_year + 1
            per_year = max(1, (arrays.cum[-1] - arrays.cum[0]) // built)
            more = max(4, needed // per_year + 2)
            last = min(arrays.hi_year + more, MAX_YEAR, arrays.lo_year + MAX_SPAN_YEARS - 1)
            if last <= arrays.hi_year:
                raise HosplogiError(
                    f"the open time asked from {at.isoformat()} runs past the year "
                    f"{arrays.hi_year}; {RANGE}"
                )
            arrays = self.arrays = self._build(arrays.lo_year, last, arrays)
            return arrays

    # -- queries that may need more years ------------------------------------------------------

    def _next_open_us(self, us: int, at: datetime) -> int:
        arrays = self.cover(us, at)
        while True:
            i = bisect_right(arrays.starts, us) - 1
            if i >= 0 and us < arrays.ends[i]:
                return us
            if i + 1 < len(arrays.starts):
                return arrays.starts[i + 1]
            arrays = self._extend_forward(arrays, at)

    def add_us(self, us: int, amount: int, at: datetime) -> int:
        """The instant after `amount` µs of open time from `us` (amount zero: next opening).

        `at` is the instant `us` as a datetime, for error messages.

        Raises
        ------
        HosplogiError
            If the answer lies outside the years the calendar covers or computes with.

        Examples
        --------
        >>> from hosplogi import BusinessCalendar
        >>> cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]})
        >>> at = datetime(2026, 3, 2, 16, tzinfo=timezone.utc)          # Monday 16:00
        >>> from_us(cal.timeline.add_us(to_us(at, "at"), 2 * 3600 * 10**6, at), timezone.utc)
        datetime.datetime(2026, 3, 9, 10, 0, tzinfo=datetime.timezone.utc)
        """
        if amount == 0:
            return self._next_open_us(us, at)
        arrays = self.cover(us, at)
        target = arrays.opentime(us) + amount
        k = bisect_left(arrays.cum, target)
        while k >= len(arrays.cum):
            arrays = self._extend_forward(arrays, at, target - arrays.cum[-1])
            k = bisect_left(arrays.cum, target)
        return arrays.starts[k - 1] + target - arrays.cum[k - 1]
