"""hosplogi — hospital logistics management (医院后勤管理) as an importable library.

Typed, frozen models of work orders, multi-skilled technicians and crews, with algorithms for
crew assignment, SLA tracking, balanced-scorecard scoring, outsourcing contracts, inspections,
preventive maintenance and simulation. Every public name of every module is re-exported here.

Examples
--------
>>> import hosplogi
>>> hosplogi.Status.REPORTED.value
'reported'
"""

from __future__ import annotations

from hosplogi.assets import *  # noqa: F403
from hosplogi.assets import __all__ as _assets_all
from hosplogi.calendars import *  # noqa: F403
from hosplogi.calendars import __all__ as _calendars_all
from hosplogi.contracts import *  # noqa: F403
from hosplogi.contracts import __all__ as _contracts_all
from hosplogi.costs import *  # noqa: F403
from hosplogi.costs import __all__ as _costs_all
from hosplogi.crews import *  # noqa: F403
from hosplogi.crews import __all__ as _crews_all
from hosplogi.errors import *  # noqa: F403
from hosplogi.errors import __all__ as _errors_all
from hosplogi.inspections import *  # noqa: F403
from hosplogi.inspections import __all__ as _inspections_all
from hosplogi.kpi import *  # noqa: F403
from hosplogi.kpi import __all__ as _kpi_all
from hosplogi.maintenance import *  # noqa: F403
from hosplogi.maintenance import __all__ as _maintenance_all
from hosplogi.orders import *  # noqa: F403
from hosplogi.orders import __all__ as _orders_all
from hosplogi.safety import *  # noqa: F403
from hosplogi.safety import __all__ as _safety_all
from hosplogi.scheduling import *  # noqa: F403
from hosplogi.scheduling import __all__ as _scheduling_all
from hosplogi.simulation import *  # noqa: F403
from hosplogi.simulation import __all__ as _simulation_all
from hosplogi.sla import *  # noqa: F403
from hosplogi.sla import __all__ as _sla_all
from hosplogi.stores import *  # noqa: F403
from hosplogi.stores import __all__ as _stores_all

__version__ = "0.1.0"

__all__ = [
    "__version__",
    *_errors_all,
    *_crews_all,
    *_orders_all,
    *_calendars_all,
    *_assets_all,
    *_sla_all,
    *_scheduling_all,
    *_kpi_all,
    *_inspections_all,
    *_maintenance_all,
    *_contracts_all,
    *_simulation_all,
    *_safety_all,
    *_stores_all,
    *_costs_all,
]
