"""One instance through every method: the same problem, limit and threads; every plan checked.

:func:`solve_instance` is a pure function of plain data (an instance and settings in, a result
out, geodata loaded once per process), so an instance can be sent to any worker process as it
is. Each method starts from the same resolved problem and the same candidate blocks; the times
are the methods' own (``seconds``: the search; ``build_seconds``: making the method's model from
the blocks), and every plan a method returns is assembled into a plan document and judged by the
solver-free checker, like every plan the engine hands out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from enum import StrEnum

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from geodata import load
from geodata.layers import Geodata
from planner import assemble
from planner.assemble_operation import assemble_operation
from planner.check.checker import check
from planner.engine import assemble_plan
from planner.io import parse_scenario
from planner.model.blocks import Block, all_blocks
from planner.model.builder import Built, build
from planner.model.objective import SCALE
from planner.model.solve import Solution, SolverReport, solve
from planner.peers.greedy import dispatch
from planner.peers.instances import Instance, Size
from planner.peers.linear import from_cp_model
from planner.peers.mip import MipOutcome, solve_highs, solve_scip
from planner.plan import PlanStatus
from planner.reasons import PlanningError
from planner.resolve.operation import resolve_operation
from planner.resolve.resolver import Resolved, resolve_scenario
from planner.scenario import Scenario


class Method(StrEnum):
    """The methods compared: the engine, its CP-SAT model alone, a dispatcher, two MIP solvers."""

    engine = "engine"  # what `cdplan plan` runs: the coverage relaxation, then CP-SAT
    cpsat = "cpsat"  # the engine's CP-SAT model alone, to compare solvers on one model
    greedy = "greedy"
    mip_highs = "mip_highs"
    mip_scip = "mip_scip"


class PeerResult(BaseModel):
    """One method on one instance: what it found, how fast, and the checker's verdict."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(
        description="optimal (proven), feasible (a plan, not proven), infeasible (proven), "
        "timeout (no plan at the limit), no_plan (the dispatcher got stuck), unsupported (a "
        "method that does not plan such a scenario), refused (the scenario cannot be planned "
        "at all)"
    )
    objective: float | None = Field(description="The model's objective of the plan found")
    bound: float | None = Field(description="Best proven lower bound of the objective")
    seconds: float = Field(description="Wall seconds of the search (the build apart)")
    build_seconds: float = Field(description="Wall seconds to make this method's model")
    proof_seconds: float | None = Field(
        description="Wall seconds to a proven optimum (the search); None when not proven"
    )
    checked: bool | None = Field(
        description="Whether the plan passed the solver-free checker; None without a plan"
    )
    violations: list[str] = Field(description="The checker's findings, when it failed")
    detail: str = Field(description="Solver, version and its own status")
    seconds_vs_engine: float | None = Field(
        default=None, description="seconds / the engine's seconds on the same instance"
    )
    objective_vs_engine: float | None = Field(
        default=None, description="objective / the engine's objective (1: as good; above: worse)"
    )


class InstanceResult(BaseModel):
    """An instance's size and every method's result on it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Instance name")
    size: Size = Field(description="Size class")
    states: int = Field(description="States the route crosses")
    km: float = Field(description="Route length, km")
    teams: int = Field(description="Teams in the scenario")
    segments: int = Field(description="Segments of the route")
    blocks: int = Field(description="Candidate blocks (the model's Booleans of choice)")
    results: dict[str, PeerResult] = Field(description="Method name -> its result")


def _refused(detail: str) -> PeerResult:
    return PeerResult(
        status="refused",
        objective=None,
        bound=None,
        seconds=0.0,
        build_seconds=0.0,
        proof_seconds=None,
        checked=None,
        violations=[],
        detail=detail,
    )


def verdict(
    scenario: Scenario, geo: Geodata, resolved: Resolved, solution: Solution
) -> tuple[bool | None, list[str]]:
    """The checker's verdict on a solution's plan document (None: no plan to check)."""
    if solution.route is None:
        return None, []
    info = assemble.operation_info(scenario, resolved.planned_at)
    build = assemble_operation if scenario.movements else assemble_plan
    document = build(scenario, geo, resolved, resolved.problem, solution, info)
    found = check(scenario, document, geo)
    return not found, [str(v) for v in found]


def _result(
    status: str,
    solution: Solution,
    judged: tuple[bool | None, list[str]],
    seconds: float,
    build_seconds: float,
    detail: str,
) -> PeerResult:
    rep = solution.report
    return PeerResult(
        status=status,
        objective=rep.objective,
        bound=rep.bound,
        seconds=round(seconds, 4),
        build_seconds=round(build_seconds, 4),
        proof_seconds=round(seconds, 4) if status == "optimal" else None,
        checked=judged[0],
        violations=judged[1],
        detail=detail,
    )


def _against(r: PeerResult, base: PeerResult) -> PeerResult:
    """``r`` with its seconds and objective as ratios to the engine's."""
    seconds = r.seconds / base.seconds if base.seconds > 0 else None
    objective = (
        r.objective / base.objective
        if r.objective is not None and base.objective is not None and base.objective > 0
        else None
    )
    return r.model_copy(update={"seconds_vs_engine": seconds, "objective_vs_engine": objective})


def _report(objective: float | None, bound: float | None, seconds: float, n: int) -> SolverReport:
    return SolverReport(
        objective=objective,
        bound=bound,
        wall_seconds=seconds,
        build_seconds=0.0,
        seed=0,
        workers=1,
        version="",
        blocks=n,
    )


def _read(
    built: Built, values: list[float]
) -> tuple[list[int], list[Block], dict[str, int | None]]:
    """The routes, blocks and duties of a MIP solution, read as the CP-SAT solution is read."""

    def on(var: cp_model.IntVar) -> bool:
        return values[var.index] > 0.5

    v = built.vars
    routes = [i for i, var in enumerate(v.route) if on(var)]
    chosen = sorted(
        (b for k, b in v.blocks.items() if b.route in routes and on(v.take[k])),
        key=lambda b: (b.route, b.first, b.team),
    )
    duty_of: dict[str, int | None] = {}
    for b in chosen:
        windows = v.duties.get(b.team, [])
        starts = [s for (r, s), var in windows if r in routes and s <= b.duty_start and on(var)]
        duty_of[b.id] = len(starts) - 1 if starts else None
    return routes, chosen, duty_of


def _unscaled(x: float | None) -> float | None:
    return None if x is None else x / SCALE


def _mip(
    method: Method, resolved: Resolved, blocks: list[Block], limit: float, threads: int
) -> tuple[str, Solution, float, float, str]:
    """A MIP solver on the engine's block model, read back as a solution."""
    t = time.perf_counter()
    built = build(resolved.problem, blocks)
    lm = from_cp_model(built.model)
    convert = time.perf_counter() - t
    run = solve_highs if method is Method.mip_highs else solve_scip
    out: MipOutcome = run(lm, time_limit=limit, threads=threads)
    report = _report(_unscaled(out.objective), _unscaled(out.bound), out.seconds, len(blocks))
    status = PlanStatus(out.status)
    solution = Solution(status=status, report=report)
    if out.values is not None:
        routes, chosen, duty_of = _read(built, out.values)
        solution = Solution(
            status, report, route=routes[0], routes=tuple(routes), blocks=chosen, duty_of=duty_of
        )
    return out.status, solution, out.seconds, convert + out.load_seconds, out.version


def run_method(
    method: Method,
    scenario: Scenario,
    geo: Geodata,
    resolved: Resolved,
    blocks: list[Block],
    *,
    time_limit: float,
    threads: int = 1,
) -> PeerResult:
    """One method on a resolved problem, its plan checked.

    Args:
        method: the method.
        scenario: the scenario (for the plan document and the checker).
        geo: the geodata.
        resolved: the resolved problem, shared by every method.
        blocks: the candidate blocks, shared by every method.
        time_limit: wall-clock limit of the search, seconds, the same for every method.
        threads: threads (CP-SAT workers), the same for every method.

    Returns:
        The result.
    """
    problem = resolved.problem
    if method in (Method.engine, Method.cpsat):
        sol = solve(
            problem,
            time_limit=time_limit,
            workers=threads,
            seed=0,
            blocks=blocks,
            relaxation=method is Method.engine,
        )
        rep = sol.report
        detail = rep.status_detail or "CP-SAT"
        return _result(
            sol.status.value,
            sol,
            verdict(scenario, geo, resolved, sol),
            rep.wall_seconds,
            rep.build_seconds,
            f"ortools {rep.version}: {detail}",
        )
    if method is Method.greedy:
        t = time.perf_counter()
        d = dispatch(problem, blocks)
        seconds = time.perf_counter() - t
        report = _report(d.objective, None, seconds, len(blocks))
        empty = Solution(status=PlanStatus.timeout, report=report)
        if d.unsupported:
            return _result("unsupported", empty, (None, []), seconds, 0.0, d.unsupported)
        if d.stuck_at is not None:
            seg = problem.routes[d.route].segments[d.stuck_at].id
            return _result("no_plan", empty, (None, []), seconds, 0.0, f"no free team for {seg}")
        sol = Solution(PlanStatus.feasible, report, d.route, (d.route,), d.blocks, d.duty_of)
        judged = verdict(scenario, geo, resolved, sol)
        return _result("feasible", sol, judged, seconds, 0.0, "earliest available team")
    status, sol, seconds, build_s, version = _mip(method, resolved, blocks, time_limit, threads)
    judged = verdict(scenario, geo, resolved, sol)
    return _result(status, sol, judged, seconds, build_s, version)


def solve_instance(
    instance: Instance,
    methods: Sequence[Method] = tuple(Method),
    *,
    time_limit: float = 60.0,
    threads: int = 1,
    repeat: int = 1,
) -> InstanceResult:
    """Every method on one instance (a pure function of plain data; see the module doc).

    Args:
        instance: the instance, its scenario as data.
        methods: the methods to run, in this order.
        time_limit: wall-clock limit of each method's search, seconds.
        threads: threads of each method.
        repeat: solve this many times, in turn, and keep the run of median search time (on a
            machine shared with other work, one slow moment then does not decide a ratio).

    Returns:
        The instance's size and each method's result; a scenario that cannot be planned at all
        (an itinerary into an area without a cooperating authority) is ``refused`` by every one.
    """
    geo = load()
    scenario = parse_scenario(instance.scenario)
    try:
        resolve = resolve_operation if scenario.movements else resolve_scenario
        resolved = resolve(scenario, geo)
    except PlanningError as exc:
        why = "; ".join(r.code for r in exc.reasons)
        return InstanceResult(
            name=instance.name,
            size=instance.size,
            states=0,
            km=0.0,
            teams=len(scenario.teams),
            segments=0,
            blocks=0,
            results={m.value: _refused(f"{exc.status}: {why}") for m in methods},
        )
    blocks = all_blocks(resolved.problem)
    route = resolved.problem.routes[0]
    runs: dict[Method, list[PeerResult]] = {m: [] for m in methods}
    for _ in range(max(repeat, 1)):
        for m in methods:
            runs[m].append(
                run_method(
                    m, scenario, geo, resolved, blocks, time_limit=time_limit, threads=threads
                )
            )
    results = {m.value: sorted(rs, key=lambda r: r.seconds)[len(rs) // 2] for m, rs in runs.items()}
    base = results.get(Method.engine.value)
    if base is not None:
        results = {m: _against(r, base) for m, r in results.items()}
    return InstanceResult(
        name=instance.name,
        size=instance.size,
        states=len(route.countries),
        km=round(route.length_km, 1),
        teams=len(resolved.problem.teams),
        segments=len(route.segments),
        blocks=len(blocks),
        results=results,
    )
