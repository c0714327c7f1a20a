"""Meters, readings and usage: running hours, cycles and utilities (水电气热) over a period."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any, Protocol, Self

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from hosplogi._checks import checked
from hosplogi._types import Finite, FrozenModel, Identifier, Instant, require_aware, require_unique
from hosplogi.errors import HosplogiError

__all__ = ["Meter", "MeterKind", "MeterReading", "MeterSeries", "meter_series", "usage"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


class MeterKind(StrEnum):
    """What a meter counts. The utilities (:attr:`is_utility`) are what energy use sums."""

    RUNNING_HOURS = "running_hours"
    CYCLES = "cycles"
    ELECTRICITY_KWH = "electricity_kwh"
    WATER_M3 = "water_m3"
    GAS_M3 = "gas_m3"
    STEAM_T = "steam_t"

    @property
    def is_utility(self) -> bool:
        """Whether the meter measures a utility (electricity, water, gas, steam; 001:103).

        Examples
        --------
        >>> MeterKind.WATER_M3.is_utility, MeterKind.RUNNING_HOURS.is_utility
        (True, False)
        """
        return self not in (MeterKind.RUNNING_HOURS, MeterKind.CYCLES)

    @property
    def default_unit(self) -> str:
        """The unit a meter of this kind has unless told otherwise.

        Examples
        --------
        >>> MeterKind.STEAM_T.default_unit
        't'
        """
        return _UNITS[self]


_UNITS = {
    MeterKind.RUNNING_HOURS: "h",
    MeterKind.CYCLES: "cycles",
    MeterKind.ELECTRICITY_KWH: "kWh",
    MeterKind.WATER_M3: "m³",
    MeterKind.GAS_M3: "m³",
    MeterKind.STEAM_T: "t",
}


class Meter(FrozenModel):
    """A register on an asset that counts up: running hours, cycles, kWh, m³, tonnes of steam.

    Parameters
    ----------
    id : str
    asset_id : str
        The asset it is on (in the register).
    kind : MeterKind
    unit : str
        Defaults to the kind's unit (``"h"``, ``"kWh"``, ``"m³"`` …).
    rollover : float, optional
        A register that wraps to zero at this value (99 999.9 h + 0.1 h reads 0 with
        ``rollover=100000``); readings must be below it and taken at least once per wrap.

    Examples
    --------
    >>> Meter(id="CH-1-h", asset_id="CH-1", kind="running_hours").unit
    'h'
    """

    id: Identifier
    asset_id: Identifier
    kind: MeterKind
    unit: Identifier = ""  # filled from the kind when left out (see _default_unit)
    rollover: Finite | None = Field(default=None, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _default_unit(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("unit") is None and "kind" in data:
            try:
                kind = MeterKind(data["kind"])
            except ValueError:
                return data  # the field check names the bad kind
            data = {**data, "unit": kind.default_unit}
        return data


class MeterReading(FrozenModel):
    """The value a meter showed at an instant.

    Parameters
    ----------
    meter_id : str
    at : datetime
        Timezone-aware.
    value : float
        Finite, zero or more (below the meter's `rollover` if it has one).
    reset : bool
        The meter was replaced or zeroed just before this reading: `value` is the new register's
        first value and the interval ending here counts no usage (take a last reading of the old
        register just before, to keep its usage).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> MeterReading(meter_id="M", at=datetime(2026, 3, 2, tzinfo=timezone.utc), value=-1)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for MeterReading
    value
      Input should be greater than or equal to 0 [type=greater_than_equal, ...
    """

    meter_id: Identifier
    at: Instant
    value: Finite = Field(ge=0)
    reset: bool = False


class _Reading(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def value(self) -> float: ...
    @property
    def reset(self) -> bool: ...


def _us(at: datetime) -> int:
    return (at - _EPOCH) // _US


def _instant(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


class MeterSeries:
    """A meter's readings as a cumulative-usage curve, checked once and queried fast.

    The curve is 0 at the first reading and rises by each step between readings: the difference
    of the two values, plus the meter's `rollover` when the value went down on a register that
    wraps, and nothing across a `reset`. A value that goes down otherwise is refused. Between
    readings the curve is linear.

    Parameters
    ----------
    meter : Meter
    readings : iterable of MeterReading
        Of this meter only, strictly increasing in time.

    Raises
    ------
    HosplogiError
        Naming the reading: another meter's, out of time order, a value at or above the
        rollover, or a value that went down without a reset or a rollover.

    Notes
    -----
    Construction is O(n) (numpy for the arithmetic); :meth:`usage`, :meth:`at` and
    :meth:`reaching` are O(log n).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> m = Meter(id="CH-1-h", asset_id="CH-1", kind="running_hours", rollover=10000)
    >>> s = MeterSeries(m, [MeterReading(meter_id="CH-1-h", at=t, value=9990),
    ...                     MeterReading(meter_id="CH-1-h", at=t + timedelta(days=1), value=14)])
    >>> s.usage(t, t + timedelta(hours=12))
    12.0
    >>> s.reaching(t, 6.0)
    datetime.datetime(2026, 1, 1, 6, 0, tzinfo=datetime.timezone.utc)
    """

    __slots__ = ("_cum", "_times", "meter")

    def __init__(self, meter: Meter, readings: Iterable[MeterReading]) -> None:
        if not isinstance(meter, Meter):
            raise HosplogiError(f"meter must be a Meter, got {type(meter).__name__}")
        items = list(readings)
        for i, r in enumerate(items):
            if not isinstance(r, MeterReading):
                raise HosplogiError(f"reading {i} must be a MeterReading, got {type(r).__name__}")
            if r.meter_id != meter.id:
                raise HosplogiError(
                    f"reading {i} at {r.at.isoformat()} is of meter {r.meter_id}, not {meter.id}"
                )
        at = np.fromiter((_us(r.at) for r in items), dtype=np.int64, count=len(items))
        value = np.fromiter((r.value for r in items), dtype=np.float64, count=len(items))
        reset = np.fromiter((r.reset for r in items), dtype=np.bool_, count=len(items))
        self.meter = meter
        self._times, self._cum = _curve(meter, at, value, reset)

    @classmethod
    def from_arrays(
        cls,
        meter: Meter,
        at: npt.ArrayLike,
        value: npt.ArrayLike,
        reset: npt.ArrayLike | None = None,
    ) -> Self:
        """Build the series from columns: `at` as ``datetime64`` (UTC), values, reset flags.

        For millions of readings, where a model per reading would cost more than the sums.

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> m = Meter(id="E1", asset_id="B1", kind="electricity_kwh")
        >>> s = MeterSeries.from_arrays(m, np.array(["2026-01-01", "2026-01-02"],
        ...     dtype="datetime64[us]"), [100.0, 340.0])
        >>> s.usage(datetime(2026, 1, 1, tzinfo=timezone.utc),
        ...         datetime(2026, 1, 1, 6, tzinfo=timezone.utc))
        60.0
        """
        times = np.asarray(at)
        if times.dtype.kind != "M":
            raise HosplogiError(f"at must be a numpy datetime64 array (UTC), got {times.dtype}")
        us = times.astype("datetime64[us]").astype(np.int64)
        try:
            values = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise HosplogiError("value must be an array of numbers") from None
        flags = (
            np.zeros(len(us), dtype=np.bool_)
            if reset is None
            else np.asarray(reset, dtype=np.bool_)
        )
        if not (us.ndim == values.ndim == flags.ndim == 1) or not (
            len(us) == len(values) == len(flags)
        ):
            raise HosplogiError(
                f"at, value and reset must be 1-d arrays of one length, got {us.shape}, "
                f"{values.shape}, {flags.shape}"
            )
        series = cls.__new__(cls)
        series.meter = meter
        series._times, series._cum = _curve(meter, us, values, flags)
        return series

    def __len__(self) -> int:
        return len(self._times)

    @property
    def first(self) -> datetime:
        """The time of the first reading."""
        return _instant(int(self._times[0]))

    @property
    def last(self) -> datetime:
        """The time of the last reading."""
        return _instant(int(self._times[-1]))

    def at(self, when: datetime) -> float:
        """Cumulative usage from the first reading to `when` (linear between readings).

        Raises
        ------
        HosplogiError
            If `when` lies outside the readings.

        Examples
        --------
        >>> from datetime import datetime, timedelta, timezone
        >>> m = Meter(id="M", asset_id="A", kind="cycles")
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> MeterSeries(m, [MeterReading(meter_id="M", at=t, value=0),
        ...     MeterReading(meter_id="M", at=t + timedelta(hours=4), value=8)]).at(
        ...     t + timedelta(hours=1))
        2.0
        """
        require_aware(when, "time")
        return self._at_us(self._inside(_us(when), when))

    def usage(self, start: datetime, end: datetime) -> float:
        """Usage in ``[start, end)``; `start` and `end` must lie within the readings.

        Examples
        --------
        >>> from datetime import datetime, timedelta, timezone
        >>> m = Meter(id="M", asset_id="A", kind="water_m3")
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> s = MeterSeries(m, [MeterReading(meter_id="M", at=t, value=5),
        ...                     MeterReading(meter_id="M", at=t + timedelta(days=2), value=9)])
        >>> s.usage(t + timedelta(days=1), t + timedelta(days=2))
        2.0
        """
        require_aware(start, "start")
        require_aware(end, "end")
        if end < start:
            raise HosplogiError(f"end {end.isoformat()} is before start {start.isoformat()}")
        lo = self._at_us(self._inside(_us(start), start))
        hi = self._at_us(self._inside(_us(end), end))
        return hi - lo

    def reaching(self, since: datetime, amount: float) -> datetime | None:
        """The first instant after `since` at which usage since `since` reaches `amount`.

        None when the readings end before it does, or before `since` (usage beyond the last
        reading is unknown).

        Raises
        ------
        HosplogiError
            If there are no readings or `since` is before the first.

        Examples
        --------
        >>> from datetime import datetime, timedelta, timezone
        >>> m = Meter(id="M", asset_id="A", kind="running_hours")
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> s = MeterSeries(m, [MeterReading(meter_id="M", at=t, value=0),
        ...                     MeterReading(meter_id="M", at=t + timedelta(days=1), value=24)])
        >>> s.reaching(t, 30) is None
        True
        """
        require_aware(since, "since")
        need = _positive(amount, "amount")
        base = _us(since)
        if len(self._times) and base > self._times[-1]:
            return None
        target = self._at_us(self._inside(base, since)) + need
        cum = self._cum
        i = int(np.searchsorted(cum, target, side="left"))
        if i >= len(cum):
            return None
        t0, t1 = int(self._times[i - 1]), int(self._times[i])
        c0, c1 = float(cum[i - 1]), float(cum[i])
        us = t0 + round((target - c0) / (c1 - c0) * (t1 - t0))
        return _instant(min(max(us, base + 1), t1))

    def _inside(self, us: int, when: datetime) -> int:
        times = self._times
        if not len(times) or us < times[0] or us > times[-1]:
            span = (
                "there are none"
                if not len(times)
                else f"they cover {self.first.isoformat()} to {self.last.isoformat()}"
            )
            raise HosplogiError(
                f"meter {self.meter.id}: no readings around {when.isoformat()}; {span}. Give a "
                "reading at or before the start and at or after the end of the period"
            )
        return us

    def _at_us(self, us: int) -> float:
        times, cum = self._times, self._cum
        i = int(np.searchsorted(times, us, side="right"))
        if i >= len(times):
            return float(cum[-1])
        t0, t1 = int(times[i - 1]), int(times[i])
        c0, c1 = float(cum[i - 1]), float(cum[i])
        return c0 + (c1 - c0) * ((us - t0) / (t1 - t0))


def _positive(value: Any, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not np.isfinite(value)
        or value <= 0
    ):
        raise HosplogiError(f"{name} must be a finite number above zero, got {value!r}")
    return float(value)


def _curve(
    meter: Meter,
    at: npt.NDArray[np.int64],
    value: npt.NDArray[np.float64],
    reset: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Check the readings and return (times in µs, cumulative usage from the first reading)."""
    mid = meter.id
    bad = np.flatnonzero(~np.isfinite(value) | (value < 0))
    if len(bad):
        i = int(bad[0])
        raise HosplogiError(
            f"meter {mid}: reading {i} at {_instant(int(at[i])).isoformat()} has value "
            f"{float(value[i])!r}; give a finite number, zero or more"
        )
    if meter.rollover is not None:
        over = np.flatnonzero(value >= meter.rollover)
        if len(over):
            i = int(over[0])
            raise HosplogiError(
                f"meter {mid}: reading {i} at {_instant(int(at[i])).isoformat()} has value "
                f"{float(value[i])!r}, at or above the rollover {meter.rollover!r}"
            )
    order = np.flatnonzero(np.diff(at) <= 0)
    if len(order):
        i = int(order[0]) + 1
        raise HosplogiError(
            f"meter {mid}: reading {i} at {_instant(int(at[i])).isoformat()} is not after the "
            f"reading before it at {_instant(int(at[i - 1])).isoformat()}; give readings in "
            "strictly increasing time"
        )
    step = np.diff(value)
    later = reset[1:]
    down = (step < 0) & ~later
    if len(np.flatnonzero(down)):
        if meter.rollover is None:
            i = int(np.flatnonzero(down)[0]) + 1
            raise HosplogiError(
                f"meter {mid}: reading {i} at {_instant(int(at[i])).isoformat()} went down from "
                f"{float(value[i - 1])!r} to {float(value[i])!r} without reset=True, and the meter "
                "has no rollover; mark a replaced or zeroed meter with reset=True"
            )
        step = np.where(down, step + meter.rollover, step)
    step = np.where(later, 0.0, step)
    cum = np.zeros(len(value), dtype=np.float64)
    np.cumsum(step, out=cum[1:])
    at.setflags(write=False)
    cum.setflags(write=False)
    return at, cum


@checked
def usage(meter: Meter, readings: Iterable[MeterReading], start: datetime, end: datetime) -> float:
    """Consumption of `meter` in ``[start, end)``, from its readings.

    Linear between readings (so a bound between two readings takes its share), across rollovers
    (a register that wraps at ``meter.rollover``) and resets (a replaced or zeroed meter: the
    interval ending at a ``reset`` reading counts nothing).

    Parameters
    ----------
    meter : Meter
    readings : iterable of MeterReading
        Of `meter` only, in strictly increasing time, covering ``[start, end]``.
    start, end : datetime
        Timezone-aware, ``start <= end``.

    Returns
    -------
    float
        Zero or more, in the meter's unit.

    Raises
    ------
    HosplogiError
        If a reading is of another meter, out of time order, at or above the rollover, or goes
        down without a reset or a rollover (each named), or the readings do not cover the period.

    Notes
    -----
    O(n) in the readings; for many queries on one meter build a :class:`MeterSeries` once.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> m = Meter(id="CH-1-h", asset_id="CH-1", kind="running_hours")
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> rs = [MeterReading(meter_id="CH-1-h", at=t + timedelta(days=d), value=v)
    ...       for d, v in [(0, 100), (10, 340), (20, 100)]]
    >>> usage(m, rs[:2], t, t + timedelta(days=5))
    120.0
    >>> usage(m, rs, t, t + timedelta(days=5))
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: meter CH-1-h: reading 2 at 2026-01-21T00:00:00+00:00 went \
down from 340.0 to 100.0 without reset=True, and the meter has no rollover; mark a replaced or \
zeroed meter with reset=True
    """
    return MeterSeries(meter, readings).usage(start, end)


@checked
def meter_series(
    meters: Iterable[Meter], readings: Iterable[MeterReading]
) -> dict[str, MeterSeries]:
    """Each meter's :class:`MeterSeries`, by meter id, from readings of many meters mixed.

    Raises
    ------
    HosplogiError
        If meter ids repeat, a reading is of a meter not given, or a meter's readings are
        refused (see :class:`MeterSeries`).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> meter_series([Meter(id="M", asset_id="A", kind="cycles")],
    ...              [MeterReading(meter_id="X", at=t, value=1)])
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: reading at 2026-01-01T00:00:00+00:00 is of meter X, which is \
not among the meters given
    """
    meter_list = list(meters)
    require_unique((m.id for m in meter_list), "meter ids")
    grouped: dict[str, list[MeterReading]] = {m.id: [] for m in meter_list}
    for r in readings:
        bucket = grouped.get(r.meter_id)
        if bucket is None:
            raise HosplogiError(
                f"reading at {r.at.isoformat()} is of meter {r.meter_id}, which is not among the "
                "meters given"
            )
        bucket.append(r)
    return {m.id: MeterSeries(m, grouped[m.id]) for m in meter_list}


def _usage_reference(
    meter: Meter, readings: Sequence[_Reading], start: datetime, end: datetime
) -> float:
    """The plain loop: walk the readings once, summing each interval's share of [start, end).

    The oracle of :class:`MeterSeries` in the tests and its baseline in the benchmark.
    """
    total = 0.0
    for prev, cur in pairwise(readings):
        if cur.at <= prev.at:
            raise HosplogiError(f"meter {meter.id}: reading at {cur.at} is out of order")
        if cur.reset:
            step = 0.0
        elif cur.value >= prev.value:
            step = cur.value - prev.value
        elif meter.rollover is not None:
            step = cur.value + meter.rollover - prev.value
        else:
            raise HosplogiError(f"meter {meter.id}: reading at {cur.at} went down")
        lo, hi = max(prev.at, start), min(cur.at, end)
        if hi > lo:
            total += step * ((hi - lo) / (cur.at - prev.at))
    if not readings or readings[0].at > start or readings[-1].at < end:
        raise HosplogiError(f"meter {meter.id}: readings do not cover the period")
    return total
