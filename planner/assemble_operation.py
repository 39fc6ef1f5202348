"""The plan document of an operation of several movements, one chosen route each.

Each movement is assembled as a plan of its own (planner.assemble) and the parts are put side
by side: segments, assignments and handovers name their movement; the requests to a state are
merged (the earliest time wins, as the state authorises the operation once); the figures are
given per movement and in total; each transfer is listed with its watch.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geodata.layers import Geodata
from geodata.localtime import local_time
from planner import assemble
from planner.law import requests
from planner.model.problem import Problem
from planner.model.solve import Solution
from planner.plan import (
    Authorisation,
    Handover,
    OperationInfo,
    Plan,
    PlanMovement,
    PlanTransfer,
)
from planner.resolve.operation import movement_scenario
from planner.resolve.resolver import Resolved
from planner.scenario import Scenario


def _merge(requested: list[Authorisation]) -> list[Authorisation]:
    """One request per state, kind and observer: the earliest."""
    best: dict[tuple[str, str, str | None], Authorisation] = {}
    for a in requested:
        key = (a.country, a.kind, a.observer)
        if key not in best or a.request_by < best[key].request_by:
            best[key] = a
    return sorted(best.values(), key=lambda a: (a.request_by, a.country, a.kind))


def _departure(problem: Problem, route: int) -> datetime:
    return problem.at(problem.routes[route].segments[0].nominal_start)


def _transfers(scenario: Scenario, plan: Plan, geo: Geodata) -> list[PlanTransfer]:
    out = []
    for t in scenario.transfers:
        first = next((s for s in plan.segments if s.movement == t.to), None)
        if first is None:
            continue
        out.append(
            PlanTransfer.model_validate(
                {
                    "from": t.from_,
                    "to": t.to,
                    "place": first.from_,
                    "start": first.nominal_start,
                    "end": first.nominal_end if first.mode == "stop" else first.nominal_start,
                    "start_local": local_time(geo, first.nominal_start, first.from_.country),
                }
            )
        )
    return out


def _transfer_handovers(
    scenario: Scenario, plan: Plan, geo: Geodata, overlap: int
) -> list[Handover]:
    """The watch passing from the teams on a movement's last stretch to the next movement's."""
    out = []
    agency = {t.id: t.agency for t in plan.teams}
    country = {t.id: t.country for t in plan.teams}
    for t in scenario.transfers:
        before = [s for s in plan.segments if s.movement == t.from_]
        after = [s for s in plan.segments if s.movement == t.to]
        if not before or not after:
            continue
        last, first = before[-1], after[0]
        outgoing = sorted({a.team for a in plan.assignments if a.segment == last.id})
        incoming = sorted({a.team for a in plan.assignments if a.segment == first.id})
        if not outgoing:
            continue
        end = last.nominal_end
        start = end - timedelta(minutes=overlap)
        for i, new in enumerate(incoming):
            old = outgoing[i % len(outgoing)]
            if old == new:
                continue
            out.append(
                Handover(
                    kind="transfer",
                    place=first.from_,
                    movement=f"{t.from_}>{t.to}",
                    from_team=old,
                    to_team=new,
                    from_agency=agency[old],
                    to_agency=agency[new],
                    start=start,
                    end=end,
                    start_local=local_time(geo, start, first.from_.country),
                    end_local=local_time(geo, end, first.from_.country),
                    from_local=local_time(geo, end, country[old]),
                    to_local=local_time(geo, end, country[new]),
                    earliest=first.start,
                    latest=last.end,
                )
            )
    return out


def assemble_operation(
    scenario: Scenario,
    geo: Geodata,
    resolved: Resolved,
    problem: Problem,
    solution: Solution,
    info: OperationInfo,
) -> Plan:
    """The plan of every movement on its chosen route (see the module doc)."""
    specs = {m.id: m for m in scenario.movements}
    plan = Plan(operation=info, status=solution.status)
    requested: list[Authorisation] = []
    duties = assemble.duty_numbers(problem, solution)
    for r in solution.routes:
        route = problem.routes[r]
        spec = specs[route.movement]
        single = movement_scenario(scenario, spec, _departure(problem, r))
        blocks = [b for b in solution.blocks if b.route == r]
        part = Solution(
            status=solution.status,
            report=solution.report,
            route=r,
            blocks=blocks,
            duty_of=solution.duty_of,
        )
        segments = [
            s.model_copy(update={"movement": spec.id})
            for s in assemble.segments(geo, problem, route)
        ]
        handovers = [
            h.model_copy(update={"movement": spec.id})
            for h in assemble.handovers(geo, problem, route, blocks)
        ]
        plan.segments += segments
        plan.assignments += [
            a.model_copy(update={"movement": spec.id})
            for a in assemble.assignments(geo, problem, route, part, duties)
        ]
        plan.handovers += handovers
        requested += requests.authorisations(
            single, route, list(route.countries), info.planned_at, blocks, problem
        )
        plan.substitutions += requests.substitutions(geo, segments)
        plan.movements.append(
            PlanMovement(
                id=spec.id,
                consignment=spec.consignment.kind,
                delivery=spec.consignment.delivery.value,
                min_teams=spec.min_teams,
                route=assemble.route_of(resolved, r),
                kpis=assemble.kpis(problem, blocks, len(handovers)),
            )
        )
    plan.assignments.sort(key=lambda a: (a.start, a.segment, a.team))
    plan.authorisations = _merge(requested)
    plan.coordination = requests.coordination(scenario, plan.handovers)
    plan.route = plan.movements[0].route
    plan.solver = assemble.solver_info(solution, problem)
    chosen = set(solution.routes)
    plan.alternatives = [
        a.model_copy(update={"chosen": i in chosen, "movement": problem.routes[i].movement})
        for i, a in enumerate(assemble.alternatives(resolved, solution.route))
    ]
    plan.teams = assemble.teams(problem)
    plan.transfers = _transfers(scenario, plan, geo)
    plan.handovers += _transfer_handovers(scenario, plan, geo, problem.overlap)
    plan.kpis = assemble.kpis(problem, solution.blocks, len(plan.handovers))
    return plan
