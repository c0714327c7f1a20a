"""RFC 5545 recurrence rules (RRULE) evaluated in an IANA time zone, shared by plans.

Inspection plans (`hosplogi.inspections`) and preventive-maintenance plans
(`hosplogi.maintenance`) both repeat on an RRULE such as ``FREQ=WEEKLY;BYDAY=MO,TH``. The rule is
parsed by :func:`dateutil.rrule.rrulestr` with a timezone-aware DTSTART expressed in the plan's
zone, so "every day at 08:00" stays at 08:00 wall-clock time across daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr
from pydantic import AfterValidator

from hosplogi.errors import HosplogiError

__all__ = [
    "TimeZoneName",
    "between",
    "freq_of",
    "local",
    "normalise_rrule",
    "parse_rrule",
    "zone",
]

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
    moved = value.astimezone(UTC).astimezone(zone(timezone_name))
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
    local = dtstart.astimezone(zone(timezone))
    try:
        rule = rrulestr(body, dtstart=local)
    except (ValueError, TypeError, KeyError, IndexError) as err:
        raise HosplogiError(
            f"rrule {text!r} is not a valid RFC 5545 RRULE ({err}); "
            "write e.g. 'FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9' (UNTIL in UTC: 20261231T000000Z)"
        ) from None
    if not isinstance(rule, rrule):  # pragma: no cover - rrulestr returns rruleset for several
        raise HosplogiError(f"rrule {text!r} must be a single RRULE")
    return rule


def between(rule: rrule, start: datetime, end: datetime, timezone: str) -> list[datetime]:
    """Occurrences of `rule` in ``[start, end)``, sorted, unique, as real wall-clock times.

    Times that fall in a daylight-saving gap are moved to the instant they denote (fold 0);
    duplicates in the same instant are dropped. Results carry fixed UTC offsets (see
    :func:`local`).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> r = parse_rrule("FREQ=DAILY", t0, "UTC")
    >>> [d.day for d in between(r, t0, t0.replace(day=5), "UTC")]
    [2, 3, 4]
    """
    instants = {raw.astimezone(UTC) for raw in rule.between(start, end, inc=True)}
    return [local(t, timezone) for t in sorted(t for t in instants if start <= t < end)]
