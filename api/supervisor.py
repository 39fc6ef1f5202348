"""The supervisor: a thread that claims jobs and runs each in its own worker process.

Workers get an address-space limit (CP-SAT's own memory setting is only advisory) and die with
the thread that started them (``PR_SET_PDEATHSIG``), so killing the server leaves no solver
behind; the attempt fence stops any that still tries to write. The supervisor renews the leases
of live workers, kills those past their deadline or cancelled, and re-queues those that crashed.
With ``warm_workers`` each worker is forked from a warm process that has the libraries and the
geodata loaded (``api.workers``), else started from scratch.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from api import worker
from api.db.states import JobState
from api.settings import Settings
from api.store import jobs, retention
from api.store.database import Database
from api.workers import ForkServer, Worker, start_cold

log = logging.getLogger("cdplan.supervisor")
RETENTION_EVERY_SECONDS = 3600.0


@dataclass
class Running:
    claim: jobs.Claim
    process: Worker
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
        memory = settings.worker_memory_mb * 1024 * 1024
        self.warm = ForkServer(memory) if settings.warm_workers else None

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
            if self.warm is not None:
                self.warm.start()  # from this thread: the warm process dies with it
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
            if self.warm is not None:
                self.warm.stop()

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
        delay = self.settings.fault_delay_seconds
        process: Worker | None = None
        if self.warm is not None and self.warm.usable():
            process = self.warm.fork(claim, self.db.url, delay)
        how = "forked"
        if process is None:
            memory = self.settings.worker_memory_mb * 1024 * 1024
            process, how = start_cold(claim, self.db.url, memory, delay), "started"
        log.info("%s: worker %d %s", claim.label, process.pid, how)
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
