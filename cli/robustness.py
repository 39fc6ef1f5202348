"""``cdplan robustness``: how likely a plan is to hold when the world is slower than expected.

The workers start (a local Dask cluster, or a connection to ``--scheduler``) while this process
loads the geodata and plans the scenario, so that neither waits for the other.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from geodata import load
from planner.engine import plan as make_plan
from planner.exports.map import render_map
from planner.exports.write import write_all, write_atomic
from planner.io import ScenarioError, load_scenario
from planner.robust.cluster import DaskPool, connect, scheduler_address
from planner.robust.report import Robustness, TargetTry
from planner.robust.study import assess
from planner.robust.target import search
from planner.scenario import Scenario

err = Console(stderr=True)
out = Console(soft_wrap=True)


def _scenario(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        for e in exc.errors:
            err.print(f"[red]error:[/red] {e['loc']}: {e['msg']} (fix: {e['fix']})")
        raise typer.Exit(code=2) from exc


def _start(stack: ExitStack, scheduler: str | None) -> DaskPool:
    return stack.enter_context(connect(scheduler))


def _print(report: Robustness) -> None:
    out.print(
        f"[bold]{report.operation}[/bold]: plan {report.status}, ETA margin "
        f"{report.uncertainty:g}; {report.samples} samples (seed {report.seed}) on "
        f"{report.workers} workers ({report.scheduler}), {report.seconds:.1f} s"
    )
    out.print(f"the whole plan holds in [bold]{report.holds:.1%}[/bold] of the samples")
    if report.target is not None:
        t = report.target
        verdict = "met" if t.met else "not met by any margin up to 1.0"
        out.print(f"target {t.target * 100:g}%: {verdict}; margin chosen {t.uncertainty:g}")
    for h in report.handovers:
        movement = f"{h.movement:6} " if h.movement else ""
        out.print(
            f"  {movement}{h.kind:8} {h.place[:34]:34} {h.from_team:>8} -> {h.to_team:8} "
            f"{h.holds:7.1%}",
            markup=False,
        )
    if report.weakest:
        out.print("weakest:")
    for w in report.weakest:
        out.print(f"  {w.segment:9} {w.share:6.1%}  {w.why}", markup=False)
    if report.replanned_ok is not None:
        share, failed = report.replanned_ok, report.failed
        out.print(f"a re-plan exists for {share:.1%} of the {failed} failed samples")
    for note in report.notes:
        out.print(f"note: {note}", markup=False)


def robustness_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON)")],
    samples: Annotated[
        int, typer.Option("--samples", min=1, max=100_000, help="How many worlds to draw")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed, same figures")] = 0,
    replan: Annotated[
        bool, typer.Option("--replan", help="Re-plan each failed sample from where it failed")
    ] = False,
    target: Annotated[
        float | None,
        typer.Option(
            "--target",
            min=0.01,
            max=1.0,
            help="Search the smallest movement.uncertainty whose plan holds in this share",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler, e.g. tcp://HOST:8786 (default: CDPLAN_DASK_SCHEDULER, else "
            "a local cluster of this machine's cores)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Folder for the plan, its outputs and robustness.json"),
    ] = None,
) -> None:
    """Sample the world a plan must survive; report how often it holds, and where it breaks."""
    start = time.perf_counter()
    sc = _scenario(scenario)
    with ExitStack() as stack, ThreadPoolExecutor(1) as starter:
        pending = starter.submit(_start, stack, scheduler)
        geo = load()
        plan = make_plan(sc, geo) if target is None else None
        try:
            pool = pending.result()
        except OSError as exc:
            where = scheduler_address(scheduler)
            err.print(f"[red]error:[/red] --scheduler: cannot reach {where} ({exc})")
            raise typer.Exit(code=2) from exc
        if target is None:
            assert plan is not None
            report = assess(sc, plan, pool, samples=samples, seed=seed, replan=replan)
        else:

            def tell(t: TargetTry) -> None:
                if not as_json:
                    err.print(f"margin {t.uncertainty:g}: {t.status}, holds {t.holds:.1%}")

            found = search(
                sc, target, pool, geo, samples=samples, seed=seed, replan=replan, progress=tell
            )
            plan, report = found.plan, found.report
    report = report.model_copy(update={"seconds": round(time.perf_counter() - start, 3)})
    if output is not None:
        write_all(plan, geo, output)
        if plan.status.has_plan:
            holds = [h.holds for h in report.handovers]
            write_atomic(output / "map.html", render_map(plan, geo, holds=holds))
        write_atomic(output / "robustness.json", report.model_dump_json(indent=1))
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=1) + "\n")
    else:
        _print(report)
        if output is not None:
            out.print(f"written: {output}")
