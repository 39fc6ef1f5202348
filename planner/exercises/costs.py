"""A plan's cost split by the objective's terms, from its blocks, as the engine counts it."""

from __future__ import annotations

from pydantic import Field

from planner.model.blocks import Block
from planner.model.objective import SCALE, block_cost, pickup_offset, scaled
from planner.model.problem import Problem
from planner.plan import Out


class Terms(Out):
    """The objective's terms of one plan: each unweighted, and the weighted total."""

    handovers: float = Field(description="Handovers (the first min_teams blocks pick up, free)")
    team_hours: float = Field(description="Hours teams spend driving to and on watch")
    exposure: float = Field(description="Exposure hours (long follows by one team)")
    foreign_hours: float = Field(description="Hours of foreign observation")
    remote_hours: float = Field(description="Hours a beacon is watched from a desk")
    off_lead: float = Field(description="Blocks by an agency other than the state's lead one")
    changed_hours: float = Field(description="Hours on stretches a previous version gave others")
    total: float = Field(description="The weighted objective, as the engine reports it")


def objective_of(problem: Problem, blocks: list[Block]) -> float:
    """The engine's objective of these blocks: scaled and rounded as the solver sees it."""
    return (sum(scaled(problem, b) for b in blocks) - pickup_offset(problem)) / SCALE


def terms_of(problem: Problem, blocks: list[Block]) -> Terms:
    """The objective of these blocks, term by term."""
    costs = [block_cost(problem, b) for b in blocks]
    return Terms(
        handovers=sum(c.handovers for c in costs)
        - pickup_offset(problem) / SCALE / max(problem.weights.handovers, 1e-9)
        if costs
        else 0.0,
        team_hours=round(sum(c.team_hours for c in costs), 2),
        exposure=round(sum(c.exposure for c in costs), 2),
        foreign_hours=round(sum(c.foreign_hours for c in costs), 2),
        remote_hours=round(sum(c.remote_hours for c in costs), 2),
        off_lead=sum(c.off_lead for c in costs),
        changed_hours=round(sum(c.changed_hours for c in costs), 2),
        total=round(objective_of(problem, blocks), 2),
    )
