"""No acknowledged job is lost or done twice when workers, the server or the database fail.

Each test runs on SQLite and on PostgreSQL. The server is ``uvicorn`` in a subprocess
(``tests/api/live.py``); the tests kill its workers or the server itself with SIGKILL and check
that every acknowledged job is still there and ends ``done`` exactly once: one version row with
its plan, one row per output. ``CDPLAN_FAULT_DELAY_SECONDS`` makes a worker sleep after it has
claimed its job, which is the window in which it is killed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url

from api import worker
from api.db.clock import utcnow
from api.db.tables import Version
from api.store import jobs
from api.store.database import Database
from api.store.users import add_user
from cli.localserver import alive
from geodata import Geodata
from tests.api.conftest import ROOT, scenario_body, seed_plan
from tests.api.live import LiveServer, wait_status

# The quickest bundled scenario to solve: the worker's time is mostly start-up and geodata.
FAST = ROOT / "planner/examples/moldova-chisinau-odesa.yaml"
OUTPUT_KINDS = {
    "plan.json",
    "map.html",
    "timeline.html",
    "briefing.html",
    "plan.geojson",
    "plan.kml",
}

StartServer = Callable[..., LiveServer]


@pytest.fixture
def live(db_url: str, tmp_path: Path) -> Iterator[StartServer]:
    """Start a live server on the test's database; each is closed (and checked for processes
    left behind) at the end of the test."""
    servers: list[LiveServer] = []

    def start(**settings: object) -> LiveServer:
        server = LiveServer(db_url, tmp_path / f"server-{len(servers)}", **settings)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.close()


def submit(http: httpx.Client, body: dict[str, Any], key: str | None = None) -> str:
    headers = {} if key is None else {"Idempotency-Key": key}
    r = http.post("/v1/plans", json=body, headers=headers)
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def assert_done_once(server: LiveServer, plan_id: str) -> None:
    """One version, done, with its plan; each output stored once."""
    versions = server.sql(
        "SELECT number, status, plan_json FROM versions WHERE plan_id = :p", p=plan_id
    )
    assert len(versions) == 1
    number, status, plan_json = versions[0]
    assert (number, status) == (1, "done") and plan_json
    kinds = [
        row[0] for row in server.sql("SELECT kind FROM artifacts WHERE plan_id = :p", p=plan_id)
    ]
    assert sorted(kinds) == sorted(OUTPUT_KINDS)


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


# -- (a) a worker killed mid-solve -------------------------------------------------------------
def test_killed_worker_is_rerun_and_the_job_is_done_once(live: StartServer) -> None:
    server = live(fault_delay_seconds=1.0)
    with server.client(server.add_user("planner-a")) as http:
        plan_id = submit(http, scenario_body(FAST))
        [pid] = server.wait_for_workers(1)
        assert server.version(plan_id)[:2] == ("running", 1)
        os.kill(pid, signal.SIGKILL)  # in its fault window: the job is claimed, not yet solved
        assert wait_gone(pid)
        doc = wait_status(http, plan_id, timeout=60)
        assert doc["status"] == "done" and doc["plan"]["status"] == "optimal"
        versions = http.get(f"/v1/plans/{plan_id}/versions").json()["items"]
    assert [(v["number"], v["status"], v["attempts"]) for v in versions] == [(1, "done", 2)]
    assert_done_once(server, plan_id)
    assert server.process is not None and server.process.poll() is None  # the API lived on


# -- (b) the server killed mid-solve -----------------------------------------------------------
def test_killed_server_takes_its_worker_and_the_job_is_done_after_restart(
    live: StartServer,
) -> None:
    server = live(fault_delay_seconds=1.0)
    token = server.add_user("planner-b")
    with server.client(token) as http:
        plan_id = submit(http, scenario_body(FAST))
    [pid] = server.wait_for_workers(1)
    server.kill(signal.SIGKILL)
    assert wait_gone(pid), f"worker {pid} outlived its server (PR_SET_PDEATHSIG)"
    assert server.version(plan_id)[:2] == ("running", 1)  # left behind with a lease
    server.restart()
    with server.client(token) as http:
        assert http.get(f"/v1/plans/{plan_id}").status_code == 200  # never lost
        doc = wait_status(http, plan_id, timeout=60)
    assert doc["status"] == "done"
    assert server.version(plan_id)[1] == 2  # picked up again once the lease ran out
    assert_done_once(server, plan_id)


# -- (c) the server killed right after acknowledging submissions --------------------------------
def test_acknowledged_submissions_survive_a_kill_and_are_done_exactly_once(
    live: StartServer, geo: Geodata
) -> None:
    n = 20
    server = live(solver_slots=2)
    token = server.add_user("planner-c")
    body = scenario_body(FAST)
    acked: dict[str, str] = {}  # Idempotency-Key -> plan id, for every 202 received
    lock = threading.Lock()
    killed = threading.Event()

    def send(i: int) -> None:
        if killed.is_set():
            return
        with server.client(token, timeout=10) as http:
            try:
                r = http.post("/v1/plans", json=body, headers={"Idempotency-Key": f"key-{i}"})
            except httpx.TransportError:
                return  # no answer: the client does not know and will retry
        assert r.status_code == 202, r.text
        with lock:
            acked[f"key-{i}"] = r.json()["id"]

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(send, i) for i in range(n)]
        deadline = time.monotonic() + 60
        while len(acked) < n - 4 and time.monotonic() < deadline:
            time.sleep(0.005)
        server.kill(signal.SIGKILL)  # a few submissions are still in flight or not yet sent
        killed.set()
        for f in futures:
            f.result()
    assert len(acked) >= n - 4

    # One solver slot from now on: the in-process drain below does most of the work.
    server.settings["solver_slots"] = 1
    server.restart()
    with server.client(token) as http:
        for plan_id in acked.values():
            assert http.get(f"/v1/plans/{plan_id}").status_code == 200
        # Clients retry what got no answer, and some that did, with the same key and body.
        retried = {f"key-{i}": submit(http, body, f"key-{i}") for i in range(n)}
    for key, plan_id in acked.items():
        assert retried[key] == plan_id
    assert len(set(retried.values())) == n
    assert server.sql("SELECT COUNT(*) FROM plans")[0][0] == n
    assert server.sql("SELECT COUNT(*) FROM idempotency_keys")[0][0] == n

    # Drain: the restarted server's workers and, to keep this short, the worker's own code run
    # in this process on the already loaded geodata. Both take jobs through claim_next.
    assert geo is not None
    db = Database(server.database_url, busy_seconds=30.0, migrate=False)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            claim = jobs.claim_next(db, 10.0, 3)
            if claim is not None:
                worker.run(db, claim)
                continue
            open_jobs = server.sql(
                "SELECT COUNT(*) FROM versions WHERE status IN ('queued', 'running')"
            )[0][0]
            if open_jobs == 0:
                break
            time.sleep(0.1)
    finally:
        db.dispose()
    statuses = server.sql("SELECT status, COUNT(*) FROM versions GROUP BY status")
    assert statuses == [("done", n)]
    assert server.sql("SELECT COUNT(*) FROM versions WHERE plan_json IS NULL OR number <> 1") == [
        (0,)
    ]
    per_version = server.sql(
        "SELECT plan_id, number, COUNT(*), COUNT(DISTINCT kind) FROM artifacts "
        "GROUP BY plan_id, number"
    )
    assert len(per_version) == n
    assert all(row[2] == row[3] == len(OUTPUT_KINDS) for row in per_version)


# -- (d) a stale worker is fenced out (store level, no processes) ------------------------------
def test_a_stale_attempt_cannot_complete_fail_or_release(db_url: str) -> None:
    db = Database(db_url)
    try:
        owner = add_user(db, "planner-d", "planner", "GEO-MIA").principal
        plan_id = seed_plan(db, owner)
        first = jobs.claim_next(db, 60.0, 3, plan_id=plan_id)
        assert first is not None and first.attempt == 1
        with db.begin() as s:  # the lease of attempt 1 runs out (its supervisor died)
            s.execute(
                update(Version)
                .where(Version.plan_id == plan_id)
                .values(lease_expires_at=utcnow() - timedelta(seconds=1))
            )
        second = jobs.claim_next(db, 60.0, 3, plan_id=plan_id)
        assert second is not None and second.attempt == 2
        outputs = {kind: ("text/plain", kind.encode()) for kind in OUTPUT_KINDS}

        def complete(claim: jobs.Claim, plan_json: str) -> bool:
            return jobs.complete(
                db, claim, plan_json=plan_json, plan_status="optimal", artifacts=outputs
            )

        assert complete(first, '{"stale": true}') is False
        assert jobs.renew(db, first, 60.0) == (False, False)
        assert jobs.fail(db, first, "time_limit", "late") is False
        assert jobs.release(db, first) is False
        with db.begin() as s:
            v = s.get(Version, (plan_id, 1))
            assert v is not None
            assert (v.status, v.attempt, v.plan_json, v.error_code) == ("running", 2, None, None)
        from api.store import versions

        assert versions.artifact(db, plan_id, 1, "map.html") is None

        assert complete(second, '{"fresh": true}') is True
        assert complete(second, '{"again": true}') is False  # exactly once
        done = versions.version(db, plan_id, 1)
        assert done is not None
        assert (done.status, done.attempt, done.plan_json) == ("done", 2, '{"fresh": true}')
        assert versions.artifact(db, plan_id, 1, "map.html") == ("text/plain", b"map.html")
    finally:
        db.dispose()


# -- (e) a locked database ---------------------------------------------------------------------
class Locker:
    """Holds the write lock on the server's database from another connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn: Any = None

    def __enter__(self) -> Locker:
        if self.url.startswith("sqlite"):
            self.conn = sqlite3.connect(make_url(self.url).database or "", isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.conn = psycopg.connect(self.url)  # a transaction stays open until rollback
            self.conn.execute("LOCK TABLE plans IN ACCESS EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.url.startswith("sqlite"):
            self.conn.execute("ROLLBACK")
        else:
            self.conn.rollback()
        self.conn.close()


def test_locked_database_gives_503_and_the_retry_gives_one_plan(live: StartServer) -> None:
    server = live(db_busy_seconds=1.0)
    token = server.add_user("planner-e")
    body = scenario_body(FAST)
    with Locker(server.database_url):
        # A fresh connection each time: after an error the server may close the old one.
        with server.client(token) as http:
            t0 = time.monotonic()
            r = http.post("/v1/plans", json=body, headers={"Idempotency-Key": "locked-1"})
            waited = time.monotonic() - t0
        assert r.status_code == 503, r.text
        assert int(r.headers["retry-after"]) > 0
        assert r.json()["error"]["code"] in ("database_busy", "audit_unavailable")
        assert waited < 10
        time.sleep(0.5)  # held longer than db_busy_seconds in all
    for table in ("plans", "versions", "idempotency_keys"):
        assert server.sql(f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    with server.client(token) as http:
        first = submit(http, body, "locked-1")
        assert submit(http, body, "locked-1") == first
        assert http.get("/healthz").status_code == 200
    assert server.sql("SELECT COUNT(*) FROM plans") == [(1,)]
    assert server.sql("SELECT COUNT(*) FROM versions") == [(1,)]
