"""A short, bounded load check on loopback: ``python -m api.loadcheck [--seconds S] [--json F]``.

It starts the API in a subprocess (uvicorn, SQLite in a temporary folder), creates a user, has
one plan solved, then measures the latency of ``GET /v1/plans/{id}`` and ``GET /v1/plans/{id}/map``
from a few client threads, first with the service idle and then while the supervisor's two
solver slots are busy with real solves of the bundled scenario that takes longest (submitted
again and again so that both workers stay busy for the whole window). It prints a table with
p50/p95/max per endpoint and phase and the loaded/idle ratio, and can write the figures as JSON.

Every knob is small by default (10 s per phase, under a minute in all). ``LocalServer`` is the
subprocess handling it uses; the fault tests build on it (``tests/api/live.py``).
Needs httpx (in the project's ``test`` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "planner/examples"
# Of the bundled scenarios this one takes the longest to solve and render (about 2 s of the
# ~5 s a worker needs, the rest being process start and loading the geodata).
LONGEST = "aurora-batumi-sofia"


# -- processes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    pgid: int
    state: str


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
        table[int(entry.name)] = Proc(int(entry.name), int(rest[1]), int(rest[2]), rest[0])
    return table


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (a dead child not yet reaped)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return raw[raw.rindex(")") + 2] not in "ZX"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerError(RuntimeError):
    pass


class LocalServer:
    """The API as a uvicorn subprocess on 127.0.0.1, in a session of its own.

    ``settings`` become ``CDPLAN_*`` variables (``lease_seconds=2`` -> ``CDPLAN_LEASE_SECONDS``);
    no other ``CDPLAN_*`` variable of the caller's environment reaches the server. Its output
    goes to ``data_dir/server.log``.
    """

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        settings: Mapping[str, object] | None = None,
        *,
        port: int | None = None,
    ) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.settings = dict(settings or {})
        self.port = port or free_port()
        self.log_path = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: TextIO | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerError("the server is not running")
        return self.process.pid

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CDPLAN_")}
        env["PYTHONUNBUFFERED"] = "1"
        env["CDPLAN_DATABASE_URL"] = self.database_url
        env["CDPLAN_DATA_DIR"] = str(self.data_dir)
        for name, value in self.settings.items():
            env[f"CDPLAN_{name.upper()}"] = str(value)
        return env

    def warm_geodata_cache(self) -> None:
        """Give the server's workers this process's geodata cache (else the first ones each
        spend ~6 s building it)."""
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
                "uvicorn",
                "--factory",
                "api.app:app_from_env",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
                "--no-server-header",
                "--timeout-keep-alive",
                "5",
                "--timeout-graceful-shutdown",
                "10",
                "--limit-concurrency",
                "200",
            ],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C of the caller is not ours
        )
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.base_url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise ServerError(
                        f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
                    )
                with suppress(httpx.HTTPError):
                    if client.get("/healthz").status_code == 200:
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

    def workers(self) -> list[int]:
        """Live children of the server process: its solver workers."""
        if self.process is None or self.process.poll() is not None:
            return []
        ppid = self.process.pid
        return sorted(p.pid for p in processes().values() if p.ppid == ppid and p.state not in "ZX")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


# -- the check ---------------------------------------------------------------------------------
def scenario(name: str = LONGEST, **solver: Any) -> dict[str, Any]:
    """A bundled scenario as the JSON body a client sends."""
    data: dict[str, Any] = json.loads(
        json.dumps(yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text()), default=str)
    )
    if solver:
        data["solver"] = {**data.get("solver", {}), **solver}
    return data


@dataclass
class Stats:
    phase: str
    path: str
    started: int = 0
    completed: int = 0
    errors: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)

    def finish(self) -> None:
        ordered = sorted(self.latencies)
        if ordered:

            def rank(q: float) -> float:
                return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]

            self.p50_ms, self.p95_ms, self.max_ms = rank(0.50), rank(0.95), ordered[-1]

    def row(self) -> dict[str, object]:
        out = asdict(self)
        del out["latencies"]
        return out


def measure(
    base_url: str, token: str, paths: list[str], phase: str, seconds: float, threads: int
) -> list[Stats]:
    """``threads`` clients, each asking for ``paths`` in turn for ``seconds``."""
    stats = {p: Stats(phase, p) for p in paths}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=60.0) as http:
            i = offset
            while time.monotonic() < stop:
                path = paths[i % len(paths)]
                i += 1
                with lock:
                    stats[path].started += 1
                t0 = time.perf_counter()
                try:
                    ok = http.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    s = stats[path]
                    s.completed += 1
                    if ok:
                        s.latencies.append(ms)
                    else:
                        s.errors += 1

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for s in stats.values():
        s.finish()
    return list(stats.values())


def _submit(http: httpx.Client, body: dict[str, Any]) -> str:
    r = http.post("/v1/plans", json=body)
    if r.status_code != 202:
        raise ServerError(f"submission answered {r.status_code}: {r.text[:300]}")
    return str(r.json()["id"])


def _status(http: httpx.Client, plan_id: str) -> str:
    return str(http.get(f"/v1/plans/{plan_id}").json()["status"])


def _wait_done(http: httpx.Client, plan_id: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(http, plan_id)
        if status == "done":
            return
        if status in ("failed", "cancelled"):
            raise ServerError(f"the seed plan ended {status}")
        time.sleep(0.2)
    raise ServerError(f"the seed plan was not done in {timeout:g} s")


@contextmanager
def busy_solvers(
    server: LocalServer, http: httpx.Client, body: dict[str, Any], slots: int
) -> Iterator[list[int]]:
    """Keep ``slots`` real solves running until the block ends; yields worker-count samples."""
    samples: list[int] = []
    pending: list[str] = [_submit(http, body) for _ in range(slots + 2)]
    stop = threading.Event()
    deadline = time.monotonic() + 60
    while len(server.workers()) < slots:
        if time.monotonic() > deadline:
            raise ServerError("the solver slots did not fill up")
        time.sleep(0.05)

    failures: list[BaseException] = []

    def top_up() -> None:
        try:
            with httpx.Client(base_url=server.base_url, headers=http.headers, timeout=30) as own:
                while not stop.is_set():
                    samples.append(len(server.workers()))
                    pending[:] = [p for p in pending if _status(own, p) in ("queued", "running")]
                    while len(pending) < slots + 2:
                        pending.append(_submit(own, body))
                    stop.wait(0.25)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    feeder = threading.Thread(target=top_up, name="loadcheck-feeder")
    feeder.start()
    try:
        yield samples
    finally:
        stop.set()
        feeder.join()
    if failures:
        raise ServerError(f"keeping the solvers busy failed: {failures[0]!r}")


def run(seconds: float = 10.0, threads: int = 4, slots: int = 2) -> dict[str, Any]:
    """The whole check; returns the figures (see ``table``)."""
    from api.store.database import Database
    from api.store.users import add_user

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cdplan-load-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'cdplan.db'}"
        db = Database(url)
        try:
            token = add_user(db, "load-planner", "planner", "LOAD-AGENCY").token
        finally:
            db.dispose()
        server = LocalServer(
            url,
            data_dir,
            {
                "solver_slots": slots,
                "poll_seconds": 0.1,
                # The check measures latency, not the rate limits: lift them for its one user.
                "requests_per_minute": 1_000_000,
                "submissions_per_minute": 10_000,
            },
        )
        server.start()
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=60.0) as http:
                body = scenario(LONGEST)
                seed = _submit(http, body)
                _wait_done(http, seed, timeout=120)
                paths = [f"/v1/plans/{seed}", f"/v1/plans/{seed}/map"]
                idle = measure(server.base_url, token, paths, "idle", seconds, threads)
                solves_before = _count_done(server)
                with busy_solvers(server, http, body, slots) as samples:
                    loaded = measure(server.base_url, token, paths, "loaded", seconds, threads)
                solves = _count_done(server) - solves_before
        finally:
            server.stop()
            leftovers = server.group()
    figures: dict[str, Any] = {
        "seconds_per_phase": seconds,
        "client_threads": threads,
        "solver_slots": slots,
        "scenario": LONGEST,
        "cpu_count": os.cpu_count(),
        "rows": [s.row() for s in idle + loaded],
        "ratio_loaded_idle": {
            i.path: {
                "p50": round(l_.p50_ms / i.p50_ms, 2) if i.p50_ms else None,
                "p95": round(l_.p95_ms / i.p95_ms, 2) if i.p95_ms else None,
            }
            for i, l_ in zip(idle, loaded, strict=True)
        },
        "busy_workers": {
            "samples": len(samples),
            "min": min(samples, default=0),
            "mean": round(sum(samples) / len(samples), 2) if samples else 0.0,
            "share_all_busy": round(sum(1 for n in samples if n >= slots) / len(samples), 2)
            if samples
            else 0.0,
        },
        "solves_finished_while_loaded": solves,
        "leftover_processes": leftovers,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    return figures


def _count_done(server: LocalServer) -> int:
    from api.store import jobs
    from api.store.database import Database

    db = Database(server.database_url, migrate=False)
    try:
        return jobs.counts(db).get("done", 0)
    finally:
        db.dispose()


def table(figures: dict[str, Any]) -> str:
    lines = [
        f"{'phase':<7} {'endpoint':<10} {'n':>6} {'errors':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    ]
    for row in figures["rows"]:
        endpoint = "map" if str(row["path"]).endswith("/map") else "plan"
        lines.append(
            f"{row['phase']:<7} {endpoint:<10} {row['completed']:>6} {row['errors']:>6} "
            f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f}"
        )
    for path, ratio in figures["ratio_loaded_idle"].items():
        endpoint = "map" if path.endswith("/map") else "plan"
        lines.append(f"loaded/idle {endpoint}: p50 x{ratio['p50']}, p95 x{ratio['p95']}")
    busy = figures["busy_workers"]
    lines.append(
        f"solver workers while loaded: min {busy['min']}, mean {busy['mean']}, "
        f"all {figures['solver_slots']} busy in {busy['share_all_busy']:.0%} of samples; "
        f"{figures['solves_finished_while_loaded']} solves finished"
    )
    lines.append(
        f"{figures['client_threads']} client threads, {figures['seconds_per_phase']:g} s per "
        f"phase, {figures['cpu_count']} CPUs, {figures['total_seconds']} s in all"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.loadcheck", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 20 or not 1 <= args.threads <= 16:
        parser.error("keep it short: 0 < --seconds <= 20 and 1 <= --threads <= 16")
    figures = run(seconds=args.seconds, threads=args.threads)
    print(table(figures))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    errors = sum(int(r["errors"]) for r in figures["rows"])
    incomplete = sum(int(r["started"]) - int(r["completed"]) for r in figures["rows"])
    return 1 if errors or incomplete or figures["leftover_processes"] else 0


if __name__ == "__main__":
    sys.exit(main())
