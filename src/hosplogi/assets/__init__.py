"""The equipment register (设备台账), meters and usage, reliability and energy use.

A hospital keeps a ledger line and a running file of maintenance and repairs for every item of
equipment (004:107, 004:489, 003:323); medical devices come first (001:413); utilities are metered
and energy saving is a standing aim (节能降耗, 001:103, 004:145, 004:263).

* :class:`AssetRegister` links :class:`Asset` lines into site → building → floor → room/system →
  equipment trees (`path`, `children`, `descendants`);
* :class:`Meter`, :class:`MeterReading` and :func:`usage` (or a :class:`MeterSeries`) give the
  consumption between two instants, across rollovers and resets;
* :func:`reliability` / :func:`reliability_report` give failures, downtime, MTBF, MTTR,
  availability and repeat failures per asset, category, department or criticality (SMRP 3.5.1,
  3.5.2, EN 15341); :func:`smrp_grace` is the SMRP grace of PM compliance;
* :func:`energy_use` sums utility meters per department, building or kind, with intensities.

Meter-based preventive maintenance ("every 500 running hours or 90 days, whichever comes
first") lives in :mod:`hosplogi.maintenance`, which reads meters through :class:`MeterSeries`.

Examples
--------
>>> register = AssetRegister([
...     Asset(id="H", name="Hospital", category="site"),
...     Asset(id="B1", name="Ward block", category="building", parent="H"),
...     Asset(id="CH-1", name="Chiller 1", category="chiller", parent="B1", criticality="B"),
... ])
>>> register.path("CH-1")
('H', 'B1', 'CH-1')
"""

from __future__ import annotations

from hosplogi.assets._energy import EnergyUse, energy_use
from hosplogi.assets._meters import (
    Meter,
    MeterKind,
    MeterReading,
    MeterSeries,
    meter_series,
    usage,
)
from hosplogi.assets._register import LOCATION_CATEGORIES, Asset, AssetRegister, Criticality
from hosplogi.assets._reliability import (
    Reliability,
    ReliabilityReport,
    reliability,
    reliability_report,
    smrp_grace,
)

__all__ = [
    "LOCATION_CATEGORIES",
    "Asset",
    "AssetRegister",
    "Criticality",
    "EnergyUse",
    "Meter",
    "MeterKind",
    "MeterReading",
    "MeterSeries",
    "Reliability",
    "ReliabilityReport",
    "energy_use",
    "meter_series",
    "reliability",
    "reliability_report",
    "smrp_grace",
    "usage",
]
