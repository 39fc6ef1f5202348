"""An operation of several movements, split for the checker: each movement as a plan of its own.

Every rule about one route (coverage, handovers, the lawful route, the clock, the law) is checked
on each movement's part with the movement's own scenario; the rules about a team (one place at a
time, duty and rest, the follow limit) are checked once, across all movements.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.plan import Plan
from planner.resolve.operation import movement_scenario
from planner.scenario import Scenario


@dataclass(frozen=True)
class Part:
    """One movement's scenario and plan, and whether watching it is optional (min_teams 0)."""

    movement: str
    scenario: Scenario
    plan: Plan
    optional: bool


def split(scenario: Scenario, plan: Plan) -> list[Part]:
    """Each movement of ``plan`` as a :class:`Part` (empty for a one-movement plan)."""
    specs = {m.id: m for m in scenario.movements}
    out = []
    for m in plan.movements:
        spec = specs.get(m.id)
        segments = [s for s in plan.segments if s.movement == m.id]
        if spec is None or not segments:
            continue
        ids = {s.id for s in segments}
        part = plan.model_copy(
            update={
                "segments": segments,
                "assignments": [a for a in plan.assignments if a.segment in ids],
                "handovers": [h for h in plan.handovers if h.movement == m.id],
                "authorisations": [
                    a for a in plan.authorisations if a.country in m.route.countries
                ],
                "route": m.route,
                "movements": [],
                "transfers": [],
                # Each movement's requests are due its lead times before it leaves.
                "operation": plan.operation.model_copy(
                    update={"departure": segments[0].nominal_start}
                ),
            }
        )
        single = movement_scenario(scenario, spec, segments[0].nominal_start)
        out.append(Part(m.id, single, part, spec.min_teams == 0))
    return out
