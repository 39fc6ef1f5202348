"""The objective (scenario ``weights``), as a cost per block.

- handovers: every block after the first ``min_teams`` on the route starts with a handover;
- team_hours: expected hours a team works on its block: driving from base to its post, then on
  watch (handover overlap included), so a team far away is not sent when a near one is free;
- exposure: long follows by one team are more likely to be noticed; a block's exposure is
  ``follow_hours ** 2 / max_follow_hours`` (a block as long as the limit costs as many exposure
  hours as the limit; two half-length blocks cost half as much);
- foreign_observation: hours a team spends following abroad under foreign observation;
- stability (re-planning after an event only): expected hours a block watches stretches that the
  previous version did not give to its team: another team's stretch, or one the previous version
  did not go along (a new way round is a change too; planner.replan.stability). A penalty, never a
  bonus: coverage is "at least min_teams", so a bonus could pay for needless extra teams;
- remote_coverage: hours a beacon is watched remotely instead of by a team on the spot (a remote
  block has no travel, no exposure and no team-hours: it costs less than a team, not nothing);
- lead agency: in a state that names a ``lead_agency``, a block by another agency pays one more
  handover, since a change of agency inside one state is a handover a coordinator has to explain.

CP-SAT needs integers: costs are scaled by ``SCALE`` and rounded; the reported objective is
divided back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from planner.model.blocks import Block, by_segment
from planner.model.problem import Problem
from planner.model.variables import Variables

SCALE = 100


@dataclass(frozen=True)
class BlockCost:
    """The unweighted terms of one block's cost: a handover and hours (see the module doc)."""

    handovers: float
    team_hours: float
    exposure: float
    foreign_hours: float
    changed_hours: float = 0.0
    remote_hours: float = 0.0
    off_lead: float = 0.0  # a block by another agency than the state's lead agency

    def total(self, problem: Problem) -> float:
        """The block's cost under the problem's weights, unscaled."""
        w = problem.weights
        return (
            w.handovers * self.handovers
            + w.team_hours * self.team_hours
            + w.exposure * self.exposure
            + w.foreign_observation * self.foreign_hours
            + w.stability * self.changed_hours
            + w.remote_coverage * self.remote_hours
            # A change of agency inside a state costs a handover: a block by an agency that is
            # not the state's lead one pays it once.
            + w.handovers * self.off_lead
        )


def changed_hours(problem: Problem, b: Block) -> float:
    """Expected hours of ``b`` on stretches the previous version did not give to its team."""
    if not problem.previous:
        return 0.0
    segs = problem.routes[b.route].segments
    minutes = sum(
        segs[k].nominal_end - segs[k].nominal_start
        for k in range(b.first, b.last + 1)
        if b.team not in problem.previous.get((b.route, k), frozenset())
    )
    return minutes / 60.0


def block_cost(problem: Problem, b: Block) -> BlockCost:
    """The cost terms of block ``b``, as the module doc defines them."""
    team = problem.team(b.team)
    lead = problem.lead_agency.get(team.country)
    off_lead = 1.0 if lead is not None and team.agency != lead else 0.0
    if b.remote:
        # A beacon watched from a desk: no travel, no exposure, a fraction of a team-hour.
        return BlockCost(
            handovers=1.0,
            team_hours=0.0,
            exposure=0.0,
            foreign_hours=0.0,
            changed_hours=changed_hours(problem, b),
            remote_hours=b.watch / 60.0,
            off_lead=off_lead,
        )
    follow_h = b.expected_follow / 60.0
    return BlockCost(
        handovers=1.0,
        team_hours=(b.watch + b.travel) / 60.0,
        exposure=follow_h * follow_h / (problem.max_follow / 60.0),
        foreign_hours=b.foreign_minutes / 60.0,
        changed_hours=changed_hours(problem, b),
        off_lead=off_lead,
    )


def scaled(problem: Problem, b: Block) -> int:
    """The block's weighted cost × ``SCALE``, rounded: its coefficient in the objective."""
    return round(block_cost(problem, b).total(problem) * SCALE)


def pickup_offset(problem: Problem) -> int:
    """The handovers the first blocks of each movement do not make (they pick it up), scaled."""
    need = sum(problem.need(routes[0]) for routes in problem.movements().values())
    return round(problem.weights.handovers * need * SCALE)


def add_objective(model: cp_model.CpModel, problem: Problem, v: Variables) -> None:
    """Minimise the taken blocks' costs, less the pick-up handovers, less optional coverage.

    A movement with ``min_teams`` 0 (a scout car) is watched where a team is cheap: each of its
    segments watched by a taken block earns ``weights.optional_coverage`` per expected hour, once
    however many teams watch it.
    """
    cost = sum(scaled(problem, b) * v.take[b.id] for b in v.blocks.values())
    bonus: list[Any] = []
    covering = by_segment(list(v.blocks.values()))
    for route in problem.routes:
        if problem.need(route.index) != 0 or problem.weights.optional_coverage <= 0:
            continue
        for seg in route.segments:
            takes = [v.take[b.id] for b in covering.get((route.index, seg.index), [])]
            if not takes:
                continue
            seen = model.new_bool_var(f"watched-{seg.id}")
            model.add(seen <= sum(takes))
            model.add(seen <= v.route[route.index])
            hours = (seg.nominal_end - seg.nominal_start) / 60.0
            bonus.append(round(problem.weights.optional_coverage * hours * SCALE) * seen)
    model.minimize(cost - pickup_offset(problem) - sum(bonus))
