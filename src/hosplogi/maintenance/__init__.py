"""Preventive maintenance (定期维护保养): plans, due dates, work orders and compliance.

Equipment is looked after on fixed cycles: generator oil and filters, motor grease and insulation
tests, AC fan filters cleaned "at least twice a year" (每年至少两次, 001:397–409), autoclave
descaling, lift overhauls by years in service (003:215). A :class:`MaintenancePlan` repeats on an
RFC 5545 RRULE or a plain interval, either **fixed** (due dates come from the schedule, whatever
happened) or **floating** (the next due date counts from the last completion).

* :func:`due` lists what falls due in ``[start, end)`` and what was done about it;
* :func:`generate_orders` raises PREVENTIVE work orders with **stable ids**
  ``f"{plan.id}@{due_date.isoformat()}"`` (the due date in the plan's zone), so running it twice
  creates nothing new;
* :func:`check_minimum` checks a rule "at least N times a year" against the plan and against the
  work done;
* :func:`pm_compliance` gives PM compliance (done on time / due) for `hosplogi.kpi`.

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> filters = MaintenancePlan(id="AHU-1-filters", asset_id="AHU-1", title="Clean AC fan filters",
...     trade="hvac", rrule="FREQ=MONTHLY;INTERVAL=6", minimum_per_year=2, timezone="UTC",
...     start=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), lead_time=timedelta(days=7))
>>> [o.id for o in generate_orders([filters], datetime(2026, 1, 1, tzinfo=timezone.utc),
...                                datetime(2027, 1, 1, tzinfo=timezone.utc))]
['AHU-1-filters@2026-03-02', 'AHU-1-filters@2026-09-02']
"""

from __future__ import annotations

from hosplogi.maintenance.compliance import (
    MinimumCheck,
    PmCompliance,
    check_minimum,
    pm_compliance,
)
from hosplogi.maintenance.occurrences import due, generate_orders
from hosplogi.maintenance.plans import Completion, DueItem, MaintenancePlan, completions

__all__ = [
    "Completion",
    "DueItem",
    "MaintenancePlan",
    "MinimumCheck",
    "PmCompliance",
    "check_minimum",
    "completions",
    "due",
    "generate_orders",
    "pm_compliance",
]
