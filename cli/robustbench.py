"""Robustness throughput: Dask against a plain process pool, on this machine, in one run.

``python -m cli.robustbench [--samples N] [--replan-samples M] [--workers W]`` plans Aurora, then
runs the same study twice on each engine, one after the other: a ``LocalCluster`` of W
single-threaded worker processes, and a ``concurrent.futures.ProcessPoolExecutor`` of W
processes. Both get the study once per process and load the geodata when they start; both are
warmed up (processes started, skeleton built) before the clock starts, so the figures compare
the engines' throughput, not their start-up, which is reported apart (the pool forks this
process, geodata and all; Dask's workers start afresh, as they would on another machine).
Each engine runs three times, alternately, and its best run counts. Two workloads: replays
alone (a fraction of a millisecond a sample) and replays with ``--replan`` (a solve per failed
sample). It then times ``cdplan robustness`` on Aurora end to end, with a local cluster and
against a scheduler and two workers it starts on 127.0.0.1 (``dask scheduler``,
``dask worker``), as a user with a cluster would. The load average before each phase is
printed: other work on the machine slows both engines alike, but not evenly.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # installed with distributed, no stubs

from geodata import load
from planner import examples
from planner.engine import plan as make_plan
from planner.io import load_scenario
from planner.robust.cluster import DaskPool, ProcessPool, connect, wait_for_workers
from planner.robust.study import chunks
from planner.robust.tasks import Study, run_samples
from planner.robust.world import World

# The scheduler the bench starts listens here (loopback only).
PORT = 8799
SCHEDULER_READY_SECONDS = 30
# Each engine is measured this many times, alternately, and its best run counts: the machine is
# shared, and a burst of other work during one run should not decide the comparison.
ROUNDS = 3


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (5 min {five:.2f})"


def _cpu(pids: list[int]) -> float:
    """CPU seconds the processes have used so far (user and system)."""
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


def _timed(
    pool: DaskPool | ProcessPool, pids: list[int], study: Study, samples: int
) -> tuple[float, float]:
    """Samples per second of wall time, and CPU milliseconds per sample in the workers."""
    parts = chunks(samples, pool.workers, replan=study.replan)
    cpu = _cpu(pids)
    start = time.perf_counter()
    pool.map(run_samples, study, parts)
    wall = time.perf_counter() - start
    return samples / wall, (_cpu(pids) - cpu) * 1000 / samples


def _measure(
    name: str,
    open_pool: Callable[[], Iterator[DaskPool | ProcessPool]],
    studies: list[tuple[Study, int]],
) -> list[tuple[float, float]]:
    print(f"{name}: {_load()}", flush=True)
    start = time.perf_counter()
    with contextmanager(open_pool)() as pool:
        warmup = Study(studies[0][0].scenario, studies[0][0].plan, seed=10**6)
        pool.map(run_samples, warmup, [[0], [1]] * pool.workers)
        print(f"  start-up and warm-up {time.perf_counter() - start:.2f} s", flush=True)
        pids = pool.pids()
        rates = []
        for study, samples in studies:
            rate, cpu = _timed(pool, pids, study, samples)
            kind = "with --replan" if study.replan else "replays"
            print(f"  {samples} samples, {kind}: {rate:.0f}/s, {cpu:.2f} ms CPU each", flush=True)
            rates.append((rate, cpu))
    return rates


def _cli(*args: str) -> str:
    """Run ``cdplan robustness``: its wall time, and the time it reports (after start-up)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "robustness", *args, "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    doc = json.loads(done.stdout)
    return f"{wall:.2f} s end to end, {doc['seconds']:.2f} s after start-up, holds {doc['holds']}"


@contextmanager
def _scheduler(workers: int) -> Iterator[str]:
    """A scheduler and ``workers`` single-threaded workers on 127.0.0.1, stopped afterwards."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
    address = f"tcp://127.0.0.1:{PORT}"
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    procs = [
        subprocess.Popen(
            [
                dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(PORT),
                "--dashboard-address",
                ":0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    ]
    try:
        procs += [
            subprocess.Popen(
                [
                    dask,
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--dashboard-address",
                    ":0",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            for _ in range(workers)
        ]
        wait_for_workers(address, workers, timeout=SCHEDULER_READY_SECONDS)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def main() -> None:
    """Run the benchmark and print its figures (see the module doc)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--replan-samples", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    geo = load()
    path = examples.path_of("aurora-batumi-sofia")
    scenario = load_scenario(path)
    plan = make_plan(scenario, geo)
    from planner.robust.study import as_study

    plain = as_study(scenario, plan, seed=0, world=World(), replan=False)
    replans = as_study(scenario, plan, seed=0, world=World(), replan=True)
    studies = [(plain, args.samples), (replans, args.replan_samples)]

    def dask_pool() -> Iterator[DaskPool | ProcessPool]:
        with connect(workers=args.workers) as pool:
            yield pool

    def process_pool() -> Iterator[DaskPool | ProcessPool]:
        pool = ProcessPool(plain, workers=args.workers)
        try:
            yield pool
        finally:
            pool.close()

    dask: list[list[tuple[float, float]]] = []
    pooled: list[list[tuple[float, float]]] = []
    for _ in range(ROUNDS):
        dask.append(_measure(f"Dask LocalCluster, {args.workers} workers", dask_pool, studies))
        pooled.append(
            _measure(f"ProcessPoolExecutor, {args.workers} processes", process_pool, studies)
        )
    for i, (study, _) in enumerate(studies):
        kind = "with --replan" if study.replan else "replays"
        a, b = max(r[i][0] for r in dask), max(r[i][0] for r in pooled)
        ca, cb = min(r[i][1] for r in dask), min(r[i][1] for r in pooled)
        print(
            f"best of {ROUNDS}, {kind}: Dask {a:.0f}/s, pool {b:.0f}/s, Dask / pool {a / b:.0%}; "
            f"CPU per sample Dask {ca:.2f} ms, pool {cb:.2f} ms"
        )
    print(f"cdplan robustness Aurora --samples 200, local cluster: {_load()}")
    print(f"  {_cli(str(path), '--samples', '200')}")
    with _scheduler(args.workers) as address:
        print(f"cdplan robustness Aurora --samples 200 --scheduler {address}: {_load()}")
        print(f"  {_cli(str(path), '--samples', '200', '--scheduler', address)}")


if __name__ == "__main__":
    main()
