"""Energy use (能耗): utility consumption per department, building or kind, and its intensity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Literal

from hosplogi._checks import checked
from hosplogi._types import Finite, FrozenModel, require_aware
from hosplogi.assets._meters import Meter, MeterKind, MeterReading, meter_series
from hosplogi.assets._register import AssetRegister
from hosplogi.errors import HosplogiError

__all__ = ["EnergyUse", "energy_use"]


class EnergyUse(FrozenModel):
    """Consumption of one utility kind by one group over a period.

    Attributes
    ----------
    key : str
        The department, building id or kind (``""`` for meters with no department or building).
    kind : MeterKind
    unit : str
    quantity : float
        Summed over the group's meters of this kind.
    intensity : float or None
        ``quantity / per[key]`` when `per` was given (per bed-day, per m² …).
    meters : int
        How many meters were summed.

    Examples
    --------
    >>> EnergyUse(key="Ward 3", kind="electricity_kwh", unit="kWh", quantity=1200.0,
    ...           intensity=None).kind
    <MeterKind.ELECTRICITY_KWH: 'electricity_kwh'>
    """

    key: str
    kind: MeterKind
    unit: str
    quantity: Finite
    intensity: Finite | None = None
    meters: int = 1


@checked
def energy_use(
    register: AssetRegister,
    meters: Iterable[Meter],
    readings: Iterable[MeterReading],
    *,
    start: datetime,
    end: datetime,
    by: Literal["department", "building", "kind"] = "department",
    per: Mapping[str, float] | None = None,
) -> list[EnergyUse]:
    """Utility consumption in ``[start, end)`` per group and meter kind (节能降耗, 001:103).

    Only utility meters count (electricity, water, gas, steam; see
    :attr:`MeterKind.is_utility`). A meter's group is its asset's department (or the nearest
    ancestor's), its building (the nearest ancestor, or itself, whose category is
    ``"building"``) or its kind. Each meter's usage is :func:`usage` of its readings.

    Parameters
    ----------
    register : AssetRegister
    meters : iterable of Meter
        On assets of the register; ids unique. Meters of one kind must share a unit.
    readings : iterable of MeterReading
        Of the given meters, each meter's in time order, covering ``[start, end]``.
    start, end : datetime
        Timezone-aware, ``start < end``.
    by : {"department", "building", "kind"}
    per : mapping of str to float, optional
        Group key → denominator (bed-days, m² …), finite and above zero, for every group that
        has consumption; the intensity is quantity ÷ denominator.

    Returns
    -------
    list[EnergyUse]
        Sorted by key, then kind.

    Raises
    ------
    HosplogiError
        If a meter's asset is not in the register, a reading is of an unknown meter, two meters
        of one kind have different units, `per` lacks a group or has a bad denominator, or a
        meter's readings are refused by :func:`usage` (each named).

    Notes
    -----
    O(R + M) for R readings and M meters, plus the register's depth per meter.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> from hosplogi import Asset
    >>> register = AssetRegister([Asset(id="B1", name="Ward block", category="building"),
    ...     Asset(id="W3", name="Ward 3", category="room", parent="B1", department="Ward 3")])
    >>> m = Meter(id="W3-kWh", asset_id="W3", kind="electricity_kwh")
    >>> rs = [MeterReading(meter_id="W3-kWh", at=t0, value=1000),
    ...       MeterReading(meter_id="W3-kWh", at=t0 + timedelta(days=31), value=19600)]
    >>> [(e.key, e.quantity, e.intensity) for e in energy_use(register, [m], rs, start=t0,
    ...     end=t0 + timedelta(days=31), per={"Ward 3": 930})]
    [('Ward 3', 18600.0, 20.0)]
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise HosplogiError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    if by not in ("department", "building", "kind"):
        raise HosplogiError(f"by must be 'department', 'building' or 'kind', got {by!r}")
    meter_list = list(meters)
    series = meter_series(meter_list, readings)
    units: dict[MeterKind, Meter] = {}
    for m in meter_list:
        if m.asset_id not in register:
            raise HosplogiError(
                f"meter {m.id} is on asset {m.asset_id}, which is not in the register"
            )
        first = units.setdefault(m.kind, m)
        if m.kind.is_utility and first.unit != m.unit:
            raise HosplogiError(
                f"meters {first.id} and {m.id} are both {m.kind.value} but in {first.unit!r} and "
                f"{m.unit!r}; give one unit per kind so that they can be summed"
            )

    totals: dict[tuple[str, MeterKind], list[float]] = {}
    for m in meter_list:
        if not m.kind.is_utility:
            continue
        if by == "department":
            key = register.department_of(m.asset_id) or ""
        elif by == "building":
            key = register.ancestor(m.asset_id, "building") or ""
        else:
            key = m.kind.value
        quantity = series[m.id].usage(start, end)
        total = totals.setdefault((key, m.kind), [0.0, 0.0])
        total[0] += quantity
        total[1] += 1
    out = []
    for (key, kind), (quantity, count) in sorted(totals.items()):
        intensity = None if per is None else quantity / _denominator(per, key)
        out.append(
            EnergyUse(
                key=key,
                kind=kind,
                unit=units[kind].unit,
                quantity=quantity,
                intensity=intensity,
                meters=int(count),
            )
        )
    return out


def _denominator(per: Mapping[str, float], key: str) -> float:
    if key not in per:
        raise HosplogiError(
            f"per has no denominator for group {key!r}; give one for every group with "
            f"consumption (has: {', '.join(sorted(map(str, per))[:5]) or 'none'})"
        )
    value = per[key]
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not numeric or not 0 < value < float("inf"):
        raise HosplogiError(f"per[{key!r}] must be a finite number above zero, got {value!r}")
    return float(value)
