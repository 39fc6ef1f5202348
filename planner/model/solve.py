"""Solving: the model's outcome as data. Infeasible and timed out are answers, not exceptions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib.metadata import version as package_version

from ortools.sat.python import cp_model

from planner.model.blocks import Block, all_blocks
from planner.model.builder import build
from planner.model.objective import SCALE
from planner.model.problem import Problem
from planner.plan import PlanStatus


@dataclass(frozen=True)
class SolverReport:
    """What the solve took and found: objective and bound (unscaled), times, settings."""

    objective: float | None
    bound: float | None
    wall_seconds: float
    build_seconds: float
    seed: int
    workers: int
    version: str
    blocks: int
    status_detail: str = ""


@dataclass
class Solution:
    """The outcome of a solve: a status and, when there is a plan, the route and blocks taken.

    ``duty_of`` maps a taken block's id to its team's duty number (0-based, in time order) or
    None when the team needed no duty model.
    """

    status: PlanStatus
    report: SolverReport
    route: int | None = None
    # Every chosen route: one per movement (the first is ``route``).
    routes: tuple[int, ...] = ()
    blocks: list[Block] = field(default_factory=list)
    duty_of: dict[str, int | None] = field(default_factory=dict)


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    workers: int = 0,
    seed: int = 0,
    blocks: list[Block] | None = None,
) -> Solution:
    """Build and solve the model of a problem.

    Args:
        problem: the planning problem.
        time_limit: wall-clock limit of the search, seconds.
        workers: search workers; 0 means one (see the comment in the body), more a portfolio.
        seed: the random seed, for a reproducible search.
        blocks: the candidate blocks, when already made (default: every lawful block).

    Returns:
        The solution; infeasible, invalid and timed-out solves are statuses, not exceptions.

    Raises:
        ModelTooLargeError: when ``blocks`` is not given and the problem has too many.
    """
    t_build = time.perf_counter()
    blocks = blocks if blocks is not None else all_blocks(problem)
    built = build(problem, blocks)
    build_seconds = time.perf_counter() - t_build
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = seed
    # One LP-guided worker is the measured best on this model (cdplan bench): its LP bound meets
    # the first good solution at once, while a 2-worker portfolio on 2 cores found no bound in
    # 20 s on the Aurora scenario. One worker with a seed is also deterministic. ``workers`` > 1
    # asks for a portfolio anyway.
    solver.parameters.num_workers = workers if workers > 0 else 1
    solver.parameters.linearization_level = 2
    solver.parameters.cp_model_probing_level = 0
    # Presolve finds almost nothing to simplify in a set-partition model of blocks, and spent
    # three times as long as the search on every bench case (Aurora 0.48 s of 0.77 s): off.
    solver.parameters.cp_model_presolve = False
    code = solver.solve(built.model)
    status = {
        cp_model.OPTIMAL: PlanStatus.optimal,
        cp_model.FEASIBLE: PlanStatus.feasible,
        cp_model.INFEASIBLE: PlanStatus.infeasible,
        cp_model.MODEL_INVALID: PlanStatus.invalid,
    }.get(code, PlanStatus.timeout)
    has_solution = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    report = SolverReport(
        objective=solver.objective_value / SCALE if has_solution else None,
        bound=solver.best_objective_bound / SCALE if has_solution else None,
        wall_seconds=round(solver.wall_time, 4),
        build_seconds=round(build_seconds, 4),
        seed=seed,
        workers=int(solver.parameters.num_workers),
        version=package_version("ortools"),
        blocks=len(blocks),
        status_detail=solver.status_name(code),
    )
    if not has_solution:
        return Solution(status=status, report=report)
    chosen = built.vars.chosen_blocks(solver)
    return Solution(
        status=status,
        report=report,
        route=built.vars.chosen_route(solver),
        routes=tuple(built.vars.chosen_routes(solver)),
        blocks=chosen,
        duty_of={b.id: built.vars.duty_of(solver, b) for b in chosen},
    )
