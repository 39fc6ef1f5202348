"""The supervisor: a thread that claims jobs and runs each in its own worker process.

Workers get an address-space limit (CP-SAT's own memory setting is only advisory) and die with
the thread that started them (``PR_SET_PDEATHSIG``), so killing the server leaves no solver
behind; the attempt fence stops any that still tries to write. The supervisor renews the leases
of live workers, kills those past their deadline or cancelled, and re-queues those that crashed.
"""

from __future__ import annotations

import ctypes
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from api import worker
from api.db.states import JobState
from api.settings import Settings
from api.store import jobs, retention
from api.store.database import Database

log = logging.getLogger("cdplan.supervisor")
PR_SET_PDEATHSIG = 1
RETENTION_EVERY_SECONDS = 3600.0


def _child_setup(memory_bytes: int) -> Callable[[], None]:
    # Looked up in the parent: between fork and exec the child must not dlopen (a lock another
    # thread of the server may have held at fork time).
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def setup() -> None:
        # Runs in the child between fork and exec: keep it to system calls.
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            # The server died between fork and prctl, so no signal will come: go now.
            os.kill(os.getpid(), signal.SIGKILL)

    return setup


@dataclass
class Running:
    claim: jobs.Claim
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)
    renewed: float = field(default_factory=time.monotonic)


class Supervisor:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.running: dict[tuple[str, ...], Running] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._retention_due = 0.0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="cdplan-supervisor", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A job was just queued on this server: look now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Stop taking jobs, kill the workers and put their jobs back in the queue."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self.tick()
                except Exception:
                    # A database hiccup must not end supervision; the next tick tries again.
                    log.exception("supervisor tick failed")
                self._wake.wait(self.settings.poll_seconds)
                self._wake.clear()
        finally:
            for run in list(self.running.values()):
                self._kill(run)
                jobs.release(self.db, run.claim)
            self.running.clear()

    # -- one round -------------------------------------------------------------------------
    def tick(self) -> None:
        """Look after the running workers, start queued jobs, and now and then apply retention."""
        if self.settings.retention_days > 0 and time.monotonic() >= self._retention_due:
            self._retention_due = time.monotonic() + RETENTION_EVERY_SECONDS
            removed = retention.purge(self.db, self.settings.retention_days)
            if removed:
                log.info("retention: outputs of %d old versions removed", removed)
        for key, run in list(self.running.items()):
            if self._watch(run):
                del self.running[key]
        while len(self.running) < self.settings.solver_slots and not self._stop.is_set():
            claim = jobs.claim_next(
                self.db,
                self.settings.lease_seconds,
                self.settings.max_attempts,
                exercise_slots=self.settings.exercise_solver_slots,
            )
            if claim is None:
                break
            self.running[claim.key] = self._spawn(claim)

    def _spawn(self, claim: jobs.Claim) -> Running:
        env = dict(os.environ)
        env["CDPLAN_DATABASE_URL"] = self.db.url
        env["CDPLAN_FAULT_DELAY_SECONDS"] = str(self.settings.fault_delay_seconds)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.worker",
                claim.plan_id,
                str(claim.number),
                str(claim.attempt),
                *([claim.task] if claim.task else []),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            preexec_fn=_child_setup(self.settings.worker_memory_mb * 1024 * 1024),  # noqa: PLW1509
        )
        log.info("%s: worker %d", claim.label, process.pid)
        return Running(claim, process)

    def _watch(self, run: Running) -> bool:
        """Look after one worker; True once it is finished with."""
        rc = run.process.poll()
        claim = run.claim
        if rc is not None:
            self._reaped(run, rc)
            return True
        elapsed = time.monotonic() - run.started
        if elapsed > claim.deadline_seconds:
            self._kill(run)
            jobs.fail(
                self.db,
                claim,
                "time_limit",
                f"the worker was stopped after {claim.deadline_seconds:g} s "
                "(time limit, set-up allowance and grace period)",
            )
            return True
        if time.monotonic() - run.renewed >= self.settings.lease_seconds / 3:
            ours, cancel = jobs.renew(self.db, claim, self.settings.lease_seconds)
            run.renewed = time.monotonic()
            if not ours:
                # Someone else owns the job now (our lease lapsed): this attempt is void.
                self._kill(run)
                return True
            if cancel:
                self._kill(run)
                jobs.fail(
                    self.db,
                    claim,
                    JobState.cancelled,
                    "cancelled while running",
                    JobState.cancelled,
                )
                return True
        return False

    def _reaped(self, run: Running, rc: int) -> None:
        claim = run.claim
        if rc in (worker.EXIT_OK, worker.EXIT_STALE, worker.EXIT_FAILED):
            return
        if rc == worker.EXIT_MEMORY:
            jobs.fail(
                self.db,
                claim,
                "resource_limit",
                f"the solve needed more than {self.settings.worker_memory_mb} MiB",
            )
            return
        log.warning("%s: worker exited with %d; re-queued", claim.label, rc)
        jobs.release(self.db, claim)

    @staticmethod
    def _kill(run: Running) -> None:
        if run.process.poll() is None:
            run.process.kill()
        run.process.wait()
