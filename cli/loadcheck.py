"""A short, bounded load check on loopback: ``python -m cli.loadcheck [--seconds S] [--json F]``.

It starts the API in a subprocess (uvicorn, SQLite in a temporary folder), creates a user, has
one plan solved, then measures the latency of ``GET /v1/plans/{id}`` and ``GET /v1/plans/{id}/map``
from a few client threads, first with the service idle and then while the supervisor's two
solver slots are busy with real solves of the bundled scenario that takes longest (submitted
again and again so that both workers stay busy for the whole window). It prints a table with
p50/p95/max per endpoint and phase and the loaded/idle ratio, and can write the figures as JSON.
Before the reads it measures how long a job takes on the idle service: ``--jobs`` submissions of
that scenario one after another, each from its ``POST`` to the first ``GET`` that finds it done.

Every knob is small by default (10 s per phase, under a minute in all). The server subprocess is
``cli.localserver.LocalServer``, which the fault tests build on too (``tests/api/live.py``).
Needs httpx (in the project's ``test`` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from api.db.states import JobState
from cli.localserver import LocalServer, ServerError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "planner/examples"
# Of the bundled scenarios this one takes the longest to solve and render (about 0.6 s on a
# warm worker; a worker started from scratch spends 2 s more on start-up and the geodata).
LONGEST = "aurora-batumi-sofia"


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
    """Requests and latencies of one endpoint in one phase; ``finish`` fills the percentiles."""

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
        """Compute p50, p95 and max (ms) from the recorded latencies (nearest-rank)."""
        ordered = sorted(self.latencies)
        if ordered:

            def rank(q: float) -> float:
                return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]

            self.p50_ms, self.p95_ms, self.max_ms = rank(0.50), rank(0.95), ordered[-1]

    def row(self) -> dict[str, object]:
        """The figures as a plain dict, without the raw latencies."""
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


def _wait_done(http: httpx.Client, plan_id: str, timeout: float, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = JobState(_status(http, plan_id))
        if status is JobState.done:
            return
        if status.finished:
            raise ServerError(f"the plan ended {status}")
        time.sleep(every)
    raise ServerError(f"the plan was not done in {timeout:g} s")


# How often the job latency phase asks whether its job is done: small beside a solve.
LATENCY_POLL_SECONDS = 0.02


def job_latency(http: httpx.Client, body: dict[str, Any], jobs: int) -> dict[str, Any]:
    """Time ``jobs`` submissions one after another on the idle service.

    Returns:
        Seconds from each ``POST`` to the first ``GET`` that finds its plan done, and their
        minimum, median and maximum.
    """
    seconds = []
    for _ in range(jobs):
        t0 = time.perf_counter()
        plan_id = _submit(http, body)
        _wait_done(http, plan_id, timeout=120, every=LATENCY_POLL_SECONDS)
        seconds.append(time.perf_counter() - t0)
    ordered = sorted(seconds)
    return {
        "jobs": jobs,
        "seconds": [round(x, 3) for x in seconds],
        "min": round(ordered[0], 3),
        "median": round(ordered[len(ordered) // 2], 3),
        "max": round(ordered[-1], 3),
    }


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
                    pending[:] = [p for p in pending if not JobState(_status(own, p)).finished]
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


def run(
    seconds: float = 10.0, threads: int = 4, slots: int = 2, jobs: int = 5, warm: bool = True
) -> dict[str, Any]:
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
                "warm_workers": warm,
            },
        )
        server.start()
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=60.0) as http:
                body = scenario(LONGEST)
                seed = _submit(http, body)
                _wait_done(http, seed, timeout=120)
                latency = job_latency(http, body, jobs)
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
        "warm_workers": warm,
        "scenario": LONGEST,
        "job_latency": latency,
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
        return jobs.counts(db).get(JobState.done, 0)
    finally:
        db.dispose()


def table(figures: dict[str, Any]) -> str:
    """The figures of :func:`run` as the text table the command prints."""
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
    lat = figures["job_latency"]
    lines.append(
        f"{figures['scenario']} from submission to done, idle, {lat['jobs']} jobs "
        f"({'warm' if figures['warm_workers'] else 'cold'} workers): median {lat['median']:.2f} s, "
        f"min {lat['min']:.2f} s, max {lat['max']:.2f} s"
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
    """Run the load check from the command line.

    Returns:
        The exit code: 1 on any error, unfinished request or process left behind, else 0.
    """
    parser = argparse.ArgumentParser(prog="python -m cli.loadcheck", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--jobs", type=int, default=5, help="jobs timed one after another")
    parser.add_argument(
        "--cold", action="store_true", help="start every worker from scratch (no warm workers)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 20 or not 1 <= args.threads <= 16 or not 1 <= args.jobs <= 20:
        parser.error(
            "keep it short: 0 < --seconds <= 20, 1 <= --threads <= 16 and 1 <= --jobs <= 20"
        )
    figures = run(seconds=args.seconds, threads=args.threads, jobs=args.jobs, warm=not args.cold)
    print(table(figures))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    errors = sum(int(r["errors"]) for r in figures["rows"])
    incomplete = sum(int(r["started"]) - int(r["completed"]) for r in figures["rows"])
    return 1 if errors or incomplete or figures["leftover_processes"] else 0


if __name__ == "__main__":
    sys.exit(main())
