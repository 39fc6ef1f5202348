"""The warm worker: ``python -m api.forkserver``, one process that forks a fresh child per job.

Starting a worker from scratch costs seconds before it solves anything: the interpreter, the
solver's and the renderers' libraries, the geodata, and the first use of each (templates, place
look-ups). This process pays that once: it imports everything a job needs, loads the geodata and
plans and renders a small bundled scenario, then waits. For each job the supervisor asks it for
a child; the child is a copy of the warm process, so it starts solving within milliseconds, and
it is still a process of its own with the limits of every worker: its own address-space limit,
killed with its parent (``PR_SET_PDEATHSIG``), killed past its deadline, fenced by its attempt.

It talks to the supervisor over its standard input and output, one JSON object a line:

- in: ``{"run": ID, "claim": [plan, number, attempt, task], "url": ..., "memory": BYTES,
  "delay": SECONDS}`` forks a child for that job; ``{"kill": PID}`` kills one of its children;
  end of input: it kills its children and exits;
- out: ``{"ready": true, "address_space": BYTES}`` once warm; ``{"started": ID, "pid": PID}``;
  ``{"exit": PID, "rc": CODE}`` when a child has ended (its exit code, or minus the signal).

A child writes nothing on that channel: its standard output goes to the standard error.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import sys
from datetime import UTC, datetime
from typing import Any, NoReturn

from api import procs

log = logging.getLogger("cdplan.warm")
# The bundled scenario planned and rendered while warming up: small, and quick to solve.
WARM_UP_SCENARIO = "moldova-chisinau-odesa"
# How often the loop looks for children that ended, seconds (an exit is reported within this).
REAP_SECONDS = 0.02


def warm_up() -> None:
    """Import, load and use once everything a job needs, so that a child starts warm."""
    import api.task_worker  # noqa: F401 - the judge, the debrief, the study's map
    from api.packing import pack
    from api.worker import _render
    from geodata import load
    from geodata.bans import public_holidays
    from planner.engine import plan
    from planner.examples import path_of
    from planner.io import load_scenario

    geo = load()
    # Each state's holidays are a module of their own, imported when first asked for (0.06 s on
    # Aurora's first plan): ask for every state's, last year to next year, once here.
    year = datetime.now(UTC).year
    for country in geo.countries:
        for y in (year - 1, year, year + 1):
            public_holidays(country, y)
    artifacts, _ = _render(plan(load_scenario(path_of(WARM_UP_SCENARIO)), geo), geo)
    for media_type, content in artifacts.values():
        pack(media_type, content)


def _send(message: dict[str, Any]) -> None:
    # Unbuffered, whole lines: a child never inherits half a message.
    os.write(1, (json.dumps(message) + "\n").encode())


def _child(command: dict[str, Any], parent: int, reply_fd: int) -> NoReturn:
    """The job's process: limits, then the worker's own code; never returns."""
    code = 1
    try:
        procs.die_with_parent(parent)
        procs.set_name(procs.SOLVE_NAME)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(2, reply_fd)  # anything printed goes to the log, never into the channel
        limit = int(command["memory"])
        from api import worker
        from api.store.jobs import Claim

        if procs.address_space_bytes() >= limit:
            # The warm process alone is larger than the limit: no job can run within it.
            code = worker.EXIT_MEMORY
        else:
            procs.limit_memory(limit)
            plan_id, number, attempt, task = command["claim"]
            claim = Claim(plan_id, number, attempt, 0.0, task)
            code = worker.serve(command["url"], claim, float(command["delay"]))
    except BaseException as exc:  # the process ends here whatever happens
        log.error("worker child failed (%s)", type(exc).__name__)
    finally:
        sys.stderr.flush()
        os._exit(code)


def _reap(children: set[int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        _send({"exit": pid, "rc": os.waitstatus_to_exitcode(status)})


def serve() -> int:
    """Warm up, then fork a child per command until the input ends."""
    procs.set_name(procs.WARMING_NAME)
    logging.basicConfig(level=logging.WARNING, format="warm %(levelname)s %(message)s")
    warm_up()
    procs.set_name(procs.WARM_NAME)
    _send({"ready": True, "address_space": procs.address_space_bytes()})
    children: set[int] = set()
    pending = b""
    while True:
        readable, _, _ = select.select([0], [], [], REAP_SECONDS)
        _reap(children)
        if not readable:
            continue
        chunk = os.read(0, 65536)
        if not chunk:
            break  # the supervisor is gone or closed us: so are our children
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if not line.strip():
                continue
            command = json.loads(line)
            if "kill" in command:
                if int(command["kill"]) in children:  # ours and not reaped: never a stranger
                    os.kill(int(command["kill"]), signal.SIGKILL)
                continue
            me = os.getpid()
            pid = os.fork()
            if pid == 0:
                _child(command, me, 1)
            children.add(pid)
            _send({"started": command["run"], "pid": pid})
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
