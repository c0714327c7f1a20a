"""Reliability of the register's equipment from its corrective orders: MTBF, MTTR, availability.

Definitions (standards, not the seeds; DOMAIN.md): SMRP Best Practices metric 3.5.1 (MTBF =
operating time ÷ failures), 3.5.2 (MTTR = repair time ÷ repair events, from the stop to operation
restored), EN 15341 (availability = operating ÷ (operating + downtime)), and the SMRP grace period
of PM compliance (:func:`smrp_grace`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

import numpy as np
import numpy.typing as npt

from hosplogi._checks import checked, guarded
from hosplogi._types import Finite, FrozenModel, NonNegativeInt, require_aware, require_non_negative
from hosplogi.assets._register import LOCATION_CATEGORIES, Asset, AssetRegister
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, Source, Status, WorkOrder

__all__ = ["Reliability", "ReliabilityReport", "reliability", "reliability_report", "smrp_grace"]

ReliabilityBy = Literal["asset", "category", "department", "criticality"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_NOT_FAILURES = frozenset({Source.PREVENTIVE, Source.INSPECTION})


class Reliability(FrozenModel):
    """Reliability of one asset or group of assets over a period.

    Attributes
    ----------
    key : str
        The asset id, category, department (``""`` for assets without one) or criticality.
    assets : int
        Assets in the group in service during the period.
    failures : int
        Corrective orders reported in the period.
    downtime : timedelta
        Time in the period during which a failure was open (report → first completion),
        overlapping failures of one asset counted once, summed over the assets.
    operating : timedelta
        In-service time in the period minus downtime, summed over the assets.
    mtbf, mttr : timedelta or None
        ``operating / failures`` (SMRP 3.5.1) and ``downtime / failures`` (SMRP 3.5.2); None
        without failures.
    availability : float
        ``operating / (operating + downtime)``, a fraction from 0 to 1 (EN 15341).
    repeat_failures : int
        Failures reported less than `repeat_window` after the asset's previous failure report.

    Examples
    --------
    >>> from datetime import timedelta
    >>> r = Reliability(key="LIFT-3", assets=1, failures=0, downtime=timedelta(0),
    ...     operating=timedelta(days=30), mtbf=None, mttr=None, availability=1.0,
    ...     repeat_failures=0)
    >>> r.availability
    1.0
    """

    key: str
    assets: NonNegativeInt = 1
    failures: NonNegativeInt
    downtime: timedelta
    operating: timedelta
    mtbf: timedelta | None
    mttr: timedelta | None
    availability: Finite
    repeat_failures: NonNegativeInt = 0


class ReliabilityReport(FrozenModel):
    """The rows of :func:`reliability` and the corrective orders it could not place.

    Attributes
    ----------
    rows : tuple[Reliability, ...]
        Sorted by key.
    unknown_assets : tuple[str, ...]
        Asset ids named by corrective orders but not in the register, sorted.
    unknown_orders : tuple[str, ...]
        The ids of those orders, in input order.

    Examples
    --------
    >>> ReliabilityReport(rows=(), unknown_assets=("X9",), unknown_orders=("WO-1",)).complete
    False
    """

    rows: tuple[Reliability, ...]
    unknown_assets: tuple[str, ...] = ()
    unknown_orders: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every corrective order with an asset was on a known asset."""
        return not self.unknown_orders


@checked
def smrp_grace(frequency: timedelta) -> timedelta:
    """The grace after a PM's due date within which it still counts as done on time (SMRP).

    The larger of one day and 20 % of the PM frequency, at most 28 days (SMRP Best Practices,
    PM compliance).

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> smrp_grace(timedelta(days=30)), smrp_grace(timedelta(days=2)), smrp_grace(
    ...     timedelta(days=365))
    (datetime.timedelta(days=6), datetime.timedelta(days=1), datetime.timedelta(days=28))
    """
    require_non_negative(frequency, "frequency")
    return min(max(timedelta(days=1), frequency / 5), timedelta(days=28))


def _us(at: datetime) -> int:
    return (at - _EPOCH) // _US


def _instants_us(values: list[datetime]) -> npt.NDArray[np.int64]:
    """Aware datetimes as integer microseconds since 1970 (UTC), exactly.

    The float timestamp is off by far less than half a second for any year 1–9999, so rounding
    it less the microseconds gives the exact whole seconds; the microseconds are added as ints.
    """
    seconds = np.array([t.timestamp() for t in values], dtype=np.float64)
    micro = np.array([t.microsecond for t in values], dtype=np.int64)
    whole = np.rint(seconds - micro / 1e6).astype(np.int64)
    return whole * 1_000_000 + micro


def _day_us(day: date, zone: tzinfo | None) -> int:
    return _us(datetime.combine(day, time(0), zone))


def _window(asset: Asset, start_us: int, end_us: int, zone: tzinfo | None) -> tuple[int, int]:
    lo, hi = start_us, end_us
    if asset.commissioned_on is not None:
        lo = max(lo, _day_us(asset.commissioned_on, zone))
    if asset.retired_on is not None:
        hi = min(hi, _day_us(asset.retired_on, zone))
    return lo, hi


def _key(asset: Asset, by: str) -> str:
    if by == "asset":
        return asset.id
    if by == "category":
        return asset.category
    if by == "department":
        return asset.department or ""
    return asset.criticality.value


def _check(start: datetime, end: datetime, by: str, repeat_window: timedelta) -> None:
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise HosplogiError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    if by not in ("asset", "category", "department", "criticality"):
        raise HosplogiError(
            f"by must be 'asset', 'category', 'department' or 'criticality', got {by!r}"
        )
    require_non_negative(repeat_window, "repeat_window")


@guarded
def reliability_report(
    register: AssetRegister,
    orders: Iterable[WorkOrder],
    *,
    start: datetime,
    end: datetime,
    by: ReliabilityBy = "asset",
    repeat_window: timedelta = timedelta(days=30),
    include_locations: bool = False,
) -> ReliabilityReport:
    """Reliability per asset (or group) in ``[start, end)``, with the orders on unknown assets.

    A **failure** is a corrective order on the asset: any source but PREVENTIVE and INSPECTION,
    not cancelled before a completion. Its **downtime** runs from the report to the first
    completion (to `end` while open); overlapping failures of one asset are merged and the
    downtime is clipped to the period and to the asset's service life (`commissioned_on`,
    `retired_on`, read in the time zone of `start`). Failures count by report time in the
    period; downtime also counts failures reported earlier and still open.

    Parameters
    ----------
    register : AssetRegister
    orders : iterable of WorkOrder
    start, end : datetime
        Timezone-aware, ``start < end``.
    by : {"asset", "category", "department", "criticality"}
    repeat_window : timedelta
        A failure reported less than this after the asset's previous failure report (even one
        before `start`) is a repeat failure; as ``kpi.measures``' repeat-repair rate.
    include_locations : bool
        Whether assets of :data:`LOCATION_CATEGORIES` (sites, buildings, floors, rooms) are
        included; by default they are not, and orders on them are not equipment failures.

    Returns
    -------
    ReliabilityReport
        One row per group with an asset in service in the period; an asset retired before the
        period or commissioned after it is left out, and so are the orders on it.

    Raises
    ------
    HosplogiError
        If `start` or `end` is naive, ``end <= start``, `by` is unknown or `repeat_window` is
        negative.

    Notes
    -----
    One pass over the orders' events, then numpy over the failures: O(E + F log F + A) for E
    events, F failures and A assets. Definitions as SMRP Best Practices 3.5.1 (MTBF) and 3.5.2
    (MTTR) and EN 15341 (availability).

    Examples
    --------
    >>> import hosplogi
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
    >>> register = AssetRegister([Asset(id="LIFT-3", name="Ward lift 3", category="lift")])
    >>> o = hosplogi.WorkOrder.report(id="WO-1", title="Lift stuck", trade="lifts",
    ...     priority="emergency", reported_at=t0, location="B1", asset_id="LIFT-3")
    >>> o = o.dispatch(["L01"], at=t0).start(at=t0).complete(at=t0 + timedelta(hours=3))
    >>> ghost = hosplogi.WorkOrder.report(id="WO-2", title="Noise", trade="lifts",
    ...     priority="routine", reported_at=t0, location="B1", asset_id="LIFT-9")
    >>> rep = reliability_report(register, [o, ghost], start=t0, end=t0 + timedelta(days=30))
    >>> row = rep.rows[0]
    >>> row.failures, row.mttr, round(row.availability, 4), rep.unknown_assets
    (1, datetime.timedelta(seconds=10800), 0.9958, ('LIFT-9',))

    References
    ----------
    .. [1] SMRP Best Practices, metrics 3.5.1 (Mean Time Between Failures) and 3.5.2 (Mean Time
       To Repair).
    .. [2] EN 15341:2019, Maintenance — Maintenance Key Performance Indicators.
    """
    _check(start, end, by, repeat_window)
    zone = start.tzinfo
    start_us, end_us = _us(start), _us(end)
    scope: list[Asset] = []
    lo_list: list[int] = []
    hi_list: list[int] = []
    for asset in register.assets:
        if not include_locations and asset.category in LOCATION_CATEGORIES:
            continue
        lo, hi = _window(asset, start_us, end_us, zone)
        if hi > lo:
            scope.append(asset)
            lo_list.append(lo)
            hi_list.append(hi)
    index = {a.id: i for i, a in enumerate(scope)}
    n = len(scope)
    lo_arr = np.array(lo_list, dtype=np.int64)
    hi_arr = np.array(hi_list, dtype=np.int64)

    idx: list[int] = []
    reported: list[datetime] = []
    restored: list[datetime | None] = []
    unknown_orders: list[str] = []
    unknown_assets: set[str] = set()
    complete, cancelled = Action.COMPLETE, Status.CANCELLED
    preventive, inspection = Source.PREVENTIVE, Source.INSPECTION
    for o in orders:  # the one pass in Python: keep it lean
        aid = o.asset_id
        source = o.source
        if aid is None or source is preventive or source is inspection:
            continue
        i = index.get(aid)
        if i is None:
            if aid not in register and o.reported_at < end:
                unknown_orders.append(o.id)
                unknown_assets.add(aid)
            continue
        done = None
        for e in o.events:
            if e.action is complete:
                done = e.at
                break
        if done is None and o.status is cancelled:
            continue
        idx.append(i)
        reported.append(o.reported_at)
        restored.append(done)

    a = np.array(idx, dtype=np.int64)
    r = _instants_us(reported)
    c = _instants_us([end if t is None else t for t in restored])
    inside = r < end_us
    a, r, c = a[inside], r[inside], np.minimum(c[inside], end_us)
    down = _downtime(a, r, c, lo_arr, hi_arr, n)
    failures = np.bincount(a[r >= start_us], minlength=n)
    repeats = _repeats(a, r, start_us, repeat_window // _US, n)
    operating = (hi_arr - lo_arr) - down

    keys = [_key(x, by) for x in scope]
    groups = sorted(set(keys))
    gi = {k: j for j, k in enumerate(groups)}
    g = np.array([gi[k] for k in keys], dtype=np.int64)
    m = len(groups)
    sums = {
        name: _group_sum(g, values, m)
        for name, values in (
            ("down", down),
            ("op", operating),
            ("fail", failures),
            ("rep", repeats),
            ("n", np.ones(n, dtype=np.int64)),
        )
    }
    rows = tuple(
        _row(key, *(int(sums[name][j]) for name in ("n", "fail", "down", "op", "rep")))
        for j, key in enumerate(groups)
    )
    return ReliabilityReport(
        rows=rows,
        unknown_assets=tuple(sorted(unknown_assets)),
        unknown_orders=tuple(unknown_orders),
    )


def _group_sum(g: npt.NDArray[np.int64], values: npt.NDArray[np.int64], m: int) -> list[int]:
    out = np.zeros(m, dtype=np.int64)
    np.add.at(out, g, values.astype(np.int64))
    return [int(x) for x in out]


def _row(
    key: str, assets: int, failures: int, down_us: int, op_us: int, repeats: int
) -> Reliability:
    downtime, operating = timedelta(microseconds=down_us), timedelta(microseconds=op_us)
    return Reliability.model_construct(  # computed here, valid by construction
        key=key,
        assets=assets,
        failures=failures,
        downtime=downtime,
        operating=operating,
        mtbf=operating / failures if failures else None,
        mttr=downtime / failures if failures else None,
        availability=op_us / (op_us + down_us),
        repeat_failures=repeats,
    )


def _downtime(
    a: npt.NDArray[np.int64],
    r: npt.NDArray[np.int64],
    c: npt.NDArray[np.int64],
    lo: npt.NDArray[np.int64],
    hi: npt.NDArray[np.int64],
    n: int,
) -> npt.NDArray[np.int64]:
    """Length of the union of the intervals ``[r, c)`` of each asset, clipped to ``[lo, hi)``.

    A sweep: +1 at each clipped start, -1 at each end, sorted by (asset, time); the running sum
    is the number of open failures, and every gap while it is positive is downtime. The sum
    returns to zero at the end of each asset's events, so one cumulative sum serves them all.
    """
    rr = np.maximum(r, lo[a])
    cc = np.minimum(c, hi[a])
    keep = cc > rr
    aa = a[keep]
    t = np.concatenate((rr[keep], cc[keep]))
    d = np.concatenate((np.ones(len(aa), np.int64), np.full(len(aa), -1, np.int64)))
    g = np.concatenate((aa, aa))
    order = np.lexsort((d, t, g))
    t, d, g = t[order], d[order], g[order]
    open_now = np.cumsum(d)[:-1] > 0
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, g[:-1][open_now], np.diff(t)[open_now])
    return out


def _repeats(
    a: npt.NDArray[np.int64], r: npt.NDArray[np.int64], start_us: int, window_us: int, n: int
) -> npt.NDArray[np.int64]:
    order = np.lexsort((r, a))
    a, r = a[order], r[order]
    again = (a[1:] == a[:-1]) & (np.diff(r) < window_us) & (r[1:] >= start_us)
    return np.bincount(a[1:][again], minlength=n)


@guarded
def reliability(
    register: AssetRegister,
    orders: Iterable[WorkOrder],
    *,
    start: datetime,
    end: datetime,
    by: ReliabilityBy = "asset",
    repeat_window: timedelta = timedelta(days=30),
    include_locations: bool = False,
) -> list[Reliability]:
    """Reliability rows per asset, category, department or criticality in ``[start, end)``.

    As :func:`reliability_report` (which defines failures, downtime, MTBF, MTTR, availability
    and repeat failures, after SMRP 3.5.1/3.5.2 and EN 15341), but a corrective order on an asset
    that is not in the register is an error here: use :func:`reliability_report` to get the rows
    together with those orders.

    Raises
    ------
    HosplogiError
        As :func:`reliability_report`, and if a corrective order names an asset that is not in
        the register (the error names the first few orders and assets).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
    >>> register = AssetRegister([Asset(id="CH-1", name="Chiller 1", category="chiller",
    ...     department="Energy centre")])
    >>> [(r.key, r.failures, r.availability) for r in reliability(register, [], start=t0,
    ...     end=t0 + timedelta(days=1), by="department")]
    [('Energy centre', 0, 1.0)]
    """
    report = reliability_report(
        register,
        orders,
        start=start,
        end=end,
        by=by,
        repeat_window=repeat_window,
        include_locations=include_locations,
    )
    if report.unknown_orders:
        shown = ", ".join(report.unknown_orders[:5])
        more = len(report.unknown_orders) - 5
        raise HosplogiError(
            f"corrective orders on assets not in the register: {shown}"
            f"{f' and {more} more' if more > 0 else ''} (assets "
            f"{', '.join(report.unknown_assets[:5])}); add the assets to the register or use "
            "reliability_report to get the rows together with these orders"
        )
    return list(report.rows)


def _reliability_reference(
    register: AssetRegister,
    orders: Iterable[WorkOrder],
    *,
    start: datetime,
    end: datetime,
    by: ReliabilityBy = "asset",
    repeat_window: timedelta = timedelta(days=30),
) -> list[tuple[str, int, int, timedelta, timedelta, int]]:
    """The plain per-asset loop: (key, assets, failures, downtime, operating, repeats) per group.

    The oracle of :func:`reliability_report` in the tests and its baseline in the benchmark.
    """
    zone = start.tzinfo
    failures: dict[str, list[tuple[datetime, datetime]]] = {}
    for o in orders:
        if o.asset_id is None or o.source in _NOT_FAILURES or o.reported_at >= end:
            continue
        done = o.first_at(Action.COMPLETE)
        if done is None and o.status is Status.CANCELLED:
            continue
        failures.setdefault(o.asset_id, []).append((o.reported_at, min(done or end, end)))
    groups: dict[str, list[int]] = {}
    for asset in register.assets:
        if asset.category in LOCATION_CATEGORIES:
            continue
        lo, hi = start, end
        if asset.commissioned_on is not None:
            lo = max(lo, datetime.combine(asset.commissioned_on, time(0), zone))
        if asset.retired_on is not None:
            hi = min(hi, datetime.combine(asset.retired_on, time(0), zone))
        if hi <= lo:
            continue
        down = timedelta(0)
        count = repeats = 0
        covered = lo
        previous: datetime | None = None
        for reported, restored in sorted(failures.get(asset.id, [])):
            if reported >= start:
                count += 1
                if previous is not None and reported - previous < repeat_window:
                    repeats += 1
            previous = reported
            a, b = max(reported, covered), min(restored, hi)
            if b > a:
                down += b - a
            covered = max(covered, min(restored, hi))
        row = groups.setdefault(_key(asset, by), [0, 0, 0, 0, 0])
        for k, value in enumerate((1, count, down // _US, (hi - lo - down) // _US, repeats)):
            row[k] += value
    return [
        (key, n, f, timedelta(microseconds=d), timedelta(microseconds=o), rep)
        for key, (n, f, d, o, rep) in sorted(groups.items())
    ]
