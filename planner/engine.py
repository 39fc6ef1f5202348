"""The engine: scenario in, plan out, whatever happens. The CLI and the API both call :func:`plan`.

The pipeline, one named step each:

1. resolve the scenario against the network: routes, segments with their windows, team reach
   (``planner.resolve``); bad input or an impossible route stops here with reasons;
2. generate the candidate blocks and build and solve the CP-SAT model (``planner.model``);
3. explain a model without a plan (``planner.model.explain``);
4. assemble the plan document (``planner.assemble``);
5. re-check it without the solver (``planner.check``): a plan that fails its own check is a bug
   and is never handed out as a plan.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from geodata import load
from geodata.layers import Geodata
from geodata.routing import Route
from planner import assemble
from planner.assemble_operation import assemble_operation
from planner.check.checker import check
from planner.law import requests
from planner.model.blocks import Block, ModelTooLargeError, all_blocks
from planner.model.explain import explain
from planner.model.problem import Problem
from planner.model.solve import Solution, solve
from planner.plan import OperationInfo, Plan, PlanStatus
from planner.reasons import PlanningError, Reason
from planner.resolve.findings import findings
from planner.resolve.operation import resolve_operation
from planner.resolve.resolver import Resolved, resolve_scenario
from planner.scenario import Scenario

log = logging.getLogger(__name__)

# Re-planning hands in, for a resolved problem, the teams the previous version had on each
# (route, segment): the objective then prefers them (see planner.replan.stability).
PreviousWatchers = Callable[[Problem], Mapping[tuple[int, int], frozenset[str]]]


def plan(
    scenario: Scenario,
    geo: Geodata | None = None,
    *,
    now: datetime | None = None,
    previous: PreviousWatchers | None = None,
) -> Plan:
    """Plan a scenario. Always returns a plan with a status and, when it is not a plan, reasons.

    Args:
        scenario: the validated scenario.
        geo: the geodata (loaded once per process when not given).
        now: the planning time, for "too late to request" (default: the scenario's
            ``operation.planned_at``, else the clock).
        previous: when re-planning after an event, a function giving the previous version's
            watchers per stretch of the new problem; the objective then prefers them.

    Returns:
        The plan, with status optimal, feasible, infeasible, invalid or timeout.
    """
    geo = geo or load()
    planned_at = (scenario.operation.planned_at or now or datetime.now(UTC)).astimezone(UTC)
    info = assemble.operation_info(scenario, planned_at)
    try:
        resolved = (
            resolve_operation(scenario, geo, now=now)
            if scenario.movements
            else resolve_scenario(scenario, geo, now=now)
        )
    except PlanningError as exc:
        judged = exc.route if isinstance(exc.route, Route) else None
        refused = Plan(
            operation=info,
            status=PlanStatus(exc.status),
            reasons=exc.reasons,
            route=assemble.judged_route(judged),
        )
        _warn(scenario, geo, refused, None)
        return refused
    problem = resolved.problem
    if previous is not None:
        problem = dataclasses.replace(problem, previous=previous(problem))
    try:
        blocks = all_blocks(problem)
    except ModelTooLargeError as exc:
        reason = Reason(code="model_too_large", message=str(exc), subject="teams")
        return Plan(operation=info, status=PlanStatus.invalid, reasons=[reason])
    solution = _solve(scenario, problem, blocks)
    if solution.route is None:
        result = _no_plan(scenario, geo, resolved, blocks, solution, info)
    else:
        build = assemble_operation if scenario.movements else assemble_plan
        result = build(scenario, geo, resolved, problem, solution, info)
        _self_check(scenario, result, geo)
    _warn(scenario, geo, result, resolved.routes[solution.route or 0])
    log.info(
        "plan %s: %s, %d segments, %d handovers, objective %s, %.3f s solve",
        scenario.operation.id,
        result.status,
        len(result.segments),
        len(result.handovers),
        solution.report.objective,
        solution.report.wall_seconds,
    )
    return result


def _solve(scenario: Scenario, problem: Problem, blocks: list[Block]) -> Solution:
    """Step 2: build the model from the candidate blocks and solve it."""
    s = scenario.solver
    return solve(
        problem, time_limit=s.time_limit_seconds, workers=s.workers, seed=s.seed, blocks=blocks
    )


def _no_plan(
    scenario: Scenario,
    geo: Geodata,
    resolved: Resolved,
    blocks: list[Block],
    solution: Solution,
    info: OperationInfo,
) -> Plan:
    """Step 3: infeasible or timed out, with the reasons and the route it was judged on."""
    if solution.status is PlanStatus.infeasible:
        reasons = explain(resolved.problem, blocks)
    else:
        limit = scenario.solver.time_limit_seconds
        reasons = [
            Reason(
                code="timeout",
                subject="solver",
                message=f"no plan found within {limit:g} s; raise solver.time_limit_seconds",
            )
        ]
    return Plan(
        operation=info,
        status=solution.status,
        reasons=reasons,
        route=assemble.route_of(resolved, 0),
        segments=assemble.segments(geo, resolved.problem, resolved.problem.routes[0]),
        authorisations=requests.authorisations(
            scenario, resolved.problem.routes[0], resolved.routes[0].countries, info.planned_at
        ),
        solver=assemble.solver_info(solution),
        alternatives=assemble.alternatives(resolved, None),
    )


def assemble_plan(
    scenario: Scenario,
    geo: Geodata,
    resolved: Resolved,
    problem: Problem,
    solution: Solution,
    info: OperationInfo,
) -> Plan:
    """Step 4: the plan document for the chosen route and blocks (a trainee's too)."""
    assert solution.route is not None
    route = problem.routes[solution.route]
    handovers = assemble.handovers(geo, problem, route, solution.blocks)
    segments = assemble.segments(geo, problem, route)
    return Plan(
        operation=info,
        status=solution.status,
        route=assemble.route_of(resolved, solution.route),
        segments=segments,
        assignments=assemble.assignments(geo, problem, route, solution),
        handovers=handovers,
        authorisations=requests.authorisations(
            scenario, route, list(route.countries), info.planned_at, solution.blocks, problem
        ),
        substitutions=requests.substitutions(geo, segments),
        coordination=requests.coordination(scenario, handovers),
        kpis=assemble.kpis(problem, solution.blocks, len(handovers)),
        solver=assemble.solver_info(solution, problem),
        alternatives=assemble.alternatives(resolved, solution.route),
        teams=assemble.teams(problem),
    )


def _warn(scenario: Scenario, geo: Geodata, result: Plan, route: Route | None) -> None:
    """The scenario's warnings (planner.resolve.findings), less what the reasons already say."""
    arrival = result.segments[-1].end if result.segments else None
    said = {(r.code, r.subject) for r in result.reasons}
    result.warnings = [
        w
        for w in findings(scenario, geo, result.operation.planned_at, lawful=route, arrival=arrival)
        if (w.code, w.subject) not in said
    ]


def _self_check(scenario: Scenario, result: Plan, geo: Geodata) -> None:
    """Step 5: the solver-free checker; a violation turns the plan into an invalid answer."""
    violations = check(scenario, result, geo)
    if violations:
        log.error("plan %s fails its own check: %s", scenario.operation.id, violations)
        result.status = PlanStatus.invalid
        result.reasons = [
            Reason(code="self_check_failed", message=str(v), subject=v.subject) for v in violations
        ]
