"""``cdplan bench --peers``: the engine against what a user could pick instead, side by side.

Every instance is solved in one run by every method with the same time limit and threads (see
:mod:`planner.peers.run`); the table gives each method's seconds with its ratio to the engine's,
and the objective against the engine's; ``--json`` prints the results for scripts and
``--plot`` draws seconds against the size of the model for every method.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from geodata.layers import Geodata
from planner.peers.instances import Size, bundled, instances
from planner.peers.run import InstanceResult, Method, PeerResult, solve_instance


class PeersReport(BaseModel):
    """One ``cdplan bench --peers`` run: the settings every method shared, and the instances."""

    model_config = ConfigDict(extra="forbid")

    time_limit_seconds: float = Field(description="Each method's search limit, seconds")
    threads: int = Field(description="Each method's threads")
    repeat: int = Field(description="Solves per method and instance; the median time is kept")
    load_average: float = Field(description="The machine's 1-minute load average at the start")
    instances: list[InstanceResult] = Field(description="Every instance, bundled ones first")


def parse_sizes(text: str | None) -> frozenset[Size] | None:
    """``--sizes`` as size classes (S, M, L, XL, bundled); None for all.

    Raises:
        ValueError: an unknown class.
    """
    if not text:
        return None
    names = [t.strip() for t in text.split(",") if t.strip()]
    known = {s.value.lower(): s for s in Size}
    bad = [n for n in names if n.lower() not in known]
    if bad:
        raise ValueError(
            f"--sizes: {', '.join(bad)} unknown; use {', '.join(s.value for s in Size)}"
        )
    return frozenset(known[n.lower()] for n in names)


def run_peers(
    geo: Geodata,
    sizes: frozenset[Size] | None,
    *,
    time_limit: float,
    threads: int,
    repeat: int = 1,
    progress: Callable[[InstanceResult], None] | None = None,
) -> PeersReport:
    """Every instance of the classes asked for, every method on each, in this process."""
    load = os.getloadavg()[0]
    todo = instances(geo, sizes)
    # One untimed round first, so that no method's first instance pays for its imports and
    # first-call set-up (the smallest instance, every method).
    smallest = min(bundled(), key=lambda i: len(i.scenario["teams"]))
    solve_instance(smallest, tuple(Method), time_limit=time_limit, threads=threads)
    out = []
    for inst in todo:
        result = solve_instance(
            inst, tuple(Method), time_limit=time_limit, threads=threads, repeat=repeat
        )
        out.append(result)
        if progress is not None:
            progress(result)
    return PeersReport(
        time_limit_seconds=time_limit,
        threads=threads,
        repeat=repeat,
        load_average=load,
        instances=out,
    )


def _cell(r: PeerResult, base: PeerResult | None) -> str:
    """Seconds and the ratio to the engine's, or the status when there is no proof."""
    if r.status == "optimal":
        text = f"{r.seconds:.3f}"
        if base is not None and base.status == "optimal" and base.seconds > 0:
            text += f" ({r.seconds / base.seconds:.0f}x)"
    elif r.status == "feasible":
        text = f"{r.seconds:.3f} feas."
    else:
        text = r.status
    return text + (" !" if r.checked is False else "")


def _gap(r: PeerResult, base: PeerResult) -> str:
    """The objective against the engine's, in per cent (+ is worse)."""
    if r.objective is None:
        return r.status
    if base.objective is None or base.objective == 0:
        return f"{r.objective:.2f}"
    return f"{(r.objective / base.objective - 1) * 100:+.1f} %"


def table(report: PeersReport) -> list[str]:
    """The table as text lines (a ``!`` marks a plan the checker refused)."""
    head = (
        f"{'instance':32} {'size':>7} {'km':>6} {'teams':>5} {'segs':>4} {'blocks':>6} "
        f"{'engine obj':>10} {'engine s':>9} {'cpsat s':>14} {'highs s':>14} {'scip s':>14} "
        f"{'mip obj':>8} {'greedy obj':>10}"
    )
    lines = [head]
    for i in report.instances:
        res = i.results
        eng = res[Method.engine]
        mips = [res[m] for m in (Method.mip_highs, Method.mip_scip)]
        mip_gap = [_gap(m, eng) for m in mips if m.objective is not None]
        lines.append(
            f"{i.name[:32]:32} {i.size.value:>7} {i.km:6.0f} {i.teams:5d} {i.segments:4d} "
            f"{i.blocks:6d} "
            f"{eng.objective if eng.objective is not None else eng.status!s:>10} "
            f"{_cell(eng, None):>9} {_cell(res[Method.cpsat], eng):>14} "
            f"{_cell(res[Method.mip_highs], eng):>14} {_cell(res[Method.mip_scip], eng):>14} "
            f"{max(mip_gap, default='-'):>8} {_gap(res[Method.greedy], eng):>10}"
        )
    lines.append(
        f"time limit {report.time_limit_seconds:g} s, {report.threads} thread(s) per method, "
        f"median of {report.repeat}, load average {report.load_average:.2f} at the start; "
        "(Nx): seconds / engine seconds; "
        "objectives: + is worse than the engine; ! = refused by the checker"
    )
    bad = [
        f"{i.name} / {m}: {v}"
        for i in report.instances
        for m, r in i.results.items()
        for v in r.violations
    ]
    lines += [f"checker: {b}" for b in bad]
    return lines


def plot(report: PeersReport, path: Path) -> None:
    """Seconds against candidate blocks for every method, log-log, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    style = {
        Method.engine: ("o", "engine (relaxation, then CP-SAT)"),
        Method.cpsat: ("s", "CP-SAT alone, same model"),
        Method.mip_highs: ("^", "HiGHS, same model as a MIP"),
        Method.mip_scip: ("v", "SCIP, same model as a MIP"),
        Method.greedy: ("x", "greedy dispatcher (no proof)"),
    }
    done = sorted((i for i in report.instances if i.blocks > 0), key=lambda i: i.blocks)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    for method, (fmt, label) in style.items():
        pts = [
            (i.blocks, max(i.results[method].seconds, 1e-4))
            for i in done
            if i.results[method].status in ("optimal", "feasible")
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), fmt, label=label, markersize=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("candidate blocks (model size)")
    ax.set_ylabel("seconds to a proven optimum (greedy: to its plan)")
    ax.set_title(
        f"cdplan bench --peers: {len(done)} instances, {report.threads} thread each, "
        f"limit {report.time_limit_seconds:g} s"
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
