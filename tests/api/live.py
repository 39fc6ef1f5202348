"""A live API server in a subprocess, for the fault tests: kill it, restart it, look at its workers.

``LiveServer`` runs ``python -m api.serving`` on 127.0.0.1 (a free port) with the
database and data folder of the test and short timings (lease 2 s, poll 0.1 s). Users are created
directly in the database. ``close()`` (the ``live_server`` context manager calls it) stops the
server and fails if any process it or an earlier incarnation started is still alive: workers die
with the server (``PR_SET_PDEATHSIG``) and this is where that is checked.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from api.db.engine import normalise_url
from api.store.database import Database
from api.store.users import add_user
from cli.localserver import LocalServer, processes

DEFAULTS: dict[str, object] = {
    "lease_seconds": 2.0,
    "poll_seconds": 0.1,
    "cancel_wait_seconds": 20.0,
    # The fault tests submit in bursts from one user: rate limits are tested elsewhere.
    "submissions_per_minute": 10_000,
    "requests_per_minute": 100_000,
}
TERMINAL = frozenset({"done", "failed", "cancelled"})


class LiveServer(LocalServer):
    def __init__(
        self, database_url: str, data_dir: Path, *, access_log: bool = False, **settings: object
    ) -> None:
        super().__init__(database_url, data_dir, {**DEFAULTS, **settings}, access_log=access_log)
        # Migrate before any server starts, so two processes never race to create the tables.
        self.db = Database(database_url, busy_seconds=10.0)
        self._engine = create_engine(normalise_url(database_url))
        self.groups: list[int] = []  # process groups of every incarnation (pgid = server pid)
        self.seen_workers: set[int] = set()

    # -- processes -----------------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> None:
        super().start(timeout)
        self.groups.append(self.pid)

    def restart(self, timeout: float = 60.0) -> None:
        """Start again on the same port and database (after ``kill`` or ``stop``)."""
        if self.process is not None and self.process.poll() is None:
            self.stop()
        self.start(timeout)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.workers()  # remember the workers the server had, to check they die with it
        super().kill(sig)

    def workers(self) -> list[int]:
        found = super().workers()
        self.seen_workers.update(found)
        return found

    def wait_for_workers(self, count: int, timeout: float = 30.0) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.workers()
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"fewer than {count} workers after {timeout:g} s:\n{self.log_tail()}")

    def leftovers(self, timeout: float = 5.0) -> list[int]:
        """Processes of earlier incarnations (and of this one once it has stopped) still alive
        after ``timeout``; the running server and its own workers do not count."""
        running = self.process is not None and self.process.poll() is None
        deadline = time.monotonic() + timeout
        while True:
            table = processes()
            current = {self.pid} if running else set()
            while True:  # the server and its descendants (workers are forked by a warm one)
                grown = current | {p.pid for p in table.values() if p.ppid in current}
                if grown == current:
                    break
                current = grown
            left = sorted(
                p.pid
                for p in table.values()
                if (p.pgid in self.groups or p.pid in self.seen_workers)
                and p.state not in "ZX"
                and p.pid not in current
            )
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.05)

    def close(self) -> None:
        """Stop the server; fail if any process of it is left (after killing those)."""
        try:
            self.stop()
        finally:
            left = self.leftovers()
            for pid in left:  # ours (started by our server): do not leave them behind
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.db.dispose()
            self._engine.dispose()
        assert not left, f"processes left behind by the server: {left}\n{self.log_tail()}"

    # -- users and requests --------------------------------------------------------------------
    def add_user(self, name: str, role: str = "planner", agency: str = "GEO-MIA") -> str:
        return add_user(self.db, name, role, agency).token

    def client(self, token: str, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    # -- the database, directly ----------------------------------------------------------------
    def sql(self, query: str, **params: Any) -> list[tuple[Any, ...]]:
        with self._engine.connect() as c:
            return [tuple(row) for row in c.execute(text(query), params).all()]

    def version(self, plan_id: str, number: int = 1) -> tuple[Any, ...]:
        rows = self.sql(
            "SELECT status, attempt, plan_json, error_code FROM versions "
            "WHERE plan_id = :p AND number = :n",
            p=plan_id,
            n=number,
        )
        assert len(rows) == 1, rows
        return rows[0]


@contextmanager
def live_server(
    database_url: str, data_dir: Path, *, access_log: bool = False, **settings: object
) -> Iterator[LiveServer]:
    server = LiveServer(database_url, data_dir, access_log=access_log, **settings)
    try:
        server.start()
        yield server
    finally:
        server.close()


def wait_status(
    http: httpx.Client, plan_id: str, wanted: frozenset[str] = TERMINAL, timeout: float = 60.0
) -> dict[str, Any]:
    """Poll ``GET /v1/plans/{id}`` until its status is one of ``wanted``."""
    deadline = time.monotonic() + timeout
    doc: dict[str, Any] = {}
    while time.monotonic() < deadline:
        r = http.get(f"/v1/plans/{plan_id}")
        assert r.status_code == 200, r.text
        doc = r.json()
        if doc["status"] in wanted:
            return doc
        time.sleep(0.1)
    raise AssertionError(f"plan {plan_id} still {doc.get('status')} after {timeout:g} s")
