"""What work costs, and who pays (成本核算).

An order costs labour on site (from its event log, holds excluded) plus materials issued net of
returns (from the stock ledger) plus vendor charges (:mod:`hosplogi.costs.order`); a month's
statement sums orders per department with the internal charge, budget and variance
(:mod:`hosplogi.costs.statement`); rates and price lists are data (:mod:`hosplogi.costs.rates`).

Examples
--------
>>> LabourRates.seed_defaults().source
'derived from seed 000:31: 59,000 and 40,800 CNY a person-year / 2000 h'
"""

from __future__ import annotations

from hosplogi.costs.order import (
    CostKind,
    CostLine,
    OrderCost,
    cost_per_order,
    order_cost,
    time_on_site,
)
from hosplogi.costs.rates import (
    SEED_HOURS_PER_YEAR,
    LabourRates,
    PriceEntry,
    PriceList,
    VendorCharge,
)
from hosplogi.costs.statement import (
    DepartmentRow,
    DepartmentStatement,
    ValuedAsset,
    cost_of_maintenance_ratio,
    department_statement,
)

__all__ = [
    "SEED_HOURS_PER_YEAR",
    "CostKind",
    "CostLine",
    "DepartmentRow",
    "DepartmentStatement",
    "LabourRates",
    "OrderCost",
    "PriceEntry",
    "PriceList",
    "ValuedAsset",
    "VendorCharge",
    "cost_of_maintenance_ratio",
    "cost_per_order",
    "department_statement",
    "order_cost",
    "time_on_site",
]
