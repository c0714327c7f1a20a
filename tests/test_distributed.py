"""Sweeps on a Dask cluster (extra ``distributed``): the same results as in this process.

Runs in the normal suite whenever dask.distributed is installed (it is in the ``dev`` extra): a
LocalCluster of two worker processes, started and closed within the test (about 10 s).
"""

from __future__ import annotations

import pytest

from hosplogi.simulation import Hospital, Scenario, sweep

distributed = pytest.importorskip("distributed")


def test_sweep_on_a_dask_cluster_gives_the_in_process_results() -> None:
    hospital = Hospital.synthetic(beds=60, seed=1)
    scenarios = [Scenario.mmc(4, 1, n) for n in (5, 6, 7)] + [
        Scenario(hospital=hospital),
        Scenario(hospital=hospital, policy="assign").staffed("electrical", 3),
    ]
    local = sweep(scenarios, days=2, seed=3)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        remote = sweep(scenarios, days=2, seed=3, executor=executor)
        workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2  # two worker processes
    assert remote == local
    assert [r.model_dump_json() for r in remote] == [r.model_dump_json() for r in local]
