"""Workers forked from the warm process keep every limit of a worker started from scratch: each
job in its own process, its address-space limit, killed past its deadline or with the server, a
crash re-queued; and a warm process that dies takes its workers with it, the jobs going on."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api.procs import SOLVE_NAME, WARM_NAME
from api.supervisor import Running, Supervisor
from api.workers import WarmWorker
from cli.localserver import alive, processes
from tests.api.conftest import World, make_world, scenario_body, test_settings


@contextmanager
def warm_world(db_url: str, tmp_path: Path, **settings: Any) -> Iterator[World]:
    """The app with its supervisor, once its warm process is ready to fork."""
    for world in make_world(test_settings(tmp_path, db_url, **settings), supervise=True):
        sup: Supervisor = world.app.state.services.supervisor
        deadline = time.monotonic() + 60
        while not (sup.warm is not None and sup.warm.usable()):
            assert time.monotonic() < deadline, "the warm process did not get ready"
            time.sleep(0.05)
        yield world


def submit(world: World, **solver: Any) -> str:
    r = world.client.post(
        "/v1/plans", json=scenario_body(**solver), headers=world.headers("planner")
    )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def running(world: World, plan_id: str, timeout: float = 30.0) -> Running:
    sup: Supervisor = world.app.state.services.supervisor
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for run in list(sup.running.values()):
            if run.claim.plan_id == plan_id:
                return run
        time.sleep(0.02)
    raise AssertionError("no worker")


def finished(world: World, plan_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc: dict[str, Any] = world.client.get(
            f"/v1/plans/{plan_id}", headers=world.headers("planner")
        ).json()
        if doc["status"] in ("done", "failed", "cancelled"):
            return doc
        time.sleep(0.05)
    raise AssertionError("not finished")


def gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def attempts(world: World, plan_id: str) -> list[tuple[str, int]]:
    items = world.client.get(f"/v1/plans/{plan_id}/versions", headers=world.headers("planner"))
    return [(v["status"], v["attempts"]) for v in items.json()["items"]]


def test_each_job_is_a_fresh_child_of_the_warm_process(db_url: str, tmp_path: Path) -> None:
    with warm_world(db_url, tmp_path, fault_delay_seconds=0.5) as world:
        sup: Supervisor = world.app.state.services.supervisor
        assert sup.warm is not None and sup.warm.process is not None
        warm_pid = sup.warm.process.pid
        pids = []
        for _ in range(2):
            plan_id = submit(world)
            run = running(world, plan_id)
            assert isinstance(run.process, WarmWorker)
            me = processes()[run.process.pid]
            assert (me.ppid, me.name) == (warm_pid, SOLVE_NAME)
            pids.append(run.process.pid)
            assert finished(world, plan_id)["status"] == "done"
            assert gone(run.process.pid)
        assert pids[0] != pids[1]
        assert processes()[warm_pid].name == WARM_NAME
    assert not alive(warm_pid)  # stopped with the supervisor


def test_a_killed_warm_worker_is_rerun(db_url: str, tmp_path: Path) -> None:
    with warm_world(db_url, tmp_path, fault_delay_seconds=1.0) as world:
        plan_id = submit(world)
        run = running(world, plan_id)
        os.kill(run.process.pid, signal.SIGKILL)
        doc = finished(world, plan_id)
        assert doc["status"] == "done" and attempts(world, plan_id) == [("done", 2)]


def test_a_killed_warm_process_takes_its_workers_and_the_job_goes_on(
    db_url: str, tmp_path: Path
) -> None:
    with warm_world(db_url, tmp_path, fault_delay_seconds=1.0) as world:
        sup: Supervisor = world.app.state.services.supervisor
        assert sup.warm is not None and sup.warm.process is not None
        plan_id = submit(world)
        child = running(world, plan_id).process.pid
        os.kill(sup.warm.process.pid, signal.SIGKILL)
        assert gone(child), "the worker outlived the warm process (PR_SET_PDEATHSIG)"
        # Re-queued as a crash and run again (started from scratch until a new warm process).
        doc = finished(world, plan_id, timeout=90)
        assert doc["status"] == "done" and attempts(world, plan_id) == [("done", 2)]


def test_past_its_deadline_a_warm_worker_is_killed(db_url: str, tmp_path: Path) -> None:
    with warm_world(
        db_url, tmp_path, setup_seconds=0.0, grace_seconds=1.0, fault_delay_seconds=60.0
    ) as world:
        plan_id = submit(world, time_limit_seconds=1)
        run = running(world, plan_id)
        assert isinstance(run.process, WarmWorker)
        doc = finished(world, plan_id, timeout=20)
        assert doc["status"] == "failed" and doc["error"]["code"] == "time_limit"
        assert gone(run.process.pid)


def test_a_warm_worker_has_its_memory_limit(db_url: str, tmp_path: Path) -> None:
    with warm_world(db_url, tmp_path) as world:
        sup: Supervisor = world.app.state.services.supervisor
        assert sup.warm is not None and sup.warm.address_space > 0
        # 16 MiB more than the warm process it is a copy of: far too little to solve Aurora.
        sup.warm.memory_bytes = sup.warm.address_space + 16 * 1024 * 1024
        plan_id = submit(world)
        assert isinstance(running(world, plan_id).process, WarmWorker)
        doc = finished(world, plan_id)
        assert doc["status"] == "failed" and doc["error"]["code"] == "resource_limit", doc
        assert attempts(world, plan_id) == [("failed", 1)]
