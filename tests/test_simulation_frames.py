"""Results as pandas DataFrames: the same rows as the records, pandas imported only when asked."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest

from hosplogi import HosplogiError
from hosplogi.simulation import Hospital, Scenario, replicate, simulate, sweep, sweep_frame
from hosplogi.simulation.results import ORDER_COLUMNS

pd = pytest.importorskip("pandas")


def _same(frame: Any, records: list[dict[str, Any]]) -> None:
    """Every cell equals the record's value; a missing value (None) is NaN in the frame."""
    assert len(frame) == len(records)
    for row, record in zip(frame.to_dict("records"), records, strict=True):
        assert list(row) == list(frame.columns)
        for name, value in record.items():
            cell = row[name]
            if value is None:
                assert cell is None or (isinstance(cell, float) and math.isnan(cell)), name
            else:
                assert cell == value, name


def test_order_frame_has_the_records_columns_and_values() -> None:
    run = simulate(Scenario(hospital=Hospital.synthetic(beds=60, seed=2)), days=2, seed=3)
    records = run.to_records()
    frame = run.to_frame()
    assert tuple(frame.columns) == ORDER_COLUMNS == tuple(records[0])
    _same(frame, records)
    assert frame["wait_minutes"].isna().sum() == sum(r["wait_minutes"] is None for r in records)
    assert frame["wait_minutes"].dtype.kind == "f"


def test_order_frame_of_a_run_without_orders_still_has_the_columns() -> None:
    run = simulate(
        Scenario.mmc(arrivals_per_hour=0.001, services_per_hour=1, technicians=1), days=0.01, seed=1
    )
    assert run.arrivals == 0
    assert tuple(run.to_frame().columns) == ORDER_COLUMNS


def test_replication_frame_has_one_row_per_run() -> None:
    rep = replicate(Scenario.mmc(2, 1.5, 2), 3, days=1, seed=4)
    frame = rep.to_frame()
    _same(frame, rep.to_records())
    assert list(frame["seed"]) == [4, 5, 6]
    assert frame["mean_wait_minutes"].mean() == pytest.approx(rep.mean["mean_wait_minutes"])


def test_sweep_frame_has_one_row_per_scenario_and_every_priority_column() -> None:
    hospital = Hospital.synthetic(beds=60, seed=1)
    runs = sweep([Scenario(hospital=hospital), Scenario.mmc(2, 1, 3)], days=1, seed=2)
    frame = sweep_frame(runs)
    records = [r.to_record() for r in runs]
    _same(frame, records)
    assert list(frame["scenario"]) == [r.scenario for r in runs]
    every = {name for record in records for name in record}
    assert every == set(frame.columns)
    fixed = [c for c in frame.columns if not c.startswith("response_met_rate_")]
    assert list(sweep_frame([]).columns) == fixed  # the summary's own fields, without rows


def test_sweep_frame_refuses_what_is_not_run_summaries() -> None:
    with pytest.raises(HosplogiError, match="iterable of RunSummary"):
        sweep_frame(3)  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="must hold RunSummary values"):
        sweep_frame([{"scenario": "x"}])  # type: ignore[list-item]


def test_frames_without_pandas_name_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    run = simulate(Scenario.mmc(2, 3, 1), days=1, seed=1)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    for make in (run.to_frame, lambda: sweep_frame([run.summary])):
        with pytest.raises(ImportError, match="pip install pandas"):
            make()
    assert run.to_records()  # records need no pandas
