"""Safety and compliance (安全管理): emergency drills and the medical-waste chain of custody.

* :mod:`hosplogi.safety.drills` — :class:`EmergencyPlan`, :class:`Drill`, :func:`drill_compliance`
  (required, held and missing drills per plan, building and shift; 003:307) and the corrective
  actions as rectification work orders through the inspections' own path.
* :mod:`hosplogi.safety.waste` — :class:`Handover` records of each load of medical waste,
  :func:`audit_waste` (signatures, weights, storage, manifests, order, custody; 004:153) and
  :func:`waste_totals` per department and class.

Examples
--------
>>> from hosplogi.safety import EmergencyPlan
>>> EmergencyPlan(id="EP-O2", name="Oxygen failure", hazard="oxygen failure").drills_per_year
2
"""

from __future__ import annotations

from hosplogi.safety.drills import *  # noqa: F403
from hosplogi.safety.drills import __all__ as _drills_all
from hosplogi.safety.waste import *  # noqa: F403
from hosplogi.safety.waste import __all__ as _waste_all

__all__ = [*_drills_all, *_waste_all]
