"""A calendar's opening intervals as numpy arrays: open-time positions of instants, and back.

Private to :mod:`hosplogi.sla`; the column engine (:mod:`hosplogi.sla.columns`) measures
business-hours clocks with it.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from hosplogi.calendars import CalendarTimeline, IntervalArrays
from hosplogi.errors import HosplogiError

__all__ = ["OpenTime"]

_HOUR_US = 3_600_000_000
_MAX_BUCKETS = 1 << 21


class OpenTime:
    """A calendar's interval arrays as numpy: open-time positions and their inverse.

    Examples
    --------
    >>> from datetime import UTC, time
    >>> from hosplogi import BusinessCalendar
    >>> from hosplogi.sla.columns import to_us
    >>> timeline = BusinessCalendar("UTC", {0: [(time(9), time(17))]}).timeline
    >>> monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> open_ = OpenTime(timeline, timeline.cover(to_us(monday), monday))
    >>> at = np.array([to_us(monday), to_us(monday) + 3_600_000_000])
    >>> (open_.position(at) - open_.position(at[:1])).tolist()   # one open hour apart
    [0, 3600000000]
    """

    def __init__(self, timeline: CalendarTimeline, arrays: IntervalArrays) -> None:
        self.timeline = timeline
        self.load(arrays)

    def load(self, arrays: IntervalArrays) -> None:
        """Use `arrays` (a build of the same timeline, so positions stay comparable)."""
        self.arrays = arrays
        self.starts = np.asarray(arrays.starts, dtype=np.int64)
        self.ends = np.asarray(arrays.ends, dtype=np.int64)
        self.cum = np.asarray(arrays.cum, dtype=np.int64)
        # the starts with a last one never reached, so a step needs no bounds check
        self.ahead = np.append(self.starts, np.iinfo(np.int64).max)
        self.offset = self.cum[:-1] - self.starts  # position = instant + offset, inside
        # Buckets of equal width over the arrays' span, each knowing the last interval starting
        # at or before it: an instant's interval is then a lookup plus a step or two, instead of
        # a binary search that mispredicts at every level (about 4 times faster on a million
        # events in random order).
        span = max(arrays.hi_us - arrays.lo_us, 1)
        self.width = max(_HOUR_US, -(-span // _MAX_BUCKETS))
        edges = arrays.lo_us + self.width * np.arange(-(-span // self.width) + 1, dtype=np.int64)
        self.bucket = np.searchsorted(self.starts, edges, side="right") - 1
        self.steps = int(np.diff(self.bucket).max()) if len(self.bucket) > 1 else 0

    def interval(self, us: np.ndarray) -> np.ndarray:
        """``bisect_right(starts, us) - 1`` for every instant, exactly."""
        b = np.clip((us - self.arrays.lo_us) // self.width, 0, len(self.bucket) - 1)
        i = self.bucket[b]
        for _ in range(self.steps + 1):  # at most `steps` intervals start within one bucket
            i += self.ahead[i + 1] <= us
        return np.asarray(i)

    def position(self, us: np.ndarray) -> np.ndarray:
        """``IntervalArrays.opentime`` of every instant (the arrays must cover them)."""
        if not len(self.starts):
            return np.full(len(us), self.cum[0], dtype=np.int64)
        i = self.interval(us)
        j = np.maximum(i, 0)
        inside = np.minimum(us, self.ends[j]) + self.offset[j]
        return np.asarray(np.where(i < 0, self.cum[0], inside), dtype=np.int64)

    def instant(self, goal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The instants at the open-time positions `goal`, and where the arrays end too soon."""
        k = np.searchsorted(self.cum, goal, side="left")
        short = k >= len(self.cum)
        k = np.clip(k, 1, max(len(self.cum) - 1, 1))
        if not len(self.starts):
            return np.zeros(len(goal), dtype=np.int64), np.ones(len(goal), dtype=bool)
        return np.asarray(self.starts[k - 1] + goal - self.cum[k - 1], dtype=np.int64), short

    def reach(
        self, goal: np.ndarray, now_us: int, pos_now: int, now: datetime
    ) -> HosplogiError | None:
        """Build years until the positions `goal` (past `pos_now`) are covered, if possible."""
        while len(goal) and goal.max() > self.cum[-1]:
            try:
                self.timeline.add_us(now_us, int(goal.max()) - pos_now, now)
            except HosplogiError as error:
                return error
            self.load(self.timeline.cover(now_us, now))
        return None
