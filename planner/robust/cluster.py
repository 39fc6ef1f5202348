"""Tasks on Dask distributed: a ``LocalCluster`` of this machine's cores, or any cluster.

``run_tasks(fn, items)`` calls ``fn(shared, item)`` for every item on the workers and returns
the results in the order of the items. By default the workers are a ``LocalCluster`` of one
single-threaded process per core; with ``scheduler="tcp://HOST:8786"``, or the
``CDPLAN_DASK_SCHEDULER`` environment variable, they are the workers of that cluster, with
nothing else changed. ``shared`` (the study: a scenario and a plan as plain data) is sent to
each worker once; a worker plugin loads the geodata when a worker joins, so a task costs its
work, not a start-up. The workers of a cluster must have cdplan installed (``pip install``),
as the machine that submits does.

:class:`ProcessPool` runs the same calls on a plain ``concurrent.futures`` process pool: the
baseline of the throughput benchmark.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from distributed import Client, LocalCluster, WorkerPlugin

from planner.robust.tasks import warm

SCHEDULER_ENV = "CDPLAN_DASK_SCHEDULER"
# Seconds to wait for a cluster's scheduler to answer before telling the user it is not there.
CONNECT_TIMEOUT_SECONDS = 10

S = TypeVar("S")
I = TypeVar("I")  # noqa: E741 - the usual name of an item type
R = TypeVar("R")


class Pool(Protocol):
    """Somewhere to run tasks: how many run at once, where, and the mapping itself."""

    @property
    def workers(self) -> int:
        """Tasks run at once."""
        ...

    @property
    def scheduler(self) -> str:
        """Where the tasks run: a scheduler's address."""
        ...

    def map(self, fn: Callable[[S, I], R], shared: S, items: Sequence[I]) -> list[R]:
        """``[fn(shared, item) for item in items]``, computed on the workers, in order."""
        ...


class _WarmGeodata(WorkerPlugin):
    """Loads the geodata in every worker process as it joins the cluster."""

    name = "cdplan-geodata"

    def setup(self, worker: Any) -> None:
        del worker
        warm()


class DaskPool:
    """A Dask client, as a :class:`Pool`."""

    def __init__(self, client: Client, scheduler: str) -> None:
        self.client = client
        self.scheduler = scheduler

    @property
    def workers(self) -> int:
        """Tasks the cluster runs at once: the sum of its workers' threads."""
        info = self.client.scheduler_info(n_workers=-1)
        return sum(int(w.get("nthreads", 1)) for w in info["workers"].values()) or 1

    def pids(self) -> list[int]:
        """The process ids of the workers (on their own machines)."""
        return list(self.client.run(os.getpid).values())

    def map(self, fn: Callable[[S, I], R], shared: S, items: Sequence[I]) -> list[R]:
        """``[fn(shared, item) for item in items]`` on the cluster, in order."""
        if not items:
            return []
        data = self.client.scatter(shared, broadcast=True, hash=False)
        futures = [self.client.submit(fn, data, item, pure=False) for item in items]
        results: list[R] = self.client.gather(futures)
        return results


def scheduler_address(scheduler: str | None) -> str | None:
    """The scheduler to use: the one given, else ``CDPLAN_DASK_SCHEDULER``, else None (local)."""
    return scheduler or os.environ.get(SCHEDULER_ENV) or None


@contextmanager
def connect(scheduler: str | None = None, *, workers: int | None = None) -> Iterator[DaskPool]:
    """A Dask pool: the cluster at ``scheduler`` (see :func:`scheduler_address`), else local.

    Args:
        scheduler: a scheduler address such as ``tcp://10.0.0.5:8786``.
        workers: the local cluster's worker processes (default: this machine's cores).

    Raises:
        OSError: the scheduler does not answer within ``CONNECT_TIMEOUT_SECONDS``.
    """
    address = scheduler_address(scheduler)
    cluster: LocalCluster | None = None
    if address is None:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            # Any free port: another cluster on this machine may hold the usual 8787.
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        client = Client(address, timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        client.register_plugin(_WarmGeodata(), name=_WarmGeodata.name)
        yield DaskPool(client, cluster.scheduler_address if cluster else str(address))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def wait_for_workers(address: str, workers: int, *, timeout: float) -> None:
    """Wait until the cluster at ``address`` has ``workers`` workers (TimeoutError if not)."""
    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(workers, timeout=timeout)


def run_tasks(
    fn: Callable[[S, I], R],
    items: Sequence[I],
    *,
    shared: S,
    scheduler: str | None = None,
    workers: int | None = None,
) -> list[R]:
    """``[fn(shared, item) for item in items]`` on Dask (see :func:`connect`), in order."""
    with connect(scheduler, workers=workers) as pool:
        return pool.map(fn, shared, items)


_SHARED: dict[str, Any] = {}


def _init(shared: Any) -> None:
    warm()
    _SHARED["value"] = shared


def _call(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> Any:
    return fn(_SHARED["value"] if shared is None else shared, item)


class ProcessPool:
    """A plain process pool with the same shape as :class:`DaskPool` (the benchmark's baseline).

    ``shared`` is handed to each process once, when it starts; a call with another shared value
    sends that value with every task.
    """

    def __init__(self, shared: Any, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = "process-pool"
        self._shared = shared
        self._pool = ProcessPoolExecutor(self.workers, initializer=_init, initargs=(shared,))

    def map(self, fn: Callable[[S, I], R], shared: S, items: Sequence[I]) -> list[R]:
        """``[fn(shared, item) for item in items]`` in the pool's processes, in order."""
        sent = None if shared is self._shared else shared
        n = len(items)
        return list(self._pool.map(_call, [fn] * n, [sent] * n, items))

    def pids(self) -> list[int]:
        """The process ids of the pool's processes (those started so far)."""
        return list(self._pool._processes or {})

    def close(self) -> None:
        """Stop the processes."""
        self._pool.shutdown()


class InProcess:
    """Tasks run one after another in this process: for tests and one-off studies."""

    workers = 1
    scheduler = "in-process"

    def map(self, fn: Callable[[S, I], R], shared: S, items: Sequence[I]) -> list[R]:
        """``[fn(shared, item) for item in items]``, here and now."""
        return [fn(shared, item) for item in items]
