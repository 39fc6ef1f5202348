"""The API in a subprocess on 127.0.0.1: start, kill, restart, find its solver workers.

Used by the load check (``cli.loadcheck``) and the fault tests (``tests/api/live.py``). Workers
are found through ``/proc/*/stat`` (no psutil): in the server's process group, by the name every
solve process gives itself (``api.procs.SOLVE_NAME``), whether started cold or forked warm.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx

from api.procs import SOLVE_NAME, WARM_NAME

ROOT = Path(__file__).resolve().parents[1]


# -- processes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Proc:
    """A process as ``/proc/<pid>/stat`` gives it: pid, parent, group, state letter, name."""

    pid: int
    ppid: int
    pgid: int
    state: str
    name: str = ""


def processes() -> dict[int, Proc]:
    """Every process on the machine, from /proc (no psutil): pid -> parent, group, state."""
    table: dict[int, Proc] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        # "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
        rest = raw[raw.rindex(")") + 2 :].split()
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        table[int(entry.name)] = Proc(int(entry.name), int(rest[1]), int(rest[2]), rest[0], name)
    return table


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (a dead child not yet reaped)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return raw[raw.rindex(")") + 2] not in "ZX"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerError(RuntimeError):
    """The server subprocess could not be started, or is not running when it should be."""

    pass


class LocalServer:
    """The API as a uvicorn subprocess on 127.0.0.1, in a session of its own.

    ``settings`` become ``CDPLAN_*`` variables (``lease_seconds=2`` -> ``CDPLAN_LEASE_SECONDS``);
    no other ``CDPLAN_*`` variable of the caller's environment reaches the server. Its output
    (warnings, and each request with ``access_log``) goes to ``data_dir/server.log``.
    """

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        settings: Mapping[str, object] | None = None,
        *,
        port: int | None = None,
        access_log: bool = False,
    ) -> None:
        self.access_log = access_log
        self.database_url = database_url
        self.data_dir = data_dir
        self.settings = dict(settings or {})
        self.port = port or free_port()
        self.log_path = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: TextIO | None = None

    @property
    def base_url(self) -> str:
        """The server's root URL on loopback."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The server process's id (ServerError when it was never started)."""
        if self.process is None:
            raise ServerError("the server is not running")
        return self.process.pid

    def env(self) -> dict[str, str]:
        """The server's environment: the caller's without its ``CDPLAN_*``, then our settings."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CDPLAN_")}
        env["PYTHONUNBUFFERED"] = "1"
        env["CDPLAN_DATABASE_URL"] = self.database_url
        env["CDPLAN_DATA_DIR"] = str(self.data_dir)
        for name, value in self.settings.items():
            env[f"CDPLAN_{name.upper()}"] = str(value)
        return env

    def warm_geodata_cache(self) -> None:
        """Give the server's workers this process's geodata cache.

        Without it the first workers each spend about 6 s building the cache.
        """
        from geodata.layers import _fingerprint, cache_dir, load

        name = f"geodata-{_fingerprint()}.pickle"
        if not (cache_dir() / name).exists():
            load()
        target = self.data_dir / "cache" / name
        if not target.exists() and (cache_dir() / name).exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cache_dir() / name, target)

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and return once ``GET /healthz`` answers 200."""
        if self.process is not None and self.process.poll() is None:
            raise ServerError("the server is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.warm_geodata_cache()
        self._log = self.log_path.open("a", encoding="utf-8")
        self._log.write(f"--- start on port {self.port} ---\n")
        self._log.flush()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.serving",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "info" if self.access_log else "warning",
                *([] if self.access_log else ["--no-access-log"]),
            ],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C of the caller is not ours
        )
        deadline = time.monotonic() + timeout
        # Workers start warm once the warm process has loaded (unless warm workers are off).
        warm = str(self.settings.get("warm_workers", True)).lower() not in ("false", "0")
        with httpx.Client(base_url=self.base_url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise ServerError(
                        f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
                    )
                with suppress(httpx.HTTPError):
                    if client.get("/healthz").status_code == 200 and (
                        not warm or self.warm_process() is not None
                    ):
                        return
                time.sleep(0.1)
        self.stop()
        raise ServerError(
            f"the server did not answer /healthz in {timeout:g} s:\n{self.log_tail()}"
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the server process only (not its group) and reap it."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.kill(self.process.pid, sig)
        self.process.wait(timeout=30)
        self._close_log()

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (graceful: the supervisor kills its workers and re-queues their jobs)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._close_log()

    def group(self) -> list[int]:
        """Live processes in the server's process group (the server and its workers)."""
        if self.process is None:
            return []
        pgid = self.process.pid
        return sorted(p.pid for p in processes().values() if p.pgid == pgid and p.state not in "ZX")

    def warm_process(self) -> int | None:
        """The server's warm process once it is ready to fork workers, else None."""
        if self.process is None:
            return None
        pgid = self.process.pid
        found = [
            p.pid
            for p in processes().values()
            if p.pgid == pgid and p.name == WARM_NAME and p.state not in "ZX"
        ]
        return found[0] if found else None

    def workers(self) -> list[int]:
        """The server's live solve processes (not the warm process they are forked from)."""
        if self.process is None or self.process.poll() is not None:
            return []
        pgid = self.process.pid
        return sorted(
            p.pid
            for p in processes().values()
            if p.pgid == pgid and p.name == SOLVE_NAME and p.state not in "ZX"
        )

    def log_tail(self, chars: int = 4000) -> str:
        """The last ``chars`` characters of the server's log ("" when there is none)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
