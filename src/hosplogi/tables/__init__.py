"""Orders and their event logs as Arrow tables and Parquet files (extra ``tables``: pyarrow).

An edge adapter: it adds no rule of its own. :func:`orders_table` and :func:`events_table` turn
work orders into columns (one row per order, one row per event); :func:`orders_from_tables` builds
them back, checking every table and every log as ``WorkOrder.model_validate_json`` would;
:func:`write_parquet`, :func:`read_parquet` and :func:`iter_parquet_batches` keep them in one
Parquet file. :func:`sla_table` and :func:`compliance_table` compute SLA clocks and compliance
on the columns (the column engine of :mod:`hosplogi.sla`), :func:`sla_parquet` and
:func:`compliance_parquet` over a Parquet file a batch at a time. pandas and polars frames
are accepted wherever a table is (converted through Arrow).

``import hosplogi`` never imports this package (nor pyarrow); ``import hosplogi.tables`` without
pyarrow raises an ImportError saying what to install.

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> from hosplogi import WorkOrder
>>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
>>> o = WorkOrder.report(id="WO-1", title="Leak", trade="plumbing", priority="urgent",
...                      reported_at=t0, location="Ward 3")
>>> orders_from_tables(orders_table([o]), events_table([o])) == [o]
True
"""

from __future__ import annotations

try:
    import pyarrow  # noqa: F401
except ImportError as err:
    raise ImportError(
        "hosplogi.tables needs pyarrow, which is not installed; install it with: "
        'pip install "hosplogi[tables]"'
    ) from err

from hosplogi.tables.build import *  # noqa: F403
from hosplogi.tables.build import __all__ as _build_all
from hosplogi.tables.parquet import *  # noqa: F403
from hosplogi.tables.parquet import __all__ as _parquet_all
from hosplogi.tables.read import *  # noqa: F403
from hosplogi.tables.read import __all__ as _read_all
from hosplogi.tables.sla import *  # noqa: F403
from hosplogi.tables.sla import __all__ as _sla_all

__all__ = [*_build_all, *_read_all, *_parquet_all, *_sla_all]
