"""Worker processes as the supervisor sees them: started cold, or forked from the warm process.

Either way a worker is one process per job, with its address-space limit, killed with the
server, killed past its deadline; the supervisor handles both through the same four calls
(:class:`Worker`). A cold worker is ``python -m api.worker``, the supervisor's child. A warm one is
a child of the warm process (``api.forkserver``), which reports its exit code; the supervisor
kills it through that process, which only ever signals a child it has not reaped yet, so a
process id reused by the system is never hit.

The warm process is started with the supervisor. Jobs claimed while it warms up (a few seconds),
or if it fails, start cold; a warm process that ends is started again, at most once a minute.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Protocol

from api import procs
from api.store.jobs import Claim

log = logging.getLogger("cdplan.supervisor")
# How long the warm process may take to fork a child, or to report one killed, before it is
# taken for hung: it is killed, and with it its children.
ANSWER_SECONDS = 10.0
RESTART_SECONDS = 60.0


class Worker(Protocol):
    """One job's process."""

    @property
    def pid(self) -> int:
        """Its process id."""
        ...

    def poll(self) -> int | None:
        """Its exit code once it has ended (minus the signal that killed it), else None."""
        ...

    def kill(self) -> None:
        """SIGKILL it (nothing if it has ended)."""
        ...

    def wait(self, timeout: float | None = None) -> int:
        """Its exit code, once it has ended."""
        ...


def child_setup(memory_bytes: int | None) -> Callable[[], None]:
    """What a started process does before it runs: die with the supervisor's thread, and with
    ``memory_bytes`` cap its address space."""
    parent = os.getpid()

    def setup() -> None:
        # Runs in the child between fork and exec: system calls only (no imports, no loading).
        if memory_bytes is not None:
            procs.limit_memory(memory_bytes)
        procs.die_with_parent(parent)

    return setup


def start_cold(claim: Claim, url: str, memory_bytes: int, delay_seconds: float) -> Worker:
    """``python -m api.worker`` for the claimed job."""
    env = dict(os.environ)
    env["CDPLAN_DATABASE_URL"] = url
    env["CDPLAN_FAULT_DELAY_SECONDS"] = str(delay_seconds)
    args = [
        claim.plan_id,
        str(claim.number),
        str(claim.attempt),
        *([claim.task] if claim.task else []),
    ]
    return subprocess.Popen(
        [sys.executable, "-m", "api.worker", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        preexec_fn=child_setup(memory_bytes),  # noqa: PLW1509
    )


class WarmWorker:
    """A job's process forked by the warm process."""

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server = server
        self._pid = pid
        self._rc: int | None = None

    @property
    def pid(self) -> int:
        """Its process id."""
        return self._pid

    def poll(self) -> int | None:
        """Its exit code, as the warm process reported it; None while it runs."""
        if self._rc is None:
            self._rc = self.server.take_exit(self._pid, 0.0)
        return self._rc

    def kill(self) -> None:
        """Ask the warm process to SIGKILL it."""
        if self.poll() is None:
            self.server.kill(self._pid)

    def wait(self, timeout: float | None = None) -> int:
        """Its exit code; the warm process is killed if it does not report one in time."""
        if self._rc is None:
            wait = ANSWER_SECONDS if timeout is None else timeout
            self._rc = self.server.take_exit(self._pid, wait)
        if self._rc is None:
            log.error("the warm process did not report worker %d: stopping it", self._pid)
            self.server.stop()
            self._rc = self.server.take_exit(self._pid, ANSWER_SECONDS)
        return -signal.SIGKILL if self._rc is None else self._rc


class ForkServer:
    """The supervisor's side of the warm process (see the module doc)."""

    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        self.process: subprocess.Popen[bytes] | None = None
        self._ready = False
        self.address_space = 0  # of the warm process when it got ready, bytes
        self._started: dict[int, int] = {}  # request -> child pid
        self._exits: dict[int, int] = {}  # child pid -> exit code
        self._alive: set[int] = set()
        self._changed = threading.Condition()
        self._requests = 0
        self._next_start = 0.0

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the warm process (it reports when it is ready); call from the supervisor's
        thread, whose end kills it."""
        self._next_start = time.monotonic() + RESTART_SECONDS
        self._ready = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.forkserver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            preexec_fn=child_setup(None),  # noqa: PLW1509
        )
        assert self.process.stdout is not None
        reader = threading.Thread(
            target=self._read, args=(self.process.stdout,), name="cdplan-warm-reader", daemon=True
        )
        reader.start()

    def usable(self) -> bool:
        """Whether jobs can be forked now; starts the warm process again when it is due."""
        alive = self.process is not None and self.process.poll() is None
        if not alive and time.monotonic() >= self._next_start:
            self.start()
            return False
        return alive and self._ready

    def stop(self) -> None:
        """End the warm process and its children."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    # -- jobs ----------------------------------------------------------------------------------
    def fork(self, claim: Claim, url: str, delay_seconds: float) -> WarmWorker | None:
        """A child for the claimed job, or None if the warm process does not answer."""
        with self._changed:
            self._requests += 1
            request = self._requests
        command = {
            "run": request,
            "claim": [claim.plan_id, claim.number, claim.attempt, claim.task],
            "url": url,
            "memory": self.memory_bytes,
            "delay": delay_seconds,
        }
        if not self._write(command):
            return None
        with self._changed:
            if not self._changed.wait_for(lambda: request in self._started, ANSWER_SECONDS):
                log.error("the warm process did not fork a worker: stopping it")
                self._ready = False
                self.stop()
                return None
            return WarmWorker(self, self._started.pop(request))

    def kill(self, pid: int) -> None:
        """Ask the warm process to SIGKILL its child ``pid``."""
        self._write({"kill": pid})

    def take_exit(self, pid: int, timeout: float) -> int | None:
        """The child's exit code (minus SIGKILL if the warm process died), waiting up to
        ``timeout`` s for it; handed out once."""
        with self._changed:
            if timeout > 0:
                self._changed.wait_for(lambda: pid in self._exits, timeout)
            return self._exits.pop(pid, None)

    def _write(self, command: dict[str, object]) -> bool:
        process = self.process
        if process is None or process.stdin is None:
            return False
        try:
            process.stdin.write((json.dumps(command) + "\n").encode())
            process.stdin.flush()
        except (BrokenPipeError, ValueError):
            return False
        return True

    def _read(self, stream: IO[bytes]) -> None:
        """Take the warm process's messages until it ends; then every child it had has died
        with it (``PR_SET_PDEATHSIG``)."""
        for line in stream:
            message = json.loads(line)
            with self._changed:
                if "ready" in message:
                    self.address_space = size = int(message["address_space"])
                    # Children are copies: one could not run within a smaller limit.
                    self._ready = size < self.memory_bytes
                    if not self._ready:
                        log.warning("the warm process is larger than a worker's memory limit")
                elif "started" in message:
                    self._started[int(message["started"])] = int(message["pid"])
                    self._alive.add(int(message["pid"]))
                elif "exit" in message:
                    self._exits[int(message["exit"])] = int(message["rc"])
                    self._alive.discard(int(message["exit"]))
                self._changed.notify_all()
        with self._changed:
            self._ready = False
            for pid in self._alive:
                self._exits.setdefault(pid, -signal.SIGKILL)
            self._alive.clear()
            self._changed.notify_all()
