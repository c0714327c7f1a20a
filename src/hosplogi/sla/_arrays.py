"""The column engine's data: event columns in, clock arrays out, instants as int64 microseconds.

Private to :mod:`hosplogi.sla`; every name here is public as ``hosplogi.sla.columns.<name>``.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, Literal

import numpy as np

from hosplogi._types import fixed_zone, require_aware
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, HoldReason, Priority

__all__ = [
    "ACTIONS",
    "CLOCKS",
    "HOLD_REASONS",
    "NONE",
    "PAUSED",
    "PRIORITIES",
    "RUNNING",
    "STATES",
    "STOPPED",
    "ClockArrays",
    "EventColumns",
    "SlaArrays",
    "chunks",
    "joined",
    "kept",
    "pinned_instant",
    "shifted",
    "to_us",
]

ACTIONS: tuple[Action, ...] = tuple(Action)
"""Action codes: ``ACTIONS[code]``."""
HOLD_REASONS: tuple[HoldReason, ...] = tuple(HoldReason)
"""Hold reason codes (-1: none)."""
PRIORITIES: tuple[Priority, ...] = tuple(Priority)
"""Priority codes."""
RUNNING, PAUSED, STOPPED = 0, 1, 2
STATES = ("running", "paused", "stopped")
"""Clock state codes: ``STATES[code]``."""
CLOCKS: tuple[Literal["response", "resolution"], ...] = ("response", "resolution")
"""The clocks ``sla_arrays`` can compute, in the order of ``SlaArrays.computed``."""
NONE = np.iinfo(np.int64).min
"""An absent instant in an int64 column (the bit pattern of ``NaT``)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
_FIRST_US = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // _US
_LAST_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US


def to_us(at: datetime, name: str = "at") -> int:
    """Microseconds since the Unix epoch of an aware datetime (exact).

    Examples
    --------
    >>> to_us(datetime(1970, 1, 1, 8, tzinfo=timezone(timedelta(hours=8))))
    0
    """
    require_aware(at, name)
    us = (at - _EPOCH) // _US
    if not _FIRST_US <= us <= _LAST_US:  # year 1 at +14:00 is year 0 in UTC, and so on
        raise HosplogiError(
            f"{name} {at.isoformat()} lies outside the instants datetimes can hold in UTC "
            "(the years 1 to 9999)"
        )
    return us


def pinned_instant(us: int, tz: tzinfo | None) -> datetime:
    """The instant `us` (epoch microseconds) in zone `tz`, pinned to its fixed UTC offset.

    Examples
    --------
    >>> pinned_instant(0, timezone(timedelta(hours=8)))
    datetime.datetime(1970, 1, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=28800)))
    """
    local = (_EPOCH + us * _US).astimezone(tz or UTC)
    if type(tz) is timezone:
        return local
    return local.astimezone(fixed_zone(local.utcoffset() or _ZERO))


@dataclass(frozen=True)
class EventColumns:
    """The event logs of many orders as columns, rows grouped by order, each log in its order.

    Attributes
    ----------
    offsets : ndarray of int64, length orders + 1
        Order *i*'s events are the rows ``offsets[i]:offsets[i + 1]``; each order has one or more.
    action : ndarray of int8
        Codes into :data:`ACTIONS`; an order's first row is its report.
    at_us : ndarray of int64
        Instants, UTC microseconds, never decreasing within an order.
    hold_reason : ndarray of int8
        Codes into :data:`HOLD_REASONS`, -1 where none.
    priority : ndarray of int8
        Codes into :data:`PRIORITIES`: the priority in force after the event.
    order_id : callable
        ``order_id(i)``: the id of order *i* (for error messages).
    recorded : callable
        ``recorded(row)``: the event's instant as recorded, with its UTC offset (for error
        messages and ``stopped_at``).
    """

    offsets: np.ndarray
    action: np.ndarray
    at_us: np.ndarray
    hold_reason: np.ndarray
    priority: np.ndarray
    order_id: Callable[[int], str]
    recorded: Callable[[int], datetime]

    @property
    def orders(self) -> int:
        """How many orders."""
        return len(self.offsets) - 1


@dataclass(frozen=True)
class ClockArrays:
    """One clock of every order: int64 microseconds (:data:`NONE` where absent), codes, flags.

    ``state`` codes :data:`STATES`; ``priority`` is the priority (code) the clock is measured
    against (in force at `now`, or when it stopped); ``target`` is capped at 2**62 µs;
    ``stop_row`` is the event row that stopped the clock (-1 when
    it has not stopped), whose instant is ``stopped_at`` as recorded; ``warned`` counts the
    policy's ``warn_at`` levels reached.
    """

    state: np.ndarray
    priority: np.ndarray
    target: np.ndarray
    elapsed: np.ndarray
    paused: np.ndarray
    due_at: np.ndarray
    breached_at: np.ndarray
    stop_row: np.ndarray
    stopped_at: np.ndarray
    warned: np.ndarray

    @property
    def remaining(self) -> np.ndarray:
        """``target − elapsed`` (negative once breached)."""
        return np.asarray(self.target - self.elapsed)

    @property
    def breached(self) -> np.ndarray:
        """``elapsed > target``: the one breach rule, column-wise."""
        return np.asarray(self.elapsed > self.target)

    @property
    def percent(self) -> np.ndarray:
        """``elapsed / target × 100`` (as ``Clock.percent`` computes it, to the last bit)."""
        return np.asarray(self.elapsed / self.target * 100.0)


@dataclass(frozen=True)
class SlaArrays:
    """The clocks of every order at `now`, from :func:`sla_arrays`.

    ``response`` and ``resolution`` are always :class:`ClockArrays`; a clock that was not asked
    for (``sla_arrays(..., clocks=...)``) is not computed, and reading it raises a
    :class:`~hosplogi.errors.HosplogiError` naming the keyword, so no caller can read a clock
    that is not there.
    """

    now: datetime
    """`now`, pinned to its UTC offset (as :class:`~hosplogi.sla.SlaStatus` holds it)."""
    zone: tzinfo | None
    """`now`'s own zone, in which due and breach instants are given."""
    now_us: int
    priority: np.ndarray
    """The priority in force at `now` (codes into :data:`PRIORITIES`)."""
    cancelled: np.ndarray
    computed: tuple[ClockArrays | None, ClockArrays | None]
    """The response and resolution clocks (as :data:`CLOCKS`), None where not computed."""

    @property
    def clocks(self) -> tuple[str, ...]:
        """The names of the clocks computed, in the order of :data:`CLOCKS`."""
        return tuple(name for name, c in zip(CLOCKS, self.computed, strict=True) if c is not None)

    @property
    def response(self) -> ClockArrays:
        """The response clock of every order."""
        return self._clock(0)

    @property
    def resolution(self) -> ClockArrays:
        """The resolution clock of every order."""
        return self._clock(1)

    def _clock(self, side: int) -> ClockArrays:
        clock = self.computed[side]
        if clock is None:
            raise HosplogiError(
                f"the {CLOCKS[side]} clock was not computed: sla_arrays was called with "
                f"clocks={self.clocks!r}; include {CLOCKS[side]!r} in clocks to read it"
            )
        return clock


def chunks(events: EventColumns, size: int) -> Iterator[tuple[EventColumns, int, int]]:
    """Runs of whole orders of about `size` events each, their first order and row.

    The engine makes a few dozen temporary arrays per chunk; at a quarter of a million events
    they stay in the processor's cache and in the allocator's heap, where whole-batch arrays
    would be handed back to the system and mapped afresh, page by page, for every temporary.
    """
    offsets = np.asarray(events.offsets, dtype=np.int64)
    n = len(offsets) - 1
    if n == 0 or offsets[-1] <= size:
        yield events, 0, 0
        return
    cuts = np.unique(np.searchsorted(offsets, np.arange(0, offsets[-1], size), "right") - 1)
    bounds = [*cuts.tolist(), n]
    for a, b in itertools.pairwise(bounds):
        if b <= a:
            continue
        lo, hi = int(offsets[a]), int(offsets[b])
        yield (
            EventColumns(
                offsets=offsets[a : b + 1] - lo,
                action=events.action[lo:hi],
                at_us=events.at_us[lo:hi],
                hold_reason=events.hold_reason[lo:hi],
                priority=events.priority[lo:hi],
                order_id=_Offset(events.order_id, a),
                recorded=_Offset(events.recorded, lo),
            ),
            a,
            lo,
        )


class _Offset:
    """A callback on global numbers, called with numbers local to a chunk."""

    def __init__(self, function: Callable[[int], Any], base: int) -> None:
        self.function, self.base = function, base

    def __call__(self, i: int) -> Any:
        return self.function(int(i) + self.base)


def kept(result: SlaArrays, asked: tuple[int, ...]) -> SlaArrays:
    """`result` with only the clocks asked for (another may have been computed to check it)."""
    kept = tuple(c if side in asked else None for side, c in enumerate(result.computed))
    return dataclasses.replace(result, computed=(kept[0], kept[1]))


def shifted(result: SlaArrays, first_row: int) -> SlaArrays:
    """`result` with its stop rows counted from the first row of the whole input."""
    if not first_row:
        return result

    def moved(clock: ClockArrays | None) -> ClockArrays | None:
        if clock is None:
            return None
        rows = np.where(clock.stop_row >= 0, clock.stop_row + first_row, -1)
        return dataclasses.replace(clock, stop_row=rows)

    response, resolution = result.computed
    return dataclasses.replace(result, computed=(moved(response), moved(resolution)))


def joined(parts: list[SlaArrays], now: datetime, zone: tzinfo | None, now_us: int) -> SlaArrays:
    def clock(side: int) -> ClockArrays | None:
        clocks = [p.computed[side] for p in parts]
        if clocks[0] is None:
            return None
        return ClockArrays(
            **{
                f.name: np.concatenate([getattr(c, f.name) for c in clocks])
                for f in dataclasses.fields(ClockArrays)
            }
        )

    return SlaArrays(
        now=now,
        zone=zone,
        now_us=now_us,
        priority=np.concatenate([p.priority for p in parts]),
        cancelled=np.concatenate([p.cancelled for p in parts]),
        computed=(clock(0), clock(1)),
    )
