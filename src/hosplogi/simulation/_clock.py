"""Time for the event engine: engine minutes ↔ aware datetimes, shift windows, the event loop.

Engine time is float minutes from local midnight of the scenario's start date.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hosplogi._types import fixed_zone
from hosplogi.errors import HosplogiError
from hosplogi.simulation.parts import Shift

__all__ = ["Clock", "EventLoop", "on_shift", "shift_overlap", "shift_windows"]


# -- time ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Engine minutes ↔ aware datetimes, exact across daylight-saving changes.

    The UTC offset is looked up once per hour of engine time: when the zone has the same offset
    at both ends of the hour it holds throughout (no zone changes its offset twice within an
    hour), otherwise each instant in that hour asks the zone.

    Examples
    --------
    >>> clock = Clock.at(date(2026, 3, 29), "Europe/Berlin")  # clocks go forward at 02:00
    >>> clock.instant(60).isoformat(), clock.instant(180).isoformat()
    ('2026-03-29T01:00:00+01:00', '2026-03-29T04:00:00+02:00')
    """

    start: date
    zone: ZoneInfo
    origin_utc: datetime
    hours: dict[int, timezone | None] = field(default_factory=dict, compare=False, repr=False)
    starts: dict[int, datetime | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def at(cls, start: date, zone_name: str) -> Clock:
        zone = ZoneInfo(zone_name)
        origin = datetime.combine(start, time(0), zone)
        return cls(start, zone, origin.astimezone(UTC))

    def _offset(self, utc: datetime) -> timezone:
        return fixed_zone(utc.astimezone(self.zone).utcoffset() or timedelta(0))

    def _hour_zone(self, hour: int) -> timezone | None:
        """The offset throughout engine hour `hour`, or None if it changes within the hour."""
        if hour not in self.hours:
            a = self._offset(self.origin_utc + timedelta(hours=hour))
            b = self._offset(self.origin_utc + timedelta(hours=hour + 1))
            self.hours[hour] = a if a == b else None
        return self.hours[hour]

    def _hour_start(self, hour: int) -> datetime | None:
        """The local start of engine hour `hour`, or None if the offset changes within it."""
        if hour not in self.starts:
            zone = self._hour_zone(hour)
            start = self.origin_utc + timedelta(hours=hour)
            self.starts[hour] = None if zone is None else start.astimezone(zone)
        return self.starts[hour]

    def instant(self, minutes: float) -> datetime:
        """The aware datetime `minutes` after the origin, with its fixed local UTC offset.

        In an hour of steady offset, the hour's local start plus the minutes into it: the same
        value (``minutes - 60 * hour`` is exact, so the microseconds round as those of
        `minutes`), without converting between zones.
        """
        hour = math.floor(minutes / 60)
        into = minutes - 60 * hour  # negative when the division rounded up to the next hour
        start = self._hour_start(hour) if minutes >= 0 and into >= 0 else None
        if start is not None:
            return start + timedelta(minutes=into)
        utc = self.origin_utc + timedelta(minutes=minutes)
        zone = self._hour_zone(math.floor(minutes / 60)) or self._offset(utc)
        return utc.astimezone(zone)

    def steady_hour(self, minutes: float) -> datetime | None:
        """The local start of the engine hour holding `minutes` when every instant of that hour
        (as :meth:`instant` rounds it) has the same local date and hour, else None."""
        hour = math.floor(minutes / 60)
        if (hour + 1) * 60 - minutes < 1e-6:  # may round up into the next hour
            return None
        zone = self._hour_zone(hour)
        if zone is None:
            return None
        start = (self.origin_utc + timedelta(hours=hour)).astimezone(zone)
        return start if start.minute == start.second == start.microsecond == 0 else None

    def local(self, minutes: float) -> datetime:
        return self.instant(minutes)

    def minutes(self, at: datetime) -> float:
        return (at - self.origin_utc).total_seconds() / 60


def shift_windows(shift: Shift | None, clock: Clock, horizon: float) -> list[tuple[float, float]]:
    """On-shift windows in engine minutes over the horizon (from the day before, for nights).

    Examples
    --------
    >>> from datetime import time
    >>> clock = Clock.at(date(2026, 3, 2), "Asia/Shanghai")
    >>> shift_windows(Shift(start=time(8), end=time(16)), clock, 1440)[:2]
    [(-960.0, -480.0), (480.0, 960.0)]
    """
    if shift is None or (shift.minutes == 1440 and len(shift.weekdays) == 7):
        return [(-math.inf, math.inf)]
    windows: list[tuple[float, float]] = []
    days = int(horizon // 1440) + 2
    for d in range(-1, days):
        day = clock.start + timedelta(days=d)
        if day.weekday() not in shift.weekdays:
            continue
        begin = datetime.combine(day, shift.start, clock.zone)
        end = datetime.combine(day, shift.end, clock.zone)
        if end <= begin:
            end = datetime.combine(day + timedelta(days=1), shift.end, clock.zone)
        a, b = clock.minutes(begin), clock.minutes(end)
        if windows and a <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(b, windows[-1][1]))
        else:
            windows.append((a, b))
    return windows


def on_shift(windows: list[tuple[float, float]], t: float) -> tuple[bool, float]:
    """Whether `t` lies in a window, and until when that answer holds.

    Examples
    --------
    >>> on_shift([(480.0, 960.0)], 500.0), on_shift([(480.0, 960.0)], 100.0)
    ((True, 960.0), (False, 480.0))
    """
    i = bisect.bisect_right(windows, (t, math.inf)) - 1
    if i >= 0 and windows[i][0] <= t < windows[i][1]:
        return True, windows[i][1]
    return False, windows[i + 1][0] if i + 1 < len(windows) else math.inf


def shift_overlap(windows: list[tuple[float, float]], a: float, b: float) -> float:
    """Minutes of `windows` between `a` and `b`.

    Examples
    --------
    >>> shift_overlap([(480.0, 960.0), (1920.0, 2400.0)], 0.0, 1440.0)
    480.0
    """
    return sum(max(0.0, min(b, w1) - max(a, w0)) for w0, w1 in windows)


# -- the event loop -------------------------------------------------------------------------------

_URGENT, _NORMAL = 0, 1


class EventLoop:
    """A discrete-event loop of generator processes, each yielding the minutes it waits.

    Events are taken in SimPy's order — by time, then a process's start before a wait ending at
    the same time, then in order of scheduling — so a run gives what it gave on
    ``simpy.Environment`` with ``env.timeout``, without an event object per wait.

    Examples
    --------
    >>> loop, seen = EventLoop(), []
    >>> def waits(name, *minutes):
    ...     for m in minutes:
    ...         seen.append((loop.now, name))
    ...         yield m
    >>> loop.process(waits("a", 2, 1))
    >>> loop.process(waits("b", 1, 5))
    >>> loop.run(until=4)
    >>> seen, loop.now
    ([(0.0, 'a'), (0.0, 'b'), (1.0, 'b'), (2.0, 'a')], 4)
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.queue: list[tuple[float, int, int, Generator[float, None, None]]] = []
        self.ids = itertools.count()

    def process(self, process: Generator[float, None, None]) -> None:
        """Start `process` now, before any wait that ends now."""
        heapq.heappush(self.queue, (self.now, _URGENT, next(self.ids), process))

    def run(self, until: float) -> None:
        """Run every event before `until`, then set the clock to `until`."""
        queue = self.queue
        while queue and queue[0][0] < until:
            self.now, _, _, process = heapq.heappop(queue)
            try:
                wait = next(process)
            except StopIteration:
                continue
            if not wait >= 0:
                raise HosplogiError(f"the engine cannot wait {wait!r} minutes")
            heapq.heappush(queue, (self.now + wait, _NORMAL, next(self.ids), process))
        self.now = until

    def drop(self) -> None:
        """Forget the processes still waiting: the run is over.

        A waiting process refers to the state it works on, which usually refers back to the loop;
        dropped, that state is freed as soon as it is no longer used, not at the next collection
        of reference cycles (which, for a simulated year, walks all of it).
        """
        self.queue.clear()
