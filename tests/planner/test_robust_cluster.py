"""Robustness on Dask: a two-process LocalCluster started here and reached by its address, as a
user with a cluster would, gives the figures the samples give in one process."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from distributed import LocalCluster

from geodata import Geodata, load
from planner import examples
from planner.engine import plan as make_plan
from planner.io import load_scenario
from planner.robust.cluster import SCHEDULER_ENV, InProcess, connect, run_tasks
from planner.robust.study import assess
from planner.robust.tasks import _loaded

KEEP = {"seconds", "scheduler", "workers"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as c:
        yield c


def _double(shared: int, item: int) -> int:
    return shared * item


def test_run_tasks_keeps_the_order_of_the_items(cluster: LocalCluster) -> None:
    items = list(range(40))
    assert run_tasks(_double, items, shared=3, scheduler=cluster.scheduler_address) == [
        3 * i for i in items
    ]


def test_the_address_comes_from_the_environment(
    cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCHEDULER_ENV, cluster.scheduler_address)
    with connect() as pool:
        assert pool.scheduler == cluster.scheduler_address
        assert pool.workers == 2
        assert pool.map(_double, 2, [1, 2]) == [2, 4]


def test_aurora_on_a_cluster_by_address_is_aurora_in_one_process(
    cluster: LocalCluster, geo: Geodata
) -> None:
    sc = load_scenario(examples.path_of("aurora-batumi-sofia"))
    p = make_plan(sc, geo)
    here = assess(sc, p, InProcess(), samples=200, seed=1)
    with connect(cluster.scheduler_address) as pool:
        there = assess(sc, p, pool, samples=200, seed=1)
        # The workers loaded the geodata when they joined, and keep the study's skeleton.
        cached = pool.client.run(lambda: (load.cache_info().currsize, _loaded.cache_info()))
    assert len(cached) == 2
    assert all(geodata == 1 for geodata, _ in cached.values())
    assert sum(info.currsize for _, info in cached.values()) >= 1
    assert sum(info.hits for _, info in cached.values()) >= 1
    assert there.workers == 2 and there.scheduler == cluster.scheduler_address
    assert there.model_dump(exclude=KEEP) == here.model_dump(exclude=KEEP)


def test_one_worker_or_two_give_the_same_figures(cluster: LocalCluster, geo: Geodata) -> None:
    sc = load_scenario(examples.path_of("caucasus-ferry-poti-chornomorsk"))
    p = make_plan(sc, geo)
    with connect(workers=1) as one:
        a = assess(sc, p, one, samples=150, seed=9)
    with connect(cluster.scheduler_address) as two:
        b = assess(sc, p, two, samples=150, seed=9)
    assert (a.workers, b.workers) == (1, 2)
    assert a.model_dump(exclude=KEEP) == b.model_dump(exclude=KEEP)
