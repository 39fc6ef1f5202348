"""Jobs end to end in one process: the app with its supervisor, real worker processes, real solves.

Each test runs on SQLite and on PostgreSQL. ``fault_delay_seconds`` makes every worker sleep
after it has read its job and before it solves, which keeps a job running long enough to cancel
it, to run past its deadline, or to shut the app down under it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest

from api.store import jobs
from api.store import versions as stored_versions
from api.store.database import Database
from api.supervisor import Running, Supervisor
from cli.localserver import alive
from tests.api.conftest import World, make_world, scenario_body, test_settings

OUTPUTS = {
    "map": ("map.html", "text/html", b"<html"),
    "timeline": ("timeline.html", "text/html", b"<html"),
    "briefing": ("briefing.html", "text/html", b"<html"),
    "geojson": ("plan.geojson", "application/geo+json", b"FeatureCollection"),
    "kml": ("plan.kml", "application/vnd.google-earth.kml+xml", b"<kml"),
}
TERMINAL = frozenset({"done", "failed", "cancelled"})


@contextmanager
def supervised(db_url: str, tmp_path: Path, **settings: Any) -> Iterator[World]:
    """The app with its supervisor running (stopped, workers killed, when the block ends)."""
    yield from make_world(test_settings(tmp_path, db_url, **settings), supervise=True)


def submit(world: World, body: dict[str, Any] | None = None) -> str:
    r = world.client.post(
        "/v1/plans", json=body or scenario_body(), headers=world.headers("planner")
    )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def status(world: World, plan_id: str) -> dict[str, Any]:
    r = world.client.get(f"/v1/plans/{plan_id}", headers=world.headers("planner"))
    assert r.status_code == 200, r.text
    doc: dict[str, Any] = r.json()
    return doc


def wait_for(world: World, plan_id: str, wanted: frozenset[str], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    doc = status(world, plan_id)
    while doc["status"] not in wanted:
        assert time.monotonic() < deadline, f"still {doc['status']} after {timeout:g} s"
        time.sleep(0.1)
        doc = status(world, plan_id)
    return doc


def running_worker(world: World, plan_id: str, timeout: float = 30.0) -> Running:
    """The supervisor's record of the worker process running this plan's job."""
    supervisor: Supervisor = world.app.state.services.supervisor
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for run in list(supervisor.running.values()):
            if run.claim.plan_id == plan_id:
                return run
        time.sleep(0.02)
    raise AssertionError(f"no worker for {plan_id} after {timeout:g} s")


def versions(world: World, plan_id: str) -> list[dict[str, Any]]:
    r = world.client.get(f"/v1/plans/{plan_id}/versions", headers=world.headers("planner"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_a_submitted_scenario_is_solved_with_every_output(db_url: str, tmp_path: Path) -> None:
    with supervised(db_url, tmp_path) as world:
        plan_id = submit(world)
        doc = wait_for(world, plan_id, TERMINAL, timeout=90)
        assert doc["status"] == "done", doc.get("error")
        assert doc["plan"]["status"] == "optimal"
        assert doc["plan_version"] == 1 and doc["error"] is None
        assert [(v["status"], v["attempts"]) for v in versions(world, plan_id)] == [("done", 1)]
        h = world.headers("coordinator")
        for kind, (_name, media, marker) in OUTPUTS.items():
            r = world.client.get(f"/v1/plans/{plan_id}/{kind}", headers=h)
            assert r.status_code == 200, kind
            assert r.headers["content-type"].startswith(media), kind
            assert marker in r.content[:4000] or marker in r.content, kind
            assert r.headers["x-plan-version"] == "1"
        assert json.loads(world.client.get(f"/v1/plans/{plan_id}/geojson", headers=h).content)
        # plan.json is stored as the sixth output; the status document carries the same plan.
        stored = stored_versions.artifact(world.db, plan_id, 1, "plan.json")
        assert stored is not None and stored[0] == "application/json"
        assert json.loads(stored[1]) == doc["plan"]
        for name, *_ in OUTPUTS.values():
            assert stored_versions.artifact(world.db, plan_id, 1, name) is not None, name


def test_delete_of_a_running_job_returns_once_its_worker_has_exited(
    db_url: str, tmp_path: Path
) -> None:
    with supervised(db_url, tmp_path, fault_delay_seconds=60.0) as world:
        plan_id = submit(world)
        run = running_worker(world, plan_id)
        assert status(world, plan_id)["status"] == "running"
        r = world.client.delete(f"/v1/plans/{plan_id}", headers=world.headers("planner"))
        # By the time DELETE answers, the worker is gone (killed and reaped), not just asked.
        assert run.process.poll() is not None
        assert not alive(run.process.pid)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "cancelled"
        assert r.json()["error"]["code"] == "cancelled"
        # Nothing is written later: a worker of that attempt would be fenced out.
        late = {"map.html": ("text/html", b"<html>late</html>")}
        assert not jobs.complete(
            world.db, run.claim, plan_json="{}", plan_status="optimal", artifacts=late
        )
        time.sleep(1.0)
        doc = status(world, plan_id)
        assert doc["status"] == "cancelled" and doc.get("plan") is None
        assert stored_versions.artifact(world.db, plan_id, 1, "map.html") is None
        assert [(v["status"], v["attempts"]) for v in versions(world, plan_id)] == [
            ("cancelled", 1)
        ]
        assert world.app.state.services.supervisor.running == {}


def test_delete_of_a_queued_job_cancels_it_at_once(db_url: str, tmp_path: Path) -> None:
    with supervised(db_url, tmp_path, solver_slots=1, fault_delay_seconds=60.0) as world:
        busy = submit(world)
        running_worker(world, busy)  # the only slot is taken
        waiting = submit(world)
        assert status(world, waiting)["status"] == "queued"
        t0 = time.monotonic()
        r = world.client.delete(f"/v1/plans/{waiting}", headers=world.headers("planner"))
        elapsed = time.monotonic() - t0
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "cancelled"
        assert r.json()["error"]["code"] == "cancelled"
        assert elapsed < 5.0  # no worker to wait for (the wait allows 20 s)
        v = stored_versions.version(world.db, waiting, 1)
        assert v is not None and v.attempt == 0 and v.started_at is None  # it never ran
        again = world.client.delete(f"/v1/plans/{waiting}", headers=world.headers("planner"))
        assert again.status_code == 200 and again.json()["status"] == "cancelled"
        assert status(world, busy)["status"] == "running"


def test_a_worker_past_its_deadline_is_killed_and_the_job_fails(
    db_url: str, tmp_path: Path
) -> None:
    # Deadline = time limit 1 s + set-up 0 s + grace 1 s; the worker sleeps far longer.
    with supervised(
        db_url, tmp_path, setup_seconds=0.0, grace_seconds=1.0, fault_delay_seconds=60.0
    ) as world:
        plan_id = submit(world, scenario_body(time_limit_seconds=1))
        run = running_worker(world, plan_id)
        assert run.claim.deadline_seconds == 2.0
        doc = wait_for(world, plan_id, TERMINAL, timeout=20)
        assert doc["status"] == "failed"
        assert doc["error"]["code"] == "time_limit"
        assert "2 s" in doc["error"]["message"]
        assert run.process.poll() is not None and not alive(run.process.pid)
        time.sleep(0.5)  # not re-queued: a deadline is not a crash
        assert [(v["status"], v["attempts"]) for v in versions(world, plan_id)] == [("failed", 1)]


def test_a_worker_over_its_memory_limit_fails_the_job_clearly(db_url: str, tmp_path: Path) -> None:
    # 300 MiB of address space is less than the solver's libraries need to be mapped.
    with supervised(db_url, tmp_path, worker_memory_mb=300) as world:
        plan_id = submit(world)
        doc = wait_for(world, plan_id, TERMINAL, timeout=60)
        assert doc["status"] == "failed"
        assert doc["error"]["code"] == "resource_limit"
        assert "300 MiB" in doc["error"]["message"]
        # Failed on the first attempt, not after max_attempts crashes.
        assert [(v["status"], v["attempts"]) for v in versions(world, plan_id)] == [("failed", 1)]
        health = world.client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        listed = world.client.get("/v1/plans", headers=world.headers("planner"))
        assert listed.status_code == 200 and len(listed.json()["items"]) == 1


def test_shutdown_kills_workers_and_puts_their_jobs_back(db_url: str, tmp_path: Path) -> None:
    with supervised(db_url, tmp_path, fault_delay_seconds=60.0) as world:
        plan_id = submit(world)
        run = running_worker(world, plan_id)
    assert run.process.poll() is not None and not alive(run.process.pid)
    db = Database(db_url, migrate=False)
    try:
        v = stored_versions.version(db, plan_id, 1)
        assert v is not None and (v.status, v.attempt) == ("queued", 1)
    finally:
        db.dispose()


def test_delete_waits_for_its_worker_without_holding_a_thread(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While DELETE waits for a worker to stop it holds no thread of the pool: a few slow
    cancels must not starve every other request of threads."""
    with supervised(db_url, tmp_path, fault_delay_seconds=60.0) as world:
        plan_id = submit(world)
        run = running_worker(world, plan_id)
        supervisor: Supervisor = world.app.state.services.supervisor
        # The supervisor does not see the cancel until the test allows it: DELETE has to wait.
        real_renew = jobs.renew
        release = threading.Event()

        def held(db: Database, claim: jobs.Claim, lease: float) -> tuple[bool, bool]:
            ours, cancel = real_renew(db, claim, lease)
            return ours, cancel and release.is_set()

        monkeypatch.setattr(jobs, "renew", held)
        answer: list[Any] = []
        headers = world.headers("planner")
        t = threading.Thread(
            target=lambda: answer.append(
                world.client.delete(f"/v1/plans/{plan_id}", headers=headers)
            )
        )
        t.start()
        time.sleep(0.5)
        portal = world.client.portal
        assert portal is not None

        def borrowed() -> float:
            return float(anyio.to_thread.current_default_thread_limiter().borrowed_tokens)

        samples = []
        for _ in range(20):
            samples.append(portal.call(borrowed))
            time.sleep(0.05)
        assert t.is_alive() and not answer  # still waiting for the worker
        assert min(samples) == 0, samples
        release.set()
        t.join(timeout=30)
        assert answer and answer[0].status_code == 200, answer
        assert answer[0].json()["status"] == "cancelled"
        assert run.process.poll() is not None
        assert supervisor.running == {}
