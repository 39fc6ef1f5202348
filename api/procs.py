"""What a worker process does to itself: its name, dying with its parent, its address space.

Solve processes are named ``cdplan-solve`` and the warm process they are forked from
``cdplan-warming`` while it loads, then ``cdplan-warm`` (``/proc/PID/comm``, what ``ps`` and
``top`` show), so an operator, the load check and the fault tests tell them apart from the server
and from each other, and see when workers start warm.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from pathlib import Path

SOLVE_NAME = "cdplan-solve"
WARMING_NAME = "cdplan-warming"
WARM_NAME = "cdplan-warm"
PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15

# Looked up once, at import: a forked child must not load libraries (a lock another thread held
# at fork time may never be released in the child).
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def set_name(name: str) -> None:
    """The process's name as ``ps`` shows it (at most 15 bytes)."""
    _prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when the thread that started it ends; at once if ``parent`` (the
    process that started it) is already gone, since then no signal will come."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def limit_memory(limit_bytes: int) -> None:
    """Cap the address space (CP-SAT's own memory setting is only advisory)."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def address_space_bytes() -> int:
    """This process's address space now (VmSize), bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0
