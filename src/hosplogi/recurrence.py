"""RFC 5545 recurrence rules (RRULE) evaluated in an IANA time zone, shared by plans.

Inspection plans (`hosplogi.inspections`) and preventive-maintenance plans
(`hosplogi.maintenance`) both repeat on an RRULE such as ``FREQ=WEEKLY;BYDAY=MO,TH``. The rule is
parsed by :func:`dateutil.rrule.rrulestr` with a timezone-aware DTSTART expressed in the plan's
zone, so "every day at 08:00" stays at 08:00 wall-clock time across daylight-saving changes.

Work is bounded (issue 13):

* :func:`expand` and :func:`next_after` start the expansion near the window asked for, not at
  DTSTART: a minutely plan that started years ago costs the same for a one-hour window as one that
  started yesterday (a rule with COUNT is the exception: its occurrences are counted from DTSTART);
* a call generates at most :data:`MAX_OCCURRENCES` occurrences (100,000) and raises a
  :class:`~hosplogi.errors.HosplogiError` naming the limit beyond it, so
  ``FREQ=SECONDLY;COUNT=1000000000`` is refused instead of filling memory;
* :func:`parse_rrule` refuses a rule that never occurs (e.g. ``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30``)
  after a search of at most one 400-year Gregorian cycle (under a second), instead of letting every
  later expansion search to the year 9999.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr
from pydantic import AfterValidator

from hosplogi.errors import HosplogiError

__all__ = [
    "MAX_OCCURRENCES",
    "TimeZoneName",
    "between",
    "expand",
    "freq_of",
    "local",
    "next_after",
    "normalise_rrule",
    "parse_rrule",
    "zone",
]

MAX_OCCURRENCES = 100_000
"""The most occurrences one call of :func:`expand`, :func:`next_after` or :func:`between` makes."""

_PROBE_YEARS = 400  # the Gregorian calendar repeats every 400 years (146,097 days, 20,871 weeks)
_DST_MARGIN = timedelta(hours=3)  # more than any daylight-saving shift of a wall clock
_FIXED_STEP = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
}
_DAY_PARTS = ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")

# RFC 5545 §3.3.10 value ranges (dateutil accepts some out-of-range values silently).
_RANGES = {
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
    "INTERVAL": (1, None, False),
    "COUNT": (1, None, False),
}


def _check_ranges(text: str) -> None:
    for part in text.split(";"):
        key, _, value = part.partition("=")
        if key not in _RANGES:
            continue
        low, high, signed = _RANGES[key]
        for item in value.split(","):
            try:
                number = int(item)
            except ValueError:
                raise HosplogiError(
                    f"rrule {text!r}: {key} value {item!r} is not an integer (RFC 5545 §3.3.10)"
                ) from None
            size = abs(number) if signed else number
            if size < low or (high is not None and size > high) or (signed and number == 0):
                accepted = f"{low}..{high}" if high is not None else f">= {low}"
                if signed:
                    accepted = f"±{accepted}"
                raise HosplogiError(
                    f"rrule {text!r}: {key}={item} is out of range; RFC 5545 §3.3.10 accepts "
                    f"{accepted}"
                )


def zone(name: str) -> ZoneInfo:
    """Return the :class:`~zoneinfo.ZoneInfo` called `name`, or raise HosplogiError.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> zone("Asia/Shanghai").key
    'Asia/Shanghai'
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise HosplogiError(
            f"time zone {name!r} is not a known IANA zone name; "
            "give one such as 'Asia/Shanghai' or 'UTC'"
        ) from None


def local(value: datetime, timezone_name: str) -> datetime:
    """The instant `value` as wall time of `timezone_name`, with its fixed UTC offset.

    A fixed offset keeps comparisons and arithmetic exact: Python compares two datetimes that
    share one ``ZoneInfo`` by wall time, which is wrong in the repeated hour of a DST change.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> local(datetime(2026, 3, 2, 1, tzinfo=timezone.utc), "Asia/Shanghai").isoformat()
    '2026-03-02T09:00:00+08:00'
    """
    try:
        moved = value.astimezone(UTC).astimezone(zone(timezone_name))
    except OverflowError:
        raise HosplogiError(
            f"{value.isoformat()} in {timezone_name} falls outside the supported range of years "
            "1 to 9999"
        ) from None
    offset = moved.utcoffset()
    assert offset is not None
    return moved.replace(tzinfo=timezone(offset))


def _valid_zone(name: str) -> str:
    zone(name)
    return name


TimeZoneName = Annotated[str, AfterValidator(_valid_zone)]
"""An IANA time-zone name such as ``"Asia/Shanghai"``, checked against the zone database."""


def normalise_rrule(text: str) -> str:
    """Return the RRULE value of `text` (an optional ``RRULE:`` prefix removed, upper-cased).

    DTSTART must not be part of the text: plans carry it as a separate timezone-aware field.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> normalise_rrule("rrule:freq=daily;byhour=8")
    'FREQ=DAILY;BYHOUR=8'
    """
    if not isinstance(text, str) or not text.strip():
        raise HosplogiError(
            f"rrule must be a non-empty RFC 5545 RRULE such as 'FREQ=WEEKLY;BYDAY=MO', got {text!r}"
        )
    body = text.strip()
    if "\n" in body or "DTSTART" in body.upper():
        raise HosplogiError(
            f"rrule {text!r} must be a single RRULE line without DTSTART; give the start as the "
            "plan's timezone-aware `start` field"
        )
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    return body.upper()


def freq_of(text: str) -> str:
    """Return the FREQ part of a normalised RRULE.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> freq_of("FREQ=HOURLY;INTERVAL=2")
    'HOURLY'
    """
    for part in text.split(";"):
        key, _, value = part.partition("=")
        if key == "FREQ" and value in _FREQS:
            return value
    raise HosplogiError(
        f"rrule {text!r} has no valid FREQ; RFC 5545 §3.3.10 requires one of {', '.join(_FREQS)}"
    )


def parse_rrule(text: str, dtstart: datetime, timezone: str) -> rrule:
    """Parse `text` with DTSTART = `dtstart` seen in `timezone`; raise HosplogiError if invalid.

    Parameters
    ----------
    text : str
        An RRULE value, e.g. ``"FREQ=HOURLY;INTERVAL=2"`` (an ``RRULE:`` prefix is accepted).
    dtstart : datetime
        Timezone-aware; converted to `timezone`, whose wall clock the rule then follows.
    timezone : str
        IANA zone name.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> r = parse_rrule("FREQ=DAILY;COUNT=2", datetime(2026, 3, 2, 8, tzinfo=timezone.utc), "UTC")
    >>> [d.day for d in r]
    [2, 3]
    """
    if dtstart.tzinfo is None or dtstart.utcoffset() is None:
        raise HosplogiError(
            f"DTSTART must be timezone-aware, got the naive datetime {dtstart.isoformat()}; "
            "attach a tzinfo such as ZoneInfo('Asia/Shanghai')"
        )
    if dtstart.microsecond:
        raise HosplogiError(
            f"DTSTART {dtstart.isoformat()} has a fraction of a second; RFC 5545 times are whole "
            "seconds, so give e.g. start.replace(microsecond=0)"
        )
    body = normalise_rrule(text)
    freq_of(body)
    _check_ranges(body)
    try:
        local = dtstart.astimezone(zone(timezone))
    except OverflowError:
        raise HosplogiError(
            f"DTSTART {dtstart.isoformat()} in {timezone} falls outside the supported range of "
            "years 1 to 9999"
        ) from None
    try:
        rule = rrulestr(body, dtstart=local)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as err:
        raise HosplogiError(
            f"rrule {text!r} is not a valid RFC 5545 RRULE ({err}); "
            "write e.g. 'FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9' (UNTIL in UTC: 20261231T000000Z)"
        ) from None
    if not isinstance(rule, rrule):  # pragma: no cover - rrulestr returns rruleset for several
        raise HosplogiError(f"rrule {text!r} must be a single RRULE")
    _require_some_occurrence(text, body, local.replace(tzinfo=None))
    return rule


def _parts(body: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in body.split(";") if part)


def _body(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={value}" for key, value in parts.items())


def _require_some_occurrence(text: str, body: str, start: datetime) -> None:
    """Refuse a rule whose pattern never occurs, searching at most one 400-year cycle.

    The pattern (without COUNT and UNTIL) is moved by whole 400-year cycles, which keep every
    date's weekday and leap year, to start at most 400 years before the year 9999, where dateutil
    stops; an impossible rule then costs one cycle of search instead of thousands of years.
    """
    parts = {k: v for k, v in _parts(body).items() if k not in ("COUNT", "UNTIL")}
    cycles = max(0, (datetime.max.year - _PROBE_YEARS - start.year) // _PROBE_YEARS)
    probe_start = start.replace(year=start.year + cycles * _PROBE_YEARS)
    probe = rrulestr(_body(parts), dtstart=probe_start)
    if probe.after(probe_start, inc=True) is None:
        raise HosplogiError(
            f"rrule {text!r} never occurs: no date in a {_PROBE_YEARS}-year Gregorian cycle "
            "matches all its BY parts (e.g. BYMONTH=2;BYMONTHDAY=30); check the rule"
        )


def between(
    rule: rrule,
    start: datetime,
    end: datetime,
    timezone: str,
    *,
    limit: int = MAX_OCCURRENCES,
) -> list[datetime]:
    """Occurrences of a parsed `rule` in ``[start, end)``, sorted, unique, as real wall-clock times.

    Times that fall in a daylight-saving gap are moved to the instant they denote (fold 0);
    duplicates in the same instant are dropped. Results carry fixed UTC offsets (see
    :func:`local`). The rule is walked from its DTSTART; prefer :func:`expand`, which starts near
    the window.

    Raises
    ------
    HosplogiError
        If more than `limit` occurrences (:data:`MAX_OCCURRENCES`) are generated on the way.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> r = parse_rrule("FREQ=DAILY", t0, "UTC")
    >>> [d.day for d in between(r, t0, t0.replace(day=5), "UTC")]
    [2, 3, 4]
    """
    return _collect(iter(rule), start, end, timezone, limit, str(rule).replace("\n", " "))


def _collect(
    occurrences: Iterator[datetime],
    start: datetime,
    end: datetime,
    timezone: str,
    limit: int,
    what: str,
) -> list[datetime]:
    """The instants of `occurrences` (wall times, ascending) in ``[start, end)``, bounded."""
    stop = _shifted(end, _DST_MARGIN)
    instants: set[datetime] = set()
    for n, raw in enumerate(occurrences, start=1):
        if n > limit:
            raise HosplogiError(
                f"rrule {what} gives more than {limit:,} occurrences (MAX_OCCURRENCES) on the "
                f"way to the window {start.isoformat()} to {end.isoformat()}; ask for a shorter "
                "window or a sparser rule"
            )
        try:
            t = raw.astimezone(UTC)
        except OverflowError:  # a wall time whose UTC instant lies outside years 1 to 9999
            if raw.year == 1:
                continue  # before any window
            break
        if stop is not None and t >= stop:
            break
        if start <= t < end:
            instants.add(t)
    return [local(t, timezone) for t in sorted(instants)]


def _shifted(at: datetime, delta: timedelta) -> datetime | None:
    """``at + delta``, or None past the datetime limits (then no bound applies on that side)."""
    try:
        return at + delta
    except OverflowError:
        return None


def _explicit(parts: dict[str, str], freq: str, start: datetime) -> dict[str, str]:
    """The rule's parts with the values RFC 5545 takes from DTSTART written out.

    A rule that leaves out e.g. BYHOUR for FREQ=DAILY repeats at DTSTART's hour; written out, the
    rule means the same from any later start that keeps its INTERVAL phase.
    """
    out = dict(parts)
    coarse = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
    if freq in coarse:
        out.setdefault("BYHOUR", str(start.hour))
    if freq in (*coarse, "HOURLY"):
        out.setdefault("BYMINUTE", str(start.minute))
    if freq != "SECONDLY":
        out.setdefault("BYSECOND", str(start.second))
    if not any(key in parts for key in _DAY_PARTS):
        if freq == "YEARLY":
            out.setdefault("BYMONTH", str(start.month))
            out["BYMONTHDAY"] = str(start.day)
        elif freq == "MONTHLY":
            out["BYMONTHDAY"] = str(start.day)
        elif freq == "WEEKLY":
            out["BYDAY"] = _WEEKDAYS[start.weekday()]
    return out


def _rebased(parts: dict[str, str], start: datetime, before: datetime) -> datetime:
    """A start at least one period before the wall time `before`, in the rule's INTERVAL phase.

    `start` and `before` are naive wall times; the result is `start` itself when it is close.
    """
    freq = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1"))
    if freq in _FIXED_STEP:
        step = _FIXED_STEP[freq] * interval
        k = (before - start) // step - 1
        return start + k * step if k > 0 else start
    if freq == "MONTHLY":
        months = (before.year - start.year) * 12 + before.month - start.month
        k = months // interval - 1
        if k <= 0:
            return start
        year, month = divmod(start.month - 1 + k * interval, 12)
        return datetime(start.year + year, month + 1, 1)
    k = (before.year - start.year) // interval - 1  # YEARLY
    return datetime(start.year + k * interval, 1, 1) if k > 0 else start


def _walk(text: str, dtstart: datetime, timezone: str, near: datetime) -> Iterator[datetime]:
    """Occurrences of the rule as wall times, from a start near the instant `near` (lazily)."""
    parse_rrule(text, dtstart, timezone)
    tz = zone(timezone)
    body = normalise_rrule(text)
    parts = _parts(body)
    first = dtstart.astimezone(tz).replace(tzinfo=None)
    if "COUNT" in parts:  # counted from DTSTART: no shortcut
        return iter(rrulestr(body, dtstart=first.replace(tzinfo=tz)))
    try:  # the wall time a little before `near`: a wall clock never jumps by more
        before: datetime | None = near.astimezone(tz).replace(tzinfo=None) - _DST_MARGIN
    except OverflowError:  # `near` lies at an end of the datetime range
        before = None
    start = first
    if before is not None and before > first:
        start = _rebased(parts, first, before)
    if start != first:
        body = _body(_explicit(parts, parts["FREQ"], first))
    return iter(rrulestr(body, dtstart=start.replace(tzinfo=tz)))


def expand(
    text: str,
    dtstart: datetime,
    timezone: str,
    start: datetime,
    end: datetime,
    *,
    limit: int = MAX_OCCURRENCES,
) -> list[datetime]:
    """Occurrences of the RRULE `text` from `dtstart` in ``[start, end)``, bounded in work.

    As :func:`between`, but the expansion starts about one period before `start` instead of at
    DTSTART (unless the rule has COUNT), so the cost depends on the window, not on the history.

    Parameters
    ----------
    text : str
        An RRULE value, e.g. ``"FREQ=MINUTELY;INTERVAL=15"``.
    dtstart : datetime
        Timezone-aware DTSTART, whole seconds.
    timezone : str
        IANA zone whose wall clock the rule follows.
    start, end : datetime
        Timezone-aware window.
    limit : int
        The most occurrences generated (:data:`MAX_OCCURRENCES`): those in the window, plus at
        most about one period before it (and, for a rule with COUNT, every one since DTSTART).

    Returns
    -------
    list[datetime]
        Sorted, unique, with fixed UTC offsets.

    Raises
    ------
    HosplogiError
        If the rule is invalid, or more than `limit` occurrences would be generated (the message
        names the limit).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> years_ago = datetime(2016, 1, 1, tzinfo=timezone.utc)
    >>> got = expand("FREQ=MINUTELY;INTERVAL=15", years_ago, "UTC",
    ...              datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...              datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
    >>> [t.strftime("%H:%M") for t in got]
    ['09:00', '09:15', '09:30', '09:45']
    """
    occurrences = _walk(text, dtstart, timezone, start)
    return _collect(occurrences, start, end, timezone, limit, repr(text))


def next_after(
    text: str,
    dtstart: datetime,
    timezone: str,
    at: datetime,
    *,
    limit: int = MAX_OCCURRENCES,
) -> datetime | None:
    """The first occurrence of the RRULE `text` strictly after the instant `at`, or None.

    The search starts about one period before `at` (see :func:`expand`); it generates at most
    `limit` occurrences.

    Raises
    ------
    HosplogiError
        If the rule is invalid or more than `limit` occurrences lie on the way.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> next_after("FREQ=WEEKLY", t0, "UTC", datetime(2030, 1, 1, tzinfo=timezone.utc)).date()
    datetime.date(2030, 1, 7)
    """
    for n, raw in enumerate(_walk(text, dtstart, timezone, at), start=1):
        if n > limit:
            raise HosplogiError(
                f"rrule {text!r} gives more than {limit:,} occurrences (MAX_OCCURRENCES) before "
                f"{at.isoformat()}; the rule is too dense to search this far"
            )
        try:
            t = raw.astimezone(UTC)
        except OverflowError:
            if raw.year == 1:
                continue
            return None
        if t > at:
            return local(t, timezone)
    return None
